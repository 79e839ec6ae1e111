//! A build's notes between rendering them and packing them. The lock stage needs every note's
//! hash before any package can be written (it gives the notes their ids and times), so every
//! note is rendered first; holding every note's HTML until the packages were done was the
//! largest part of a fresh build's peak memory (230 MB at 100,000 items; docs/performance.md,
//! "Memory"). A build instead writes each lesson's notes into a temporary file of its stage as
//! they are rendered, as their rows' text ([`encode`]: the fields and tags as Anki stores them,
//! joined once here rather than once per package), keeps of each note only what the lock and the
//! cards' rows need ([`strip`]), and reads a lesson back for its package and again, in lesson
//! order, while `all.apkg`'s database is filled: the rows borrow the text read, so reading a
//! lesson back allocates nothing per note.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use super::Note;
use super::collection::{BoxError, anki_tags};
use crate::cache::netstring::{Reader, Writer};

/// Every lesson's notes, in a temporary file (deleted when dropped).
#[derive(Debug)]
pub(super) struct Spill {
    file: Mutex<Written>,
}

#[derive(Debug)]
struct Written {
    file: tempfile::NamedTempFile,
    /// How many bytes the file holds.
    len: u64,
    /// Per lesson (by index): where its notes are in the file, once written.
    lessons: Vec<Option<(u64, usize)>>,
}

impl Spill {
    /// An empty spill for `lessons` lessons, in a temporary file of `folder` (a build's stage: a
    /// file left by a killed build goes with it).
    pub(super) fn create(folder: &Path, lessons: usize) -> std::io::Result<Spill> {
        let file = tempfile::Builder::new()
            .prefix(crate::output::TEMP_PREFIX)
            .suffix(crate::output::TEMP_SUFFIX)
            .tempfile_in(folder)?;
        Ok(Spill {
            file: Mutex::new(Written {
                file,
                len: 0,
                lessons: vec![None; lessons],
            }),
        })
    }

    /// Keeps `data`, the notes of the lesson at `lesson` as [`encode`] writes them.
    pub(super) fn put(&self, lesson: usize, data: &str) -> std::io::Result<()> {
        let mut written = self.lock();
        let at = written.len;
        let slot = written
            .lessons
            .get_mut(lesson)
            .ok_or_else(|| std::io::Error::other("no such lesson"))?;
        *slot = Some((at, data.len()));
        // Appended at the end, which only this lock moves.
        let file = written.file.as_file_mut();
        file.seek(SeekFrom::Start(at))?;
        file.write_all(data.as_bytes())?;
        written.len = at + data.len() as u64;
        Ok(())
    }

