//! Q006 `duplicate-question` (the doc comment below is what `cardsmith rule Q006` prints).

use std::collections::{HashMap, HashSet};

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::lint::text::content_words;
use crate::model::Item;

declare_rule! {
    /// ## What it does
    /// Flags a question that duplicates an earlier one anywhere in the project, or nearly does:
    /// both are normalised (lowercase, punctuation and stop words dropped, crude stems) and
    /// compared; identical texts are duplicates, texts at least `near-duplicate-similarity`
    /// alike (0.85 by default, normalised Levenshtein) are near-duplicates.
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
    // Candidate pairs share a content word (an inverted index keeps this far from n²).
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, _, words)) in items.iter().enumerate() {
        let unique: HashSet<&str> = words.iter().map(String::as_str).collect();
        for word in unique {
            by_word.entry(word).or_default().push(index);
        }
    }
    for (index, (item, normal, words)) in items.iter().enumerate() {
        let mut candidates: Vec<usize> = words
            .iter()
            .flat_map(|word| by_word[word.as_str()].iter().copied())
            .filter(|&other| other < index)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.into_iter().find_map(|other| {
            let (first, other_normal, _) = &items[other];
            let longest = normal.chars().count().max(other_normal.chars().count());
            let gap = normal
                .chars()
                .count()
                .abs_diff(other_normal.chars().count());
            // Levenshtein distance is at least the length difference: skip hopeless pairs.
            if 1.0 - gap as f64 / longest as f64 + f64::EPSILON < threshold {
                return None;
            }
            let similarity = strsim::normalized_levenshtein(normal, other_normal);
            (similarity >= threshold).then_some((*first, similarity))
        });
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
