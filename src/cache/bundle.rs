//! A lesson's file: every entry of one lesson in one file of the cache folder, named by the key
//! of the lesson's inputs. Creating a file is most of what writing a small one costs (ext4 looks
//! for a free inode under the folder's lock, skipping the ones just freed), and a lesson has four
//! or five entries (its checks, notes, package, guide and sheet), so one file each was four
//! fifths of the files a build created.
//!
//! The file is a line naming its format, then a sequence of records, each the length of an
//! entry (8 bytes, little-endian) and the entry as [`super::entry`] writes it: its header names
//! its own key, its payload has its SHA-256. A reader looks for a key record by record, reading only each record's header until
//! the key is found: an entry under another lesson's name, a record cut short or a damaged one
//! is not the entry asked for, and a length that runs past the end of the file ends the search.
//! Records are appended as the build makes them (each renderer in its turn), so the file never
//! needs to be held whole in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::{Key, entry};

/// The first line of a lesson's file: its format (a file without it holds no entry).
const MAGIC: &[u8] = b"cardsmith-lesson-cache 1\n";

/// The bytes of one record holding `entry`.
pub(super) fn record(entry: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 + entry.len());
    bytes.extend_from_slice(&(entry.len() as u64).to_le_bytes());
    bytes.extend_from_slice(entry);
    bytes
}

/// Appends `record` (from [`record`]) to the lesson file at `path`, creating it.
pub(super) fn append(path: &Path, record: &[u8]) -> std::io::Result<()> {
    open_to_append(path)?.write_all(record)
}

/// The lesson file at `path`, to append to; created with its first line when missing. Callers
/// never append to one file from two threads at once.
fn open_to_append(path: &Path) -> std::io::Result<File> {
    let created = std::fs::OpenOptions::new()
        .append(true)
        .create_new(true)
        .open(path);
    match created {
        Ok(mut file) => {
            file.write_all(MAGIC)?;
            Ok(file)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::OpenOptions::new().append(true).open(path)
        }
        Err(error) => Err(error),
    }
}

/// Where a record lies in its file: its offset and length (length prefix included).
pub(super) type Span = (u64, u64);

/// The entry under `key` in the lesson file `file` of `len` bytes, with where its record lies;
/// `None` when no record has that key. At most `limit` bytes are read for the entry.
pub(super) fn find(mut file: &File, len: u64, key: &Key, limit: u64) -> Option<(Vec<u8>, Span)> {
    let wanted = entry::header(key);
    let mut head = vec![0; wanted.len()];
    let mut magic = [0; MAGIC.len()];
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_exact(&mut magic).ok()?;
    if magic != MAGIC {
        return None;
    }
    let mut at = MAGIC.len() as u64;
    while at.checked_add(8)? <= len {
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut size = [0; 8];
        file.read_exact(&mut size).ok()?;
        let size = u64::from_le_bytes(size);
        let end = at.checked_add(8)?.checked_add(size)?;
        if end > len {
            return None;
        }
        if size >= head.len() as u64 {
            file.read_exact(&mut head).ok()?;
            if head == wanted {
                if size > limit {
                    return None;
                }
                let mut bytes = head.clone();
                bytes.resize(usize::try_from(size).ok()?, 0);
                file.read_exact(&mut bytes[head.len()..]).ok()?;
                return Some((bytes, (at, end - at)));
            }
        }
        at = end;
    }
    None
}

/// Whether `spans` (records of one file, each once) cover a lesson file of `len` bytes whole.
pub(super) fn covers(spans: impl Iterator<Item = Span>, len: u64) -> bool {
    let records: u64 = spans.map(|(_, size)| size).sum();
    MAGIC.len() as u64 + records == len
}

/// Copies the records at `spans` of the lesson file `from` to the end of `to`.
pub(super) fn copy_records(mut from: &File, spans: &[Span], to: &Path) -> std::io::Result<()> {
    let mut out = open_to_append(to)?;
    let mut bytes = Vec::new();
    for &(at, len) in spans {
        from.seek(SeekFrom::Start(at))?;
        bytes.clear();
        bytes.resize(usize::try_from(len).map_err(std::io::Error::other)?, 0);
        from.read_exact(&mut bytes)?;
        out.write_all(&bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::KeyBuilder;

    fn entry_of(key: &Key, data: &str) -> Vec<u8> {
        entry::encode(
            key,
            &entry::Payload {
                outputs: Vec::new(),
                data: data.to_owned(),
            },
        )
    }

    #[test]
    fn each_entry_is_found_under_its_own_key_and_no_other() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("lesson");
        let keys: Vec<Key> = ["a", "b", "c"]
            .iter()
            .map(|kind| KeyBuilder::new(kind).finish())
            .collect();
        for (key, data) in keys.iter().zip(["one", "two", "three"]) {
            append(&path, &record(&entry_of(key, data))).expect("append");
        }
        let file = File::open(&path).expect("open");
        let len = file.metadata().expect("stat").len();
        for (key, data) in keys.iter().zip(["one", "two", "three"]) {
            let (bytes, _) = find(&file, len, key, u64::MAX).expect("found");
            let payload = entry::decode(bytes, key).expect("sound");
            assert_eq!(payload.data, data);
        }
        let other = KeyBuilder::new("other").finish();
        assert!(find(&file, len, &other, u64::MAX).is_none());
        assert!(find(&file, len, &keys[2], 10).is_none(), "over the limit");
        // Cut short: the last record runs past the end and is not found; the others are.
        assert!(find(&file, len - 1, &keys[2], u64::MAX).is_none());
        assert!(find(&file, len - 1, &keys[1], u64::MAX).is_some());
    }

    #[test]
    fn copied_records_are_found_in_the_new_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        let keys: Vec<Key> = ["a", "b"]
            .iter()
            .map(|kind| KeyBuilder::new(kind).finish())
            .collect();
        for key in &keys {
            append(&old, &record(&entry_of(key, "data"))).expect("append");
        }
        let file = File::open(&old).expect("open");
        let len = file.metadata().expect("stat").len();
        let (_, first) = find(&file, len, &keys[0], u64::MAX).expect("found");
        let (_, span) = find(&file, len, &keys[1], u64::MAX).expect("found");
        assert!(covers([first, span].into_iter(), len), "both records");
        assert!(!covers([span].into_iter(), len), "one record");
        copy_records(&file, &[span], &new).expect("copy");
        let copied = File::open(&new).expect("open");
        let copied_len = copied.metadata().expect("stat").len();
        assert_eq!(copied_len, MAGIC.len() as u64 + span.1);
        assert!(find(&copied, copied_len, &keys[1], u64::MAX).is_some());
        assert!(find(&copied, copied_len, &keys[0], u64::MAX).is_none());
    }
}
