//! Q003 `long-enumeration` (the doc comment below is what `cardsmith rule Q003` prints).

use crate::diagnostic::{Diagnostic, Span};
use crate::lint::Context;
use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags an enumeration longer than `max-enumeration` under `[lint]` (5 by default): a
    /// Markdown list with more items, or one sentence listing more comma-separated elements.
    ///
    /// ## Why is this bad?
    /// Sets and enumerations are the hardest things to memorise (the "avoid sets" rule of
    /// flashcard writing): recall of a long list fails on a different element each time and the
    /// card never settles. A cloze per element, or one item per element, is learnt in days.
    ///
    /// ## Example
    /// ```markdown
    /// ### Which file formats do pipelines use? {#formats}
    /// - Parquet
    /// - ORC
    /// - Avro
    /// - JSON lines
    /// - CSV
    /// - Arrow IPC
    /// ```
    /// Use instead: `kind: cloze` with one deletion per format, or one item per format asking
    /// what it is for.
    pub LongEnumeration, code = "Q003", name = "long-enumeration", severity = Warning,
}

/// One diagnostic per long list (at its first line) or long inline series (at the sentence).
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let max = context.settings.config.max_enumeration;
    for (lesson, item, answer) in context.items() {
        let text = context.text_of(lesson);
        // Lists: the direct items of each, counted when the answer was made plain text (one
        // parse of the answer for both).
        for &(list_start, items) in &answer.lists {
            if items > max {
                let line_end = text[list_start..]
                    .find('\n')
                    .map_or(text.len(), |newline| list_start + newline);
                out.push(
                    context
                        .diagnostic(
                            &LongEnumeration::META,
                            Span::new(lesson.file, list_start..line_end),
                            format!("list of {items} items, more than {max}"),
                            Some(item),
                        )
                        .with_label("a long list to recall in one go")
                        .with_help("make it a cloze (one deletion per element), or one item per element"),
                );
            }
        }
        // Inline series: elements separated by commas within one sentence of a paragraph. A
        // sentence lists at most one element more than the whole answer has commas.
        if occurrences(b',', answer.text.as_bytes()) < max {
            continue;
        }
        let mut sentence_start = 0;
        // The ends of sentences are ASCII, which no byte of a longer UTF-8 character is.
        for (at, byte) in answer.text.bytes().enumerate() {
            if matches!(byte, b'.' | b'?' | b'!' | b'\n' | b';' | b':') {
                let sentence = &answer.text[sentence_start..at];
                let elements = sentence.matches(", ").count() + 1;
                if elements > max {
                    out.push(
                        context
                            .diagnostic(
                                &LongEnumeration::META,
                                Span::new(
                                    lesson.file,
                                    answer.source_range(trimmed(sentence, sentence_start)),
                                ),
                                format!("sentence lists {elements} elements, more than {max}"),
                                Some(item),
                            )
                            .with_label("a long series to recall in one go")
                            .with_help("make it a cloze (one deletion per element), or one item per element"),
                    );
                }
                sentence_start = at + 1;
            }
        }
    }
}

/// How many times `byte` occurs in `bytes`.
fn occurrences(byte: u8, bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&other| other == byte).count()
}

fn trimmed(sentence: &str, offset: usize) -> std::ops::Range<usize> {
    let start = offset + (sentence.len() - sentence.trim_start().len());
    let end = offset + sentence.trim_end().len();
    start..end.max(start)
}
