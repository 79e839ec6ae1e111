//! Deflate in independent chunks, as pigz does: the input is cut into [`CHUNK`]-byte pieces, each
//! compressed on its own (primed with the last 32 KiB before it, so the ratio is that of one
//! stream) and ended with a sync flush, and the pieces are concatenated into one raw deflate
//! stream. Same input, same bytes, whatever is reused and on however many cores.
//!
//! So a piece depends only on its own bytes and the piece before it, and a build that deflates
//! nearly the same input again (`all.apkg`'s collection after one answer changed: a handful of
//! its 4 KiB pages differ) takes every other piece from the last build's stream instead of
//! compressing it again ([`Reuse`]), and compresses the rest on every core.

use std::collections::HashMap;
use std::io::Read;

use flate2::{Compress, Compression, FlushCompress};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// The bytes of input per piece: small enough that an edit recompresses little, large enough
/// that priming each piece costs nothing measurable in size (64 KiB pieces came to within 0.1%
/// of one stream on a 15 MB collection at level 6).
pub const CHUNK: usize = 64 * 1024;

/// Deflate's window: how much of the input before a piece primes its compressor.
const WINDOW: usize = 32 * 1024;

/// The stream's end: an empty final block with fixed codes (`BFINAL = 1`, `BTYPE = 01`, the
/// end-of-block code), as pigz ends its streams.
const END: [u8; 2] = [0x03, 0x00];

/// What a piece's compressed bytes are a function of: the deflate level, the piece and the piece
/// before it (whose last 32 KiB prime it). SHA-256, so that a piece of other bytes never maps
/// to the same key.
pub type ChunkKey = [u8; 32];

/// One compressed piece of a stream: its key and its compressed length (the pieces follow each
/// other from the start of the stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// See [`ChunkKey`].
    pub key: ChunkKey,
    /// Its length in the stream.
    pub len: usize,
}

/// A raw deflate stream, with what the zip container and the next build need.
#[derive(Debug)]
pub struct Deflated {
    /// The stream: every piece, then the end block.
    pub bytes: Vec<u8>,
    /// Its pieces, in order.
    pub pieces: Vec<Piece>,
    /// The CRC-32 of the input (zip records it).
    pub crc32: u32,
}

/// Compressed pieces an earlier build made, by key: the bytes a piece with that key compresses
/// to at that build's level. Built from the last build's streams and their [`Piece`]s.
#[derive(Debug, Default)]
pub struct Reuse<'a> {
    pieces: HashMap<ChunkKey, &'a [u8]>,
}

impl<'a> Reuse<'a> {
    /// Nothing to reuse.
    pub fn none() -> Reuse<'static> {
        Reuse::default()
    }

    /// Adds the pieces of `stream`, laid out as `pieces` say; `None` (and nothing added) when
    /// they do not fit in it.
    pub fn add(&mut self, stream: &'a [u8], pieces: &[Piece]) -> Option<()> {
        let mut found = Vec::with_capacity(pieces.len());
        let mut at = 0usize;
        for piece in pieces {
            let end = at.checked_add(piece.len)?;
            found.push((piece.key, stream.get(at..end)?));
            at = end;
        }
        self.pieces.extend(found);
        Some(())
    }

    /// How many pieces it holds.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// `input` as one raw deflate stream at `level` (0 to 9), taking from `reuse` every piece it
/// holds. Pieces are hashed and compressed on every core.
pub fn deflate(input: &[u8], level: u32, reuse: &Reuse<'_>) -> std::io::Result<Deflated> {
    let mut stream = Stream::new(level, Some(reuse));
    stream.push(input, 0)?;
    Ok(stream.finish())
}

/// [`deflate`] with nothing to reuse and no pieces recorded (no keys to hash): the same stream.
pub fn unrecorded(input: &[u8], level: u32) -> std::io::Result<Deflated> {
    let mut stream = Stream::new(level, None);
    stream.push(input, 0)?;
    Ok(stream.finish())
}

/// How many pieces [`deflate_read`] reads and compresses at a time: enough for every core, and
/// 2 MiB of input held instead of the whole of it.
const BATCH_PIECES: usize = 32;

/// [`deflate`] (with `reuse`) or [`unrecorded`] (without) of everything `source` reads, held
/// [`BATCH_PIECES`] pieces at a time: the same stream as of the bytes in memory. Also returns
/// how many bytes it read.
pub fn deflate_read(
    source: impl Read,
    level: u32,
    reuse: Option<&Reuse<'_>>,
) -> std::io::Result<(Deflated, usize)> {
    deflate_in_batches(source, level, reuse, BATCH_PIECES)
}

