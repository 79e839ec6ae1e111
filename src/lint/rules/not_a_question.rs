//! Q007 `not-a-question` (the doc comment below is what `cardsmith rule Q007` prints).

use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::lint::text::words;
use crate::model::CardKind;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an item heading that asks nothing: no `?`, and it does not open with a prompt verb
    /// (`Explain`, `Describe`, `Name`, `Compare`, ...). Cloze items are exempt: their prompt is
    /// the deletion, and so are empty headings (S015).
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

const PROMPT_VERBS: &[&str] = &[
    "explain",
    "describe",
    "define",
    "name",
    "list",
    "compare",
    "contrast",
    "give",
    "state",
    "outline",
    "summarize",
    "summarise",
    "walk",
    "design",
    "estimate",
    "sketch",
    "show",
    "tell",
    "identify",
    "justify",
];

/// One diagnostic per heading that asks nothing, at the question text.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, item, _) in context.items() {
        if item.card.kind == CardKind::Cloze
            || item.question.contains('?')
            || item.question.trim().is_empty()
        {
            continue;
        }
        let first = words(&item.question).into_iter().next().unwrap_or_default();
        if PROMPT_VERBS.contains(&first.as_str()) {
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
