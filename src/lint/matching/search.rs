//! Finding a compiled pattern in an indexed answer.

use std::ops::Range;

use regex::Regex;

use super::doc::{Doc, Unit};
use super::normalise::fold;
use super::phrase::{Alternative, Needle, Phrase};

/// One place a pattern is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// From the first matched word to the last, in the plain text.
    pub range: Range<usize>,
    /// The sentence it is in.
    pub sentence: usize,
    /// The matched words themselves, in text order.
    pub words: Vec<Range<usize>>,
    /// The cue of the negation that covers it; such a match neither makes a point nor raises a
    /// flag.
    pub negated_by: Option<Range<usize>>,
    /// The words of the phrase, as written, that the answer says in other words: a point made
    /// by all its words but these (see [`phrase`]).
    pub said_otherwise: Vec<String>,
}

/// How far apart the words of one match may lie. The two differ on purpose: each leans toward
/// the verdict that raises no error, so that an error means what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A point (`must`), an `unless` and a project rule's `second`: one sentence, or a sentence
    /// and the one before it when it refers back with a pronoun ("... write skew; serializable
    /// isolation prevents it"). P001 fires only when no such stretch makes the point.
    Point,
    /// A red flag (`avoid`), a project rule's trigger and its forbidden tokens: one clause (a
    /// sentence split at commas and dashes), so that "borrowers gain, lenders lose" does not
    /// raise `lenders gain`.
    Flag,
}

/// A stretch of the answer a match must lie in: sentences `first..=last`, or one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Window {
    Sentences { first: usize, last: usize },
    Clause(usize),
}

impl Window {
    fn holds(self, unit: &Unit) -> bool {
        match self {
            Window::Sentences { first, last } => (first..=last).contains(&unit.sentence),
            Window::Clause(clause) => unit.clause == clause,
        }
    }

    /// The sentence a match in the window is reported in (its last).
    fn sentence(self, doc: &Doc) -> usize {
        match self {
            Window::Sentences { last, .. } => last,
            Window::Clause(clause) => doc.clauses.get(clause).map_or(0, |range| {
                super::sentence::index_of(&doc.sentences, range.start)
            }),
        }
    }
}

/// The windows of `scope` that hold `unit`.
fn windows_of(unit: &Unit, scope: Scope, doc: &Doc, into: &mut Vec<Window>) {
    let sentence = unit.sentence;
    match scope {
        Scope::Flag => into.push(Window::Clause(unit.clause)),
        Scope::Point => {
            into.push(Window::Sentences {
                first: sentence,
                last: sentence,
            });
            if sentence > 0 && doc.refers_back.get(sentence).copied().unwrap_or(false) {
                into.push(Window::Sentences {
                    first: sentence - 1,
                    last: sentence,
                });
            }
            if doc.refers_back.get(sentence + 1).copied().unwrap_or(false) {
                into.push(Window::Sentences {
                    first: sentence,
                    last: sentence + 1,
                });
            }
        }
    }
}

