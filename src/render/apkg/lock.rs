//! `cardsmith.lock`: what Anki needs remembered between builds, committed with the lessons like
//! `Cargo.lock`.
//!
//! Anki updates an imported note only when the incoming note's `mod` is strictly newer than its
//! own, so `mod` must advance exactly when a note's content changes, stay put otherwise, and be
//! the same on every machine. The lock records, per item, the hash of its Anki note, when it was
//! first built (milliseconds: the note id, shown by Anki as the "added" date) and when its content
//! last changed (seconds: the note's `mod`); per note type, the same for its templates and CSS.
//! `build` updates it ([`Lockfile::updated`]); `build --locked` refuses to change it (CI).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::config::LOCK_FILE;

/// The version written by this cardsmith.
const VERSION: u32 = 1;

/// The largest `added` (milliseconds) and `modified` (seconds) a lock may hold: the last instant
/// of the year 9999. Every sum the build makes of them (card ids `added + ord`, `modified + 1`,
/// seconds to milliseconds) then stays far inside `i64` and below 2^53, the largest integer the
/// JavaScript of Anki's web views holds exactly.
const MAX_MILLIS: i64 = 253_402_300_799_999;
const MAX_SECONDS: i64 = MAX_MILLIS / 1000;

const HEADER: &str = "\
# cardsmith.lock: written by `cardsmith build`, checked by `cardsmith build --locked`. Commit it.
# It keeps Anki note ids and modification times stable across builds and machines, so that a
# re-import updates notes in place. See docs/anki.md before editing it by hand.
";

/// The parsed lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lockfile {
    /// Format version.
    pub version: u32,
    /// One entry per note type, sorted by name.
    #[serde(default, rename = "notetype")]
    pub notetypes: Vec<NotetypeEntry>,
    /// One entry per item, sorted by id ([`Lockfile::parse`] and [`Lockfile::updated`] keep it
    /// so, and [`Lockfile::item`] relies on it: a lookup per note must not scan every entry).
    #[serde(default, rename = "item")]
    pub items: Vec<ItemEntry>,
}

/// What the lock remembers of one item's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemEntry {
    /// The item id.
    pub id: String,
    /// The note type of its note (`cardsmith`, `cardsmith cloze`): Anki refuses to change it.
    pub notetype: String,
    /// The deck its cards were built into: Anki never moves a card on import, so a change is
    /// reported with the search that finds the cards left behind. Absent in a lock written
    /// before cardsmith recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deck: Option<String>,
    /// The ordinals of its cards (`[0, 1]` for `kind: reverse`, `c1` is 0 in a cloze): a card that
    /// is gone stays in Anki with a blank front until Empty Cards deletes it. Absent as `deck`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<u16>>,
    /// Hash of the note's note type, fields and tags.
    pub hash: String,
    /// Milliseconds since the epoch of the first build that saw it: the Anki note id.
    pub added: i64,
    /// Seconds since the epoch of the last content change: the Anki note's `mod`.
    pub modified: i64,
}

/// What the lock remembers of one note type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotetypeEntry {
    /// The note type's name.
    pub name: String,
    /// Hash of its fields, templates and CSS.
    pub hash: String,
    /// Seconds since the epoch of its last change: the note type's `mod`.
    pub modified: i64,
}

/// What a build makes of one item, as the lock sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteState {
    /// The item id.
    pub id: String,
    /// Its note type's name.
    pub notetype: String,
    /// Its deck.
    pub deck: String,
    /// Its cards' ordinals, ascending.
    pub cards: Vec<u16>,
    /// Hash of its note.
    pub hash: String,
}

/// Why the lock file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The file is not a lock file this cardsmith understands (not TOML, an unknown key, a
    /// value of the wrong type or out of range), at 1-based `line` and `column` (characters).
    #[error("{}:{line}:{column}: {message}; {help}", path.display())]
    Invalid {
        /// The lock file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Written by a newer cardsmith.
    #[error("`{LOCK_FILE}` has version {found}; this cardsmith reads version {VERSION}")]
    Version {
        /// The version found.
        found: u32,
    },
}

