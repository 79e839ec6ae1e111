//! NegEx-style negation: a cue (`not`, `never`, `instead of`, `don't`, ...) negates the words
//! after it up to the next punctuation mark, line break or scope terminator (`but`, `however`).
//! Pseudo-cues (`not only`, `no doubt`) negate nothing. Cues look forward only.

use std::ops::Range;

use super::language::Words;
use super::normalise::{Word, ends_scope};

/// One negated stretch of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negation {
    /// The cue's own words.
    pub cue: Range<usize>,
    /// What it negates: from the end of the cue to the last word in scope.
    pub scope: Range<usize>,
}

impl Negation {
    /// Whether the negation covers the word at `range` and its cue is not one of `matched`:
    /// a cue that is part of the phrase matched (`no-cache`, `avoid hot keys`) negates nothing.
    pub fn blocks(&self, range: &Range<usize>, matched: &[Range<usize>]) -> bool {
        range.start < self.scope.end
            && self.scope.start < range.end
            && !matched
                .iter()
                .any(|m| m.start <= self.cue.start && self.cue.end <= m.end)
    }
}

/// The negations in `text`, whose words are `words`.
pub fn find(text: &str, words: &[Word], lists: &Words) -> Vec<Negation> {
    let pseudo = Openers::of(lists.pseudo);
    let cues = Openers::of(lists.cues);
    let terminators = Openers::of(lists.terminators);
    let mut found = Vec::new();
    let mut index = 0;
    while index < words.len() {
        if words[index].unspaced {
            unspaced_cues(text, &words[index], lists, &mut found);
            index += 1;
            continue;
        }
        if let Some(length) = phrase_at(words, index, lists.pseudo, &pseudo) {
            index += length;
            continue;
        }
        let cue_length = phrase_at(words, index, lists.cues, &cues).or_else(|| {
            lists
                .contraction
                .filter(|suffix| words[index].folded.ends_with(suffix))
                .map(|_| 1)
        });
        let Some(length) = cue_length.filter(|&length| {
            // `no-cache`, `no-op`, `non-blocking`: a cue hyphenated to the next word is part of
            // a compound, not a negation.
            let end = words[index + length - 1].range.end;
            !text[end..].starts_with(['-', '\u{2010}'])
        }) else {
            index += 1;
            continue;
        };
        let cue = words[index].range.start..words[index + length - 1].range.end;
        let mut end = cue.end;
        let scope_start = words
            .get(index + length)
            .map_or(cue.end, |word| word.range.start);
        let mut next = index + length;
        if words
            .get(next)
            .is_some_and(|word| lists.object_pronouns.contains(&word.folded.as_ref()))
        {
            // `without it`: the pronoun is all the cue negates.
            found.push(Negation {
                scope: scope_start..words[next].range.end,
                cue,
            });
            index += length;
            continue;
        }
        while next < words.len() {
            let gap = &text[words[next - 1].range.end..words[next].range.start];
            if gap.chars().any(ends_scope)
                || phrase_at(words, next, lists.terminators, &terminators).is_some()
            {
                break;
            }
            end = words[next].range.end;
            next += 1;
        }
        if end > cue.end {
            found.push(Negation {
                scope: scope_start..end,
                cue,
            });
        }
        index += length;
    }
    found
}

/// The first bytes and first-word lengths of a list of phrases: a word whose first byte or
/// length no phrase opens with starts none of them, found without a look at each (most words).
struct Openers {
    bytes: [u64; 4],
    /// Bit `n`: some phrase's first word has `n` bytes (longer ones all on bit 63).
    lengths: u64,
}

impl Openers {
    fn of(phrases: &[&str]) -> Openers {
        let mut openers = Openers {
            bytes: [0; 4],
            lengths: 0,
        };
        for phrase in phrases {
            let first_word = phrase.split(' ').next().unwrap_or("");
            if let Some(&byte) = phrase.as_bytes().first() {
                openers.bytes[usize::from(byte >> 6)] |= 1 << (byte & 63);
            }
            openers.lengths |= 1 << first_word.len().min(63);
        }
        openers
    }

