//! Q006 `duplicate-question` (the doc comment below is what `cardsmith rule Q006` prints).

use std::collections::{HashMap, HashSet};

use rapidfuzz::distance::levenshtein;

use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::lint::text::content_words;
use crate::model::Item;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a question that duplicates an earlier one anywhere in the project, or nearly does:
    /// both are normalised (lowercase, punctuation and stop words dropped, crude stems) and
    /// compared; identical texts are duplicates, texts at least `near-duplicate-similarity`
    /// alike (0.85 by default, normalised Levenshtein over their first 512 characters) are
    /// near-duplicates.
    ///
    /// ## Why is this bad?
    /// Two cards for one question split the reviews of one memory between them, and when their
    /// answers differ, each review teaches the other card's answer wrong.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// ### Why use Parquet? {#parquet-why}
    /// ```
    /// Use instead: merge them into one item, or ask each about a different thing.
    pub DuplicateQuestion, code = "Q006", name = "duplicate-question", severity = Warning,
}

/// Near-duplicates are judged on the first this many characters of each normalised question, so
/// that a comparison costs at most a fixed amount whatever the questions' length (a question
/// this long is far past any card's; exact duplicates are still judged on the whole text).
const COMPARED_CHARS: usize = 512;

/// The first [`COMPARED_CHARS`] characters of `text`.
fn prefix(text: &str) -> &str {
    text.char_indices()
        .nth(COMPARED_CHARS)
        .map_or(text, |(end, _)| &text[..end])
}

/// One diagnostic per later question, pointing back at the first one it resembles.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let threshold = context.settings.config.near_duplicate_similarity;
    let items: Vec<(&Item, String, Vec<String>)> = context
        .items()
        .map(|(_, item, _)| {
            let words = content_words(&item.question);
            (item, words.join(" "), words)
        })
        .filter(|(_, normal, _)| !normal.is_empty())
        .collect();
    let profiles: Vec<Profile> = items
        .iter()
        .map(|(_, normal, _)| Profile::of(normal))
        .collect();
    // Candidate pairs share a content word (an inverted index keeps this far from n²).
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, _, words)) in items.iter().enumerate() {
        let unique: HashSet<&str> = words.iter().map(String::as_str).collect();
        for word in unique {
            by_word.entry(word).or_default().push(index);
        }
    }
    let mut exact: HashMap<&str, usize> = HashMap::new();
    // `seen[other] == index + 1` when `other` was already compared with `index`.
    let mut seen = vec![0usize; items.len()];
    for (index, (item, normal, _)) in items.iter().enumerate() {
        let found = match exact.get(normal.as_str()) {
            Some(&first) => Some((items[first].0, 1.0)),
            None => {
                exact.insert(normal, index);
                nearest_earlier(index, &items, &profiles, &by_word, &mut seen, threshold)
            }
        };
        let Some((first, similarity)) = found else {
            continue;
        };
        let message = if similarity >= 1.0 {
            format!("question duplicates `{}`", first.id)
        } else {
            format!(
                "question nearly duplicates `{}` ({:.0}% alike)",
                first.id,
                similarity * 100.0
            )
        };
        out.push(
            context
                .diagnostic(
                    &DuplicateQuestion::META,
                    item.question_span.clone(),
                    message,
                    Some(item),
                )
                .with_label("asked again here")
                .with_related(first.question_span.clone(), "first asked here")
                .with_help("merge the two items, or make each ask about something different"),
        );
    }
}

/// The first earlier question at least `threshold` alike, among those sharing a word with it.
fn nearest_earlier<'a>(
    index: usize,
    items: &[(&'a Item, String, Vec<String>)],
    profiles: &[Profile],
    by_word: &HashMap<&str, Vec<usize>>,
    seen: &mut [usize],
    threshold: f64,
) -> Option<(&'a Item, f64)> {
    let (_, normal, words) = &items[index];
    let this = &profiles[index];
    for word in words {
        // Postings are in ascending order: only the earlier questions matter.
        for &other in by_word[word.as_str()]
            .iter()
            .take_while(|&&other| other < index)
        {
            if seen[other] == index + 1 {
                continue;
            }
            seen[other] = index + 1;
            let that = &profiles[other];
            let longest = this.chars.max(that.chars) as f64;
            let too_far = |bound: usize| 1.0 - bound as f64 / longest + f64::EPSILON < threshold;
            // Cheap lower bounds of the edit distance skip most pairs (see `Profile`).
            if too_far(this.chars.abs_diff(that.chars)) || too_far(this.distance_bound(that)) {
                continue;
            }
            // Bit-parallel and cut off at the threshold (rapidfuzz): a plain Levenshtein is
            // quadratic in the lengths, and 200 permuted 300-word questions, which pass every
            // bound above, took 110 s.
            let similarity = levenshtein::normalized_similarity_with_args(
                prefix(normal).chars(),
                prefix(&items[other].1).chars(),
                &levenshtein::Args::default().score_cutoff(threshold),
            );
            if let Some(similarity) = similarity {
                return Some((items[other].0, similarity));
            }
        }
    }
    None
}

/// Character counts of a normalised question, for a lower bound of the edit distance between two:
/// at least the length difference, and at least half the characters one has and the other lacks
/// (one substitution fixes at most one missing and one extra character).
struct Profile {
    chars: usize,
    counts: [u16; 37],
}

impl Profile {
    fn of(text: &str) -> Profile {
        let mut counts = [0u16; 37];
        let mut chars = 0;
        for c in text.chars() {
            chars += 1;
            let slot = match c {
                'a'..='z' => c as usize - 'a' as usize,
                '0'..='9' => 26 + c as usize - '0' as usize,
                _ => 36,
            };
            counts[slot] = counts[slot].saturating_add(1);
        }
        Profile { chars, counts }
    }

    fn distance_bound(&self, other: &Profile) -> usize {
        let differing: usize = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum();
        self.chars.abs_diff(other.chars).max(differing.div_ceil(2))
    }
}

#[cfg(test)]
mod tests {
    use super::Profile;

    #[test]
    fn the_bound_never_exceeds_the_edit_distance() {
        let texts = [
            "batch job load",
            "batch jobs load",
            "load batch job",
            "kafka",
            "",
            "x",
        ];
        for a in texts {
            for b in texts {
                let bound = Profile::of(a).distance_bound(&Profile::of(b));
                assert!(bound <= strsim::levenshtein(a, b), "{a:?} {b:?}");
            }
        }
    }
}