impl Default for Lockfile {
    fn default() -> Self {
        Lockfile {
            version: VERSION,
            notetypes: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl Lockfile {
    /// Parses the text of a lock file; no file (`None`) is an empty lock. `path` names the file
    /// in errors. Every integer is range-checked here, so that no later sum can overflow.
    pub fn parse(text: Option<&str>, path: &Path) -> Result<Lockfile, LockError> {
        let Some(text) = text else {
            return Ok(Lockfile::default());
        };
        let mut lock: Lockfile = toml::from_str(text).map_err(|error| {
            invalid(
                path,
                text,
                error.span().unwrap_or(0..0),
                error.message().trim_end().to_owned(),
                format!(
                    "fix it, or delete `{LOCK_FILE}` to start over (see docs/anki.md: notes get \
                     new ids, and Anki still updates them, as it matches notes by GUID)"
                ),
            )
        })?;
        if lock.version != VERSION {
            return Err(LockError::Version {
                found: lock.version,
            });
        }
        lock.check_ranges(text, path)?;
        // A hand-edited lock may be out of order. A stable sort keeps duplicates (a hand-merged
        // lock) in file order, so the first one still wins.
        lock.items.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(lock)
    }

    /// The first integer out of range, in file order (before any sorting, so that an entry's
    /// index is its `[[item]]` or `[[notetype]]` table's rank in the file).
    fn check_ranges(&self, text: &str, path: &Path) -> Result<(), LockError> {
        let items = self.items.iter().enumerate().flat_map(|(index, entry)| {
            [
                ("item", index, "added", entry.added, 1, MAX_MILLIS),
                ("item", index, "modified", entry.modified, 0, MAX_SECONDS),
            ]
        });
        let notetypes = self.notetypes.iter().enumerate().map(|(index, entry)| {
            (
                "notetype",
                index,
                "modified",
                entry.modified,
                0,
                MAX_SECONDS,
            )
        });
        for (table, index, key, value, min, max) in notetypes.chain(items) {
            if (min..=max).contains(&value) {
                continue;
            }
            let meaning = match key {
                "added" => {
                    "the item's Anki note id, the milliseconds since 1970 of its first build"
                }
                _ => "the seconds since 1970 of the last change",
            };
            let entry = match table {
                "item" => format!("`[[item]]` `{}`", self.items[index].id),
                _ => format!("`[[notetype]]` `{}`", self.notetypes[index].name),
            };
            return Err(invalid(
                path,
                text,
                value_span(text, table, index, key).unwrap_or(0..0),
                format!(
                    "`{key} = {value}` is out of range: it is {meaning}, from {min} to {max} \
                     (the end of the year 9999)"
                ),
                format!(
                    "restore the value from version control, or delete the entry {entry}: the \
                     next build records a fresh one (Anki matches notes by GUID, so it still \
                     updates the note)"
                ),
            ));
        }
        Ok(())
    }

    /// The text of the file: a header comment, then sorted entries.
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("a lock file always serializes to TOML");
        format!("{HEADER}\n{body}")
    }

    /// The entry of an item.
    pub fn item(&self, id: &str) -> Option<&ItemEntry> {
        // The first entry with this id, by bisection over the sorted entries.
        let first = self.items.partition_point(|entry| entry.id.as_str() < id);
        self.items.get(first).filter(|entry| entry.id == id)
    }

    /// The entry of a note type.
    pub fn notetype(&self, name: &str) -> Option<&NotetypeEntry> {
        self.notetypes.iter().find(|entry| entry.name == name)
    }

    /// The lock after a build at `now_ms` (milliseconds since the epoch) that makes these notes
    /// (in build order) and note types with these `(name, hash)`.
    ///
    /// - Same hash: the entry is kept as it is (same note id, same `mod`).
    /// - New hash: `modified = max(now, previous + 1)`, so two edits within one second still
    ///   advance it, and a clock behind the previous build never moves it back.
    /// - New item: `added` = now in milliseconds, made unique (+1 ms) among the lock's items, so
    ///   every note id differs; `modified` = now.
    /// - Items no longer built are dropped (see [`Lockfile::changes_to`] to report them).
    pub fn updated(
        &self,
        items: &[NoteState],
        notetypes: &[(String, String)],
        now_ms: i64,
    ) -> Lockfile {
        // What this build writes must load again: every time stays inside what `parse` accepts,
        // even with a clock before 1970 or past the year 9999 (new ids take at most one step
        // per item and per id already taken).
        let spare = i64::try_from(2 * items.len()).unwrap_or(MAX_MILLIS);
        let now_ms = now_ms.clamp(1, MAX_MILLIS.saturating_sub(spare).max(1));
        let now_s = now_ms.div_euclid(1000);
        let advanced = |previous: i64| now_s.max(previous.saturating_add(1)).min(MAX_SECONDS);
        let mut used_added = BTreeSet::new();
        let mut pending = Vec::new();
        let mut kept = BTreeMap::new();
        for state in items {
            let NoteState { id, hash, .. } = state;
            match self.item(id) {
                // A duplicate `added` (a hand-merged lock) gets a fresh one; Anki finds an
                // existing note by GUID, so its note id in the package does not matter.
                Some(previous) if used_added.insert(previous.added) => {
                    let modified = if previous.hash == *hash {
                        previous.modified
                    } else {
                        advanced(previous.modified)
                    };
                    kept.insert(id.clone(), state.entry(previous.added, modified));
                }
                Some(previous) => pending.push((state, Some(previous.modified))),
                None => pending.push((state, None)),
            }
        }
        let mut next_added = now_ms;
        for (state, previous_modified) in pending {
            while used_added.contains(&next_added) {
                next_added = next_added.saturating_add(1);
            }
            used_added.insert(next_added);
            let modified = previous_modified.map_or(now_s, advanced);
            kept.insert(state.id.clone(), state.entry(next_added, modified));
        }
        let mut notetype_entries: Vec<NotetypeEntry> = notetypes
            .iter()
            .map(|(name, hash)| {
                let modified = match self.notetype(name) {
                    Some(previous) if previous.hash == *hash => previous.modified,
                    Some(previous) => advanced(previous.modified),
                    None => now_s,
                };
                NotetypeEntry {
                    name: name.clone(),
                    hash: hash.clone(),
                    modified,
                }
            })
            .collect();
        notetype_entries.sort_by(|a, b| a.name.cmp(&b.name));
        Lockfile {
            version: VERSION,
            notetypes: notetype_entries,
            items: kept.into_values().collect(),
        }
    }

    /// What differs between this lock and `newer`, item by item.
    pub fn changes_to(&self, newer: &Lockfile) -> LockChanges {
        let mut changes = LockChanges::default();
        for entry in &newer.items {
            match self.item(&entry.id) {
                None => changes.added.push(entry.id.clone()),
                // A lock from before `deck` and `cards` were recorded gets them filled in
                // without that counting as a change (`build --locked` still passes).
                Some(previous) if !previous.same_as(entry) => {
                    changes.changed.push(entry.id.clone());
                    if previous.notetype != entry.notetype {
                        changes.switched_notetype.push(entry.id.clone());
                    } else if let (Some(old), Some(new)) = (&previous.cards, &entry.cards) {
                        let gone: Vec<u16> = old
                            .iter()
                            .filter(|ord| !new.contains(ord))
                            .copied()
                            .collect();
                        if !gone.is_empty() {
                            changes.lost_cards.push((entry.id.clone(), gone));
                        }
                    }
                    if let (Some(old), Some(new)) = (&previous.deck, &entry.deck)
                        && old != new
                    {
                        changes
                            .moved_deck
                            .push((entry.id.clone(), old.clone(), new.clone()));
                    }
                }
                Some(_) => {}
            }
        }
        for entry in &self.items {
            if newer.item(&entry.id).is_none() {
                changes.removed.push(entry.id.clone());
            }
        }
        for entry in &newer.notetypes {
            if self.notetype(&entry.name) != Some(entry) {
                changes.notetypes.push(entry.name.clone());
            }
        }
        changes
    }
}

/// Item ids (and note type names) whose lock entry a build adds, changes or drops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockChanges {
    /// Items new since the lock was written.
    pub added: Vec<String>,
    /// Items whose note changed.
    pub changed: Vec<String>,
    /// Items that left the source (their notes stay in Anki).
    pub removed: Vec<String>,
    /// Note types whose templates or CSS changed (or that are new).
    pub notetypes: Vec<String>,
    /// Changed items whose note type changed (`cloze` to another kind or back): Anki will not
    /// update their notes.
    pub switched_notetype: Vec<String>,
    /// Changed items whose deck changed: `(id, old deck, new deck)`. Anki leaves their cards in
    /// the old deck.
    pub moved_deck: Vec<(String, String, String)>,
    /// Changed items (same note type) that lost cards: `(id, ordinals gone)`, e.g. `kind:
    /// reverse` to `basic`. Anki keeps those cards, with a blank front.
    pub lost_cards: Vec<(String, Vec<u16>)>,
}

impl LockChanges {
    /// Whether the lock stays as it is.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.notetypes.is_empty()
    }
}

