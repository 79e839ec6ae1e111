//! An answer reduced once for matching: its sentences, an index from word key to where the word
//! occurs (compounds joined as well as split), and its negated stretches.

use std::ops::Range;

use super::lexicon::{Heads, Interner, Lexicon};
use super::negation::{self, Negation};
use super::normalise::{self, Word};
use super::sentence;

/// Where a word (or a compound of up to three words) occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Byte range in the answer's plain text.
    pub range: Range<usize>,
    /// Index of its sentence.
    pub sentence: usize,
    /// Index of its clause (see [`sentence::clauses`]).
    pub clause: usize,
}

/// The word keys an answer is searched for: only these are indexed (see [`Doc::new`]).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    /// Sorted.
    keys: Vec<u32>,
    /// Every stem that may reduce to one of the keys (see [`Lexicon::may_key`]).
    stems: Heads,
}

impl Wanted {
    /// The keys of `keys` (words and compounds) and `word_keys` (single words only), in any
    /// order, repeats allowed, as `lexicon` reduces to them.
    pub fn new(
        mut keys: Vec<u32>,
        word_keys: Vec<u32>,
        lexicon: &Lexicon,
        interner: &Interner,
    ) -> Wanted {
        keys.sort_unstable();
        keys.dedup();
        // Only the compounds' keys need their stems' heads (see `may_be`).
        let mut stems = Vec::new();
        for key in keys.iter().filter_map(|&id| interner.key(id)) {
            lexicon.stems_of(key, &mut stems);
        }
        keys.extend(word_keys);
        keys.sort_unstable();
        keys.dedup();
        Wanted {
            keys,
            stems: Heads::new(stems),
        }
    }

    fn contains(&self, key: u32) -> bool {
        self.keys.binary_search(&key).is_ok()
    }

    /// Whether `key` may be one of the keys, judged by its first four bytes.
    fn may_be(&self, key: &str) -> bool {
        self.stems
            .any_starts_with(&key.as_bytes()[..key.len().min(4)])
    }
}

/// An answer, indexed.
#[derive(Debug, Default)]
pub struct Doc {
    /// Sentence ranges in the plain text.
    pub sentences: Vec<Range<usize>>,
    /// Clause ranges in the plain text, in order; each lies inside one sentence.
    pub clauses: Vec<Range<usize>>,
    /// Per sentence: it refers back to the sentence before it (it has a pronoun such as `it` or
    /// `they`, or the one before ends with a colon that it elaborates, and the two are in one
    /// paragraph), so a point may take words from both.
    pub refers_back: Vec<bool>,
    /// (key, unit), sorted by key then position.
    index: Vec<(u32, Unit)>,
    /// Negated stretches, in order.
    pub negations: Vec<Negation>,
}

