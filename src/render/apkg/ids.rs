//! Identifiers Anki keys on, derived from names so that every build (on every machine) gives the
//! same ones. Documented in `docs/anki.md`; changing any function here duplicates every user's
//! notes on their next import, so tests pin their values.

use sha2::{Digest, Sha256};

/// Anki's base-91 alphabet for GUIDs (`anki/utils.py`: letters, digits, then these symbols). It
/// has no quote or backslash, so a GUID is safe in HTML, CSV and SQL text.
const BASE91: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";

/// The GUID of an item's note: depends on the item id alone, so editing the question, the answer,
/// the tags or the lesson it sits in keeps the note; renaming the id makes a new note.
///
/// `guid = base91(u64_be(SHA-256("cardsmith:item:" + id)[0..8]))`, most significant digit first
/// (10 or 11 characters, like the GUIDs Anki makes itself).
pub fn note_guid(item_id: &str) -> String {
    base91(hash64("cardsmith:item:", item_id))
}

/// The id of a deck, from its full name (`Parent::Child`). Anki matches decks by name on import,
/// so this only has to be stable and unique within one package.
pub fn deck_id(deck_name: &str) -> i64 {
    id_in_safe_range(hash64("cardsmith:deck:", deck_name))
}

/// The id of a note type, from its name. Anki matches an incoming note type by this id (then by
/// its field and template names), so it must never change: see [`super::notetype`].
pub fn notetype_id(name: &str) -> i64 {
    id_in_safe_range(hash64("cardsmith:notetype:", name))
}

/// The first 8 bytes of SHA-256(`prefix` + `name`), big-endian.
fn hash64(prefix: &str, name: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(prefix.as_bytes())
        .chain_update(name.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// Maps a hash into `[2^40, 2^52)`: clear of Anki's built-in ids (the default deck is 1), and
/// exact in a JavaScript number (Anki's web views read these ids as JSON).
fn id_in_safe_range(hash: u64) -> i64 {
    const LOW: u64 = 1 << 40;
    const HIGH: u64 = 1 << 52;
    let id = LOW + hash % (HIGH - LOW);
    i64::try_from(id).expect("ids below 2^52 fit in i64")
}

fn base91(mut value: u64) -> String {
    let mut digits = Vec::with_capacity(11);
    loop {
        digits.push(BASE91[(value % 91) as usize]);
        value /= 91;
        if value == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("the alphabet is ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base91_matches_ankis_encoding() {
        assert_eq!(base91(0), "a");
        assert_eq!(base91(90), "~");
        assert_eq!(base91(91), "ba");
        assert_eq!(BASE91.len(), 91);
    }

    /// Pinned: a change here duplicates every imported note. Never update these values.
    #[test]
    fn derived_ids_are_frozen() {
        assert_eq!(note_guid("exactly-once"), FROZEN_GUID);
        assert_eq!(deck_id("Data Engineering"), FROZEN_DECK_ID);
        assert_eq!(notetype_id("cardsmith"), FROZEN_NOTETYPE_ID);
    }

    const FROZEN_GUID: &str = "Q/=7|*CAW3";
    const FROZEN_DECK_ID: i64 = 2_917_184_799_231_675;
    const FROZEN_NOTETYPE_ID: i64 = 1_543_691_441_196_562;

    #[test]
    fn ids_are_in_the_safe_range() {
        for name in ["", "a", "Default", "x::y"] {
            let id = deck_id(name);
            assert!((1 << 40..1 << 52).contains(&id), "{name}: {id}");
        }
    }
}
