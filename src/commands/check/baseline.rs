//! `cardsmith check --baseline FILE`: adopt the linter on an existing content repository and fail
//! only on new problems.
//!
//! The first run (FILE absent) records every current diagnostic; later runs drop the recorded ones
//! and report the rest. Structural problems (S codes, which no suppression silences) are never
//! recorded nor dropped: `build` refuses on them, so `check` must keep failing on them too. An entry is identified by path, code, item and message, never by line, so
//! edits elsewhere in a file do not resurrect it; a count lets one item keep two identical ones.
//! The file is JSON, sorted, meant to be committed:
//!
//! ```json
//! { "version": 1, "entries": [
//!   { "path": "source/a.md", "code": "Q001", "item_id": "x", "message": "...", "count": 1 } ] }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::lint::registry::{self, RuleEntry};
use crate::model::SourceFile;

/// The recorded diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version, 1.
    pub version: u32,
    /// One entry per distinct (path, code, item, message).
    pub entries: Vec<Entry>,
}

/// One recorded kind of diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, as reported.
    pub path: String,
    /// E.g. `Q001`.
    pub code: String,
    /// The item, when the diagnostic belongs to one.
    pub item_id: Option<String>,
    /// The message.
    pub message: String,
    /// How many such diagnostics were recorded.
    pub count: usize,
}

type Key = (String, String, Option<String>, String);

fn key(diagnostic: &Diagnostic, files: &[SourceFile]) -> Key {
    (
        files[diagnostic.span.file.0].path.display().to_string(),
        diagnostic.code.code.to_owned(),
        diagnostic.item_id.clone(),
        diagnostic.message.clone(),
    )
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Reading or writing failed.
    #[error("failed to access baseline `{}`", path.display())]
    Io {
        /// The baseline file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a baseline.
    #[error("baseline `{}` is not valid", path.display())]
    Invalid {
        /// The baseline file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

/// Whether a baseline records (and so hides) `diagnostic`: every one but the structure errors,
/// which nothing may silence (see [`RuleEntry::can_be_silenced`]).
pub fn is_recorded(diagnostic: &Diagnostic) -> bool {
    registry::find(diagnostic.code.code).is_none_or(RuleEntry::can_be_silenced)
}

impl Baseline {
    /// Records the `diagnostics` a baseline may hold (see [`is_recorded`]).
    pub fn record(diagnostics: &[Diagnostic], files: &[SourceFile]) -> Baseline {
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for diagnostic in diagnostics.iter().filter(|d| is_recorded(d)) {
            *counts.entry(key(diagnostic, files)).or_default() += 1;
        }
        Baseline {
            version: 1,
            entries: counts
                .into_iter()
                .map(|((path, code, item_id, message), count)| Entry {
                    path,
                    code,
                    item_id,
                    message,
                    count,
                })
                .collect(),
        }
    }

    /// Drops the diagnostics the baseline records; returns how many were dropped.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>, files: &[SourceFile]) -> usize {
        let mut left: BTreeMap<Key, usize> = self
            .entries
            .iter()
            .map(|entry| {
                let key = (
                    entry.path.clone(),
                    entry.code.clone(),
                    entry.item_id.clone(),
                    entry.message.clone(),
                );
                (key, entry.count)
            })
            .collect();
        let before = diagnostics.len();
        diagnostics.retain(|diagnostic| match left.get_mut(&key(diagnostic, files)) {
            Some(count) if *count > 0 && is_recorded(diagnostic) => {
                *count -= 1;
                false
            }
            _ => true,
        });
        before - diagnostics.len()
    }

    /// Reads a baseline file; `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<Baseline>, BaselineError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|source| BaselineError::Invalid {
                        path: path.to_path_buf(),
                        source,
                    })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(BaselineError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes the baseline with the one file writer ([`crate::output::write_file`]: atomic,
    /// keeping the mode, through a symlink only to a target inside `root`).
    pub fn write(&self, root: &Path, path: &Path) -> Result<(), BaselineError> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline always serializes");
        text.push('\n');
        crate::output::write_file(root, path, text.as_bytes()).map_err(|error| {
            BaselineError::Io {
                path: error.path,
                source: error.source,
            }
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileId, Span};
    use crate::lint::rules::long_answer::LongAnswer;

    #[test]
    fn recorded_diagnostics_are_dropped_once_each() {
        let files = vec![SourceFile {
            path: PathBuf::from("a.md"),
            text: "x\ny\n".to_owned(),
        }];
        let diagnostic = |at: usize| {
            Diagnostic::new(LongAnswer::CODE, Span::new(FileId(0), at..at), "long").with_item("x")
        };
        let baseline = Baseline::record(&[diagnostic(0)], &files);
        // Moved to another line: still recorded. A second one is new.
        let mut now = vec![diagnostic(2), diagnostic(2)];
        assert_eq!(baseline.filter(&mut now, &files), 1);
        assert_eq!(now.len(), 1);
    }
}