/// Every window of `scope` that holds all of an alternative's needles; one [`Found`] per
/// sentence, an un-negated one when the sentence has one.
///
/// A point whose words are not all found in the answer may still be made by a window holding all
/// of them but one word the answer never uses (see [`Phrase::may_lack`]): the answer says that
/// one in other words ("kept" for `stored`, "cuts" for `lowers`). A word it uses in another
/// sentence is not said otherwise: "Bloom filters are small. Lookups are fast." does not make
/// `bloom filter lookups`. Tried only when no window holds every word, negated or not.
pub fn phrase(phrase: &Phrase, doc: &Doc, text: &str, scope: Scope) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let hits_with = |lacking: bool| -> Vec<Found> {
        phrase
            .alternatives
            .iter()
            .flat_map(|alternative| {
                alternative_hits(alternative, phrase, doc, text, scope, lacking)
            })
            .collect()
    };
    let mut hits = hits_with(false);
    if hits.is_empty() && scope == Scope::Point {
        hits = hits_with(true);
    }
    // `avoid hot keys` is said by "never key by a hot value": the rest under a negation, which
    // then is what the phrase says, not what undoes it.
    if let Some(rest) = &phrase.negated_rest {
        for mut hit in self::phrase(rest, doc, text, scope) {
            if let Some(cue) = hit.negated_by.take() {
                hit.range = cue.start.min(hit.range.start)..hit.range.end;
                hit.words.insert(0, cue);
                hits.push(hit);
            }
        }
    }
    {
        for hit in hits {
            match found.iter_mut().find(|f| f.sentence == hit.sentence) {
                Some(existing) if existing.negated_by.is_some() && hit.negated_by.is_none() => {
                    *existing = hit;
                }
                Some(_) => {}
                None => found.push(hit),
            }
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// The occurrences of each needle of an alternative.
pub fn occurrences(alternative: &Alternative, doc: &Doc, text: &str) -> Vec<Vec<Unit>> {
    alternative
        .needles
        .iter()
        .map(|(needle, _)| match needle {
            Needle::Key(key) => doc.units(*key).iter().map(|(_, u)| u.clone()).collect(),
            Needle::Substring(needle) => substrings(needle, doc, text),
        })
        .collect()
}

/// The windows of `scope` holding every needle of `alternative` (every needle but one the answer
/// never uses, when `lacking` is allowed and the phrase may lack it).
fn alternative_hits(
    alternative: &Alternative,
    phrase: &Phrase,
    doc: &Doc,
    text: &str,
    scope: Scope,
    lacking: bool,
) -> Vec<Found> {
    // Which word keys occur at all, first: a binary search each, where gathering every
    // occurrence copies them (most alternatives of a point not made lack two words or more).
    let key_absent = |(needle, _): &(super::phrase::Needle, Range<usize>)| match needle {
        super::phrase::Needle::Key(key) => doc.units(*key).is_empty(),
        super::phrase::Needle::Substring(_) => false,
    };
    if alternative.needles.iter().filter(|n| key_absent(n)).count() > usize::from(lacking) {
        return Vec::new();
    }
    let occurrences = occurrences(alternative, doc, text);
    let mut absent = (0..occurrences.len()).filter(|&slot| occurrences[slot].is_empty());
    let may_lack = |slot: usize| {
        phrase.may_lack(alternative, slot)
            && parts_absent(phrase, &alternative.needles[slot].1, doc)
    };
    let candidates: Vec<Option<usize>> = match (absent.next(), absent.next(), lacking) {
        (None, _, false) => vec![None],
        (Some(slot), None, true) if may_lack(slot) => vec![Some(slot)],
        _ => return Vec::new(),
    };
    for lacking in candidates {
        let hits = window_hits(alternative, phrase, doc, scope, &occurrences, lacking);
        if !hits.is_empty() {
            return hits;
        }
    }
    Vec::new()
}

/// The windows of `scope` holding every needle of `alternative` but `lacking`, each with its
/// occurrences in `occurrences`.
fn window_hits(
    alternative: &Alternative,
    phrase: &Phrase,
    doc: &Doc,
    scope: Scope,
    occurrences: &[Vec<Unit>],
    lacking: Option<usize>,
) -> Vec<Found> {
    let said_otherwise: Vec<String> = lacking
        .and_then(|slot| phrase.terms.get(alternative.needles[slot].1.clone()))
        .into_iter()
        .flatten()
        .map(|term| term.shown.clone())
        .collect();
    let lacking_key = lacking.and_then(|slot| match alternative.needles[slot].0 {
        super::phrase::Needle::Key(key) => Some(key),
        super::phrase::Needle::Substring(_) => None,
    });
    let needles: Vec<&(super::phrase::Needle, Range<usize>)> = alternative
        .needles
        .iter()
        .enumerate()
        .filter(|(slot, _)| Some(*slot) != lacking)
        .map(|(_, needle)| needle)
        .collect();
    let occurrences: Vec<&Vec<Unit>> = occurrences
        .iter()
        .enumerate()
        .filter(|(slot, _)| Some(*slot) != lacking)
        .map(|(_, units)| units)
        .collect();
    // A phrase with no word (`must: ["&#31;"]`, `"!!!"`) has an alternative with no needle: it
    // is never found, so P001 tells the author rather than every answer making it.
    let Some(first) = occurrences.first() else {
        return Vec::new();
    };
    let mut windows = Vec::new();
    for unit in first.iter() {
        windows_of(unit, scope, doc, &mut windows);
    }
    windows.sort();
    windows.dedup();
    let mut hits = Vec::new();
    for window in windows {
        let sentence = window.sentence(doc);
        let in_sentence: Vec<Vec<&Unit>> = occurrences
            .iter()
            .map(|units| units.iter().filter(|u| window.holds(u)).collect())
            .collect();
        if in_sentence.iter().any(Vec::is_empty)
            || !keeps_order(&needles, &phrase.ordered, &in_sentence)
            || lacking_key.is_some_and(|key| opposite_in(phrase, key, doc, window))
        {
            continue;
        }
        // Start from the first occurrence of each needle, then move each to one no negation
        // covers (a cue matched as one of the words negates nothing); twice, since a move can
        // free another needle.
        // Of the free ones, each needle takes the occurrence nearest to the rarest needle's, so
        // the words shown are the ones that belong together.
        let chosen = match scope {
            Scope::Point => unordered_choice(&in_sentence, doc),
            // A flag keeps its words' order: "heat flows from the hotter body to the colder one"
            // does not say `heat flows from cold to hot`.
            Scope::Flag => match ordered_choice(&in_sentence, doc) {
                Some(chosen) => chosen,
                None => continue,
            },
        };
        let mut words: Vec<Range<usize>> = chosen.iter().map(|u| u.range.clone()).collect();
        let negated_by = words
            .iter()
            .find_map(|range| doc.negated_by(range, &words))
            .map(|negation| negation.cue.clone());
        words.sort_by_key(|range| range.start);
        words.dedup();
        hits.push(Found {
            range: words[0].start..words.iter().map(|w| w.end).max().unwrap_or(words[0].end),
            sentence,
            words,
            negated_by,
            said_otherwise: said_otherwise.clone(),
        });
    }
    hits
}

/// Whether none of `terms` occurs in the answer on its own: a compound the answer never writes
/// (`primarykeep`) is no word said otherwise when its parts stand apart in it.
fn parts_absent(phrase: &Phrase, terms: &Range<usize>, doc: &Doc) -> bool {
    if terms.len() < 2 {
        return true;
    }
    let Some(split) = phrase.alternatives.first() else {
        return true;
    };
    split.needles.iter().all(|(needle, needle_terms)| {
        !(terms.start <= needle_terms.start && needle_terms.end <= terms.end)
            || match needle {
                super::phrase::Needle::Key(key) => doc.units(*key).is_empty(),
                super::phrase::Needle::Substring(_) => true,
            }
    })
}

/// Whether the window holds an opposite of the word `key` (`costs` for `cheap`).
fn opposite_in(phrase: &Phrase, key: u32, doc: &Doc, window: Window) -> bool {
    phrase
        .opposites
        .iter()
        .filter(|&&(word, _)| word == key)
        .any(|&(_, opposite)| {
            doc.units(opposite)
                .iter()
                .any(|(_, unit)| window.holds(unit))
        })
}

/// Whether the window's occurrences can keep each of the phrase's ordered term pairs in order:
/// some occurrence of the first term's needle before some occurrence of the second's.
fn keeps_order(
    needles: &[&(super::phrase::Needle, Range<usize>)],
    ordered: &[(usize, usize)],
    in_sentence: &[Vec<&Unit>],
) -> bool {
    let needle_of = |term: usize| needles.iter().position(|(_, terms)| terms.contains(&term));
    ordered.iter().all(|&(first, second)| {
        let (Some(a), Some(b)) = (needle_of(first), needle_of(second)) else {
            return true;
        };
        let earliest = in_sentence[a].iter().map(|u| u.range.start).min();
        let latest = in_sentence[b].iter().map(|u| u.range.start).max();
        a == b || earliest < latest
    })
}

/// One occurrence per needle, in any order: each moved to one no negation covers where it can.
fn unordered_choice<'u>(in_sentence: &[Vec<&'u Unit>], doc: &Doc) -> Vec<&'u Unit> {
    let mut chosen: Vec<&Unit> = in_sentence.iter().map(|units| units[0]).collect();
    let rarest = (0..in_sentence.len())
        .min_by_key(|&slot| in_sentence[slot].len())
        .unwrap_or(0);
    {
        for _ in 0..2 {
            for (slot, units) in in_sentence.iter().enumerate() {
                let ranges: Vec<Range<usize>> = chosen.iter().map(|u| u.range.clone()).collect();
                let anchor = chosen[rarest].range.start;
                if let Some(free) = units
                    .iter()
                    .filter(|u| doc.negated_by(&u.range, &ranges).is_none())
                    .min_by_key(|u| u.range.start.abs_diff(anchor))
                {
                    chosen[slot] = free;
                }
            }
        }
    }
    chosen
}

