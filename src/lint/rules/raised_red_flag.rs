//! R001 `raised-red-flag` (the doc comment below is what `cardsmith rule R001` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::lint::matching::Scope;
use crate::lint::text::matched_words;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an answer that says something its item lists under `avoid:`: one of the flag's
    /// `match` alternatives is found, and none of its `unless` alternatives is. Alternatives are
    /// matched as for `must:` (P001): a phrase's words within one sentence, and a negated match
    /// ("we never drop events") raises nothing. The diagnostic points at the matched words.
    ///
    /// ## Why is this bad?
    /// These are the phrasings an interviewer hears as a red flag (a trade-off waved away, a
    /// wrong claim). A card that drills them drills the mistake.
    ///
    /// ## Example
    /// ```markdown
    /// ### How do you avoid duplicates? {#dedup}
    /// Just use exactly-once.
    /// (card block: `avoid: [{flag: exactly-once without its cost, match: [just use exactly-once], unless: [cost]}]`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// Exactly-once works but costs throughput; most systems run at-least-once with idempotent writes.
    /// ```
    pub RaisedRedFlag, code = "R001", name = "raised-red-flag", severity = Error,
}

/// One diagnostic per sentence (or regex match) that raises the flag, at the matched words.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (lesson, item, answer, matches) in context.answers() {
        for flag in &item.card.avoid {
            if flag
                .unless
                .iter()
                .any(|pattern| matches.is_made(&pattern.source, Scope::Point))
            {
                continue;
            }
            for pattern in &flag.patterns {
                let found = matches.found(&pattern.source, Scope::Flag);
                for found in found.iter().filter(|found| found.negated_by.is_none()) {
                    let words = matched_words(&answer.text, &found.words);
                    let span = Span::new(lesson.file, answer.source_range(found.range.clone()));
                    let mut help = "reword the answer".to_owned();
                    if !flag.unless.is_empty() {
                        let unless = flag
                            .unless
                            .iter()
                            .map(|pattern| format!("`{}`", pattern.source))
                            .collect::<Vec<_>>()
                            .join(", ");
                        help.push_str(&format!(", or say what makes it acceptable ({unless})"));
                    }
                    out.push(
                        context
                            .diagnostic(
                                &RaisedRedFlag::META,
                                span,
                                format!("answer raises the red flag `{}`", flag.flag),
                                Some(item),
                            )
                            .with_label(format!("`{words}` matches `{}`", pattern.source))
                            .with_related(flag.span.clone(), "flag listed here")
                            .with_help(help),
                    );
                }
            }
        }
    }
}