impl Doc {
    /// Reduces the plain text of an answer, indexing the words and compounds whose key is
    /// `wanted` (the keys of the phrases it is searched for: the rest could never be looked up,
    /// and an answer's compounds, nearly all met once, were most of the matcher's work).
    pub fn new(text: &str, lexicon: &mut Lexicon, interner: &mut Interner, wanted: &Wanted) -> Doc {
        let sentences = sentence::split(text);
        let clauses = sentence::clauses(text, &sentences);
        let words = normalise::words(text, lexicon.split_elision);
        let negations = negation::find(text, &words, lexicon.words);
        // Per sentence: whether a word of it referring back could join it to the one before
        // (same paragraph), and whether the one before ends with a colon it elaborates.
        let (mut in_paragraph, mut after_colon) = (Vec::new(), Vec::new());
        for (at, range) in sentences.iter().enumerate() {
            let previous = at.checked_sub(1).map(|before| &sentences[before]);
            // A sentence holds a line break only at its end, so the text from the one before to
            // any of its words has one exactly when the text up to its start has.
            in_paragraph.push(previous.is_some_and(|p| !text[p.start..range.start].contains('\n')));
            after_colon
                .push(previous.is_some_and(|p| text[p.clone()].trim_end().ends_with([':', '：'])));
        }
        let mut refers_back = vec![false; sentences.len()];
        let mut index = Vec::new();
        // Per word: its stem (spaced words only), and whether that differs from the word.
        let mut reduced: Vec<Option<(super::lexicon::Reduced, bool)>> =
            Vec::with_capacity(words.len());
        let (mut sentence, mut clause) = (0, 0);
        let mut joined = String::new();
        let mut stems = String::new();
        for (at, word) in words.iter().enumerate() {
            // Words come in order: the sentence and clause only move forward.
            sentence = advance(&sentences, sentence, word.range.start);
            clause = advance(&clauses, clause, word.range.start);
            if in_paragraph.get(sentence).copied().unwrap_or(false)
                && !refers_back[sentence]
                && (after_colon[sentence] || is_one_of(lexicon.words.anaphora, &word.folded))
            {
                refers_back[sentence] = true;
            }
            // Each word reduced once: its stem is joined again into the compounds it ends.
            let key = if word.unspaced {
                reduced.push(None);
                interner.get(&word.folded)
            } else {
                let word_reduced = lexicon.reduce(&word.folded, interner);
                let key = word_reduced.key;
                let differs = *word_reduced.stem != *word.folded;
                reduced.push(Some((word_reduced, differs)));
                Some(key)
            };
            let unit = |first: usize| Unit {
                range: words[first].range.start..word.range.end,
                sentence,
                clause,
            };
            if let Some(key) = key.filter(|key| wanted.contains(*key)) {
                index.push((key, unit(at)));
            }
            // `push-down` and `push down` also stand as `pushdown`; three words as one too.
            // Their stems joined too, so that "rolling back" also stands as `rollback`.
            for span in 2..=3 {
                let Some(parts) = compound(&words, at, span) else {
                    continue;
                };
                joined.clear();
                parts.iter().for_each(|part| joined.push_str(&part.folded));
                let joined_key = if lexicon.may_key(&joined, &wanted.stems) {
                    lexicon.compound_key(&joined, interner)
                } else {
                    None
                };
                // Parts that are their own stems join to the compound already indexed. A
                // compound holds spaced words only, each reduced above.
                let reduced_parts = &reduced[at + 1 - span..];
                let changed = reduced_parts[..span]
                    .iter()
                    .any(|reduced| reduced.as_ref().is_some_and(|(_, differs)| *differs));
                if changed {
                    stems.clear();
                    for (part, reduced) in parts.iter().zip(reduced_parts) {
                        let stem = reduced
                            .as_ref()
                            .map_or(&*part.folded, |(word, _)| &*word.stem);
                        stems.push_str(stem);
                    }
                }
                if changed
                    && wanted.may_be(&stems)
                    && let Some(key) = interner.get(&stems)
                    && Some(key) != joined_key
                    && wanted.contains(key)
                {
                    index.push((key, unit(at + 1 - span)));
                }
                if let Some(key) = joined_key.filter(|key| wanted.contains(*key)) {
                    index.push((key, unit(at + 1 - span)));
                }
            }
        }
        index.sort_by_key(|(key, unit)| (*key, unit.range.start));
        Doc {
            sentences,
            clauses,
            refers_back,
            index,
            negations,
        }
    }

    /// Where the word with `key` occurs, in order.
    pub fn units(&self, key: u32) -> &[(u32, Unit)] {
        let start = self.index.partition_point(|(k, _)| *k < key);
        let end = self.index.partition_point(|(k, _)| *k <= key);
        &self.index[start..end]
    }

    /// Whether some negation blocks `range`, given the words of the match.
    pub fn negated_by(&self, range: &Range<usize>, matched: &[Range<usize>]) -> Option<&Negation> {
        self.negations
            .iter()
            .find(|negation| negation.blocks(range, matched))
    }
}

/// Whether `word` is in `list`, comparing first bytes and lengths before any `memcmp`.
fn is_one_of(list: &[&str], word: &str) -> bool {
    let bytes = word.as_bytes();
    list.iter().any(|known| {
        known.len() == bytes.len() && known.as_bytes().first() == bytes.first() && *known == word
    })
}

/// [`sentence::index_of`] for an offset at or after the one `from` was found for.
fn advance(ranges: &[Range<usize>], mut from: usize, offset: usize) -> usize {
    while from + 1 < ranges.len() && ranges[from].end <= offset {
        from += 1;
    }
    from
}

/// The words `words[at + 1 - span..=at]`, when they form a compound (joined by hyphens or spaces
/// only, all in a spaced script).
fn compound<'w, 't>(words: &'w [Word<'t>], at: usize, span: usize) -> Option<&'w [Word<'t>]> {
    let first = (at + 1).checked_sub(span)?;
    let parts = &words[first..=at];
    if parts.iter().any(|word| word.unspaced) || !parts[1..].iter().all(|word| word.joins_previous)
    {
        return None;
    }
    Some(parts)
}
