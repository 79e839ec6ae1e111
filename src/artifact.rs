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
}
