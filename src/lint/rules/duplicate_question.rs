//! Q006 `duplicate-question` (the doc comment below is what `cardsmith rule Q006` prints).

mod join;
mod question;

use foldhash::HashMap;

use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::model::Item;
use crate::rule::declare_rule;

use question::{Reduced, Reducer};

declare_rule! {
    /// ## What it does
    /// Flags a question that duplicates an earlier one anywhere in the project, or nearly does.
    /// Each question is reduced to the keys of its content words, as the matcher reduces an
    /// answer (stop words dropped, stems in the lesson's language, synonym groups merged), and
    /// its first question word (`how`, `why`, `when`, ...). Questions with the same keys in the
    /// same order are duplicates; questions whose sets of keys are at least
    /// `near-duplicate-similarity` alike (Jaccard: the keys they share over all the keys of the
    /// two; 0.75 by default) are near-duplicates, unless one is negated and the other not, or
    /// they compare in opposite directions (`Parquet over Avro`, `Avro over Parquet`).
    ///
    /// ## Why is this bad?
    /// Two cards for one question split the reviews of one memory between them, and when their
    /// answers differ, each review teaches the other card's answer wrong.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why is Parquet faster than CSV for analytical queries? {#why-parquet}
    /// ### Why are Parquet files faster than CSV files for analytical queries? {#parquet-fast}
    /// ```
    /// Use instead: merge them into one item, or ask each about a different thing.
    pub DuplicateQuestion, code = "Q006", name = "duplicate-question", severity = Warning,
}

/// Near-duplicates are judged on the first this many keys of each question, so that a question
/// of thousands of words costs no more than a long one (a question this long is far past any
/// card's; duplicates are still judged on every key).
const COMPARED_KEYS: usize = 32;

/// What one question repeats: the first earlier question it duplicates (`similarity` 1) or
/// nearly duplicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Repeat {
    /// Index of the earlier question.
    pub earlier: usize,
    /// The share of keys the two have in common (1 for a duplicate).
    pub similarity: f64,
    /// The two reduce alike.
    pub exact: bool,
}

/// For each question (`(lesson language, question)`, in project order), the first earlier one
/// it duplicates or nearly duplicates at `threshold`.
pub(crate) fn repeats(
    questions: &[(&str, &str)],
    threshold: f64,
    reducer: &mut Reducer,
) -> Vec<Option<Repeat>> {
    // Distinct reductions in order of first sight, and which one each question is.
    let mut distinct: Vec<Reduced> = Vec::new();
    let mut first_seen: Vec<usize> = Vec::new();
    let mut by_reduced: HashMap<Reduced, usize> = HashMap::default();
    let mut which: Vec<Option<usize>> = Vec::with_capacity(questions.len());
    for (index, (lang, question)) in questions.iter().enumerate() {
        let Some(reduced) = reducer.reduce(lang, question) else {
            which.push(None);
            continue;
        };
        let next = distinct.len();
        let record = *by_reduced.entry(reduced.clone()).or_insert(next);
        if record == next {
            distinct.push(reduced);
            first_seen.push(index);
        }
        which.push(Some(record));
    }
    let sets: Vec<Vec<u32>> = distinct
        .iter()
        .map(|reduced| reduced.keys.iter().take(COMPARED_KEYS).copied().collect())
        .collect();
    let near = join::first_similar(&sets, threshold, |later, earlier| {
        alike(&distinct[later], &distinct[earlier])
    });
    which
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let record = (*record)?;
            if first_seen[record] != index {
                return Some(Repeat {
                    earlier: first_seen[record],
                    similarity: 1.0,
                    exact: true,
                });
            }
            near[record].map(|found| Repeat {
                earlier: first_seen[found.earlier],
                similarity: found.similarity,
                exact: false,
            })
        })
        .collect()
}

/// Whether two questions with keys enough in common ask the same: both negated or neither, and
/// every term both compare (`than`, `instead of`, `from` … `to`) the same.
fn alike(a: &Reduced, b: &Reduced) -> bool {
    a.negated == b.negated
        && a.compared.iter().all(|(marker, key)| {
            b.compared
                .iter()
                .all(|(other, other_key)| other != marker || other_key == key)
        })
}

/// One diagnostic per later question, pointing back at the first one it resembles.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let settings = context.settings;
    let mut reducer = Reducer::new(settings.synonym_groups(), settings.builtin_synonyms());
    let items: Vec<&Item> = context.items().map(|(_, item, _)| item).collect();
    let questions: Vec<(&str, &str)> = context
        .items()
        .map(|(lesson, item, _)| (lesson.lang.as_str(), item.question.as_str()))
        .collect();
    let found = repeats(&questions, settings.config.near_duplicate_similarity, &mut reducer);
    for (item, repeat) in items.iter().zip(found) {
        let Some(repeat) = repeat else { continue };
        let first = items[repeat.earlier];
        let message = if repeat.exact {
            format!("question duplicates `{}`", first.id)
        } else {
            format!(
                "question nearly duplicates `{}` ({:.0}% alike)",
                first.id,
                repeat.similarity * 100.0
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

#[cfg(test)]
mod tests {
    use super::question::Reducer;
    use super::repeats;

    /// The labelled pairs: `(an author would merge them, first, second)`.
    fn labelled() -> Vec<(bool, &'static str, &'static str)> {
        include_str!("testdata/duplicate_questions.txt")
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let fields: Vec<&str> = line.split(" | ").collect();
                assert_eq!(fields.len(), 3, "{line}");
                assert!(matches!(fields[0], "same" | "differ"), "{line}");
                (fields[0] == "same", fields[1], fields[2])
            })
            .collect()
    }

    /// Precision and recall of Q006 at `threshold` on the labelled pairs, each pair judged
    /// alone, and the pairs it got wrong.
    fn measure(threshold: f64) -> (f64, f64, Vec<String>) {
        let mut reducer = Reducer::new(Vec::new(), true);
        let (mut true_positives, mut false_positives, mut positives) = (0u32, 0u32, 0u32);
        let mut wrong = Vec::new();
        for (same, first, second) in labelled() {
            let found = repeats(&[("en", first), ("en", second)], threshold, &mut reducer);
            let flagged = found[1].is_some();
            positives += u32::from(same);
            true_positives += u32::from(same && flagged);
            false_positives += u32::from(!same && flagged);
            if same != flagged {
                wrong.push(format!("{}: {first} | {second}", if same { "missed" } else { "flagged" }));
            }
        }
        let precision = f64::from(true_positives) / f64::from((true_positives + false_positives).max(1));
        let recall = f64::from(true_positives) / f64::from(positives.max(1));
        (precision, recall, wrong)
    }

    #[test]
    fn the_labelled_pairs_are_judged_well_enough() {
        let (precision, recall, wrong) = measure(0.75);
        eprintln!("precision {precision:.3}, recall {recall:.3}\n{}", wrong.join("\n"));
        for hundredths in (50..=100).step_by(5) {
            let (p, r, _) = measure(f64::from(hundredths) / 100.0);
            eprintln!("{hundredths}: {p:.3} {r:.3}");
        }
        assert!(precision >= 0.95 && recall >= 0.7, "precision {precision:.3}, recall {recall:.3}");
    }
}
