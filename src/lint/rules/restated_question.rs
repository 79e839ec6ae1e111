//! Q004 `restated-question` (the doc comment below is what `cardsmith rule Q004` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::lint::text::content_words;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an answer whose first sentence only restates the question: at least two content
    /// words, and at most one of them not already in the question (stop words are ignored, and
    /// "means"/"mean", "runs"/"run" count as one word).
    ///
    /// ## Why is this bad?
    /// The first words of the back of a card are what the learner checks recall against. A
    /// restatement spends them on nothing, and teaches that echoing the question is an answer,
    /// a habit interviewers notice.
    ///
    /// ## Example
    /// ```markdown
    /// ### What is a high-water mark? {#hwm}
    /// A high-water mark is a mark.
    /// ```
    /// Use instead:
    /// ```markdown
    /// The largest timestamp the last successful run processed; the next run reads only newer rows.
    /// ```
    pub RestatedQuestion, code = "Q004", name = "restated-question", severity = Warning,
}

/// One diagnostic per restating first sentence, at that sentence.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (lesson, item, answer) in context.items() {
        let question = content_words(&item.question);
        let text = answer.text.trim_end();
        if text.trim_start().is_empty() {
            continue;
        }
        let leading = answer.text.len() - answer.text.trim_start().len();
        let end = text[leading..]
            .find(['.', '?', '!', '\n'])
            .map_or(text.len(), |at| leading + at);
        let sentence = &answer.text[leading..end];
        let mut words = content_words(sentence);
        words.sort();
        words.dedup();
        let new = words.iter().filter(|word| !question.contains(word)).count();
        if words.len() >= 2 && new <= 1 {
            out.push(
                context
                    .diagnostic(
                        &RestatedQuestion::META,
                        Span::new(lesson.file, answer.source_range(leading..end)),
                        "answer opens by restating the question",
                        Some(item),
                    )
                    .with_label("this adds nothing the question did not say")
                    .with_related(item.question_span.clone(), "the question")
                    .with_help("start with the answer itself"),
            );
        }
    }
}
