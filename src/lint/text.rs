//! An answer as plain text (what a reader sees: no `**`, no backticks, no card block, no HTML
//! comments) with a map back to byte offsets in the source file.
//!
//! Patterns are searched in the plain text so that `**exactly-once**` matches `exactly-once`; the
//! map turns a match back into a source range, so a red flag is reported at the matched words'
//! own line and column.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::model::Item;

/// Plain text plus the source offset of each piece of it.
#[derive(Debug, Clone, Default)]
pub struct PlainText {
    /// Paragraphs and list items end with `\n`; soft breaks are spaces.
    pub text: String,
    segments: Vec<Segment>,
    /// Each list with its number of direct items, as (source offset of its start, items), in
    /// the order the lists end (Q003 reads them, so the answer is parsed once).
    pub lists: Vec<(usize, usize)>,
}

/// A run of plain text copied from `source..source + len` in the file (`verbatim`), or standing for
/// the whole of `source..source + len` (an entity or escape that changed length).
#[derive(Debug, Clone, Copy)]
struct Segment {
    plain: usize,
    plain_len: usize,
    source: usize,
    source_len: usize,
    verbatim: bool,
}

impl PlainText {
    /// The plain text of an item's answer: `answer_span` without the card block.
    pub fn of_answer(file_text: &str, item: &Item) -> PlainText {
        let card = item.card.span.as_ref().map(|span| span.range.clone());
        Self::of_markdown(file_text, item.answer_span.range.clone(), card)
    }

    /// The plain text of the Markdown in `file_text[range]`, skipping `exclude`.
    pub fn of_markdown(
        file_text: &str,
        range: Range<usize>,
        exclude: Option<Range<usize>>,
    ) -> Self {
        let mut plain = PlainText::default();
        let base = range.start;
        let markdown = &file_text[range];
        // Lists open, innermost last: (start, direct items so far).
        let mut open_lists: Vec<(usize, usize)> = Vec::new();
        for (event, relative) in
            Parser::new_ext(markdown, crate::parse::markdown_options()).into_offset_iter()
        {
            let source = relative.start + base..relative.end + base;
            // Lists are counted as Q003 counted them in a parse of its own: every event that
            // does not start inside the excluded range.
            if !exclude
                .as_ref()
                .is_some_and(|skip| skip.contains(&source.start))
            {
                match &event {
                    Event::Start(Tag::List(_)) => open_lists.push((source.start, 0)),
                    Event::Start(Tag::Item) => {
                        if let Some(top) = open_lists.last_mut() {
                            top.1 += 1;
                        }
                    }
                    Event::End(TagEnd::List(_)) => {
                        if let Some(list) = open_lists.pop() {
                            plain.lists.push(list);
                        }
                    }
                    _ => {}
                }
            }
            if exclude
                .as_ref()
                .is_some_and(|skip| source.start >= skip.start && source.end <= skip.end)
            {
                continue;
            }
            match event {
                Event::Text(text) | Event::Code(text) => {
                    let slice = &file_text[source.clone()];
                    // Nearly always the text opens its source: no searcher to build then.
                    let at = if slice.starts_with(&*text) {
                        Some(0)
                    } else {
                        slice.find(&*text)
                    };
                    match at {
                        Some(at) => plain.push(&text, source.start + at, text.len(), true),
                        None => plain.push(&text, source.start, source.len(), false),
                    }
                }
                Event::SoftBreak => plain.text.push(' '),
                Event::HardBreak => plain.text.push('\n'),
                Event::End(
                    TagEnd::Paragraph
                    | TagEnd::Item
                    | TagEnd::Heading(_)
                    | TagEnd::CodeBlock
                    | TagEnd::TableCell
                    | TagEnd::BlockQuote(_),
                ) if !plain.text.ends_with('\n') => plain.text.push('\n'),
                _ => {}
            }
        }
        plain
    }

    fn push(&mut self, text: &str, source: usize, source_len: usize, verbatim: bool) {
        self.segments.push(Segment {
            plain: self.text.len(),
            plain_len: text.len(),
            source,
            source_len,
            verbatim,
        });
        self.text.push_str(text);
    }

    /// The source range of a range of the plain text.
    pub fn source_range(&self, plain: Range<usize>) -> Range<usize> {
        let start = self.source_offset(plain.start, false);
        let end = self.source_offset(plain.end, true);
        start..end.max(start)
    }

    fn source_offset(&self, offset: usize, is_end: bool) -> usize {
        // The segment holding `offset`; at a boundary an end belongs to the segment before it
        // and a start to the one after it.
        let index = self
            .segments
            .partition_point(|segment| {
                if is_end {
                    segment.plain < offset
                } else {
                    segment.plain <= offset
                }
            })
            .saturating_sub(1);
        let Some(segment) = self.segments.get(index) else {
            return 0;
        };
        let within = offset.saturating_sub(segment.plain);
        if within > segment.plain_len {
            // In a separator after this segment.
            return segment.source + segment.source_len;
        }
        if segment.verbatim {
            segment.source + within
        } else if is_end {
            segment.source + segment.source_len
        } else {
            segment.source
        }
    }

