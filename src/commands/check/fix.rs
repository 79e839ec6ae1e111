//! `check --fix`: writing the lessons the linter fixed (which fixes: [`crate::lint::fix`], shared
//! with the language server's code actions) back through the one writer.

use std::path::{Path, PathBuf};

use crate::output::WriteError;

/// The UTF-8 byte-order mark, which loading drops from the text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes a fixed lesson back (atomically, keeping its mode, through a symlink inside the
/// project; see [`crate::output::write_file`]). A file that began with a byte-order mark keeps
/// it: the parsed text no longer has it, and editors on Windows rely on it.
pub fn write_fixed(root: &Path, path: &Path, text: &str) -> Result<PathBuf, WriteError> {
    let had_bom = std::fs::File::open(path).is_ok_and(|mut file| {
        let mut start = [0; 3];
        std::io::Read::read_exact(&mut file, &mut start).is_ok() && start == BOM
    });
    let bytes = if had_bom && !text.as_bytes().starts_with(BOM) {
        [BOM, text.as_bytes()].concat()
    } else {
        text.as_bytes().to_vec()
    };
    crate::output::write_file(root, path, &bytes)
}
