//! P001 `missing-required-point` (the doc comment below is what `cardsmith rule P001` prints).

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::Context;

declare_rule! {
    /// ## What it does
    /// Flags an answer that never makes a point its item lists under `must:`. A point is made
    /// when any of its `match` alternatives is found in the answer's text (phrases:
    /// case-insensitive, whole words, hyphens and spaces alike; `/regex/` as written).
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

/// One diagnostic per point no alternative of which is found, at the question, with the `must`
/// entry as a related place and the alternatives tried in the help.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, item, answer) in context.items() {
        if answer.text.trim().is_empty() {
            continue; // An empty answer is reported once, as S006, not once per point.
        }
        for point in &item.card.must {
            if point.patterns.is_empty()
                || point
                    .patterns
                    .iter()
                    .any(|pattern| pattern.is_found_in(&answer.text))
            {
                continue; // No patterns: its entry was invalid and is reported by the parser.
            }
            let tried = point
                .patterns
                .iter()
                .map(|pattern| format!("`{}`", pattern.source))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                context
                    .diagnostic(
                        &MissingRequiredPoint::META,
                        item.question_span.clone(),
                        format!("answer omits the required point `{}`", point.point),
                        Some(item),
                    )
                    .with_label("the answer to this question never makes the point")
                    .with_related(point.span.clone(), "required here")
                    .with_help(format!(
                        "tried {tried}: state the point in the answer, or add the wording it uses to `match:`"
                    )),
            );
        }
    }
}
