//! A phrase reduced the way answers are: Markdown stripped, folded, stop words dropped, stemmed,
//! synonyms applied; neighbouring words may also stand as one compound.

use super::lexicon::{Interner, Lexicon};
use super::normalise::{self, fold};

/// Most alternatives one phrase expands to by joining neighbours into compounds: a long phrase
/// keeps its first ones (the words all split) rather than growing without bound.
const MAX_ALTERNATIVES: usize = 64;

/// The fewest needles a point must have to be made without one of them.
pub const LACKING_FROM: usize = 3;

/// One content word of a phrase, as written.
#[derive(Debug, Clone)]
pub struct Term {
    /// The word as the author wrote it (for messages).
    pub shown: String,
}

/// What one needle of an alternative looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// A word key (interned).
    Key(u32),
    /// A substring of a sentence's folded text without whitespace (scripts without spaces).
    Substring(String),
}

/// One way of making the phrase: every needle in one sentence.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// Each needle with the terms it stands for (`first..end` into [`Phrase::terms`]).
    pub needles: Vec<(Needle, std::ops::Range<usize>)>,
}

/// A compiled phrase.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// Its content words.
    pub terms: Vec<Term>,
    /// The ways to make it; the first has every term on its own.
    pub alternatives: Vec<Alternative>,
    /// Pairs of terms whose order the phrase's meaning hangs on (`from hot to cold`, `reads
    /// faster than writes`): the first must occur before the second, even in a point.
    pub ordered: Vec<(usize, usize)>,
    /// For a phrase that opens with a negation cue (`avoid hot keys`, `never retry`): the rest
    /// of it (`hot keys`), which makes the phrase where the answer negates it ("never key by a
    /// hot value" ... "don't retry").
    pub negated_rest: Option<Box<Phrase>>,
    /// Per term: whether a point may be made without it (see [`Phrase::may_lack`]).
    pub droppable: Vec<bool>,
    /// (key of a one-word needle, key of its opposite): a point lacking that needle is not made
    /// where its opposite stands (see [`Words::opposites`](super::language::Words)).
    pub opposites: Vec<(u32, u32)>,
}

impl Phrase {
    /// Reduces `source` (a phrase of `match`, `unless`, `must` or a project rule).
    pub fn new(source: &str, lexicon: &mut Lexicon, interner: &mut Interner) -> Phrase {
        let plain = strip_markdown(source);
        if !lexicon.spaced {
            // The whole phrase is one substring of the normalised answer.
            let needle: String = fold(&plain)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            return Phrase {
                terms: vec![Term {
                    shown: plain.trim().to_owned(),
                }],
                alternatives: vec![Alternative {
                    needles: vec![(Needle::Substring(needle), 0..1)],
                }],
                ordered: Vec::new(),
                negated_rest: None,
                droppable: vec![false],
                opposites: Vec::new(),
            };
        }
        let words = normalise::words(&plain, lexicon.split_elision);
        let negated_rest = leading_cue(&plain, &words, lexicon)
            .map(|rest| Box::new(Phrase::new(rest, lexicon, interner)))
            .filter(|rest| !rest.is_empty());
        let all_stop = words
            .iter()
            .all(|word| word.unspaced || lexicon.is_stop(&word.folded));
        // Content words with whether each can join the one before into a compound.
        let mut kept: Vec<(String, String, bool, bool)> = Vec::new();
        // Per kept word: the whole run of text without whitespace it is written in
        // (`no-cache` for `cache`).
        let mut written: Vec<&str> = Vec::new();
        let mut previous_kept = false;
        // Per word of the phrase, the term it became (stop words: the next term's).
        let mut term_of = Vec::with_capacity(words.len());
        for word in &words {
            term_of.push(kept.len());
            if !all_stop && !word.unspaced && lexicon.is_stop(&word.folded) {
                previous_kept = false;
                continue;
            }
            let joins = previous_kept && word.joins_previous && !word.unspaced;
            written.push(written_chunk(&plain, word.range.clone()));
            kept.push((
                word.folded.clone().into_owned(),
                plain[word.range.clone()].to_owned(),
                joins,
                word.unspaced,
            ));
            previous_kept = !word.unspaced;
        }
        let terms = kept
            .iter()
            .map(|(_, shown, _, _)| Term {
                shown: shown.clone(),
            })
            .collect();
        let variants = variants(&kept, lexicon);
        let mut needles_of = |first: usize, end: usize| -> Needle {
            if kept[first].3 {
                return Needle::Substring(kept[first].0.clone());
            }
            let joined: String = kept[first..end].iter().map(|k| k.0.as_str()).collect();
            // The key `Lexicon::key` gives, remembered: phrases repeat their words.
            Needle::Key(lexicon.reduce(&joined, interner).key)
        };
        let mut alternatives = Vec::new();
        for variant in variants {
            // Pushed in reverse so the all-split alternative comes out first.
            let mut stack = vec![(0usize, Vec::new())];
            while let Some((at, needles)) = stack.pop() {
                if alternatives.len() >= MAX_ALTERNATIVES {
                    break;
                }
                if at == variant.len() {
                    alternatives.push(Alternative { needles });
                    continue;
                }
                for span in (1..=3).rev() {
                    let end = at + span;
                    // A compound joins words that are neighbours in the phrase as written.
                    if end > variant.len()
                        || (span > 1
                            && !(at + 1..end)
                                .all(|i| variant[i] == variant[i - 1] + 1 && kept[variant[i]].2))
                    {
                        continue;
                    }
                    let (first, last) = (variant[at], variant[end - 1] + 1);
                    let mut next = needles.clone();
                    next.push((needles_of(first, last), first..last));
                    stack.push((end, next));
                }
            }
        }
        let ordered = ordered_terms(&words, &term_of, kept.len(), lexicon);
        let droppable = kept
            .iter()
            .enumerate()
            .map(|(at, (folded, ..))| {
                !ordered
                    .iter()
                    .any(|&(first, second)| at == first || at == second)
                    && !lexicon.is_cue(folded)
                    && !lexicon.words.quantifiers.contains(&folded.as_str())
                    && !lexicon.is_comparative(folded)
                    && !is_name(written[at], at == 0)
            })
            .collect();
        let mut opposites = Vec::new();
        for (folded, _, _, unspaced) in &kept {
            if *unspaced {
                continue;
            }
            let key = lexicon.reduce(folded, interner).key;
            for opposite in lexicon.opposite_keys(folded, interner) {
                opposites.push((key, opposite));
            }
        }
        Phrase {
            terms,
            alternatives,
            ordered,
            negated_rest,
            droppable,
            opposites,
        }
    }

