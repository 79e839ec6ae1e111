//! Splitting an answer into sentences: a point is made within one sentence.
//!
//! A sentence ends at `.`, `!`, `?`, `;` or `:` followed by whitespace or the end of the text
//! (so `1.5`, `e.g.x` and `http://` do not split), at their full-width forms (`。`, `！`, `？`,
//! `；`, `：`), and at a line break: the plain text ends every paragraph, list item, table cell
//! and heading with one, so each list item is a sentence of its own.

use std::ops::Range;

/// The byte ranges of the sentences of `text`, in order; empty ones are kept so that indexes
/// stay stable, whitespace-only ones are dropped.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(found) = next_of(text, at, &MAY_END_SENTENCE) {
        at = found;
        let c = char_at(text, at);
        let end = at + c.len_utf8();
        let ends = match c {
            '\n' | '。' | '！' | '？' | '；' | '：' => true,
            '.' | '!' | '?' | ';' | ':' => end == text.len() || char_at(text, end).is_whitespace(),
            _ => false,
        };
        if ends {
            if !text[start..end].trim().is_empty() {
                sentences.push(start..end);
            }
            start = end;
        }
        at = end;
    }
    if !text[start..].trim().is_empty() {
        sentences.push(start..text.len());
    }
    sentences
}

/// The bytes that may start a character ending a sentence: the ASCII ones and the first bytes of
/// `。` (E3) and of the full-width forms (EF).
const MAY_END_SENTENCE: [bool; 256] = bytes_of(&[b'\n', b'.', b'!', b'?', b';', b':', 0xE3, 0xEF]);

/// The bytes that may start a character ending a clause: `,`, `-`, and the first bytes of `—` and
/// `–` (E2), `、` (E3) and `，` (EF).
const MAY_END_CLAUSE: [bool; 256] = bytes_of(&[b',', b'-', 0xE2, 0xE3, 0xEF]);

const fn bytes_of(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut at = 0;
    while at < bytes.len() {
        table[bytes[at] as usize] = true;
        at += 1;
    }
    table
}

/// The offset of the first byte from `at` on that `table` holds. Each such byte is ASCII or the
/// first byte of a character, so the offset is a character boundary, and every character
/// skipped starts with a byte the table lacks: the splitters look at the characters whose first
/// byte is in the table only, the way a loop over every character would find them.
fn next_of(text: &str, at: usize, table: &[bool; 256]) -> Option<usize> {
    text.as_bytes()
        .get(at..)?
        .iter()
        .position(|&byte| table[usize::from(byte)])
        .map(|found| at + found)
}

/// The character at byte `at` of `text`, a character boundary: ASCII read as its byte (most
/// text), without the decoding a `chars()` iterator does for every character.
pub(super) fn char_at(text: &str, at: usize) -> char {
    match text.as_bytes()[at] {
        byte @ 0..=0x7F => char::from(byte),
        _ => text[at..].chars().next().unwrap_or_default(),
    }
}

/// The clauses of each sentence: its pieces between commas (`,`, `，`, `、`) and dashes (` - `,
/// `—`, `–`) followed by whitespace. A red flag is raised only by the words of one clause, so
/// that "borrowers gain, lenders lose" does not raise `lenders gain`.
pub fn clauses(text: &str, sentences: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut clauses = Vec::new();
    for sentence in sentences {
        let mut start = sentence.start;
        let piece = &text[sentence.clone()];
        // Followed by whitespace or the end of the sentence.
        let followed_by_space =
            |end: usize| end == piece.len() || char_at(piece, end).is_whitespace();
        let mut at = 0;
        while let Some(found) = next_of(piece, at, &MAY_END_CLAUSE) {
            at = found;
            let c = char_at(piece, at);
            let next = at + c.len_utf8();
            let ends = match c {
                '，' | '、' | '—' | '–' => true,
                ',' => followed_by_space(next),
                '-' => followed_by_space(next) && piece[..at].ends_with(' '),
                _ => false,
            };
            if ends {
                let end = sentence.start + next;
                if !text[start..end].trim().is_empty() {
                    clauses.push(start..end);
                }
                start = end;
            }
            at = next;
        }
        if !text[start..sentence.end].trim().is_empty() {
            clauses.push(start..sentence.end);
        }
    }
    clauses
}

