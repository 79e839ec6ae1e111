//! A build's notes between rendering them and packing them. The lock stage needs every note's
//! hash before any package can be written (it gives the notes their ids and times), so every
//! note is rendered first; holding every note's HTML until the packages were done was the
//! largest part of a fresh build's peak memory (230 MB at 100,000 items; docs/performance.md,
//! "Memory"). A build instead writes each lesson's notes, encoded as the build cache keeps them
//! ([`super::cached`]: reading them back is a copy of each string), into a temporary file of its
//! stage as they are rendered, keeps of each note only what the lock and the packages' rows of
//! cards need ([`strip`]), and reads a lesson's notes back for its package and again, in lesson
//! order, while `all.apkg`'s database is filled.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use super::{Note, cached};

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

    /// Keeps `data`, the notes of the lesson at `lesson` as [`cached::to_data`] encodes them.
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

    /// The notes of the lesson at `lesson`, as they were rendered.
    pub(super) fn notes(&self, lesson: usize) -> std::io::Result<Vec<Note>> {
        let mut bytes = Vec::new();
        {
            let mut written = self.lock();
            let (at, len) = written
                .lessons
                .get(lesson)
                .copied()
                .flatten()
                .ok_or_else(|| std::io::Error::other("a lesson's notes were not kept"))?;
            bytes.resize(len, 0);
            let file: &mut File = written.file.as_file_mut();
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut bytes)?;
        }
        let damaged = || std::io::Error::other("the notes read back are not the ones written");
        let text = String::from_utf8(bytes).map_err(|_| damaged())?;
        cached::from_data(&text, lesson).ok_or_else(damaged)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Written> {
        // A poisoned lock only means a rendering thread panicked; the spans are still whole.
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
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
    use crate::render::apkg::notetype;

    fn note(id: &str, lesson: usize) -> Note {
        Note {
            item_id: id.to_owned(),
            lesson,
            deck: "D".to_owned(),
            spec: notetype::ALL[0],
            fields: vec![format!("<p>{id}</p>"), "é\u{1f}".to_owned()],
            tags: vec!["t".to_owned()],
            ords: vec![0],
            media: BTreeSet::new(),
            hash: "00".to_owned(),
        }
    }

    #[test]
    fn each_lesson_comes_back_as_written_in_any_order() {
        let folder = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(folder.path(), 3).expect("creates");
        let lessons = [vec![note("a", 0), note("b", 0)], Vec::new(), vec![note("c", 2)]];
        // Written out of lesson order, as rayon's threads finish them.
        for index in [2, 0, 1] {
            spill
                .put(index, &cached::to_data(&lessons[index]))
                .expect("writes");
        }
        for index in [1, 0, 2, 0] {
            let back = spill.notes(index).expect("reads");
            assert_eq!(format!("{back:?}"), format!("{:?}", lessons[index]));
        }
        assert!(spill.notes(3).is_err(), "no such lesson");
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 1);
        drop(spill);
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 0, "deleted");
    }

    #[test]
    fn a_lesson_never_written_is_an_error() {
        let folder = tempfile::tempdir().expect("temp dir");
        let spill = Spill::create(folder.path(), 2).expect("creates");
        spill.put(0, &cached::to_data(&[note("a", 0)])).expect("writes");
        assert!(spill.notes(1).is_err());
        assert!(spill.put(2, "").is_err());
    }
}
