//! Q005 `yes-no-question` (the doc comment below is what `cardsmith rule Q005` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lang::questions;
use crate::lint::Context;
use crate::lint::text::words;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a question that can be answered with yes or no: it opens with an auxiliary verb
    /// (`Is`, `Does`, `Can`, `Should`, ...) and offers no alternatives (`A or B`; `or not` is
    /// no alternative). The openers are those of the lesson's `lang:`: German `Ist`, `Kann`,
    /// `Gibt es` (and `oder`), Dutch, French `Est-ce que`, `Peut-on`; a language that marks
    /// yes/no questions by intonation alone (Spanish, Italian, Portuguese) or has no list yet
    /// is not checked.
    ///
    /// ## Why is this bad?
    /// A yes/no card is guessed right half of the time, so it schedules itself away before it
    /// is learnt, and the answer it drills ("yes") carries no knowledge.
    ///
    /// ## Example
    /// ```markdown
    /// ### Is Parquet columnar? {#parquet-columnar}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### How does Parquet lay out a table on disk? {#parquet-layout}
    /// ```
    pub YesNoQuestion, code = "Q005", name = "yes-no-question", severity = Warning,
}

/// One diagnostic per yes/no question, at its first word.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (lesson, item, _) in context.items() {
        let (Some(openers), Some((or, not))) = (
            questions::yes_no_openers(&lesson.lang),
            questions::alternative(&lesson.lang),
        ) else {
            continue;
        };
        let question_words = words(&item.question);
        let Some(first) = question_words.first() else {
            continue;
        };
        // "A or B?" asks for a choice; "A, or not?" is still yes or no.
        let offers_choice = question_words
            .windows(2)
            .any(|pair| pair[0] == or && pair[1] != not)
            || question_words.last().is_some_and(|word| word == or);
        if !openers.contains(&first.as_str()) || offers_choice {
            continue;
        }
        let start = item.question_span.range.start;
        let first_len = item
            .question
            .find(char::is_whitespace)
            .unwrap_or(item.question.len());
        out.push(
            context
                .diagnostic(
                    &YesNoQuestion::META,
                    Span::new(lesson.file, start..start + first_len),
                    "yes/no question",
                    Some(item),
                )
                .with_label("answerable with yes or no")
                .with_help("ask for the thing itself: what, how, why or when"),
        );
    }
}
