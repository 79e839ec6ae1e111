//! The one piece of data the render stage hands to the output stage. It lives below both, so
//! that neither imports the other.

use std::path::PathBuf;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// One output file, relative to the output folder.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Relative path under `out/`, with `/` separators.
    pub path: PathBuf,
    /// The exact bytes to write.
    pub bytes: Vec<u8>,
    /// When `bytes` were read back from the file the last build left at this path (the build
    /// cache, [`crate::cache`]): that file, which the writer links into the new `out/` instead of
    /// writing and syncing the bytes again, provided it is still this one.
    pub previous: Option<FileStamp>,
    /// The SHA-256 of `bytes`, once computed: a build needs it for the cache entry of the
    /// output, the entry of a build with nothing changed and the manifest's generation, and
    /// an output read back from the last `out/` was hashed to be checked. Hashed once, kept
    /// (`bytes` are never changed after the artifact is made).
    sha256: OnceLock<[u8; 32]>,
    /// The length of the bytes when they were written into the build's stage already and let
    /// go ([`Artifact::into_staged`]): what a build keeps of an output after writing it.
    staged: Option<u64>,
}

impl Artifact {
    /// A newly made output.
    pub fn new(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Artifact {
        Artifact {
            path: path.into(),
            bytes,
            previous: None,
            sha256: OnceLock::new(),
            staged: None,
        }
    }

    /// An output read back from the file `previous` describes, whose SHA-256 the reader
    /// computed (`sha256` must be that of `bytes`).
    pub fn read_back(
        path: impl Into<PathBuf>,
        bytes: Vec<u8>,
        previous: Option<FileStamp>,
        sha256: [u8; 32],
    ) -> Artifact {
        debug_assert_eq!(<[u8; 32]>::from(Sha256::digest(&bytes)), sha256);
        Artifact {
            path: path.into(),
            bytes,
            previous,
            sha256: OnceLock::from(sha256),
            staged: None,
        }
    }

    /// What a build keeps of this output once it is written into the stage: its path, length
    /// and SHA-256, without its bytes.
    pub fn into_staged(mut self) -> Artifact {
        self.sha256();
        self.staged = Some(self.bytes.len() as u64);
        self.bytes = Vec::new();
        self
    }

    /// Whether the bytes were written into the build's stage already (and are gone).
    pub fn is_staged(&self) -> bool {
        self.staged.is_some()
    }

    /// The length of the output in bytes (also once staged).
    pub fn len(&self) -> u64 {
        self.staged.unwrap_or(self.bytes.len() as u64)
    }

    /// Whether the output is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The SHA-256 of the bytes, computed on the first call only.
    pub fn sha256(&self) -> [u8; 32] {
        *self
            .sha256
            .get_or_init(|| Sha256::digest(&self.bytes).into())
    }
}

/// Artifacts are equal when their path, bytes and origin are: whether the digest was computed
/// yet is no part of what they are.
impl PartialEq for Artifact {
    fn eq(&self, other: &Artifact) -> bool {
        self.path == other.path
            && self.bytes == other.bytes
            && self.previous == other.previous
            && self.staged == other.staged
    }
}

impl Eq for Artifact {}

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
