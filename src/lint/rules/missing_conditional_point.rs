//! P002 `missing-conditional-point` (the doc comment below is what `cardsmith rule P002` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::lint::matching::Scope;
use crate::lint::settings::Extends;
use crate::lint::text::matched_words;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Runs the project's `conditional` rules from `[[lint.rules]]` in `cardsmith.toml` (Vale's
    /// conditional rules): when an answer in the rule's scope mentions any of `first`, it must
    /// also mention one of `second`. Entries are matched as `must:` alternatives are (P001), so a
    /// negated mention counts for neither. Reported at the first mention, with the rule's message.
    ///
    /// ## Why is this bad?
    /// Some points belong with a topic wherever it comes up, across every lesson: an answer
    /// that brings up exactly-once must say what it costs. Writing that once in the config beats
    /// repeating a `must:` on every item, and catches new items too.
    ///
    /// ## Example
    /// ```toml
    /// [[lint.rules]]
    /// name = "exactly-once-cost"
    /// extends = "conditional"
    /// message = "mentions exactly-once without its cost"
    /// first = ["exactly-once"]
    /// second = ["cost", "expensive", "/throughput|latency/"]
    /// ```
    /// flags `Kafka gives you exactly-once delivery.`; use instead
    /// `Kafka gives you exactly-once delivery at a cost in throughput.`
    pub MissingConditionalPoint, code = "P002", name = "missing-conditional-point", severity = Error,
}

/// One diagnostic per rule and item, at the first mention of `first`.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for rule in &context.settings.project_rules {
        if rule.config.extends != Extends::Conditional {
            continue;
        }
        for (lesson, item, answer, matches) in context.answers() {
            if !rule.applies_to(lesson, item)
                || rule
                    .second
                    .iter()
                    .any(|pattern| matches.is_made(&pattern.source, Scope::Point))
            {
                continue;
            }
            let first = rule
                .first
                .iter()
                .flat_map(|pattern| matches.found(&pattern.source, Scope::Flag))
                .filter(|found| found.negated_by.is_none())
                .min_by_key(|found| found.range.start);
            let Some(found) = first else { continue };
            let wanted = rule
                .second
                .iter()
                .map(|pattern| format!("`{}`", pattern.source))
                .collect::<Vec<_>>()
                .join(", ");
            let mut diagnostic = context
                .diagnostic(
                    &MissingConditionalPoint::META,
                    Span::new(lesson.file, answer.source_range(found.range.clone())),
                    format!("{} ({})", rule.config.message, rule.config.name),
                    Some(item),
                )
                .with_label(format!(
                    "`{}` needs one of {wanted} in the same answer",
                    matched_words(&answer.text, &found.words)
                ))
                .with_help(rule.config.help.clone().unwrap_or_else(|| {
                    format!(
                        "add one of {wanted} to the answer (project rule `{}`)",
                        rule.config.name
                    )
                }));
            if let Some(level) = rule.config.level {
                diagnostic.severity = level.into();
            }
            out.push(diagnostic);
        }
    }
}
