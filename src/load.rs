//! Load stage: find lesson files under `source/` and read them as UTF-8 text.
//!
//! A file that cannot be read or is not UTF-8 becomes a diagnostic, not an abort, so that one bad
//! file does not hide the errors of the others. Lessons are read through [`ProjectRoot::read`]: a
//! lesson that is a symlink out of the project, a FIFO or device, or larger than
//! `limits.lesson-bytes` is refused with a diagnostic and never read (so its text never shows).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::{AssetSource, MemoryAssets};
use crate::codes;
use crate::confine::{Limit, ProjectRoot, ReadError};
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::SourceFile;

/// What the load stage found.
#[derive(Debug)]
pub struct Loaded {
    /// Every lesson file, sorted by path; unreadable ones have empty text.
    pub files: Vec<SourceFile>,
    /// Files that could not be used.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading failed for an I/O reason (as opposed to bad content).
    pub io_failed: bool,
    /// Files that could not be read at all (their text is empty): only their read error counts.
    pub unreadable: Vec<FileId>,
    /// Where the files the lessons refer to are read: the project on disk after
    /// [`load_sources`]; none at all by default.
    pub assets: Arc<dyn AssetSource>,
}

impl Default for Loaded {
    fn default() -> Self {
        Loaded {
            files: Vec::new(),
            diagnostics: Vec::new(),
            io_failed: false,
            unreadable: Vec::new(),
            assets: Arc::new(MemoryAssets::default()),
        }
    }
}

/// The project at `root` on disk as the source of the files lessons refer to, confined to it.
pub fn project_assets(root: &Path) -> Result<Arc<dyn AssetSource>, LoadError> {
    ProjectRoot::new(root)
        .map(|project| Arc::new(project) as Arc<dyn AssetSource>)
        .map_err(|source| LoadError::Root {
            path: root.to_path_buf(),
            source,
        })
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
    /// The project root cannot be resolved.
    #[error("failed to resolve the project folder `{}`", path.display())]
    Root {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
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

/// Finds every `*.md` under `source_dir` (recursively, sorted) and reads it, refusing any larger
/// than `limit`. Paths in the result are relative to `root` when possible.
pub fn load_sources(root: &Path, source_dir: &Path, limit: Limit) -> Result<Loaded, LoadError> {
    if !source_dir.is_dir() {
        return Err(LoadError::MissingSourceDir {
            path: display_path(root, source_dir),
        });
    }
    let project = ProjectRoot::new(root).map_err(|source| LoadError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    let paths = lesson_paths(source_dir).map_err(|source| LoadError::Walk {
        path: display_path(root, source_dir),
        source,
    })?;
    if paths.is_empty() {
        return Err(LoadError::NoLessons {
            path: display_path(root, source_dir),
        });
    }
    let mut loaded = Loaded {
        assets: Arc::new(project.clone()),
        ..Loaded::default()
    };
    // Read and decoded on rayon's threads, gathered in path order.
    let read: Vec<(PathBuf, Result<Decoded, ReadError>)> = paths
        .par_iter()
        .enumerate()
        .map(|(index, path)| {
            let read = project
                .read(path, limit)
                .map(|bytes| decode(FileId(index), bytes));
            (display_path(root, path), read)
        })
        .collect();
    for (shown, read) in read {
        let file = FileId(loaded.files.len());
        let text = match read {
            Ok((text, problem)) => {
                loaded.diagnostics.extend(problem);
                text
            }
            Err(error) => {
                loaded.io_failed |= error.is_io();
                loaded.diagnostics.push(refused(file, &error));
                loaded.unreadable.push(file);
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
        // Anything but a folder is kept (a dangling symlink, a FIFO named `*.md`), so that it is
        // reported, not skipped; the read refuses what is not a regular file.
        let is_file = !entry.file_type().is_dir() && !entry.path().is_dir();
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

/// The diagnostic for a lesson that could not be read, at its first line.
fn refused(file: FileId, error: &ReadError) -> Diagnostic {
    let help = match error {
        ReadError::Outside { .. } => {
            "lessons are files inside the project: copy the file in instead of linking to it"
        }
        ReadError::NotAFile { .. } => "a lesson is a regular `*.md` file: remove or rename this",
        ReadError::TooLarge { .. } => {
            "split the lesson into several files, or raise `limits.lesson-bytes` in cardsmith.toml"
        }
        ReadError::NotFound => "the file (or the target of its symlink) does not exist",
        ReadError::Io(_) => "check that the file exists and that you may read it",
    };
    Diagnostic::new(
        codes::UNREADABLE_FILE,
        Span::new(file, 0..0),
        format!("cannot read this file: {error}"),
    )
    .with_help(help)
}

/// A file's text, and the diagnostic for its bytes that are not UTF-8.
type Decoded = (String, Option<Diagnostic>);

/// Decodes a file as UTF-8 without its byte-order mark, in place (valid text is not copied).
/// Invalid UTF-8 gives the lossy text (so the report can show the line) and a diagnostic at the
/// first bad byte.
pub fn decode(file: FileId, bytes: Vec<u8>) -> Decoded {
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text is identical to the input up to the first bad byte, so the offset holds.
            let diagnostic = Diagnostic::new(
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
            decode(FileId(0), b"\xEF\xBB\xBFhi".to_vec()),
            ("hi".to_owned(), None)
        );
    }

    #[test]
    fn decode_points_at_first_invalid_byte() {
        let (text, diagnostic) = decode(FileId(0), b"ok\nab\xFFc".to_vec());
        let diagnostic = diagnostic.expect("invalid UTF-8 is reported");
        assert_eq!(diagnostic.span.range, 5..8);
        assert_eq!(&text[5..8], "\u{FFFD}");
        assert!(text.starts_with("ok\nab"));
    }
}
