//! `cardsmith check --fix`: the one fix applied automatically, adding missing item ids. Every
//! other fix is a help line: rewording an answer is the author's call.

use std::collections::HashSet;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId, Span};
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

/// One id to add: ` {#slug}` at the end of a question heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingId {
    /// The heading without an id (the span of its S004 diagnostic).
    pub heading: Span,
    /// The new id: the slug of the question, unique in the project.
    pub slug: String,
}

impl MissingId {
    /// What to insert at `heading.range.end`.
    pub fn insertion(&self) -> String {
        format!(" {{#{}}}", self.slug)
    }
}

/// The id every question heading without one should get: the slug of the question, made unique
/// in the project with `-2`, `-3`, ... Files with an `unreadable-file` diagnostic are left alone:
/// their text was decoded lossily, and writing it back would destroy the bytes that are not UTF-8.
pub fn missing_ids(course: &Course, diagnostics: &[Diagnostic]) -> Vec<MissingId> {
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
    let mut missing = Vec::new();
    for lesson in course
        .lessons
        .iter()
        .filter(|lesson| !unreadable.contains(&lesson.file))
    {
        for item in lesson.items.iter().filter(|item| item.id_span.is_none()) {
            let base = slugify(&item.question);
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(slug.clone());
            missing.push(MissingId {
                heading: item.heading_span.clone(),
                slug,
            });
        }
    }
    missing
}

/// Adds every [`missing_ids`] id to its file, in the files `in_scope` accepts (`check --fix
/// PATHS` fixes only those; the ids stay the ones a fix of the whole project would add). Returns
/// only the files that change.
pub fn add_missing_ids(
    course: &Course,
    diagnostics: &[Diagnostic],
    in_scope: impl Fn(FileId) -> bool,
) -> Vec<FixedFile> {
    let mut fixed: Vec<FixedFile> = Vec::new();
    // `missing_ids` goes file by file, in order within each file: insert from the back so the
    // earlier offsets hold.
    let all = missing_ids(course, diagnostics);
    for missing in all
        .iter()
        .rev()
        .filter(|missing| in_scope(missing.heading.file))
    {
        let file = missing.heading.file;
        if fixed.last().is_none_or(|last| last.file != file) {
            fixed.push(FixedFile {
                file,
                text: course.file(file).text.clone(),
                ids_added: 0,
            });
        }
        let current = fixed.last_mut().expect("pushed above");
        current
            .text
            .insert_str(missing.heading.range.end, &missing.insertion());
        current.ids_added += 1;
    }
    fixed.reverse();
    fixed
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
        let fixed = add_missing_ids(&course, &diagnostics, |_| true);
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

    #[test]
    fn unreadable_files_are_not_rewritten() {
        let text = format!("{}### Why Parquet?\n\nA.\n", FRONT.replace("ID", "a"));
        let (course, mut diagnostics) = course(&[&text]);
        diagnostics.push(Diagnostic::new(
            codes::UNREADABLE_FILE,
            crate::diagnostic::Span::new(FileId(0), 0..1),
            "not UTF-8",
        ));
        assert!(add_missing_ids(&course, &diagnostics, |_| true).is_empty());
    }
}
