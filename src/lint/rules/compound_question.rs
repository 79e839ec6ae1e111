//! Q002 `compound-question` (the doc comment below is what `cardsmith rule Q002` prints).

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a question that asks more than one thing: more than one `?`, or a second question
    /// joined on with "and"/"or" after a comma or semicolon (`What is X, and how does Y work?`).
    ///
    /// ## Why is this bad?
    /// One question per card: a card that asks two things is graded as one, so the half you
    /// forgot hides behind the half you knew.
    ///
    /// ## Example
    /// ```markdown
    /// ### What does exactly-once mean, and what do production systems run? {#exactly-once}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### What does exactly-once mean? {#exactly-once}
    /// ### What delivery guarantee do production systems run? {#production-delivery}
    /// ```
    pub CompoundQuestion, code = "Q002", name = "compound-question", severity = Warning,
}

/// Compiled once: the rules run once per lesson.
static SECOND_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[,;]\s*(and|or|but)?\s*\b(what|how|why|when|where|which|who|is|are|does|do|can|should)\b")
        .expect("valid regex")
});

const QUESTION_WORDS: &[&str] = &[
    "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "does",
    "do", "did", "can", "could", "should", "would", "will",
];

/// Whether `clause` holds a question word (so it asks something on its own).
fn asks(clause: &str) -> bool {
    crate::lint::text::words(clause)
        .iter()
        .any(|word| QUESTION_WORDS.contains(&word.as_str()))
}

/// One diagnostic per compound question, at the second question.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let joined = &*SECOND_QUESTION;
    for (lesson, item, _) in context.items() {
        let question = item.question.as_str();
        let base = item.question_span.range.start;
        let marks: Vec<usize> = question.match_indices('?').map(|(at, _)| at).collect();
        let second = if marks.len() > 1 {
            Some(marks[0] + 1..question.len())
        } else {
            // The part before the separator must be a question itself: in "In Kafka, what does
            // acks=all do?" the comma only ends an introductory phrase.
            joined
                .find(question)
                .filter(|found| asks(&question[..found.start()]))
                .map(|found| found.start() + 1..question.len())
        };
        let Some(range) = second else { continue };
        let start = range.start
            + (question[range.clone()].len() - question[range.clone()].trim_start().len());
        out.push(
            context
                .diagnostic(
                    &CompoundQuestion::META,
                    Span::new(lesson.file, base + start..base + range.end),
                    "question asks more than one thing",
                    Some(item),
                )
                .with_label("a second question")
                .with_help("split it into one item per question"),
        );
    }
}
