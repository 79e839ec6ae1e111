//! Text into words: Unicode case folding, words split on anything but letters and digits, runs of
//! scripts written without spaces (Chinese, Japanese, Korean, Thai) kept as one word each.

use std::borrow::Cow;
use std::ops::Range;

use caseless::Caseless;

use super::sentence::char_at;

/// One word of a text.
#[derive(Debug, Clone)]
pub struct Word<'t> {
    /// Where it is in the text.
    pub range: Range<usize>,
    /// Case-folded, typographic apostrophes made `'`: borrowed from the text when it already
    /// is (most words are: one allocation per word was a fifth of the matcher's time).
    pub folded: Cow<'t, str>,
    /// A run of a script without spaces, matched on substrings.
    pub unspaced: bool,
    /// Only hyphens and spaces separate it from the word before: the two may be one compound
    /// (`push-down`, `push down`, `pushdown`).
    pub joins_previous: bool,
}

/// Case-folds `text` (Unicode default case folding: `Straße` = `STRASSE` = `strasse`).
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        // Default case folding maps no ASCII character but `A`-`Z`.
        return text.to_ascii_lowercase();
    }
    text.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .default_case_fold()
        .collect()
}

/// [`fold`] of one word, borrowed when folding changes nothing (lowercase ASCII).
fn fold_word(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(fold(raw))
    }
}

/// A letter of a script written without spaces between words.
pub fn is_unspaced(c: char) -> bool {
    !c.is_ascii()
        && matches!(c as u32,
            0x0E00..=0x0E7F     // Thai
            | 0x0E80..=0x0EFF   // Lao
            | 0x1000..=0x109F   // Myanmar
            | 0x1780..=0x17FF   // Khmer
            | 0x3040..=0x30FF   // Hiragana, Katakana
            | 0x3400..=0x4DBF   // CJK extension A
            | 0x4E00..=0x9FFF   // CJK unified ideographs
            | 0xAC00..=0xD7AF   // Hangul syllables
            | 0xF900..=0xFAFF   // CJK compatibility ideographs
            | 0xFF66..=0xFF9F   // half-width Katakana
            | 0x20000..=0x2FFFF // CJK extensions B and on
        )
        && c.is_alphanumeric()
        || matches!(c, '\u{30FC}' | '\u{3005}') // prolonged sound mark, iteration mark
}

fn is_word(c: char) -> bool {
    if c.is_ascii() {
        // No ASCII character is of a script without spaces.
        return c.is_ascii_alphanumeric() || c == '_';
    }
    (c.is_alphanumeric() || c == '_') && !is_unspaced(c)
}

/// The words of `text`, in order. `split_elision` splits `l'api` into `l` and `api` (French,
/// Italian). An apostrophe inside a word (`don't`) is kept; `+` and `#` at the end of a word are
/// part of it (`C++`, `C#`).
pub fn words(text: &str, split_elision: bool) -> Vec<Word<'_>> {
    let mut out: Vec<Word> = Vec::new();
    let mut previous_end = 0;
    let mut at = 0;
    // Read by byte offsets, ASCII without decoding (see `char_at`).
    while at < text.len() {
        let start = at;
        let c = char_at(text, at);
        at += c.len_utf8();
        let unspaced = is_unspaced(c);
        if !unspaced && !is_word(c) {
            continue;
        }
        let mut end = at;
        while end < text.len() {
            let next = char_at(text, end);
            let after = end + next.len_utf8();
            let continues = if unspaced {
                is_unspaced(next)
            } else if is_word(next) {
                true
            } else if matches!(next, '\'' | '\u{2019}') {
                // An apostrophe between two letters belongs to the word.
                after < text.len() && is_word(char_at(text, after))
            } else {
                false
            };
            if !continues {
                break;
            }
            end = after;
        }
        if !unspaced {
            while matches!(text.as_bytes().get(end), Some(b'+' | b'#')) {
                end += 1;
            }
        }
        at = end;
        let gap = &text[previous_end..start];
        let joins_previous =
            !out.is_empty() && gap.chars().all(|c| c == '-' || c == ' ' || c == '\u{2010}');
        push_word(
            &mut out,
            text,
            start..end,
            unspaced,
            joins_previous,
            split_elision,
        );
        previous_end = end;
    }
    out
}

