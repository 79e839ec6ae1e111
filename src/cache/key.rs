//! Cache keys: a SHA-256 over every input of a result, each input length-prefixed so that
//! `("ab", "c")` and `("a", "bc")` differ.

use sha2::{Digest, Sha256};

/// What names an entry: 64 lowercase hex digits, the entry's file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(String);

impl Key {
    /// The key as the entry's file name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `name` has the shape of a key (so that nothing else in the cache folder is read
    /// as an entry).
    pub fn is_key(name: &str) -> bool {
        name.len() == 64
            && name
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Builds a [`Key`]: feed every input in a fixed order.
#[derive(Debug, Clone)]
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// A key for results of `kind` (`"sheet"`, `"notes"`, ...) made by this binary: its
    /// version, the commit it was built from and its features are the first inputs, so that
    /// another cardsmith never reads this one's entries.
    pub fn new(kind: &str) -> KeyBuilder {
        let mut key = KeyBuilder(Sha256::new());
        key.add(super::entry::BINARY.as_bytes())
            .add(kind.as_bytes());
        key
    }

    /// A key that starts from `base` (the project's inputs, a lesson's) and goes on with more.
    pub fn extend(base: &Key, kind: &str) -> KeyBuilder {
        let mut key = KeyBuilder(Sha256::new());
        key.add(base.as_str().as_bytes()).add(kind.as_bytes());
        key
    }

    /// Adds one input.
    pub fn add(&mut self, input: &[u8]) -> &mut KeyBuilder {
        self.0.update((input.len() as u64).to_le_bytes());
        self.0.update(input);
        self
    }

    /// Adds the `Debug` text of `value`, streamed into the hash (for inputs that are structures,
    /// such as the parsed configuration: every field is in its `Debug` text).
    pub fn add_debug(&mut self, value: &impl std::fmt::Debug) -> &mut KeyBuilder {
        use std::fmt::Write;
        let mut stream = Stream(Sha256::new());
        // Writing into a hash cannot fail.
        let _ = write!(stream, "{value:?}");
        self.add(&stream.0.finalize())
    }

    /// The key.
    pub fn finish(self) -> Key {
        Key(hex(&self.0.finalize()))
    }
}

/// `fmt::Write` into a hash.
struct Stream(Sha256);

impl std::fmt::Write for Stream {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.update(text.as_bytes());
        Ok(())
    }
}

/// Lowercase hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_separated_and_kinds_differ() {
        let mut ab_c = KeyBuilder::new("test");
        ab_c.add(b"ab").add(b"c");
        let mut a_bc = KeyBuilder::new("test");
        a_bc.add(b"a").add(b"bc");
        let (ab_c, a_bc) = (ab_c.finish(), a_bc.finish());
        assert_ne!(ab_c, a_bc);
        assert_ne!(KeyBuilder::new("x").finish(), KeyBuilder::new("y").finish());
        assert_ne!(
            KeyBuilder::extend(&ab_c, "x").finish(),
            KeyBuilder::extend(&a_bc, "x").finish()
        );
        assert!(Key::is_key(ab_c.as_str()));
        assert!(!Key::is_key("not-a-key"));
    }

    #[test]
    fn debug_inputs_follow_the_value() {
        let key = |value: &[u32]| {
            let mut key = KeyBuilder::new("test");
            key.add_debug(&value);
            key.finish()
        };
        assert_eq!(key(&[1, 2]), key(&[1, 2]));
        assert_ne!(key(&[1, 2]), key(&[12]));
    }
}