    fn may_open(&self, word: &str) -> bool {
        word.as_bytes().first().is_some_and(|&byte| {
            self.bytes[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
                && self.lengths & (1 << word.len().min(63)) != 0
        })
    }
}

/// The number of words of the first of `phrases` that starts at `words[index]` (`openers` are
/// those of `phrases`).
fn phrase_at(words: &[Word], index: usize, phrases: &[&str], openers: &Openers) -> Option<usize> {
    let first = words.get(index)?.folded.as_ref();
    if !openers.may_open(first) {
        return None;
    }
    phrases.iter().find_map(|phrase| {
        // Most words start no phrase: the first word decides without splitting the phrase.
        // The first byte and the length rule out nearly every phrase without a memcmp call.
        let opens = phrase.as_bytes().first() == first.as_bytes().first()
            && phrase.as_bytes().starts_with(first.as_bytes())
            && phrase
                .as_bytes()
                .get(first.len())
                .is_none_or(|&next| next == b' ');
        if !opens {
            return None;
        }
        let mut length = 0;
        for part in phrase.split(' ') {
            if words.get(index + length)?.folded != part {
                return None;
            }
            length += 1;
        }
        Some(length)
    })
}

/// Cues inside a run of a script without spaces: found as substrings; the scope runs to the next
/// punctuation mark or terminator, past the run if need be.
fn unspaced_cues(text: &str, word: &Word, lists: &Words, found: &mut Vec<Negation>) {
    let run = &text[word.range.clone()];
    let pseudo: Vec<Range<usize>> = lists
        .pseudo
        .iter()
        .flat_map(|pseudo| run.match_indices(pseudo).map(|(at, p)| at..at + p.len()))
        .collect();
    let mut cues: Vec<Range<usize>> = lists
        .cues
        .iter()
        .flat_map(|cue| run.match_indices(cue).map(|(at, c)| at..at + c.len()))
        .filter(|cue| {
            !pseudo
                .iter()
                .any(|p| p.start <= cue.start && cue.end <= p.end)
        })
        .collect();
    cues.sort_by_key(|cue| (cue.start, std::cmp::Reverse(cue.end)));
    cues.dedup_by(|later, earlier| later.start < earlier.end);
    for cue in cues {
        let cue = word.range.start + cue.start..word.range.start + cue.end;
        let rest = &text[cue.end..];
        let mut end = rest.find(ends_scope).unwrap_or(rest.len());
        for terminator in lists.terminators {
            if let Some(at) = rest[..end].find(terminator) {
                end = at;
            }
        }
        let scope_text = rest[..end].trim_end();
        if !scope_text.is_empty() {
            found.push(Negation {
                scope: cue.end..cue.end + scope_text.len(),
                cue,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::language::{ENGLISH, words as lists_of};
    use super::super::normalise::words;
    use super::*;

    fn scopes<'t>(text: &'t str, lists: &Words) -> Vec<(&'t str, &'t str)> {
        find(text, &words(text, false), lists)
            .into_iter()
            .map(|n| (&text[n.cue], &text[n.scope]))
            .collect()
    }

    #[test]
    fn scope_runs_to_punctuation_or_terminator() {
        assert_eq!(
            scopes("We never drop events, we retry.", &ENGLISH),
            [("never", "drop events")]
        );
        assert_eq!(
            scopes("Don't backfill here but replay the log", &ENGLISH),
            [("Don't", "backfill here")]
        );
        assert_eq!(
            scopes("Use a queue instead of polling the table.", &ENGLISH),
            [("instead of", "polling the table")]
        );
    }

    #[test]
    fn an_object_pronoun_is_all_a_cue_negates() {
        assert_eq!(
            scopes("Without it a crash loses writes.", &ENGLISH),
            [("Without", "it")]
        );
        assert_eq!(
            scopes("Use a lease instead of them and retry.", &ENGLISH),
            [("instead of", "them")]
        );
        assert_eq!(
            scopes("Without this index the query scans.", &ENGLISH),
            [("Without", "this index the query scans")]
        );
    }

    #[test]
    fn a_cue_hyphenated_into_a_compound_negates_nothing() {
        assert!(scopes("Send no-cache headers.", &ENGLISH).is_empty());
    }

    #[test]
    fn pseudo_cues_negate_nothing() {
        assert!(scopes("It costs not only throughput.", &ENGLISH).is_empty());
    }

    #[test]
    fn unspaced_cues_are_substrings() {
        let zh = lists_of("zh");
        assert_eq!(scopes("我们不使用轮询，改用队列", zh), [("不", "使用轮询")]);
        assert!(scopes("这不仅便宜", zh).is_empty());
    }

    #[test]
    fn a_cue_inside_the_match_blocks_nothing() {
        let negation = Negation {
            cue: 4..6,
            scope: 6..12,
        };
        let matched = |range: Range<usize>| vec![range];
        assert!(negation.blocks(&(7..12), &matched(7..12)));
        assert!(!negation.blocks(&(7..12), &matched(4..12)));
        assert!(!negation.blocks(&(13..15), &matched(13..15)));
    }
}
