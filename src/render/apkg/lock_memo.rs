//! `cardsmith.lock` read through the build cache: the lock a build writes is kept parsed (as
//! JSON, under a key of its text), so that the next build, which reads that very text, does not
//! parse 10,000 TOML tables again (a twelfth of a rebuild after one edit). Any other text is
//! parsed as always, errors and all; a lock edited by hand has another key.

use std::path::Path;

use super::lock::{LockError, Lockfile};
use crate::cache::{BuildCache, Key};

/// The kind of result in keys.
const LOCK: &str = "cardsmith.lock parsed";

/// [`Lockfile::parse`] of `text`, taken from `cache` when a build kept it parsed.
pub(super) fn parse(
    text: Option<&str>,
    path: &Path,
    cache: &BuildCache,
) -> Result<Lockfile, LockError> {
    let Some(text) = text else {
        return Lockfile::parse(None, path);
    };
    let key = key_of(cache, text);
    let kept = cache.get(key.as_ref(), None);
    if let Some(lock) = kept.and_then(|hit| serde_json::from_str(&hit.data).ok()) {
        return Ok(lock);
    }
    let lock = Lockfile::parse(Some(text), path)?;
    keep(cache, text, &lock);
    Ok(lock)
}

/// Keeps `lock`, whose text is `text` ([`Lockfile::to_text`]), for the next build.
pub(super) fn keep(cache: &BuildCache, text: &str, lock: &Lockfile) {
    // Strings and numbers only: serializing cannot fail.
    let data = serde_json::to_string(lock).unwrap_or_default();
    cache.put(key_of(cache, text).as_ref(), &[], &data);
}

fn key_of(cache: &BuildCache, text: &str) -> Option<Key> {
    cache.combined_key(LOCK, &[], &[text.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::super::lock::NoteState;
    use super::*;

    #[test]
    fn the_lock_a_build_writes_parses_back_to_itself() {
        let notes: Vec<NoteState> = ["b", "a", "c"]
            .iter()
            .enumerate()
            .map(|(index, id)| NoteState {
                id: (*id).to_owned(),
                notetype: "cardsmith".to_owned(),
                deck: "D::E".to_owned(),
                cards: (0..=index as u16).collect(),
                hash: format!("{index:032x}"),
            })
            .collect();
        let notetypes = [("cardsmith".to_owned(), "00".repeat(16))];
        let lock = Lockfile::default().updated(&notes, &notetypes, 1_700_000_000_000);
        let text = lock.to_text();
        let path = Path::new("cardsmith.lock");
        assert_eq!(Lockfile::parse(Some(&text), path).expect("parses"), lock);
        let json = serde_json::to_string(&lock).expect("serializes");
        assert_eq!(serde_json::from_str::<Lockfile>(&json).expect("reads"), lock);
    }
}
