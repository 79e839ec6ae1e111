//! A lesson's notes as the build cache keeps them (see [`crate::cache`]): everything
//! [`NoteSet::collect`](super::NoteSet::collect) makes of an item (its HTML fields, highlighted and
//! sanitized, its tags, cards and media), so that an unchanged lesson is not rendered again.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Note;
use super::notetype::{self, NotetypeSpec};

/// [`Note`] without its lesson index, its note type by name.
#[derive(Debug, Serialize, Deserialize)]
struct CachedNote {
    item_id: String,
    deck: String,
    notetype: String,
    fields: Vec<String>,
    tags: Vec<String>,
    ords: Vec<u16>,
    media: BTreeSet<String>,
    hash: String,
}

/// The text an entry keeps for `notes`.
pub fn to_data(notes: &[Note]) -> String {
    let cached: Vec<CachedNote> = notes
        .iter()
        .map(|note| CachedNote {
            item_id: note.item_id.clone(),
            deck: note.deck.clone(),
            notetype: note.spec.name.to_owned(),
            fields: note.fields.clone(),
            tags: note.tags.clone(),
            ords: note.ords.clone(),
            media: note.media.clone(),
            hash: note.hash.clone(),
        })
        .collect();
    serde_json::to_string(&cached).unwrap_or_default()
}

/// The notes of the lesson at `lesson` from an entry's text; `None` when it is not such a text
/// or names a note type this binary does not have.
pub fn from_data(data: &str, lesson: usize) -> Option<Vec<Note>> {
    let cached: Vec<CachedNote> = serde_json::from_str(data).ok()?;
    cached
        .into_iter()
        .map(|note| {
            let spec: &'static NotetypeSpec = notetype::ALL
                .iter()
                .copied()
                .find(|spec| spec.name == note.notetype)?;
            Some(Note {
                item_id: note.item_id,
                lesson,
                deck: note.deck,
                spec,
                fields: note.fields,
                tags: note.tags,
                ords: note.ords,
                media: note.media,
                hash: note.hash,
            })
        })
        .collect()
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
        assert!(from_data("[]", 0).is_some_and(|notes| notes.is_empty()));
        assert!(from_data("not json", 0).is_none());
        let foreign = to_data(&set.notes).replace("\"notetype\":\"cardsmith\"", "\"notetype\":\"other\"");
        assert!(from_data(&foreign, 0).is_none(), "a note type this binary lacks");
    }
}