    /// Whether a point may be made by `alternative` without its needle `slot`: the phrase has at
    /// least [`LACKING_FROM`] needles there, and the lacking one is no negation cue, no
    /// quantifier, no comparative, no term whose order carries the meaning and no name (all of
    /// which turn what the rest says, and none of which a paraphrase swaps for another word).
    pub fn may_lack(&self, alternative: &Alternative, slot: usize) -> bool {
        alternative.needles.len() >= LACKING_FROM
            && alternative.needles.get(slot).is_some_and(|(_, terms)| {
                terms
                    .clone()
                    .all(|term| self.droppable.get(term).copied().unwrap_or(false))
            })
    }

    /// Whether the phrase has nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Adds every word key the phrase looks up as a word or compound (its alternatives' and its
    /// negated rest's).
    pub fn keys(&self, into: &mut Vec<u32>) {
        for alternative in &self.alternatives {
            into.extend(
                alternative
                    .needles
                    .iter()
                    .filter_map(|(needle, _)| match needle {
                        Needle::Key(key) => Some(*key),
                        Needle::Substring(_) => None,
                    }),
            );
        }
        if let Some(rest) = &self.negated_rest {
            rest.keys(into);
        }
    }

    /// Adds the keys looked up as single words only: the opposites of its words (see
    /// [`Phrase::opposites`]), which no compound needs.
    pub fn word_keys(&self, into: &mut Vec<u32>) {
        into.extend(self.opposites.iter().map(|&(_, opposite)| opposite));
        if let Some(rest) = &self.negated_rest {
            rest.word_keys(into);
        }
    }
}

/// The run of `text` without whitespace around `range`, without the punctuation that opens or
/// closes it.
fn written_chunk(text: &str, range: std::ops::Range<usize>) -> &str {
    let start = text[..range.start]
        .rfind(char::is_whitespace)
        .map_or(0, |at| {
            at + text[at..].chars().next().map_or(1, char::len_utf8)
        });
    let end = text[range.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |at| range.end + at);
    // Punctuation around the run is the sentence's, not the word's: `stored.` is no name.
    text[start..end].trim_matches(|c: char| !c.is_alphanumeric())
}

/// Whether a word of a phrase, as written, names something rather than describes it: an
/// acronym or identifier (`CORS`, `SameSite`, `IPv4`, `no-cache`, `max_age`), a number, or a
/// capitalised word other than the phrase's first (`Britain`). A paraphrase keeps such words;
/// "UDP" said in other words is no longer about UDP.
fn is_name(shown: &str, first: bool) -> bool {
    let mut chars = shown.chars();
    let opens_capital = chars.next().is_some_and(char::is_uppercase);
    (opens_capital && !first)
        || chars.any(char::is_uppercase)
        || shown
            .chars()
            .any(|c| c.is_numeric() || matches!(c, '-' | '_' | '.' | '/' | '@' | '#'))
}

