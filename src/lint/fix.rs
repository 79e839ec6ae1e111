//! `cardsmith check --fix`: the one fix applied automatically, adding missing item ids. Every
//! other fix is a help line: rewording an answer is the author's call.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::Course;
use crate::parse::slugify;

/// A file's new text after fixing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    /// Which file.
    pub file: FileId,
    /// Its whole new text.
    pub text: String,
    /// How many ids were added.
    pub ids_added: usize,
}

/// Adds ` {#slug}` to every question heading without an id: the slug of the question, made unique
/// in the project with `-2`, `-3`, ... Returns only the files that change. Files with an
/// `unreadable-file` diagnostic are left alone: their text was decoded lossily, and writing it
/// back would destroy the bytes that are not UTF-8.
pub fn add_missing_ids(course: &Course, diagnostics: &[Diagnostic]) -> Vec<FixedFile> {
    let unreadable: HashSet<FileId> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == codes::UNREADABLE_FILE)
        .map(|diagnostic| diagnostic.span.file)
        .collect();
    let mut taken: HashSet<String> = course
        .items()
        .filter(|(_, item)| item.id_span.is_some())
        .map(|(_, item)| item.id.clone())
        .collect();
    let mut fixed = Vec::new();
    for lesson in course
        .lessons
        .iter()
        .filter(|lesson| !unreadable.contains(&lesson.file))
    {
        let mut inserts: Vec<(usize, String)> = Vec::new();
        for item in lesson.items.iter().filter(|item| item.id_span.is_none()) {
            let base = slugify(&item.question);
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(slug.clone());
            inserts.push((item.heading_span.range.end, format!(" {{#{slug}}}")));
        }
        if inserts.is_empty() {
            continue;
        }
        let mut text = course.file(lesson.file).text.clone();
        for (at, insert) in inserts.iter().rev() {
            text.insert_str(*at, insert);
        }
        fixed.push(FixedFile {
            file: lesson.file,
            text,
            ids_added: inserts.len(),
        });
    }
    fixed
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed over it, so a
/// crash leaves either the old file or the new one. The file keeps its permissions (a new one gets
/// an ordinary 0644: tempfile would create it 0600, and `persist` keeps the mode).
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cardsmith-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(folder)?;
    // Set after creation, where the umask no longer applies.
    if let Ok(metadata) = std::fs::metadata(path) {
        temp.as_file().set_permissions(metadata.permissions())?;
    }
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;

    fn course(texts: &[&str]) -> (Course, Vec<Diagnostic>) {
        let files = texts
            .iter()
            .enumerate()
            .map(|(index, text)| SourceFile {
                path: format!("l{index}.md").into(),
                text: (*text).to_owned(),
            })
            .collect();
        crate::parse::parse_course(files)
    }

    const FRONT: &str = "---\nid: ID\ntitle: T\ndeck: D\n---\n\n";

    #[test]
    fn ids_are_slugs_unique_across_files() {
        let a = format!(
            "{}### Why Parquet? {{#why-parquet}}\n\nA.\n",
            FRONT.replace("ID", "a")
        );
        let b = format!(
            "{}### Why Parquet?\r\n\r\nB.\r\n\r\n### Why Parquet?\n\nC.\n",
            FRONT.replace("ID", "b")
        );
        let (course, diagnostics) = course(&[&a, &b]);
        let fixed = add_missing_ids(&course, &diagnostics);
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].ids_added, 2);
        assert!(
            fixed[0]
                .text
                .contains("### Why Parquet? {#why-parquet-2}\r\n"),
            "{}",
            fixed[0].text
        );
        assert!(
            fixed[0]
                .text
                .contains("### Why Parquet? {#why-parquet-3}\n"),
            "{}",
            fixed[0].text
        );
    }

    #[cfg(unix)]
    #[test]
    fn rewritten_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).expect("chmod");
        write_file(&path, b"new").expect("rewrite");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o664);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let fresh = dir.path().join("b.json");
        write_file(&fresh, b"{}").expect("write");
        let mode = std::fs::metadata(&fresh)
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn unreadable_files_are_not_rewritten() {
        let text = format!("{}### Why Parquet?\n\nA.\n", FRONT.replace("ID", "a"));
        let (course, mut diagnostics) = course(&[&text]);
        diagnostics.push(Diagnostic::error(
            codes::UNREADABLE_FILE,
            crate::diagnostic::Span::new(FileId(0), 0..1),
            "not UTF-8",
        ));
        assert!(add_missing_ids(&course, &diagnostics).is_empty());
    }
}
