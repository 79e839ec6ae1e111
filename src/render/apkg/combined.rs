//! `all.apkg`, the package of every note, with the build cache: the same as the last build's when
//! no lesson's package changed, and otherwise packed again taking from the last one every
//! compressed piece of the same bytes ([`super::deflate`]). After one answer changed, a handful
//! of the collection's pages differ: the database is written again, but only the pieces holding
//! those pages are deflated.
//!
//! The cache keeps one entry for it, under a name fixed for each binary
//! ([`crate::cache::BuildCache::named_key`]): the last package (by path, length and SHA-256, read
//! back and checked like every output) with the key of the inputs it was made from and the
//! layout of its pieces. Pieces are keyed on the bytes they compress, so reusing one is exact
//! whatever else changed; a layout that does not fit the package is not used.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::deflate::{Piece, Reuse};
use super::lock::Lockfile;
use super::spill::Spill;
use super::{Note, NoteSet};
use crate::artifact::Artifact;
use crate::cache::Key;
use crate::render::{RenderContext, RenderError};

/// The name of the cache entry.
const ENTRY: &str = "all.apkg";

/// What the entry keeps beside the package.
#[derive(Debug, Serialize, Deserialize)]
struct Layout {
    /// The key of the inputs the package was made from.
    made_from: String,
    /// Per zip entry: where its stream starts in the package, and its pieces as (key in hex,
    /// compressed length).
    streams: Vec<(usize, Vec<(String, usize)>)>,
}

/// The package of every note at `path` (`[apkg] all`), their fields read back from `spill` when
/// there is one; `inputs` is the key of what it is made from (`None` when the cache is off or a lesson is not cached: it is then made again).
pub(super) fn render(
    ctx: &RenderContext<'_>,
    set: &NoteSet,
    spill: Option<&Spill>,
    lock: &Lockfile,
    path: &Path,
    inputs: Option<Key>,
) -> Result<Artifact, RenderError> {
    let name = ctx.cache.named_key(ENTRY);
    let last = ctx.cache.get(name.as_ref(), None);
    let last = last.and_then(|hit| {
        let layout: Layout = serde_json::from_str(&hit.data).ok()?;
        let package = hit.artifacts.into_iter().next()?;
        Some((layout, package))
    });
    if let (Some((layout, package)), Some(inputs)) = (&last, &inputs)
        && layout.made_from == inputs.as_str()
        && package.path == path
    {
        return Ok(package.clone());
    }
    let mut reuse = Reuse::default();
    if let Some((layout, package)) = &last {
        for (start, pieces) in &layout.streams {
            let pieces: Option<Vec<Piece>> = pieces.iter().map(from_record).collect();
            let fits = pieces
                .zip(package.bytes.get(*start..))
                .and_then(|(pieces, stream)| reuse.add(stream, &pieces));
            if fits.is_none() {
                reuse = Reuse::default();
                break;
            }
        }
    }
    let notes: Vec<&Note> = set.notes.iter().collect();
    let packed = set.package_reusing(&notes, spill, lock, Some(&reuse), ctx.sink.scratch_dir())?;
    let made = Artifact::new(path.to_path_buf(), packed.bytes);
    // Kept even without a key of the inputs (an empty one matches none): its pieces still serve.
    let layout = Layout {
        made_from: inputs.map(|key| key.as_str().to_owned()).unwrap_or_default(),
        streams: packed
            .streams
            .iter()
            .map(|(start, pieces)| (*start, pieces.iter().map(to_record).collect()))
            .collect(),
    };
    // Strings and numbers only: serializing cannot fail.
    let data = serde_json::to_string(&layout).unwrap_or_default();
    ctx.cache
        .put(name.as_ref(), std::slice::from_ref(&made), &data);
    Ok(made)
}

fn to_record(piece: &Piece) -> (String, usize) {
    (super::hex(&piece.key), piece.len)
}

/// A piece as the layout records it; `None` when the key is not 64 hex digits.
fn from_record((key, len): &(String, usize)) -> Option<Piece> {
    if key.len() != 64 || !key.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&key[2 * index..2 * index + 2], 16).ok()?;
    }
    Some(Piece { key: bytes, len: *len })
}
