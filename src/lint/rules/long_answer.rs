//! Q001 `long-answer` (the doc comment below is what `cardsmith rule Q001` prints).

use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an answer longer than the word budget (`answer-word-budget` under `[lint]`,
    /// 150 words by default). Words are counted in the answer as a reader sees it: Markdown
    /// syntax and the card block do not count.
    ///
    /// ## Why is this bad?
    /// The minimum information principle: a long answer is many facts on one card. Reviews get
    /// slow, and recall fails on whichever part was forgotten, so the whole card keeps coming back.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// (200 words covering columnar layout, compression, pushdown, schema evolution, ...)
    /// ```
    /// Use instead: split it into one item per idea (`Why is columnar storage faster?`, ...), or
    /// raise the budget for the whole project.
    pub LongAnswer, code = "Q001", name = "long-answer", severity = Warning,
}

/// One diagnostic per answer over the budget, at the question.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let budget = context.settings.config.answer_word_budget;
    for (_, item, answer) in context.items() {
        let words = answer.word_count();
        if words > budget {
            out.push(
                context
                    .diagnostic(
                        &LongAnswer::META,
                        item.question_span.clone(),
                        format!("answer has {words} words, over the budget of {budget}"),
                        Some(item),
                    )
                    .with_label("this question's answer is too long to recall in one go")
                    .with_help("split it into several items, one idea each, or move detail to the lesson notes"),
            );
        }
    }
}