    /// Hands each note of the lesson at `lesson`, in order, to `visit` as its item id and its
    /// row's tags and fields.
    pub(super) fn rows(
        &self,
        lesson: usize,
        visit: &mut dyn FnMut(&str, &str, &str) -> Result<(), BoxError>,
    ) -> Result<(), BoxError> {
        let mut bytes = Vec::new();
        {
            let mut written = self.lock();
            let (at, len) = written
                .lessons
                .get(lesson)
                .copied()
                .flatten()
                .ok_or("a lesson's notes were not kept")?;
            bytes.resize(len, 0);
            let file: &mut File = written.file.as_file_mut();
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut bytes)?;
        }
        let damaged = "the notes read back are not the ones written";
        let text = String::from_utf8(bytes).map_err(|_| damaged)?;
        let mut reader = Reader(&text);
        for _ in 0..reader.number().ok_or(damaged)? {
            let id = reader.str().ok_or(damaged)?;
            let tags = reader.str().ok_or(damaged)?;
            let fields = reader.str().ok_or(damaged)?;
            visit(id, tags, fields)?;
        }
        if reader.is_done() { Ok(()) } else { Err(damaged.into()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Written> {
        // A poisoned lock only means a rendering thread panicked; the spans are still whole.
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the spill keeps of `notes`: how many, then each one's item id and its row's tags and
/// fields.
pub(super) fn encode(notes: &[Note]) -> String {
    // Sized once: the fields are most of it (each string with room for its length).
    let capacity: usize = notes
        .iter()
        .map(|note| {
            let texts = note.fields.iter().chain(&note.tags).chain([&note.item_id]);
            texts.map(|text| text.len() + 1).sum::<usize>() + 32
        })
        .sum();
    let mut text = String::with_capacity(capacity);
    Writer(&mut text).number(notes.len());
    for note in notes {
        Writer(&mut text).string(&note.item_id);
        Writer(&mut text).string(&anki_tags(&note.tags));
        // As `anki_fields` joins them, written in place rather than joined and then copied.
        let len = note.fields.iter().map(String::len).sum::<usize>() + note.fields.len().saturating_sub(1);
        Writer(&mut text).string_length(len);
        for (index, field) in note.fields.iter().enumerate() {
            if index > 0 {
                text.push('\x1f');
            }
            text.push_str(field);
        }
    }
    text
}

/// `note` without what only its package's rows read (its fields and tags): once they are
/// hashed and kept in the spill, the lock stage and the cards' rows need none of it.
pub(super) fn strip(note: &mut Note) {
    note.fields = Vec::new();
    note.tags = Vec::new();
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::render::apkg::collection::anki_fields;
    use crate::render::apkg::notetype;

    fn note(id: &str, lesson: usize) -> Note {
        Note {
            item_id: id.to_owned(),
            lesson,
            deck: "D".to_owned(),
            spec: notetype::ALL[0],
            fields: vec![format!("<p>{id}</p>"), "é".to_owned(), String::new()],
            tags: vec!["t".to_owned(), "topic::x".to_owned()],
            ords: vec![0],
            media: BTreeSet::new(),
            hash: "00".to_owned(),
        }
    }

    /// Every row of the lesson at `lesson`, as owned text.
    fn rows(spill: &Spill, lesson: usize) -> Result<Vec<[String; 3]>, BoxError> {
        let mut rows = Vec::new();
        spill.rows(lesson, &mut |id, tags, fields| {
            rows.push([id.to_owned(), tags.to_owned(), fields.to_owned()]);
            Ok(())
        })?;
        Ok(rows)
    }

    #[test]
    fn each_lesson_comes_back_as_its_rows_in_any_order() {
        let folder = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(folder.path(), 3).expect("creates");
        let lessons = [vec![note("a", 0), note("b", 0)], Vec::new(), vec![note("c", 2)]];
        // Written out of lesson order, as rayon's threads finish them.
        for index in [2, 0, 1] {
            spill.put(index, &encode(&lessons[index])).expect("writes");
        }
        for index in [1, 0, 2, 0] {
            let expected: Vec<[String; 3]> = lessons[index]
                .iter()
                .map(|note| [note.item_id.clone(), anki_tags(&note.tags), anki_fields(&note.fields)])
                .collect();
            assert_eq!(rows(&spill, index).expect("reads"), expected);
        }
        assert_eq!(rows(&spill, 0).expect("reads")[0][2], "<p>a</p>\x1fé\x1f");
        assert!(rows(&spill, 3).is_err(), "no such lesson");
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 1);
        drop(spill);
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 0, "deleted");
    }

    #[test]
    fn a_lesson_never_written_or_damaged_is_an_error() {
        let folder = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(folder.path(), 3).expect("creates");
        spill.put(0, &encode(&[note("a", 0)])).expect("writes");
        assert!(rows(&spill, 1).is_err());
        assert!(spill.put(3, "").is_err());
        let data = encode(&[note("a", 0)]);
        spill.put(1, &data[..data.len() - 1]).expect("writes");
        assert!(rows(&spill, 1).is_err(), "cut short");
        spill.put(2, &format!("{data}x")).expect("writes");
        assert!(rows(&spill, 2).is_err(), "bytes after the notes");
        // A visitor's error ends the reading.
        let failed = spill.rows(0, &mut |_, _, _| Err("stop".into()));
        assert_eq!(failed.expect_err("fails").to_string(), "stop");
    }
}
