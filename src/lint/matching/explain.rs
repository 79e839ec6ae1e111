//! Why a phrase is not made: the sentence that comes closest, and the words it lacks.

use std::ops::Range;

use super::doc::Doc;
use super::phrase::Phrase;
use super::search::occurrences;

/// The sentence holding most of a phrase's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closest {
    /// Index of the sentence; `None` when no sentence has any of the words.
    pub sentence: Option<usize>,
    /// The words of the phrase found there, in text order.
    pub present: Vec<Range<usize>>,
    /// The phrase's words it lacks, as written in the phrase.
    pub lacking: Vec<String>,
}

/// The sentence of `doc` that holds the most content words of `phrase` (the first such).
pub fn closest(phrase: &Phrase, doc: &Doc, text: &str) -> Closest {
    let mut best = Closest {
        sentence: None,
        present: Vec::new(),
        lacking: phrase.terms.iter().map(|term| term.shown.clone()).collect(),
    };
    let mut best_count = 0;
    for alternative in &phrase.alternatives {
        let occurrences = occurrences(alternative, doc, text);
        for sentence in 0..doc.sentences.len() {
            // A word the alternative leaves out (the particle of `slow down`) is not lacking.
            let mut covered = vec![true; phrase.terms.len()];
            for (_, terms) in &alternative.needles {
                covered[terms.clone()].iter_mut().for_each(|c| *c = false);
            }
            let mut present = Vec::new();
            let mut count = 0;
            for ((_, terms), units) in alternative.needles.iter().zip(&occurrences) {
                if let Some(unit) = units.iter().find(|unit| unit.sentence == sentence) {
                    covered[terms.clone()].iter_mut().for_each(|c| *c = true);
                    present.push(unit.range.clone());
                    count += terms.len();
                }
            }
            let lacking = covered.iter().filter(|c| !**c).count();
            // Most words found, then fewest lacking (an alternative without a particle).
            if count > best_count
                || (count > 0 && count == best_count && lacking < best.lacking.len())
            {
                best_count = count;
                present.sort_by_key(|range| range.start);
                best = Closest {
                    sentence: Some(sentence),
                    present,
                    lacking: phrase
                        .terms
                        .iter()
                        .zip(&covered)
                        .filter(|(_, covered)| !**covered)
                        .map(|(term, _)| term.shown.clone())
                        .collect(),
                };
            }
        }
    }
    best
}