/// [`deflate_read`], `batch_pieces` pieces at a time.
fn deflate_in_batches(
    mut source: impl Read,
    level: u32,
    reuse: Option<&Reuse<'_>>,
    batch_pieces: usize,
) -> std::io::Result<(Deflated, usize)> {
    let batch = batch_pieces.max(1) * CHUNK;
    let mut stream = Stream::new(level, reuse);
    let mut buffer: Vec<u8> = Vec::with_capacity(WINDOW + batch);
    let mut total = 0usize;
    loop {
        // What is already in the buffer is the end of the last batch: the next piece's primer.
        let from = buffer.len();
        let read = source.by_ref().take(batch as u64).read_to_end(&mut buffer)?;
        total += read;
        if read == 0 {
            break;
        }
        stream.push(&buffer, from)?;
        if read < batch {
            break;
        }
        buffer.drain(..buffer.len() - WINDOW);
    }
    Ok((stream.finish(), total))
}

/// A stream being deflated, its input handed over in parts ([`Stream::push`]).
struct Stream<'r, 'a> {
    level: u32,
    /// `None`: nothing reused, no keys (see [`unrecorded`]).
    reuse: Option<&'r Reuse<'a>>,
    bytes: Vec<u8>,
    pieces: Vec<Piece>,
    crc: crc32fast::Hasher,
    /// The digest of the last piece's input: the next piece's key holds it.
    last_digest: Option<[u8; 32]>,
}

impl<'r, 'a> Stream<'r, 'a> {
    fn new(level: u32, reuse: Option<&'r Reuse<'a>>) -> Self {
        Stream {
            level,
            reuse,
            bytes: Vec::new(),
            pieces: Vec::new(),
            crc: crc32fast::Hasher::new(),
            last_digest: None,
        }
    }

    /// Deflates `input[from..]`, the stream's next bytes, in pieces from `from`; `input[..from]`
    /// is what came before them (all of it, or at least its last [`WINDOW`] bytes), and every
    /// part but the last is a whole number of pieces.
    fn push(&mut self, input: &[u8], from: usize) -> std::io::Result<()> {
        self.crc.update(&input[from..]);
        let starts: Vec<usize> = (from..input.len()).step_by(CHUNK).collect();
        self.bytes.reserve((input.len() - from) / 3);
        let level = self.level;
        let compress = |start: usize| {
            let end = (start + CHUNK).min(input.len());
            let primer = &input[start.saturating_sub(WINDOW)..start];
            compress_piece(&input[start..end], primer, level)
        };
        let Some(reuse) = self.reuse else {
            let made: Vec<std::io::Result<Vec<u8>>> =
                starts.par_iter().map(|&start| compress(start)).collect();
            for piece in made {
                self.bytes.extend_from_slice(&piece?);
            }
            return Ok(());
        };
        let digests: Vec<[u8; 32]> = starts
            .par_iter()
            .map(|&start| Sha256::digest(&input[start..(start + CHUNK).min(input.len())]).into())
            .collect();
        let mut keys: Vec<ChunkKey> = Vec::with_capacity(digests.len());
        for digest in &digests {
            let mut key = Sha256::new();
            key.update(b"cardsmith deflate piece 1");
            key.update(level.to_le_bytes());
            key.update(self.last_digest.unwrap_or([0; 32]));
            key.update(digest);
            keys.push(key.finalize().into());
            self.last_digest = Some(*digest);
        }
        let made: Vec<std::io::Result<Option<Vec<u8>>>> = starts
            .par_iter()
            .zip(&keys)
            .map(|(&start, key)| {
                if reuse.pieces.contains_key(key) {
                    return Ok(None);
                }
                compress(start).map(Some)
            })
            .collect();
        for (key, made) in keys.into_iter().zip(made) {
            let at = self.bytes.len();
            match made? {
                Some(compressed) => self.bytes.extend_from_slice(&compressed),
                // Only keys found in `reuse` were not compressed.
                None => self
                    .bytes
                    .extend_from_slice(reuse.pieces.get(&key).copied().unwrap_or_default()),
            }
            self.pieces.push(Piece {
                key,
                len: self.bytes.len() - at,
            });
        }
        Ok(())
    }

    fn finish(mut self) -> Deflated {
        self.bytes.extend_from_slice(&END);
        Deflated {
            bytes: self.bytes,
            pieces: self.pieces,
            crc32: self.crc.finalize(),
        }
    }
}

