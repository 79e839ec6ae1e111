//! The one writer for every file cardsmith writes: build outputs, `check --fix`, the baseline and
//! `cardsmith.lock`.
//!
//! A file is written to a temporary file in the folder it ends up in (same file system, so the
//! rename is atomic), synced, then renamed over the destination: a crash leaves the old file or
//! the new one, never part of either. The new file keeps the mode of the one it replaces; a new
//! file gets an ordinary 0644 (tempfile would create it 0600, and the rename keeps the mode).
//! A destination that is a symlink is written through: the link stays and its target is
//! replaced, but only when that target is inside the project.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("failed to write `{}`", path.display())]
pub struct WriteError {
    /// The file or folder that could not be written.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

impl WriteError {
    /// A failure at `path`.
    pub fn at(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        WriteError {
            path: path.into(),
            source,
        }
    }
}

/// Names of temporary files start with this (and end with [`TEMP_SUFFIX`]), so that those a
/// killed run left behind can be recognised and removed.
pub const TEMP_PREFIX: &str = ".cardsmith-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of cardsmith's temporary files.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Replaces the file at `path` (inside `root`) with `bytes`, atomically, keeping its mode. When
/// `path` is a symlink, its target is replaced instead, and must lie inside `root`: a lesson
/// linked from elsewhere in the project stays a link. Returns the file actually written.
pub fn write_file(root: &Path, path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let destination = resolve_within(root, path)?;
    write_atomically(&destination, bytes, Some(&destination))
        .map_err(|source| WriteError::at(&destination, source))?;
    Ok(destination)
}

/// The file a write to `path` must replace: `path` itself, or the final target of a symlink,
/// which must be inside `root`.
pub fn resolve_within(root: &Path, path: &Path) -> Result<PathBuf, WriteError> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    if !is_link {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|source| WriteError::at(path, source))?;
    let root = std::fs::canonicalize(root).map_err(|source| WriteError::at(root, source))?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(WriteError::at(
            path,
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "it is a symlink to `{}`, outside the project; cardsmith writes only inside it",
                    target.display()
                ),
            ),
        ))
    }
}

/// Writes `bytes` to `destination` through a synced temporary file renamed over it. The file
/// gets the mode of `mode_of` when that is an existing file, else 0644.
pub(crate) fn write_atomically(
    destination: &Path,
    bytes: &[u8],
    mode_of: Option<&Path>,
) -> std::io::Result<()> {
    let folder = match destination.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = temp_builder().tempfile_in(folder)?;
    // Set after creation, where the umask no longer applies.
    if let Some(metadata) = mode_of
        .and_then(|path| std::fs::metadata(path).ok())
        .filter(std::fs::Metadata::is_file)
    {
        temp.as_file().set_permissions(metadata.permissions())?;
    }
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(destination).map_err(|error| error.error)?;
    Ok(())
}

/// Writes `bytes` to a new file at `destination` (which must not exist) and syncs it, with the
/// mode of `mode_of`. Only for files whose name already marks them as unfinished (a pending
/// lock), or in a staging folder no reader sees before it is whole: a crash can leave such a
/// file short, and its reader must know to distrust it.
pub(crate) fn write_new(
    destination: &Path,
    bytes: &[u8],
    mode_of: Option<&Path>,
) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(destination)?;
    if let Some(metadata) = mode_of
        .and_then(|path| std::fs::metadata(path).ok())
        .filter(std::fs::Metadata::is_file)
    {
        file.set_permissions(metadata.permissions())?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// Temporary files named `.cardsmith-XXXXXX.tmp`, created 0644 (less the umask).
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn rewritten_files_keep_their_mode_and_new_ones_are_0644() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).expect("chmod");
        write_file(dir.path(), &path, b"new").expect("rewrite");
        assert_eq!(mode(&path), 0o664);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let fresh = dir.path().join("b.json");
        write_file(dir.path(), &fresh, b"{}").expect("write");
        assert_eq!(mode(&fresh), 0o644);
        let leftovers = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|entry| is_temp_name(&entry.file_name().to_string_lossy()))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_inside_the_project_and_refused_outside() {
        let outside = tempfile::tempdir().expect("temp dir");
        let project = tempfile::tempdir().expect("temp dir");
        let real = project.path().join("real.md");
        std::fs::write(&real, "old").expect("write");
        let link = project.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        assert_eq!(
            write_file(project.path(), &link, b"new").expect("through"),
            std::fs::canonicalize(&real).expect("canonical")
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");

        let victim = outside.path().join("victim.md");
        std::fs::write(&victim, "keep").expect("write");
        let escape = project.path().join("escape.md");
        std::os::unix::fs::symlink(&victim, &escape).expect("symlink");
        let error = write_file(project.path(), &escape, b"new").expect_err("refused");
        assert!(
            error.source.to_string().contains("outside the project"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
    }
}
