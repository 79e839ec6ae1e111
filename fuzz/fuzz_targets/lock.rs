//! `cardsmith.lock` from text: a lock that loads survives a build's update, with a clock before
//! 1970, now, or past the year 9999, and loads again, unchanged, from the text the build writes.
#![no_main]

use std::path::Path;

use cardsmith::render::apkg::lock::{Lockfile, NoteState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let path = Path::new("cardsmith.lock");
    let Ok(lock) = Lockfile::parse(Some(text), path) else {
        return;
    };
    // The build keeps every item, changes the first, and adds one.
    let mut notes: Vec<NoteState> = lock
        .items
        .iter()
        .map(|entry| NoteState {
            id: entry.id.clone(),
            notetype: entry.notetype.clone(),
            deck: entry.deck.clone().unwrap_or_else(|| "Fuzz".to_owned()),
            cards: entry.cards.clone().unwrap_or_else(|| vec![0]),
            hash: entry.hash.clone(),
        })
        .collect();
    if let Some(first) = notes.first_mut() {
        first.hash.push('x');
    }
    notes.push(NoteState {
        id: "fuzz-new-item".to_owned(),
        notetype: "cardsmith".to_owned(),
        deck: "Fuzz".to_owned(),
        cards: vec![0, 1],
        hash: "0".to_owned(),
    });
    let notetypes = [("cardsmith".to_owned(), "1".to_owned())];
    for now_ms in [i64::MIN, 1_700_000_000_000, i64::MAX] {
        let next = lock.updated(&notes, &notetypes, now_ms);
        let again = Lockfile::parse(Some(&next.to_text()), path)
            .unwrap_or_else(|error| panic!("a lock the build writes must load: {error}"));
        assert_eq!(again, next);
    }
});
