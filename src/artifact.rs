//! The one piece of data the render stage hands to the output stage. It lives below both, so
//! that neither imports the other.

use std::path::PathBuf;

/// One output file, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Relative path under `out/`, with `/` separators.
    pub path: PathBuf,
    /// The exact bytes to write.
    pub bytes: Vec<u8>,
    /// When `bytes` were read back from the file the last build left at this path (the build
    /// cache, [`crate::cache`]): that file, which the writer links into the new `out/` instead of
    /// writing and syncing the bytes again, provided it is still this one.
    pub previous: Option<FileStamp>,
}

impl Artifact {
    /// A newly made output.
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Artifact {
        Artifact {
            path: path.into(),
            bytes,
            previous: None,
        }
    }
}

/// Which file a path named when it was read: device, inode, length and modification time.
/// cardsmith never edits a file in place (it replaces it), so the same stamp is the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    device: u64,
    inode: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    /// The stamp of the file `metadata` describes; `None` where files have no inode numbers
    /// (the writer then always writes).
    pub fn of(metadata: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileStamp {
                device: metadata.dev(),
                inode: metadata.ino(),
                len: metadata.len(),
                modified: metadata.modified().ok(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }
}