/// One occurrence per needle, each after the one before (the earliest such, preferring one no
/// negation covers); `None` when the words do not occur in the phrase's order.
fn ordered_choice<'u>(in_sentence: &[Vec<&'u Unit>], doc: &Doc) -> Option<Vec<&'u Unit>> {
    let mut chosen: Vec<&Unit> = Vec::with_capacity(in_sentence.len());
    for units in in_sentence {
        let after = chosen.last().map_or(0, |unit| unit.range.end);
        let candidates = || units.iter().copied().filter(|u| u.range.start >= after);
        let free = candidates().find(|u| doc.negated_by(&u.range, &[]).is_none());
        chosen.push(free.or_else(|| candidates().next())?);
    }
    Some(chosen)
}

/// Where `needle` occurs in the folded text of each sentence, whitespace ignored.
fn substrings(needle: &str, doc: &Doc, text: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    if needle.is_empty() {
        return units;
    }
    for (index, sentence) in doc.sentences.iter().enumerate() {
        // The folded sentence without whitespace, each byte of it mapped back to the plain text.
        let mut folded = String::new();
        let mut origin = Vec::new();
        for (at, c) in text[sentence.clone()].char_indices() {
            if c.is_whitespace() {
                continue;
            }
            let start = sentence.start + at;
            for piece in fold(c.encode_utf8(&mut [0; 4])).chars() {
                for _ in 0..piece.len_utf8() {
                    origin.push((start, start + c.len_utf8()));
                }
                folded.push(piece);
            }
        }
        for (at, _) in folded.match_indices(needle) {
            let start = origin[at].0;
            let end = origin[at + needle.len() - 1].1;
            units.push(Unit {
                range: start..end,
                sentence: index,
                clause: super::sentence::index_of(&doc.clauses, start),
            });
        }
    }
    units
}

/// Every match of a regex (`/regex/` or `=exact words`) in the plain text.
pub fn regex(regex: &Regex, doc: &Doc, text: &str) -> Vec<Found> {
    regex
        .find_iter(text)
        .filter(|m| !m.is_empty())
        .map(|m| {
            let range = m.range();
            let negated_by = doc
                .negated_by(&range, std::slice::from_ref(&range))
                .map(|negation| negation.cue.clone());
            Found {
                sentence: super::sentence::index_of(&doc.sentences, range.start),
                words: vec![range.clone()],
                range,
                negated_by,
                said_otherwise: Vec::new(),
            }
        })
        .collect()
}
