//! R002 `forbidden-phrase` (the doc comment below is what `cardsmith rule R002` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::lint::matching::Scope;
use crate::lint::settings::Extends;
use crate::lint::text::matched_words;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Runs the project's `existence` rules from `[[lint.rules]]` in `cardsmith.toml` (Vale's
    /// existence rules): every occurrence of any of `tokens` in an answer in the rule's scope is
    /// reported at the matched words, with the rule's message (`%s` stands for the words).
    /// Tokens are matched as `must:` alternatives are (P001); a negated occurrence is not reported.
    ///
    /// ## Why is this bad?
    /// Some wording is wrong wherever it appears: "just use X" waves a trade-off away, a
    /// retired product name dates the deck. One line of config keeps every lesson clear of it.
    ///
    /// ## Example
    /// ```toml
    /// [[lint.rules]]
    /// name = "just-use"
    /// extends = "existence"
    /// message = "`%s` waves the trade-off away"
    /// tokens = ["just use"]
    /// ```
    /// flags `Just use exactly-once.`; use instead `Use exactly-once where duplicates cost more
    /// than the throughput it takes.`
    pub ForbiddenPhrase, code = "R002", name = "forbidden-phrase", severity = Error,
}

/// One diagnostic per occurrence outside a negation.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for rule in &context.settings.project_rules {
        if rule.config.extends != Extends::Existence {
            continue;
        }
        for (lesson, item, answer, matches) in context.answers() {
            if !rule.applies_to(lesson, item) {
                continue;
            }
            for pattern in &rule.first {
                let found = matches.found(&pattern.source, Scope::Flag);
                for found in found.iter().filter(|found| found.negated_by.is_none()) {
                    let words = matched_words(&answer.text, &found.words);
                    let mut diagnostic = context
                        .diagnostic(
                            &ForbiddenPhrase::META,
                            Span::new(lesson.file, answer.source_range(found.range.clone())),
                            format!(
                                "{} ({})",
                                rule.config.message.replace("%s", &words),
                                rule.config.name
                            ),
                            Some(item),
                        )
                        .with_label(format!("matches `{}`", pattern.source))
                        .with_help(rule.config.help.clone().unwrap_or_else(|| {
                            format!("reword it (project rule `{}`)", rule.config.name)
                        }));
                    if let Some(level) = rule.config.level {
                        diagnostic.severity = level.into();
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
}
