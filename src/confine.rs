//! Reads confined to the project: every file cardsmith reads from a project (lessons, images,
//! template overrides) goes through [`ProjectRoot::read`], which follows symlinks *first* and then
//! refuses what resolves outside the project root, what is not a regular file (a FIFO would block,
//! `/dev/zero` never ends) and what is larger than its limit, reading at most `limit + 1` bytes.
//!
//! The path checks of [`crate::assets`] are lexical (they work on files that do not exist yet);
//! this is the check on the real file system that a lexical check cannot make: `source/img` may be
//! a symlink to `/etc`.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The project root, resolved once, that confined reads stay inside.
#[derive(Debug, Clone)]
pub struct ProjectRoot {
    /// As given (for messages and joins).
    root: PathBuf,
    /// With every symlink resolved.
    canonical: PathBuf,
}

/// Why a confined read refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No file there (or a dangling symlink).
    #[error("not found")]
    NotFound,
    /// The path resolves (through symlinks) to a file outside the project.
    #[error("it resolves to `{}`, outside the project", resolved.display())]
    Outside {
        /// Where it resolves.
        resolved: PathBuf,
    },
    /// Not a regular file.
    #[error("it is {kind}, not a regular file")]
    NotAFile {
        /// "a folder", "a FIFO", "a device", ...
        kind: &'static str,
    },
    /// Larger than the limit.
    #[error("it is larger than the limit of {}{}", size(*limit), setting_hint(setting))]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
        /// The `cardsmith.toml` key that sets it (empty when fixed).
        setting: &'static str,
    },
    /// Any other I/O error.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// Whether the environment failed (exit status 2: a file vanished or cannot be read), as
    /// opposed to the project asking for a file it may not have (a content error, status 1).
    pub fn is_io(&self) -> bool {
        matches!(self, ReadError::Io(_) | ReadError::NotFound)
    }
}

fn setting_hint(setting: &str) -> String {
    if setting.is_empty() {
        String::new()
    } else {
        format!(" (`{setting}` in cardsmith.toml)")
    }
}

/// A read limit: how many bytes, and the setting that changes it (named in the refusal).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Bytes.
    pub bytes: u64,
    /// The `cardsmith.toml` key, e.g. `limits.lesson-bytes`; empty for a fixed limit.
    pub setting: &'static str,
}

impl ProjectRoot {
    /// Resolves `root`.
    pub fn new(root: &Path) -> std::io::Result<ProjectRoot> {
        Ok(ProjectRoot {
            root: root.to_path_buf(),
            canonical: root.canonicalize()?,
        })
    }

    /// The root as given.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Checks, without reading, that `path` (absolute, relative to the root, or starting with the
    /// root as given) is a regular file
    /// inside the project no larger than `limit`.
    pub fn check(&self, path: &Path, limit: Limit) -> Result<(), ReadError> {
        self.resolve(path, limit).map(|_| ())
    }

    /// Reads `path` (absolute, relative to the root, or starting with the root as given) if it is
    /// a regular file inside the project
    /// and no larger than `limit`.
    pub fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
        self.read_with_metadata(path, limit).map(|(bytes, _)| bytes)
    }

    /// [`ProjectRoot::read`], with the metadata of the file that was read (the build cache
    /// checks later that a path still names that file).
    pub fn read_with_metadata(
        &self,
        path: &Path,
        limit: Limit,
    ) -> Result<(Vec<u8>, std::fs::Metadata), ReadError> {
        let (file, metadata) = self.open(path, limit)?;
        // Never read more than one byte past the limit whatever the metadata says (`/proc` files
        // say 0).
        let mut bytes =
            Vec::with_capacity(usize::try_from(metadata.len().min(limit.bytes)).unwrap_or(0));
        file.take(limit.bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit.bytes {
            return Err(too_large(limit));
        }
        Ok((bytes, metadata))
    }

    /// Opens `path` for reading under the checks of [`ProjectRoot::read`] (a regular file inside
    /// the project), without reading it: for a reader that takes only parts of a file (the
    /// build cache's lesson files). The caller reads at most `limit` bytes.
    pub fn open(
        &self,
        path: &Path,
        limit: Limit,
    ) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
        let resolved = self.resolve(path, limit)?;
        let file = std::fs::File::open(&resolved).map_err(not_found_or_io)?;
        // The file may have changed since `resolve` looked: check what was opened.
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Err(ReadError::NotAFile {
                kind: kind_of(&metadata.file_type()),
            });
        }
        Ok((file, metadata))
    }

    /// The canonical path of `path` after every check that needs no opening.
    fn resolve(&self, path: &Path, limit: Limit) -> Result<PathBuf, ReadError> {
        // Callers hold paths relative to the root (`source/img/a.png`) or to the working
        // directory, root included (`project/source/a.md` under `-C project`): both work.
        let joined = if path.starts_with(&self.root) {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        let resolved = joined.canonicalize().map_err(not_found_or_io)?;
        if !resolved.starts_with(&self.canonical) {
            return Err(ReadError::Outside { resolved });
        }
        // `metadata` of the resolved path does not open it, so a FIFO does not block here.
        let metadata = std::fs::metadata(&resolved).map_err(not_found_or_io)?;
        if !metadata.is_file() {
            return Err(ReadError::NotAFile {
                kind: kind_of(&metadata.file_type()),
            });
        }
        if metadata.len() > limit.bytes {
            return Err(too_large(limit));
        }
        Ok(resolved)
    }
}