/// The term pairs of a phrase whose order carries its meaning: for each of the language's
/// [`Words::ordering`] markers (`from`/`to`, `than`), the first term after the opening marker (or
/// the phrase's first term, when it has none) before the first term after the closing one.
fn ordered_terms(
    words: &[normalise::Word],
    term_of: &[usize],
    terms: usize,
    lexicon: &Lexicon,
) -> Vec<(usize, usize)> {
    let position = |marker: &str| words.iter().position(|word| word.folded == marker);
    let mut pairs = Vec::new();
    for &(opening, closing) in lexicon.words.ordering {
        let first = if opening.is_empty() {
            Some(0)
        } else {
            position(opening).map(|at| term_of.get(at + 1).copied().unwrap_or(terms))
        };
        let second = position(closing).map(|at| term_of.get(at + 1).copied().unwrap_or(terms));
        if let (Some(first), Some(second)) = (first, second)
            && first < second
            && second < terms
        {
            pairs.push((first, second));
        }
    }
    pairs
}

/// The ways of reading a phrase's content words (indices into `kept`): all of them, then, when
/// it has phrasal verbs whose particle only intensifies (`slow down`), without those particles.
fn variants(kept: &[(String, String, bool, bool)], lexicon: &Lexicon) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..kept.len()).collect();
    let without: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !(i > 0 && kept[i].2 && lexicon.intensifies(&kept[i - 1].0, &kept[i].0)))
        .collect();
    if without.len() == all.len() || without.is_empty() {
        vec![all]
    } else {
        vec![all, without]
    }
}

/// The text after a negation cue that opens `plain` (`avoid`, `never`, `don't`, `instead of`),
/// when there is one: not a pseudo-cue (`not only`), not a cue hyphenated into a compound
/// (`no-cache`).
fn leading_cue<'t>(
    plain: &'t str,
    words: &[normalise::Word],
    lexicon: &Lexicon,
) -> Option<&'t str> {
    let lists = lexicon.words;
    let first = words.first().map_or("", |word| &*word.folded);
    let starts_with = |phrase: &str| {
        // Most phrases are ruled out by their first word, without splitting the rest.
        if phrase.split(' ').next() != Some(first) {
            return None;
        }
        let parts = phrase.split(' ').count();
        (parts < words.len()
            && phrase
                .split(' ')
                .zip(words)
                .all(|(part, word)| part == word.folded))
        .then_some(parts)
    };
    if lists
        .pseudo
        .iter()
        .any(|pseudo| starts_with(pseudo).is_some())
    {
        return None;
    }
    let length = lists
        .cues
        .iter()
        .find_map(|cue| starts_with(cue))
        .or_else(|| {
            lists
                .contraction
                .filter(|suffix| words.len() > 1 && words[0].folded.ends_with(suffix))
                .map(|_| 1)
        })?;
    let next = words.get(length)?;
    if next.joins_previous && plain[words[length - 1].range.end..next.range.start].contains('-') {
        return None;
    }
    Some(&plain[next.range.start..])
}

/// Whether `source` is Markdown that reads as itself: words of letters and digits separated by
/// single spaces, hyphens or apostrophes (no list marker, emphasis, code, entity, escape or line
/// break can start there), so stripping it needs no Markdown parser. Most phrases are.
fn is_plain(source: &str) -> bool {
    let mut previous = ' ';
    for c in source.chars() {
        let joins = matches!(c, ' ' | '-' | '\'');
        if joins && !previous.is_alphanumeric() || !joins && !c.is_alphanumeric() {
            return false;
        }
        previous = c;
    }
    previous.is_alphanumeric()
}

/// A phrase as a reader sees it: `**bold**`, `` `code` `` and other inline Markdown reduced to
/// their text.
pub fn strip_markdown(source: &str) -> String {
    if is_plain(source) {
        return source.to_owned();
    }
    parsed(source)
}

/// [`strip_markdown`] through the Markdown parser.
fn parsed(source: &str) -> String {
    let plain = crate::lint::text::PlainText::of_markdown(source, 0..source.len(), None);
    let text = plain.text.trim_end_matches('\n');
    if text.trim().is_empty() {
        source.to_owned()
    } else {
        text.replace('\n', " ")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{is_plain, parsed, strip_markdown};

    #[test]
    fn markdown_is_parsed_unless_plain() {
        for source in [
            "exactly-once",
            "don't retry",
            "Straße 3",
            "1-2 days",
            "日本語",
        ] {
            assert!(is_plain(source), "{source}");
            assert_eq!(strip_markdown(source), parsed(source));
        }
        for source in [
            "- a", "a  b", "1. a", "**a**", "`a`", "a\nb", " a", "a -", "#a", "a_b",
        ] {
            assert!(!is_plain(source), "{source}");
        }
        assert_eq!(strip_markdown("**no-cache** `x`"), "no-cache x");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn a_plain_phrase_reads_as_the_parser_reads_it(source in "[a-zA-Zé0-9 '\\-]{1,30}") {
            if is_plain(&source) {
                prop_assert_eq!(strip_markdown(&source), parsed(&source));
            }
        }
    }
}
