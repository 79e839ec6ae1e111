//! Load stage: find lesson files under `source/` and read them as UTF-8 text.
//!
//! A file that cannot be read or is not UTF-8 becomes a diagnostic, not an abort, so that one bad
//! file does not hide the errors of the others.

use std::path::{Path, PathBuf};

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::SourceFile;

/// What the load stage found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every lesson file, sorted by path; unreadable ones have empty text.
    pub files: Vec<SourceFile>,
    /// Files that could not be used.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading failed for an I/O reason (as opposed to bad content).
    pub io_failed: bool,
}

/// Why there is nothing to load at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `source/` does not exist.
    #[error(
        "lesson folder `{}` does not exist (create it, or run `cardsmith init` to scaffold a project)",
        path.display()
    )]
    MissingSourceDir {
        /// The folder.
        path: PathBuf,
    },
    /// `source/` holds no `*.md` file.
    #[error(
        "no lessons found: `{}` holds no `*.md` file (add one, e.g. `{}/lesson.md`; `cardsmith init` writes an example)",
        path.display(),
        path.display()
    )]
    NoLessons {
        /// The folder.
        path: PathBuf,
    },
    /// A file the load stage reads failed for a reason other than being absent.
    #[error("failed to read `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Walking the folder failed.
    #[error("failed to list `{}`", path.display())]
    Walk {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: walkdir::Error,
    },
}

/// Finds every `*.md` under `source_dir` (recursively, sorted) and reads it. Paths in the result are
/// relative to `root` when possible.
pub fn load_sources(root: &Path, source_dir: &Path) -> Result<Loaded, LoadError> {
    if !source_dir.is_dir() {
        return Err(LoadError::MissingSourceDir {
            path: display_path(root, source_dir),
        });
    }
    let paths = lesson_paths(source_dir).map_err(|source| LoadError::Walk {
        path: display_path(root, source_dir),
        source,
    })?;
    if paths.is_empty() {
        return Err(LoadError::NoLessons {
            path: display_path(root, source_dir),
        });
    }
    let mut loaded = Loaded::default();
    for path in paths {
        let file = FileId(loaded.files.len());
        let shown = display_path(root, &path);
        let text = match std::fs::read(&path) {
            Ok(bytes) => {
                let (text, problem) = decode(file, &bytes);
                loaded.diagnostics.extend(problem);
                text
            }
            Err(error) => {
                loaded.io_failed = true;
                loaded.diagnostics.push(
                    Diagnostic::error(
                        codes::UNREADABLE_FILE,
                        Span::new(file, 0..0),
                        format!("cannot read this file: {error}"),
                    )
                    .with_help("check that the file exists and that you may read it"),
                );
                String::new()
            }
        };
        loaded.files.push(SourceFile { path: shown, text });
    }
    Ok(loaded)
}

/// Every lesson file under `source_dir`: `*.md`, not hidden, recursively, sorted by path.
pub fn lesson_paths(source_dir: &Path) -> Result<Vec<PathBuf>, walkdir::Error> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(source_dir).sort_by_file_name() {
        let entry = entry?;
        let is_markdown = entry.path().extension().is_some_and(|ext| ext == "md");
        let is_hidden = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with('.'));
        // A symlink is kept even when dangling, so that a broken link is reported, not skipped.
        let is_file =
            entry.file_type().is_file() || (entry.path_is_symlink() && !entry.path().is_dir());
        if is_file && is_markdown && !is_hidden {
            paths.push(entry.into_path());
        }
    }
    Ok(paths)
}

/// The text of a renderer's state file `name` at the project root (`cardsmith.lock`); `None`
/// when it does not exist yet.
pub fn read_state(root: &Path, name: &str) -> Result<Option<String>, LoadError> {
    let path = root.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LoadError::Read { path, source }),
    }
}

impl From<Vec<SourceFile>> for Loaded {
    /// Lesson text already in memory (an editor's buffers): nothing failed to load.
    fn from(files: Vec<SourceFile>) -> Self {
        Loaded {
            files,
            ..Loaded::default()
        }
    }
}

/// Decodes a file as UTF-8 without its byte-order mark. Invalid UTF-8 gives the lossy text (so the
/// report can show the line) and a diagnostic at the first bad byte.
pub fn decode(file: FileId, bytes: &[u8]) -> (String, Option<Diagnostic>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(error) => {
            let valid = error.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text is identical to the input up to the first bad byte, so the offset holds.
            let diagnostic = Diagnostic::error(
                codes::UNREADABLE_FILE,
                Span::new(file, valid..valid + char::REPLACEMENT_CHARACTER.len_utf8()),
                "file is not valid UTF-8",
            )
            .with_label("invalid byte here")
            .with_help("save the file as UTF-8 (most editors: \"Save with encoding\" > UTF-8)");
            (lossy, Some(diagnostic))
        }
    }
}

/// `path` relative to `root` when it is inside it, as the user wants to see it.
fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_drops_byte_order_mark() {
        assert_eq!(
            decode(FileId(0), b"\xEF\xBB\xBFhi"),
            ("hi".to_owned(), None)
        );
    }

    #[test]
    fn decode_points_at_first_invalid_byte() {
        let (text, diagnostic) = decode(FileId(0), b"ok\nab\xFFc");
        let diagnostic = diagnostic.expect("invalid UTF-8 is reported");
        assert_eq!(diagnostic.span.range, 5..8);
        assert_eq!(&text[5..8], "\u{FFFD}");
        assert!(text.starts_with("ok\nab"));
    }
}
