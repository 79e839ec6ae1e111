//! The `.apkg` container: a zip holding `collection.anki2`, a `media` map (`{"0": "name.png"}`)
//! and the media files named `0`, `1`, ... in the order of the map. Entries carry a fixed time
//! (1980-01-01, the zip epoch) and fixed permissions, so the bytes depend on the content only.
//!
//! Each entry is deflated in pieces ([`super::deflate`]), which a build can take from the
//! package it made last ([`Reuse`]): the zip is written here rather than by the `zip` crate,
//! whose writer compresses every entry itself. It is the plain format (no data descriptors, no
//! zip64: a package of 4 GiB or 65,535 entries is refused), which every zip reader takes.

use super::deflate::{self, Deflated, Piece, Reuse};
use super::media::MediaFiles;

/// The deflate level of every entry. Level 2 deflates a 10,000-note collection (15 MB) in a third
/// of level 6's time for a package 11% larger; level 1 would take an eighth, for 43% larger
/// (docs/performance.md, "Fresh builds"). Anki reads any level.
pub const LEVEL: u32 = 2;

/// A package's bytes, and where each entry's compressed pieces are in them (for [`Reuse::add`]
/// in the next build).
#[derive(Debug)]
pub struct Packed {
    /// The `.apkg`.
    pub bytes: Vec<u8>,
    /// Per entry, in order: where its stream starts in `bytes` and its pieces.
    pub streams: Vec<(usize, Vec<Piece>)>,
}

/// Zips a collection and its media (already sorted by name).
pub fn to_bytes(collection: &[u8], media: &MediaFiles) -> std::io::Result<Vec<u8>> {
    pack(collection, media, None).map(|packed| packed.bytes)
}

/// [`to_bytes`], taking every compressed piece it can from `reuse` and recording the pieces
/// ([`Packed::streams`]); with `None`, the same bytes without hashing the pieces for a next
/// build (a lesson's package is cached whole, never in pieces). The collection is read from
/// `collection` a few pieces at a time ([`deflate::deflate_read`]): a build's `all.apkg` reads
/// it from the file SQLite wrote, never holding it whole.
pub fn pack(
    collection: impl std::io::Read,
    media: &MediaFiles,
    reuse: Option<&Reuse<'_>>,
) -> std::io::Result<Packed> {
    let map: serde_json::Map<String, serde_json::Value> = media
        .keys()
        .enumerate()
        .map(|(index, name)| (index.to_string(), serde_json::Value::from(name.as_str())))
        .collect();
    let map = serde_json::Value::Object(map).to_string();
    let mut zip = Zip::default();
    let (deflated, len) = deflate::deflate_read(collection, LEVEL, reuse)?;
    zip.add("collection.anki2", len, deflated)?;
    let mut entries: Vec<(String, &[u8])> = vec![("media".to_owned(), map.as_bytes())];
    entries.extend(
        media
            .values()
            .enumerate()
            .map(|(index, bytes)| (index.to_string(), bytes.as_slice())),
    );
    for (name, data) in &entries {
        let deflated = match reuse {
            Some(reuse) => deflate::deflate(data, LEVEL, reuse)?,
            None => deflate::unrecorded(data, LEVEL)?,
        };
        zip.add(name, data.len(), deflated)?;
    }
    zip.finish()
}

/// A zip being written: local headers and data, then the central directory.
#[derive(Debug, Default)]
struct Zip {
    bytes: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    streams: Vec<(usize, Vec<Piece>)>,
}

/// Version needed to extract (2.0: deflate); made by Unix (3), so readers apply the mode.
const VERSION_NEEDED: u16 = 20;
const VERSION_MADE_BY: u16 = 3 << 8 | 20;
/// Deflate.
const METHOD: u16 = 8;
/// 1980-01-01 00:00:00 in MS-DOS form (the zip epoch, what the `zip` crate wrote).
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = 1 << 5 | 1;
/// A regular file, `rw-r--r--`, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;

