//! Test support: deterministic corruptions of lesson text, for the tests that prove no stage
//! panics whatever it is given. Not fuzzing (that belongs to a fuzzer); a cheap, repeatable net.

/// Characters that matter to Markdown, YAML and our own syntax, plus multi-byte ones.
const ALPHABET: &[char] = &[
    '#', '{', '}', '-', ':', '[', ']', '/', '`', '*', '\n', ' ', '\t', '"', '\'', '|', '\\', 'é',
    '✓', '\r', '>', '!', '(', ')', ',', '.', '?', '<',
];

/// `count` variants of `source`, each with 1 to 8 random deletions, insertions and copies; the
/// same `seed` always gives the same variants.
pub fn variants(source: &str, count: usize, seed: u64) -> Vec<String> {
    let mut state = seed.max(1);
    let mut next = move |bound: usize| {
        // xorshift64: tiny, fast, and good enough to scatter edits.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound.max(1) as u64) as usize
    };
    (0..count)
        .map(|_| {
            let mut chars: Vec<char> = source.chars().collect();
            for _ in 0..1 + next(8) {
                let at = next(chars.len() + 1);
                match next(3) {
                    0 if at < chars.len() => {
                        let end = (at + next(40)).min(chars.len());
                        chars.drain(at..end);
                    }
                    1 => chars.insert(at, ALPHABET[next(ALPHABET.len())]),
                    _ => {
                        let from = next(chars.len());
                        let end = (from + next(60)).min(chars.len());
                        let copied: Vec<char> = chars[from..end].to_vec();
                        chars.splice(at..at, copied);
                    }
                }
            }
            chars.into_iter().collect()
        })
        .collect()
}