fn push_word<'t>(
    out: &mut Vec<Word<'t>>,
    text: &'t str,
    range: Range<usize>,
    unspaced: bool,
    joins_previous: bool,
    split_elision: bool,
) {
    let raw = &text[range.clone()];
    if split_elision && let Some(apostrophe) = raw.find(['\'', '\u{2019}']) {
        let head = &raw[..apostrophe];
        if (1..=2).contains(&head.chars().count()) {
            let tail_start = range.start
                + apostrophe
                + raw[apostrophe..].chars().next().map_or(1, char::len_utf8);
            out.push(Word {
                range: range.start..range.start + apostrophe,
                folded: fold_word(head),
                unspaced,
                joins_previous,
            });
            out.push(Word {
                folded: fold_word(&text[tail_start..range.end]),
                range: tail_start..range.end,
                unspaced,
                joins_previous: false,
            });
            return;
        }
    }
    out.push(Word {
        folded: fold_word(raw),
        range,
        unspaced,
        joins_previous,
    });
}

/// Ends a negation's scope: punctuation, or a line break (paragraph and list item ends).
pub fn ends_scope(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '.'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '\n'
            | '—'
            | '–'
            | '"'
            | '、'
            | '。'
            | '，'
            | '；'
            | '：'
            | '！'
            | '？'
            | '（'
            | '）'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text, false)
            .into_iter()
            .map(|w| w.folded.into_owned())
            .collect()
    }

    #[test]
    fn splits_on_punctuation_and_hyphens_and_folds_case() {
        assert_eq!(folded("Push-Down, STRASSE!"), ["push", "down", "strasse"]);
        assert_eq!(folded("Straße"), ["strasse"]);
        assert_eq!(
            folded("don’t use C++ or C#"),
            ["don't", "use", "c++", "or", "c#"]
        );
    }

    #[test]
    fn ascii_folds_as_unicode_case_folding_does() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let unicode: String = ascii.chars().default_case_fold().collect();
        assert_eq!(fold(&ascii), unicode);
    }

    #[test]
    fn marks_compound_neighbours() {
        let joins: Vec<bool> = words("push-down x, y", false)
            .iter()
            .map(|w| w.joins_previous)
            .collect();
        assert_eq!(joins, [false, true, true, false]);
    }

    #[test]
    fn keeps_unspaced_runs_whole() {
        let found = words("Kafka的事务很贵", false);
        assert_eq!(found.len(), 2);
        assert!(found[1].unspaced);
        assert_eq!(found[1].folded, "的事务很贵");
    }

    /// The `char_indices()` splitting `words` replaced, kept to check it against.
    fn words_by_chars(text: &str, split_elision: bool) -> Vec<Word<'_>> {
        let is_word = |c: char| (c.is_alphanumeric() || c == '_') && !is_unspaced(c);
        let mut out: Vec<Word> = Vec::new();
        let mut chars = text.char_indices().peekable();
        let mut previous_end = 0;
        while let Some((start, c)) = chars.next() {
            let unspaced = is_unspaced(c);
            if !unspaced && !is_word(c) {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(at, next)) = chars.peek() {
                let continues = if unspaced {
                    is_unspaced(next)
                } else if is_word(next) {
                    true
                } else if matches!(next, '\'' | '\u{2019}') {
                    text[at + next.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(is_word)
                } else {
                    false
                };
                if !continues {
                    break;
                }
                end = at + next.len_utf8();
                chars.next();
            }
            if !unspaced {
                while let Some(&(at, next @ ('+' | '#'))) = chars.peek() {
                    end = at + next.len_utf8();
                    chars.next();
                }
            }
            let gap = &text[previous_end..start];
            let joins_previous =
                !out.is_empty() && gap.chars().all(|c| c == '-' || c == ' ' || c == '\u{2010}');
            push_word(
                &mut out,
                text,
                start..end,
                unspaced,
                joins_previous,
                split_elision,
            );
            previous_end = end;
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn splits_as_the_chars_version_did(
            text in "[a-cA-C0-9_ '\u{2019}+#\\-\u{2010},.\n\u{e9}\u{df}\u{30fc}\u{3005}的事ไ가]{0,40}",
            split_elision in proptest::bool::ANY,
        ) {
            let shown = |words: Vec<Word>| -> Vec<(std::ops::Range<usize>, String, bool, bool)> {
                words
                    .into_iter()
                    .map(|w| (w.range, w.folded.into_owned(), w.unspaced, w.joins_previous))
                    .collect()
            };
            proptest::prop_assert_eq!(
                shown(words(&text, split_elision)),
                shown(words_by_chars(&text, split_elision))
            );
        }
    }

    #[test]
    fn splits_elision_when_asked() {
        assert_eq!(
            words("l'API n'utilise", true)
                .into_iter()
                .map(|w| w.folded.into_owned())
                .collect::<Vec<_>>(),
            ["l", "api", "n", "utilise"]
        );
    }
}