/// One piece, primed with `primer` (the input before it), ended with a sync flush so that the
/// next piece starts on a byte and no block spans two pieces.
fn compress_piece(piece: &[u8], primer: &[u8], level: u32) -> std::io::Result<Vec<u8>> {
    let mut compress = Compress::new(Compression::new(level), false);
    if !primer.is_empty() {
        compress.set_dictionary(primer).map_err(std::io::Error::other)?;
    }
    let mut out = Vec::with_capacity(piece.len() + piece.len() / 8 + 64);
    loop {
        let consumed = usize::try_from(compress.total_in()).unwrap_or(piece.len());
        compress
            .compress_vec(&piece[consumed..], &mut out, FlushCompress::Sync)
            .map_err(std::io::Error::other)?;
        // The flush is complete when all input is in and the compressor left room unused.
        let all_in = usize::try_from(compress.total_in()).is_ok_and(|total| total == piece.len());
        if all_in && out.len() < out.capacity() {
            return Ok(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// Text that compresses like a collection: repeated words with varying numbers.
    fn sample(len: usize) -> Vec<u8> {
        let mut text = Vec::with_capacity(len + 64);
        let mut index = 0u64;
        while text.len() < len {
            text.extend_from_slice(
                format!("note {index} with some field text {} and more\n", index * 7919 % 1000)
                    .as_bytes(),
            );
            index += 1;
        }
        text.truncate(len);
        text
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(stream)
            .read_to_end(&mut out)
            .expect("a valid stream");
        out
    }

    #[test]
    fn the_stream_inflates_to_the_input_at_any_size() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 123] {
            let input = sample(len);
            let deflated = deflate(&input, 6, &Reuse::none()).expect("deflates");
            assert_eq!(inflate(&deflated.bytes), input, "{len} bytes");
            assert_eq!(deflated.pieces.len(), len.div_ceil(CHUNK));
            assert_eq!(deflated.crc32, crc32fast::hash(&input));
            let total: usize = deflated.pieces.iter().map(|piece| piece.len).sum();
            assert_eq!(total + END.len(), deflated.bytes.len());
        }
    }

    #[test]
    fn an_unrecorded_stream_is_the_same_stream() {
        for len in [0, 1, CHUNK, 3 * CHUNK + 17] {
            let input = sample(len);
            let recorded = deflate(&input, 2, &Reuse::none()).expect("deflates");
            let unrecorded = unrecorded(&input, 2).expect("deflates");
            assert_eq!(unrecorded.bytes, recorded.bytes, "{len} bytes");
            assert_eq!(unrecorded.crc32, recorded.crc32);
            assert!(unrecorded.pieces.is_empty());
        }
    }

    #[test]
    fn a_stream_read_in_batches_is_the_same_stream() {
        for len in [0, 1, CHUNK, 2 * CHUNK, 2 * CHUNK + 1, 7 * CHUNK + 5] {
            let input = sample(len);
            let whole = deflate(&input, 2, &Reuse::none()).expect("deflates");
            for batch in [1, 2, 3] {
                let (read, read_len) =
                    deflate_in_batches(input.as_slice(), 2, Some(&Reuse::none()), batch)
                        .expect("deflates");
                assert_eq!(read_len, len);
                assert_eq!(read.bytes, whole.bytes, "{len} bytes, {batch} pieces a batch");
                assert_eq!(read.pieces, whole.pieces);
                assert_eq!(read.crc32, whole.crc32);
                let (unrecorded, _) =
                    deflate_in_batches(input.as_slice(), 2, None, batch).expect("deflates");
                assert_eq!(unrecorded.bytes, whole.bytes);
                assert!(unrecorded.pieces.is_empty());
            }
        }
        // Reused pieces across batches too.
        let before = sample(6 * CHUNK + 999);
        let first = deflate(&before, 2, &Reuse::none()).expect("deflates");
        let mut after = before.clone();
        after[3 * CHUNK + 10] ^= 0x20;
        let mut reuse = Reuse::default();
        reuse.add(&first.bytes, &first.pieces).expect("fits");
        let (again, _) =
            deflate_in_batches(after.as_slice(), 2, Some(&reuse), 2).expect("deflates");
        assert_eq!(again.bytes, deflate(&after, 2, &Reuse::none()).expect("deflates").bytes);
    }

    #[test]
    fn reused_pieces_give_the_bytes_of_a_deflate_from_scratch() {
        let before = sample(6 * CHUNK + 999);
        let first = deflate(&before, 6, &Reuse::none()).expect("deflates");
        let mut after = before.clone();
        after[2 * CHUNK + 10] ^= 0x20;
        let mut reuse = Reuse::default();
        reuse.add(&first.bytes, &first.pieces).expect("fits");
        assert_eq!(reuse.len(), 7);
        let again = deflate(&after, 6, &reuse).expect("deflates");
        let scratch = deflate(&after, 6, &Reuse::none()).expect("deflates");
        assert_eq!(again.bytes, scratch.bytes);
        assert_eq!(again.pieces, scratch.pieces);
        assert_eq!(inflate(&again.bytes), after);
        // The changed piece and the one it primes have new keys; the others are the same.
        let same = (first.pieces.iter().zip(&again.pieces)).filter(|(a, b)| a == b);
        assert_eq!(same.count(), 5);
    }

    #[test]
    fn a_level_or_a_layout_that_does_not_fit_is_not_reused() {
        let input = sample(3 * CHUNK);
        let first = deflate(&input, 6, &Reuse::none()).expect("deflates");
        let mut reuse = Reuse::default();
        reuse.add(&first.bytes, &first.pieces).expect("fits");
        let other_level = deflate(&input, 1, &reuse).expect("deflates");
        assert_eq!(
            other_level.bytes,
            deflate(&input, 1, &Reuse::none()).expect("deflates").bytes
        );
        let mut longer = first.pieces.clone();
        longer[0].len = first.bytes.len();
        let mut refused = Reuse::default();
        assert_eq!(refused.add(&first.bytes, &longer), None);
        assert!(refused.is_empty(), "nothing of a layout that does not fit");
    }
}
