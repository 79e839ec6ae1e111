//! Q007 `not-a-question` (the doc comment below is what `cardsmith rule Q007` prints).

use crate::diagnostic::Diagnostic;
use crate::lang::questions;
use crate::lint::Context;
use crate::lint::text::words;
use crate::model::CardKind;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an item heading that asks nothing: no question mark (`?`, and those of other
    /// scripts: `？`, `؟`, the Greek `;`), and it does not open with a prompt verb of the
    /// lesson's `lang:` (`Explain`, `Describe`, `Name`, `Compare`, ...; German `Erkläre`,
    /// `Nenne`, ...). Cloze items are exempt: their prompt is the deletion, and so are empty
    /// headings (S015), and lessons in a language without a list of prompt verbs (Japanese,
    /// say), whose prompts cannot be told from topics.
    ///
    /// ## Why is this bad?
    /// A card whose front is a topic ("Parquet") rather than a question has no single right
    /// answer, so every review is graded by feel and recall drifts.
    ///
    /// ## Example
    /// ```markdown
    /// ### Parquet {#parquet}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why do pipelines store tables as Parquet? {#parquet}
    /// ```
    pub NotAQuestion, code = "Q007", name = "not-a-question", severity = Warning,
}

/// One diagnostic per heading that asks nothing, at the question text.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (lesson, item, _) in context.items() {
        if item.card.kind == CardKind::Cloze
            || questions::has_question_mark(&item.question)
            || item.question.trim().is_empty()
        {
            continue;
        }
        let Some(prompt_verbs) = questions::prompt_verbs(&lesson.lang) else {
            continue;
        };
        let first = words(&item.question).into_iter().next().unwrap_or_default();
        if prompt_verbs.contains(&first.as_str()) {
            continue;
        }
        out.push(
            context
                .diagnostic(
                    &NotAQuestion::META,
                    item.question_span.clone(),
                    "heading asks no question",
                    Some(item),
                )
                .with_label("a topic, not a question")
                .with_help("phrase it as the question the answer answers, ending in `?`"),
        );
    }
}