impl fmt::Display for LockChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups = [
            ("new items", &self.added),
            ("changed items", &self.changed),
            ("removed items", &self.removed),
            ("changed note types", &self.notetypes),
        ];
        let mut first = true;
        for (label, ids) in groups {
            if ids.is_empty() {
                continue;
            }
            if !first {
                write!(f, "; ")?;
            }
            first = false;
            write!(f, "{label}: {}", ids.join(", "))?;
        }
        Ok(())
    }
}

/// A [`LockError::Invalid`] at byte range `span` of `text`.
fn invalid(
    path: &Path,
    text: &str,
    span: Range<usize>,
    message: String,
    help: String,
) -> LockError {
    let at = crate::lines::LineIndex::new(text).line_column(text, span.start);
    LockError::Invalid {
        path: path.to_owned(),
        line: at.line,
        column: at.column,
        message,
        help,
    }
}

/// Where the value of `key` in the `index`-th `[[table]]` of the lock file lies.
fn value_span(text: &str, table: &str, index: usize, key: &str) -> Option<Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?;
    fn field<'a, 'i>(table: &'a DeTable<'i>, name: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
        table
            .iter()
            .find(|(candidate, _)| candidate.get_ref() == name)
            .map(|(_, value)| value)
    }
    let DeValue::Array(entries) = field(document.get_ref(), table)?.get_ref() else {
        return None;
    };
    let DeValue::Table(entry) = entries.get(index)?.get_ref() else {
        return None;
    };
    Some(field(entry, key)?.span())
}