    /// Number of words (runs of characters holding a letter or digit).
    pub fn word_count(&self) -> usize {
        count_words(&self.text)
    }
}

/// `text` with every run of whitespace made one space, for labels and messages.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `range` of `text` without the whitespace at its ends.
pub fn trimmed_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// The matched words of a match as one line: neighbours as written (`exactly-once`), words
/// with others between them joined by ` … ` (`exactly-once … costs`).
pub fn matched_words(text: &str, words: &[Range<usize>]) -> String {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for range in words {
        match runs.last_mut() {
            Some(run)
                if run.end <= range.start
                    && !text[run.end..range.start]
                        .chars()
                        .any(char::is_alphanumeric) =>
            {
                run.end = range.end;
            }
            _ => runs.push(range.clone()),
        }
    }
    runs.into_iter()
        .map(|range| one_line(&text[range]))
        .collect::<Vec<_>>()
        .join(" … ")
}

/// Number of whitespace-separated tokens that hold a letter or digit.
pub fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count();
    }
    // ASCII text (most answers), byte by byte: the same tokens, since an ASCII byte is
    // whitespace or alphanumeric exactly when its character is (U+000B included).
    let (mut count, mut counted) = (0, false);
    for &byte in text.as_bytes() {
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') {
            counted = false;
        } else if !counted && byte.is_ascii_alphanumeric() {
            count += 1;
            counted = true;
        }
    }
    count
}

/// Lowercase words of `text` (letters, digits, `'`; hyphenated words split).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\'').to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Words that carry no content of their own, left out when comparing questions and answers.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "actually", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do",
    "does", "for", "from", "how", "i", "if", "in", "into", "is", "it", "its", "mean", "means",
    "of", "on", "or", "should", "so", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will",
    "with", "would", "you", "your",
];

/// A crude stem, enough to let "runs" meet "run" and "differs" meet "differ".
pub fn stem(word: &str) -> &str {
    for suffix in ["ing", "es", "s", "ed"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && stem.len() >= 3
        {
            return stem;
        }
    }
    word
}

/// Stemmed content words of `text`, stop words removed, in order: [`words`] without a `String`
/// for each word, only for each content word's stem.
pub fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .filter_map(|word| {
            // Lowercase ASCII (most words) is its own lowercase: borrowed, not copied.
            let lower: std::borrow::Cow<'_, str> = if word
                .bytes()
                .all(|byte| byte.is_ascii() && !byte.is_ascii_uppercase())
            {
                std::borrow::Cow::Borrowed(word)
            } else {
                std::borrow::Cow::Owned(word.to_lowercase())
            };
            // `STOP_WORDS` is sorted (a test checks): a binary search, not a scan comparing each.
            STOP_WORDS
                .binary_search(&&*lower)
                .is_err()
                .then(|| stem(&lower).to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content words of the words [`words`] splits, as they were taken before.
    fn content_words_of_words(text: &str) -> Vec<String> {
        words(text)
            .iter()
            .filter(|word| STOP_WORDS.binary_search(&word.as_str()).is_err())
            .map(|word| stem(word).to_owned())
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn content_words_are_those_of_words(
            text in "([a-dA-D '\u{2019}\\-,.?\u{c9}\u{e9}\u{3a3}]|The|the|ing|es|ed|IS|Do){0,30}",
        ) {
            proptest::prop_assert_eq!(content_words(&text), content_words_of_words(&text));
        }
    }

    #[test]
    fn emphasis_is_dropped_and_offsets_map_back() {
        let source = "intro\n\nJust use **exactly-once** here.\n";
        let plain = PlainText::of_markdown(source, 0..source.len(), None);
        assert_eq!(plain.text, "intro\nJust use exactly-once here.\n");
        let at = plain.text.find("exactly-once").expect("present");
        let range = plain.source_range(at..at + "exactly-once".len());
        assert_eq!(&source[range], "exactly-once");
        let at = plain.text.find("use exactly").expect("present");
        let range = plain.source_range(at..at + "use exactly".len());
        assert_eq!(&source[range], "use **exactly");
    }

    #[test]
    fn excluded_range_is_skipped() {
        let source = "Answer.\n\n```card\nmust: [x]\n```\n\nMore.\n";
        let card = source.find("```card").expect("card")..source.find("\n\nMore").expect("more");
        let plain = PlainText::of_markdown(source, 0..source.len(), Some(card));
        assert_eq!(plain.text, "Answer.\nMore.\n");
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn content_words_drop_stop_words_and_stem() {
        assert_eq!(
            content_words("What does it mean to run jobs?"),
            ["run", "job"]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The byte-by-byte count of ASCII text is the count of its characters.
        #[test]
        fn ascii_words_count_as_characters_do(
            text in "[ \t\n\x0B\x0C\r\x00-\x1Fa-zA-Z0-9.,;:'!?*_`()\\-]{0,80}",
        ) {
            let by_characters = text
                .split_whitespace()
                .filter(|word| word.chars().any(char::is_alphanumeric))
                .count();
            proptest::prop_assert_eq!(count_words(&text), by_characters);
        }
    }
}
