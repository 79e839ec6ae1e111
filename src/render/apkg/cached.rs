//! A lesson's notes as the build cache keeps them (see [`crate::cache`]): everything
//! [`NoteSet::collect`](super::NoteSet::collect) makes of an item (its HTML fields, highlighted and
//! sanitized, its tags, cards and media), so that an unchanged lesson is not rendered again.
//!
//! A rebuild after one edit reads back every other lesson's notes (10,000 at the benchmark's
//! size), so the text is made to be read cheaply ([`crate::cache::netstring`]: no escaping, so
//! reading is a copy of each string; as JSON the fields' HTML was unescaped quote by quote).
//! Any text that is not exactly this shape reads as nothing.

use std::collections::BTreeSet;

use super::Note;
use super::notetype::{self, NotetypeSpec};
use crate::cache::netstring::{Reader, Writer};

/// The text an entry keeps for `notes`.
pub fn to_data(notes: &[Note]) -> String {
    // Sized once (a lesson's notes are some hundred kilobytes of HTML), each string with room
    // for its length prefix, rather than grown by copying.
    fn sized<'a>(texts: impl IntoIterator<Item = &'a String>) -> usize {
        texts.into_iter().map(|text| text.len() + 8).sum()
    }
    let capacity: usize = notes
        .iter()
        .map(|note| {
            sized([&note.item_id, &note.deck, &note.hash])
                + sized(&note.fields)
                + sized(&note.tags)
                + sized(&note.media)
                + 64
        })
        .sum();
    let mut data = String::with_capacity(capacity);
    let mut writer = Writer(&mut data);
    writer.number(notes.len());
    for note in notes {
        writer.string(&note.item_id);
        writer.string(&note.deck);
        writer.string(note.spec.name);
        writer.strings(&note.fields);
        writer.strings(&note.tags);
        writer.number(note.ords.len());
        for &ord in &note.ords {
            writer.number(usize::from(ord));
        }
        writer.strings(&note.media);
        writer.string(&note.hash);
    }
    data
}

/// The notes of the lesson at `lesson` from an entry's text; `None` when it is not such a text
/// or names a note type this binary does not have.
pub fn from_data(data: &str, lesson: usize) -> Option<Vec<Note>> {
    let mut reader = Reader(data);
    let count = reader.number()?;
    // Each note takes at least a dozen bytes: a count beyond that is not a count of notes.
    let mut notes = Vec::with_capacity(count.min(data.len() / 12));
    for _ in 0..count {
        let item_id = reader.string()?;
        let deck = reader.string()?;
        let name = reader.str()?;
        let spec: &'static NotetypeSpec = notetype::ALL
            .iter()
            .copied()
            .find(|spec| spec.name == name)?;
        let fields = reader.strings()?;
        let tags = reader.strings()?;
        let ords = (0..reader.number()?)
            .map(|_| u16::try_from(reader.number()?).ok())
            .collect::<Option<Vec<u16>>>()?;
        let media: BTreeSet<String> = reader.strings()?.into_iter().collect();
        let hash = reader.string()?;
        notes.push(Note {
            item_id,
            lesson,
            deck,
            spec,
            fields,
            tags,
            ords,
            media,
            hash,
        });
    }
    reader.is_done().then_some(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::AssetSource;
    use crate::config::Config;
    use crate::templates::Templates;

    #[test]
    fn notes_come_back_as_they_were_made() {
        let text = "---\nid: l\ntitle: L\ndeck: D\n---\n\n## T\n\n### Why? {#why}\n\nBecause `code` and **bold**.\n";
        let (lesson, _) = crate::parse::parse_lesson(crate::diagnostic::FileId(0), text, "l");
        let course = crate::model::Course {
            files: vec![crate::model::SourceFile {
                path: "source/l.md".into(),
                text: text.to_owned(),
            }],
            lessons: vec![lesson],
        };
        let config = Config::from_text(std::path::Path::new("."), None).expect("defaults");
        let assets: std::sync::Arc<dyn AssetSource> =
            crate::load::project_assets(std::path::Path::new(".")).expect("assets");
        let set = super::super::NoteSet::collect(&course, &config, &Templates::embedded(), assets.as_ref())
            .expect("notes");
        let back = from_data(&to_data(&set.notes), 0).expect("read back");
        assert_eq!(format!("{back:?}"), format!("{:?}", set.notes));
        assert!(from_data("0,", 0).is_some_and(|notes| notes.is_empty()));
        assert!(from_data("not notes", 0).is_none());
        assert!(from_data("", 0).is_none());
        let data = to_data(&set.notes);
        assert!(!data.contains('\\'), "nothing escaped: {data}");
        let foreign = data.replace("9:cardsmith", "9:cardsmyth");
        assert_ne!(foreign, data);
        assert!(from_data(&foreign, 0).is_none(), "a note type this binary lacks");
        for cut in 0..data.len() {
            if data.is_char_boundary(cut) {
                assert!(from_data(&data[..cut], 0).is_none(), "cut at {cut}");
            }
        }
        assert!(from_data(&format!("{data}x"), 0).is_none(), "bytes after the notes");
        assert!(from_data(&data.replacen("1,", "-1,", 1), 0).is_none(), "a sign");
    }
}