impl Zip {
    fn add(&mut self, name: &str, len: usize, deflated: Deflated) -> std::io::Result<()> {
        let too_large = || std::io::Error::other("an Anki package over 4 GiB or 65,535 files");
        let offset = u32::try_from(self.bytes.len()).map_err(|_| too_large())?;
        let compressed = u32::try_from(deflated.bytes.len()).map_err(|_| too_large())?;
        let size = u32::try_from(len).map_err(|_| too_large())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        self.entries = self.entries.checked_add(1).ok_or_else(too_large)?;
        // The fields both headers share, from "version needed" to the name's length.
        let mut common = Vec::with_capacity(26);
        for half in [VERSION_NEEDED, 0, METHOD, DOS_TIME, DOS_DATE] {
            common.extend_from_slice(&half.to_le_bytes());
        }
        for word in [deflated.crc32, compressed, size] {
            common.extend_from_slice(&word.to_le_bytes());
        }
        common.extend_from_slice(&name_len.to_le_bytes());

        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        local.extend_from_slice(&common);
        local.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        local.extend_from_slice(name.as_bytes());
        self.streams.push((self.bytes.len() + local.len(), deflated.pieces));
        if self.bytes.is_empty() {
            // The first entry (the collection, nearly all of a package) becomes the package's
            // buffer, its header moved in before it, rather than copied after the header: a
            // second copy of `all.apkg` (32 MB at 100,000 notes) at the build's peak.
            let mut bytes = deflated.bytes;
            bytes.splice(0..0, local);
            self.bytes = bytes;
        } else {
            self.bytes.extend_from_slice(&local);
            self.bytes.extend_from_slice(&deflated.bytes);
        }

        self.central.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        self.central.extend_from_slice(&VERSION_MADE_BY.to_le_bytes());
        self.central.extend_from_slice(&common);
        // No extra field, no comment, disk 0, no internal attributes.
        for half in [0u16, 0, 0, 0] {
            self.central.extend_from_slice(&half.to_le_bytes());
        }
        self.central
            .extend_from_slice(&EXTERNAL_ATTRIBUTES.to_le_bytes());
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Packed> {
        let too_large = || std::io::Error::other("an Anki package over 4 GiB");
        let directory_at = u32::try_from(self.bytes.len()).map_err(|_| too_large())?;
        let directory_len = u32::try_from(self.central.len()).map_err(|_| too_large())?;
        self.bytes.append(&mut self.central);
        self.bytes.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
        // This disk, the directory's disk, its entries here and in all.
        for half in [0u16, 0, self.entries, self.entries] {
            self.bytes.extend_from_slice(&half.to_le_bytes());
        }
        self.bytes.extend_from_slice(&directory_len.to_le_bytes());
        self.bytes.extend_from_slice(&directory_at.to_le_bytes());
        self.bytes.extend_from_slice(&0u16.to_le_bytes()); // no comment
        Ok(Packed {
            bytes: self.bytes,
            streams: self.streams,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;

    fn read(archive: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        archive
            .by_name(name)
            .expect("entry")
            .read_to_end(&mut bytes)
            .expect("inflates, CRC right");
        bytes
    }

    #[test]
    fn same_content_same_bytes_and_readable() {
        let media =
            MediaFiles::from([("b.png".to_owned(), vec![2]), ("a.png".to_owned(), vec![1])]);
        let bytes = to_bytes(b"db", &media).expect("zips");
        assert_eq!(bytes, to_bytes(b"db", &media).expect("zips"));
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("reads");
        assert_eq!(read(&mut archive, "media"), br#"{"0":"a.png","1":"b.png"}"#);
        assert_eq!(read(&mut archive, "collection.anki2"), b"db");
        assert_eq!(read(&mut archive, "1"), [2]);
        assert_eq!(archive.len(), 4);
        let file = archive.by_name("collection.anki2").expect("entry");
        assert_eq!(file.unix_mode(), Some(0o100_644));
        assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
    }

    #[test]
    fn a_package_packed_again_from_its_pieces_is_the_same() {
        let collection: Vec<u8> = (0..300_000u32).flat_map(|n| (n % 251).to_le_bytes()).collect();
        let media = MediaFiles::from([("a.png".to_owned(), vec![7; 100_000])]);
        let first = pack(collection.as_slice(), &media, Some(&Reuse::none())).expect("zips");
        let mut edited = collection.clone();
        edited[500_000] = 0xff;
        let mut reuse = Reuse::default();
        for (start, pieces) in &first.streams {
            reuse
                .add(&first.bytes[*start..], pieces)
                .expect("the pieces are where the package says");
        }
        let again = pack(edited.as_slice(), &media, Some(&reuse)).expect("zips");
        assert_eq!(again.bytes, to_bytes(&edited, &media).expect("zips"));
        let mut archive = zip::ZipArchive::new(Cursor::new(again.bytes)).expect("reads");
        assert_eq!(read(&mut archive, "collection.anki2"), edited);
    }
}