fn too_large(limit: Limit) -> ReadError {
    ReadError::TooLarge {
        limit: limit.bytes,
        setting: limit.setting,
    }
}

fn not_found_or_io(error: std::io::Error) -> ReadError {
    if error.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound
    } else {
        ReadError::Io(error)
    }
}

fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// A byte count for messages: `512 bytes`, `64 KiB`, `2 MiB`.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        bytes: 8,
        setting: "limits.test-bytes",
    };

    fn project() -> (tempfile::TempDir, ProjectRoot) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("project")).expect("mkdir");
        let root = ProjectRoot::new(&dir.path().join("project")).expect("root");
        (dir, root)
    }

    #[test]
    fn reads_a_file_inside_and_through_an_inside_symlink() {
        let (_dir, root) = project();
        std::fs::write(root.path().join("a.md"), "hello").expect("write");
        std::os::unix::fs::symlink("a.md", root.path().join("b.md")).expect("symlink");
        assert_eq!(
            root.read(Path::new("a.md"), LIMIT).expect("reads"),
            b"hello"
        );
        assert_eq!(
            root.read(Path::new("b.md"), LIMIT).expect("reads"),
            b"hello"
        );
    }

    #[test]
    fn refuses_symlinks_out_of_the_project() {
        let (dir, root) = project();
        std::fs::write(dir.path().join("secret"), "secret").expect("write");
        std::os::unix::fs::symlink(dir.path().join("secret"), root.path().join("a.md"))
            .expect("symlink");
        std::os::unix::fs::symlink(dir.path(), root.path().join("up")).expect("symlink");
        assert!(matches!(
            root.read(Path::new("a.md"), LIMIT),
            Err(ReadError::Outside { .. })
        ));
        assert!(matches!(
            root.read(Path::new("up/secret"), LIMIT),
            Err(ReadError::Outside { .. })
        ));
    }

    #[test]
    fn refuses_special_files_and_large_files() {
        let (_dir, root) = project();
        std::os::unix::fs::symlink("/dev/zero", root.path().join("zero.md")).expect("symlink");
        // /dev is outside the project: the containment check comes first.
        assert!(matches!(
            root.read(Path::new("zero.md"), LIMIT),
            Err(ReadError::Outside { .. })
        ));
        std::fs::create_dir(root.path().join("dir.md")).expect("mkdir");
        assert!(matches!(
            root.read(Path::new("dir.md"), LIMIT),
            Err(ReadError::NotAFile { kind: "a folder" })
        ));
        std::fs::write(root.path().join("big.md"), "123456789").expect("write");
        let error = root
            .read(Path::new("big.md"), LIMIT)
            .expect_err("too large");
        assert_eq!(
            error.to_string(),
            "it is larger than the limit of 8 bytes (`limits.test-bytes` in cardsmith.toml)"
        );
        assert!(matches!(
            root.read(Path::new("missing.md"), LIMIT),
            Err(ReadError::NotFound)
        ));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(2 * 1024 * 1024), "2 MiB");
    }
}