/// The index of the sentence holding byte `offset`, given [`split`]'s ranges.
pub fn index_of(sentences: &[Range<usize>], offset: usize) -> usize {
    sentences
        .partition_point(|sentence| sentence.end <= offset)
        .min(sentences.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text)
            .into_iter()
            .map(|range| text[range].trim())
            .collect()
    }

    #[test]
    fn splits_on_sentence_punctuation_and_lines() {
        assert_eq!(
            pieces("One is 1.5 long. Two; three: four\n- five\n"),
            ["One is 1.5 long.", "Two;", "three:", "four", "- five"]
        );
        assert_eq!(
            pieces("见 http://x.y 好。再见"),
            ["见 http://x.y 好。", "再见"]
        );
    }

    #[test]
    fn splits_sentences_into_clauses_at_commas_and_dashes() {
        let text = "Borrowers gain, lenders lose - savers too. 1,5 stays; a—b";
        let clauses: Vec<&str> = clauses(text, &split(text))
            .into_iter()
            .map(|range| text[range].trim())
            .collect();
        assert_eq!(
            clauses,
            [
                "Borrowers gain,",
                "lenders lose -",
                "savers too.",
                "1,5 stays;",
                "a—",
                "b"
            ]
        );
    }

    /// The `chars()` splitting these replaced, kept to check them against.
    fn split_by_chars(text: &str) -> Vec<Range<usize>> {
        let mut sentences = Vec::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let end = at + c.len_utf8();
            let ends = match c {
                '\n' | '。' | '！' | '？' | '；' | '：' => true,
                '.' | '!' | '?' | ';' | ':' => {
                    chars.peek().is_none_or(|&(_, next)| next.is_whitespace())
                }
                _ => false,
            };
            if ends {
                if !text[start..end].trim().is_empty() {
                    sentences.push(start..end);
                }
                start = end;
            }
        }
        if !text[start..].trim().is_empty() {
            sentences.push(start..text.len());
        }
        sentences
    }

    fn clauses_by_chars(text: &str, sentences: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut clauses = Vec::new();
        for sentence in sentences {
            let mut start = sentence.start;
            let piece = &text[sentence.clone()];
            let mut chars = piece.char_indices().peekable();
            while let Some((at, c)) = chars.next() {
                let spaced = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                    chars.peek().is_none_or(|&(_, next)| next.is_whitespace())
                };
                let ends = match c {
                    '，' | '、' | '—' | '–' => true,
                    ',' => spaced(&mut chars),
                    '-' => spaced(&mut chars) && piece[..at].ends_with(' '),
                    _ => false,
                };
                if ends {
                    let end = sentence.start + at + c.len_utf8();
                    if !text[start..end].trim().is_empty() {
                        clauses.push(start..end);
                    }
                    start = end;
                }
            }
            if !text[start..sentence.end].trim().is_empty() {
                clauses.push(start..sentence.end);
            }
        }
        clauses
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn splits_as_the_chars_version_did(
            text in "([a-c ,.;:!?\\-\n\t\u{a0}\u{3000}。！？；：，、—–é〜ｂ€]|1\\.5){0,40}",
        ) {
            let sentences = split(&text);
            proptest::prop_assert_eq!(&sentences, &split_by_chars(&text));
            proptest::prop_assert_eq!(
                clauses(&text, &sentences),
                clauses_by_chars(&text, &sentences)
            );
        }
    }

    #[test]
    fn finds_the_sentence_of_an_offset() {
        let text = "Ab. Cd.";
        let sentences = split(text);
        assert_eq!(index_of(&sentences, 0), 0);
        assert_eq!(index_of(&sentences, 5), 1);
        assert_eq!(index_of(&sentences, 99), 1);
    }
}
