//! An answer reduced once for matching: its sentences, an index from word key to where the word
//! occurs (compounds joined as well as split), and its negated stretches.

use std::ops::Range;

use super::lexicon::{Interner, Lexicon};
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
    /// Reduces the plain text of an answer.
    pub fn new(text: &str, lexicon: &mut Lexicon, interner: &mut Interner) -> Doc {
        let sentences = sentence::split(text);
        let clauses = sentence::clauses(text, &sentences);
        let words = normalise::words(text, lexicon.split_elision);
        let mut refers_back = vec![false; sentences.len()];
        let negations = negation::find(text, &words, lexicon.words);
        let mut index = Vec::with_capacity(words.len() * 2);
        for (at, word) in words.iter().enumerate() {
            let sentence = sentence::index_of(&sentences, word.range.start);
            let clause = sentence::index_of(&clauses, word.range.start);
            if sentence > 0
                && !refers_back[sentence]
                && !text[sentences[sentence - 1].start..word.range.start].contains('\n')
                && (lexicon.words.anaphora.contains(&word.folded.as_str())
                    || text[sentences[sentence - 1].clone()]
                        .trim_end()
                        .ends_with([':', '：']))
            {
                refers_back[sentence] = true;
            }
            let key = if word.unspaced {
                interner.id(&word.folded)
            } else {
                lexicon.reduce(&word.folded, interner).key
            };
            index.push((
                key,
                Unit {
                    range: word.range.clone(),
                    sentence,
                    clause,
                },
            ));
            // `push-down` and `push down` also stand as `pushdown`; three words as one too.
            // Their stems joined too, so that "rolling back" also stands as `rollback`.
            for span in 2..=3 {
                if let Some(parts) = compound(&words, at, span) {
                    let unit = Unit {
                        range: words[at + 1 - span].range.start..word.range.end,
                        sentence,
                        clause,
                    };
                    let joined = lexicon.reduce(&parts.concat(), interner).key;
                    let stems: Vec<_> = parts
                        .iter()
                        .map(|part| lexicon.reduce(part, interner).stem)
                        .collect();
                    // Parts that are their own stems join to the compound already indexed.
                    if stems
                        .iter()
                        .zip(&parts)
                        .any(|(stem, part)| **stem != **part)
                    {
                        let stems = interner.id(&stems.concat());
                        if stems != joined {
                            index.push((stems, unit.clone()));
                        }
                    }
                    index.push((joined, unit));
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

/// The folded words `words[at + 1 - span..=at]`, when they form a compound (joined by hyphens
/// or spaces only, all in a spaced script).
fn compound(words: &[Word], at: usize, span: usize) -> Option<Vec<&str>> {
    let first = (at + 1).checked_sub(span)?;
    let parts = &words[first..=at];
    if parts.iter().any(|word| word.unspaced) || !parts[1..].iter().all(|word| word.joins_previous)
    {
        return None;
    }
    Some(parts.iter().map(|word| word.folded.as_str()).collect())
}