impl NoteState {
    /// Its lock entry, with the note id and `mod` the lock gives it.
    fn entry(&self, added: i64, modified: i64) -> ItemEntry {
        ItemEntry {
            id: self.id.clone(),
            notetype: self.notetype.clone(),
            deck: Some(self.deck.clone()),
            cards: Some(self.cards.clone()),
            hash: self.hash.clone(),
            added,
            modified,
        }
    }
}

impl ItemEntry {
    /// Equal to `newer`, a field this entry does not record (an older lock) aside.
    fn same_as(&self, newer: &ItemEntry) -> bool {
        let (deck, cards) = (
            self.deck.clone().or_else(|| newer.deck.clone()),
            self.cards.clone().or_else(|| newer.cards.clone()),
        );
        ItemEntry {
            deck,
            cards,
            ..self.clone()
        } == *newer
    }
}

/// The Anki search that finds the cards of these items in `deck` (a deck search includes its
/// subdecks, which holds no other cards of these items).
pub fn anki_deck_search(deck: &str, ids: &[String]) -> String {
    let escaped: String = deck
        .chars()
        .flat_map(|c| match c {
            '"' | '*' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("\"deck:{escaped}\" ({})", anki_search(ids))
}

/// The Anki search that finds the notes of these items (field `Id` of cardsmith's note types).
pub fn anki_search(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("\"Id:{}\"", id.replace('_', "\\_").replace('*', "\\*")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(pairs: &[(&str, &str)]) -> Vec<NoteState> {
        pairs
            .iter()
            .map(|(id, hash)| NoteState {
                id: (*id).to_owned(),
                notetype: "cardsmith".to_owned(),
                deck: "Deck".to_owned(),
                cards: vec![0],
                hash: (*hash).to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_deck_change_and_a_lost_card_are_changes_with_what_they_were() {
        let mut before = items(&[("a", "1"), ("b", "2")]);
        before[1].cards = vec![0, 1];
        let old = Lockfile::default().updated(&before, &[], T0);
        let mut after = before.clone();
        after[0].deck = "Other::Deck".to_owned();
        after[1].cards = vec![0];
        let new = old.updated(&after, &[], T0 + 5_000);
        let changes = old.changes_to(&new);
        assert_eq!(
            changes.moved_deck,
            [("a".to_owned(), "Deck".to_owned(), "Other::Deck".to_owned())]
        );
        assert_eq!(changes.lost_cards, [("b".to_owned(), vec![1])]);
        assert_eq!(changes.changed, ["a", "b"]);
        // The deck is not the note's content: its `mod` stays.
        assert_eq!(
            new.item("a").map(|e| e.modified),
            old.item("a").map(|e| e.modified)
        );
    }

    #[test]
    fn a_lock_without_decks_and_cards_is_filled_in_without_a_change() {
        let mut old = Lockfile::default().updated(&items(&[("a", "1")]), &[], T0);
        old.items[0].deck = None;
        old.items[0].cards = None;
        let new = old.updated(&items(&[("a", "1")]), &[], T0 + 5_000);
        assert!(old.changes_to(&new).is_empty());
        assert_eq!(new.items[0].deck.as_deref(), Some("Deck"));
        let text = new.to_text();
        assert!(text.contains("deck = \"Deck\"\ncards = [0]\n"), "{text}");
    }

    #[test]
    fn deck_searches_escape_anki_wildcards() {
        assert_eq!(
            anki_deck_search("My_Deck::*\"x\"", &["a".to_owned()]),
            "\"deck:My\\_Deck::\\*\\\"x\\\"\" (\"Id:a\")"
        );
    }

    const T0: i64 = 1_700_000_000_000;

    #[test]
    fn new_items_get_unique_ids_and_the_current_time() {
        let lock = Lockfile::default().updated(&items(&[("b", "1"), ("a", "2")]), &[], T0);
        assert_eq!(lock.items.len(), 2);
        assert_eq!(lock.items[0].id, "a", "sorted by id");
        assert_eq!(lock.item("b").expect("b").added, T0);
        assert_eq!(lock.item("a").expect("a").added, T0 + 1);
        assert!(lock.items.iter().all(|entry| entry.modified == T0 / 1000));
    }

    #[test]
    fn unchanged_content_keeps_its_times_whatever_the_clock() {
        let first = Lockfile::default().updated(&items(&[("a", "1")]), &[], T0);
        let second = first.updated(&items(&[("a", "1")]), &[], T0 + 86_400_000);
        assert_eq!(first, second);
        assert!(first.changes_to(&second).is_empty());
    }

    #[test]
    fn changed_content_advances_even_within_one_second() {
        let first = Lockfile::default().updated(&items(&[("a", "1")]), &[], T0);
        let second = first.updated(&items(&[("a", "2")]), &[], T0 + 10);
        let third = second.updated(&items(&[("a", "3")]), &[], T0 + 20);
        assert_eq!(second.items[0].modified, T0 / 1000 + 1);
        assert_eq!(third.items[0].modified, T0 / 1000 + 2);
        assert_eq!(third.items[0].added, T0, "the note id never changes");
        let later = third.updated(&items(&[("a", "4")]), &[], T0 + 60_000);
        assert_eq!(later.items[0].modified, T0 / 1000 + 60);
    }

    #[test]
    fn a_clock_behind_the_lock_still_advances() {
        let first = Lockfile::default().updated(&items(&[("a", "1")]), &[], T0);
        let second = first.updated(&items(&[("a", "2")]), &[], T0 - 3_600_000);
        assert_eq!(second.items[0].modified, T0 / 1000 + 1);
    }

    #[test]
    fn removed_items_are_reported_and_dropped() {
        let first = Lockfile::default().updated(&items(&[("a", "1"), ("b", "1")]), &[], T0);
        let second = first.updated(&items(&[("a", "1"), ("c", "1")]), &[], T0 + 5);
        let changes = first.changes_to(&second);
        assert_eq!(changes.removed, vec!["b".to_owned()]);
        assert_eq!(changes.added, vec!["c".to_owned()]);
        assert!(second.item("b").is_none());
        assert_ne!(
            second.item("c").expect("c").added,
            second.item("a").expect("a").added
        );
    }

    #[test]
    fn a_note_type_switch_is_reported() {
        let first = Lockfile::default().updated(&items(&[("a", "1")]), &[], T0);
        let mut cloze = items(&[("a", "2")]);
        cloze[0].notetype = "cardsmith cloze".to_owned();
        let second = first.updated(&cloze, &[], T0 + 5);
        assert_eq!(
            first.changes_to(&second).switched_notetype,
            vec!["a".to_owned()]
        );
    }

    #[test]
    fn note_types_advance_when_their_templates_change() {
        let nt = |hash: &str| vec![("cardsmith".to_owned(), hash.to_owned())];
        let first = Lockfile::default().updated(&[], &nt("1"), T0);
        assert_eq!(first.updated(&[], &nt("1"), T0 + 5000), first);
        let second = first.updated(&[], &nt("2"), T0 + 5000);
        assert_eq!(second.notetypes[0].modified, T0 / 1000 + 5);
    }

    #[test]
    fn text_round_trips() {
        let lock = Lockfile::default().updated(
            &items(&[("a", "1")]),
            &[("cardsmith".to_owned(), "9".to_owned())],
            T0,
        );
        assert_eq!(
            Lockfile::parse(Some(&lock.to_text()), Path::new(LOCK_FILE)).expect("parses"),
            lock
        );
        assert!(lock.to_text().starts_with("# cardsmith.lock"));
    }

    #[test]
    fn a_hand_edited_lock_out_of_order_still_finds_every_item() {
        let entry = |id: &str, added: i64| {
            format!(
                "[[item]]\nid = \"{id}\"\nnotetype = \"cardsmith\"\nhash = \"1\"\nadded = {added}\nmodified = 1\n"
            )
        };
        let text = format!(
            "version = {VERSION}\n{}{}{}{}",
            entry("c", 3),
            entry("a", 1),
            entry("b", 2),
            entry("a", 4)
        );
        let lock = Lockfile::parse(Some(&text), Path::new(LOCK_FILE)).expect("parses");
        for (id, added) in [("a", 1), ("b", 2), ("c", 3)] {
            assert_eq!(lock.item(id).map(|entry| entry.added), Some(added), "{id}");
        }
        assert!(lock.item("d").is_none());
    }

    fn error_of(text: &str) -> String {
        Lockfile::parse(Some(text), Path::new("p/cardsmith.lock"))
            .expect_err("out of range")
            .to_string()
    }

    #[test]
    fn every_integer_is_range_checked_at_its_line_and_column() {
        let item = |added: &str, modified: &str| {
            format!(
                "version = 1\n\n[[item]]\nid = \"a\"\nnotetype = \"cardsmith\"\nhash = \"1\"\n\
                 added = 5\nmodified = 1\n\n[[item]]\nid = \"b\"\nnotetype = \"cardsmith\"\n\
                 hash = \"1\"\nadded = {added}\nmodified = {modified}\n"
            )
        };
        let error = error_of(&item("9223372036854775807", "1"));
        assert!(
            error.starts_with(
                "p/cardsmith.lock:14:9: `added = 9223372036854775807` is out of range"
            ),
            "{error}"
        );
        assert!(error.contains("`[[item]]` `b`"), "{error}");
        let error = error_of(&item("0", "1"));
        assert!(
            error.starts_with("p/cardsmith.lock:14:9: `added = 0`"),
            "{error}"
        );
        let error = error_of(&item("7", "-1"));
        assert!(
            error.starts_with("p/cardsmith.lock:15:12: `modified = -1`"),
            "{error}"
        );
        let error = error_of(&item("7", "253402300800"));
        assert!(error.contains("from 0 to 253402300799"), "{error}");
        assert!(
            Lockfile::parse(
                Some(&item("253402300799999", "253402300799")),
                Path::new("x")
            )
            .is_ok()
        );
        let notetype = "version = 1\n[[notetype]]\nname = \"n\"\nhash = \"1\"\nmodified = -9223372036854775808\n";
        let error = error_of(notetype);
        assert!(
            error.starts_with("p/cardsmith.lock:5:12: `modified = -9223372036854775808`"),
            "{error}"
        );
        assert!(error.contains("`[[notetype]]` `n`"), "{error}");
    }

    #[test]
    fn a_value_beyond_i64_is_an_error_at_its_position() {
        let error = error_of(
            "version = 1\n[[item]]\nid = \"a\"\nnotetype = \"c\"\nhash = \"1\"\n\
             added = 99999999999999999999\nmodified = 1\n",
        );
        assert!(error.starts_with("p/cardsmith.lock:6:9: "), "{error}");
        assert!(
            error.contains("delete `cardsmith.lock` to start over"),
            "{error}"
        );
    }

    #[test]
    fn sums_of_the_largest_values_stay_in_range() {
        let text = "version = 1\n[[item]]\nid = \"a\"\nnotetype = \"cardsmith\"\nhash = \"1\"\n\
                    added = 253402300799999\nmodified = 253402300799\n";
        let lock = Lockfile::parse(Some(text), Path::new(LOCK_FILE)).expect("in range");
        for now in [i64::MIN, -1, 0, T0, i64::MAX] {
            let next = lock.updated(&items(&[("a", "2"), ("b", "1"), ("c", "1")]), &[], now);
            let text = next.to_text();
            assert_eq!(
                Lockfile::parse(Some(&text), Path::new(LOCK_FILE)).expect("loads again"),
                next,
                "{now}"
            );
            assert_eq!(next.item("a").expect("a").added, 253_402_300_799_999);
        }
    }

    #[test]
    fn a_missing_lock_is_empty() {
        assert_eq!(
            Lockfile::parse(None, Path::new(LOCK_FILE)).expect("parses"),
            Lockfile::default()
        );
    }

    #[test]
    fn search_finds_notes_by_id_field() {
        let ids = vec!["a-b".to_owned(), "c".to_owned()];
        assert_eq!(anki_search(&ids), "\"Id:a-b\" OR \"Id:c\"");
    }
}
