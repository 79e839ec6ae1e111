//! Writing a build's files: all-or-nothing as far as the file system allows.
//!
//! Every artifact is first written to a temporary file in its final folder (same file system, so
//! the rename is atomic); only when all of them are written are they renamed into place. A failure
//! before that point leaves every previous output whole and removes the temporaries.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Artifact;

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
#[error("failed to write `{}`", path.display())]
pub struct WriteError {
    /// The file or folder that could not be written.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// Writes `artifacts` under `out_dir`; returns the paths written, in order.
pub fn write_atomically(
    out_dir: &Path,
    artifacts: &[Artifact],
) -> Result<Vec<PathBuf>, WriteError> {
    let mut staged = Vec::with_capacity(artifacts.len());
    for artifact in artifacts {
        let destination = out_dir.join(&artifact.path);
        let folder = destination.parent().unwrap_or(out_dir).to_path_buf();
        std::fs::create_dir_all(&folder).map_err(|source| WriteError {
            path: folder.clone(),
            source,
        })?;
        let mut temp = tempfile::Builder::new()
            .prefix(".cardsmith-")
            .suffix(".tmp")
            .tempfile_in(&folder)
            .map_err(|source| WriteError {
                path: folder.clone(),
                source,
            })?;
        temp.write_all(&artifact.bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|source| WriteError {
                path: destination.clone(),
                source,
            })?;
        staged.push((temp, destination));
    }
    // Dropping `staged` on an early return deletes the temporaries that were not persisted.
    let mut written = Vec::with_capacity(staged.len());
    for (temp, destination) in staged {
        temp.persist(&destination).map_err(|error| WriteError {
            path: destination.clone(),
            source: error.error,
        })?;
        written.push(destination);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let artifacts = vec![
            Artifact {
                path: "a.md".into(),
                bytes: b"A".to_vec(),
            },
            Artifact {
                path: "sub/b.md".into(),
                bytes: b"B".to_vec(),
            },
        ];
        write_atomically(dir.path(), &artifacts).expect("writes");
        assert_eq!(std::fs::read(dir.path().join("a.md")).expect("a"), b"A");
        assert_eq!(std::fs::read(dir.path().join("sub/b.md")).expect("b"), b"B");
        let leftovers: Vec<_> = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
