//! P001 `missing-required-point` (the doc comment below is what `cardsmith rule P001` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::lint::text::{one_line, trimmed_range};
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an answer that never makes a point its item lists under `must:`. A point is made
    /// when any of its `match` alternatives is found in the answer: a phrase when one sentence
    /// holds all its content words (stemmed, in any order, compounds and synonyms alike) and none
    /// of them is negated; `=exact words` verbatim; `/regex/` as written (case-sensitive unless
    /// `(?i)`). The message names the words the closest sentence lacks (docs/lint.md, Matching).
    ///
    /// ## Why is this bad?
    /// The card exists to drill that point: an answer without it trains the wrong recall, and an
    /// edit that drops it silently makes the deck worse.
    ///
    /// ## Example
    /// ```markdown
    /// ### What does exactly-once cost? {#exactly-once}
    /// Kafka transactions give exactly-once delivery.
    /// (card block: `must: [{point: the cost of exactly-once, match: [cost, latency]}]`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// Exactly-once costs throughput and latency: transactions across source and sink.
    /// ```
    pub MissingRequiredPoint, code = "P001", name = "missing-required-point", severity = Error,
}

/// One diagnostic per point none of whose alternatives is made, at the question, with the `must`
/// entry and the closest sentence as related places.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (lesson, item, answer, matches) in context.answers() {
        if answer.text.trim().is_empty() {
            continue; // An empty answer is reported once, as S006, not once per point.
        }
        for ((point, judgement), hint) in item
            .card
            .must
            .iter()
            .zip(&matches.points)
            .zip(&matches.case_hints)
        {
            if point.patterns.is_empty() || judgement.made.is_some() {
                continue; // No patterns: its entry was invalid and is reported by the parser.
            }
            let mut message = format!("answer omits the required point `{}`", point.point);
            let mut related = Vec::new();
            if let Some((index, negated)) = &judgement.negated {
                let cue = negated.negated_by.clone().unwrap_or_default();
                message.push_str(&format!(
                    ": `{}` is said only under the negation `{}`",
                    point.patterns[*index].source,
                    one_line(&answer.text[cue.clone()])
                ));
                related.push((
                    Span::new(lesson.file, answer.source_range(cue)),
                    "negated here".to_owned(),
                ));
            } else if let Some((_, closest)) = &judgement.closest
                && let Some(sentence) = closest.sentence
            {
                let lacking = quoted_list(&closest.lacking);
                message.push_str(&format!(": the closest sentence lacks {lacking}"));
                let range = trimmed_range(&answer.text, matches.sentences[sentence].clone());
                related.push((
                    Span::new(lesson.file, answer.source_range(range)),
                    format!("closest sentence: lacks {lacking}"),
                ));
            }
            let help = match hint.map(|index| &point.patterns[index].source) {
                Some(source) => format!(
                    "`{source}` would match ignoring case: regexes are case-sensitive; write `/(?i){}/`",
                    &source[1..source.len() - 1]
                ),
                None => format!(
                    "tried {}: state the point in the answer, or add the wording it uses to `match:`",
                    point
                        .patterns
                        .iter()
                        .map(|pattern| format!("`{}`", pattern.source))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let mut diagnostic = context
                .diagnostic(
                    &MissingRequiredPoint::META,
                    item.question_span.clone(),
                    message,
                    Some(item),
                )
                .with_label("the answer to this question never makes the point")
                .with_related(point.span.clone(), "required here");
            for (span, label) in related {
                diagnostic = diagnostic.with_related(span, label);
            }
            out.push(diagnostic.with_help(help));
        }
    }
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
fn quoted_list(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("`{word}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
