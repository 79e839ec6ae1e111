//! Writing a build's files: all-or-nothing as far as the file system allows.
//!
//! Every artifact is first written to a temporary file in its final folder (same file system, so
//! the rename is atomic); only when all of them are written are they renamed into place. A failure
//! before that point leaves every previous output whole and removes the temporaries.
//!
//! A manifest (`out/.cardsmith-manifest`) lists what the last build wrote, so that outputs of a
//! lesson that was since renamed or removed are deleted, and files the user put in `out/` are not.

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

/// Name of the list of files the last build wrote, inside the output folder.
pub const MANIFEST: &str = ".cardsmith-manifest";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written, in order.
    pub written: Vec<PathBuf>,
    /// Outputs of the previous build that this build no longer produces, now deleted.
    pub removed: Vec<PathBuf>,
}

/// Writes `artifacts` under `out_dir` atomically, then deletes what the previous build wrote
/// and this one did not, and records the new manifest.
pub fn write_build(out_dir: &Path, artifacts: &[Artifact]) -> Result<Written, WriteError> {
    let previous = read_manifest(out_dir);
    let written = write_atomically(out_dir, artifacts)?;
    let current: Vec<String> = artifacts
        .iter()
        .map(|artifact| manifest_entry(&artifact.path))
        .collect();
    let mut removed = Vec::new();
    for stale in previous.iter().filter(|entry| !current.contains(entry)) {
        let path = out_dir.join(stale);
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError { path, source }),
        }
    }
    let mut manifest = current.join("\n");
    manifest.push('\n');
    write_atomically(
        out_dir,
        &[Artifact {
            path: PathBuf::from(MANIFEST),
            bytes: manifest.into_bytes(),
        }],
    )?;
    Ok(Written { written, removed })
}

/// The manifest's entries; a missing or unreadable manifest lists nothing (so nothing is deleted).
fn read_manifest(out_dir: &Path) -> Vec<String> {
    std::fs::read_to_string(out_dir.join(MANIFEST))
        .map(|text| {
            text.lines()
                .map(str::trim)
                // Never follow an entry out of the output folder, whoever edited the manifest.
                .filter(|line| {
                    !line.is_empty() && !line.split('/').any(|part| part == ".." || part.is_empty())
                })
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn manifest_entry(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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
        let mut temp = temp_file_builder()
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

/// Temporary files next to their destination. tempfile creates them 0600 and `persist` keeps
/// the mode; outputs are meant to be shared, served and imported, so on Unix they get an ordinary
/// file's 0644.
fn temp_file_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cardsmith-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(path: &str) -> Artifact {
        Artifact {
            path: path.into(),
            bytes: path.as_bytes().to_vec(),
        }
    }

    #[test]
    fn removes_outputs_the_build_no_longer_makes_but_not_user_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        write_build(dir.path(), &[artifact("old.md"), artifact("kept.md")]).expect("first build");
        std::fs::write(dir.path().join("notes.txt"), "mine").expect("user file");
        let second = write_build(dir.path(), &[artifact("kept.md"), artifact("new.md")])
            .expect("second build");
        assert_eq!(second.removed, [dir.path().join("old.md")]);
        assert!(!dir.path().join("old.md").exists());
        assert!(dir.path().join("notes.txt").exists());
        assert!(dir.path().join("new.md").exists());
    }

    #[test]
    fn manifest_entries_cannot_leave_the_output_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).expect("out");
        std::fs::write(dir.path().join("precious.md"), "keep").expect("outside file");
        std::fs::write(out.join(MANIFEST), "../precious.md\n/etc/passwd\n").expect("manifest");
        write_build(&out, &[artifact("a.md")]).expect("build");
        assert!(dir.path().join("precious.md").exists());
    }

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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("a.md"))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "outputs are readable by others, like any build output"
            );
        }
        assert_eq!(std::fs::read(dir.path().join("sub/b.md")).expect("b"), b"B");
        let leftovers: Vec<_> = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
