//! Control characters (S019): C0 controls other than tab, newline and carriage return, written
//! raw, as an HTML character reference (`&#31;`) or as a YAML escape (`"\x1f"`).
//!
//! A character reference counts only where it is decoded: in the Markdown text of the body (and
//! its raw HTML, which the card's web view decodes). In a code span, a code block (a card block
//! too), math, after a backslash (`\&#31;`) or in the front matter it is literal text, which
//! every renderer escapes (`&amp;#31;`), so it never becomes a control byte.
//!
//! They are rejected, not stripped: they are invisible in an editor, no lesson needs one, and
//! `\x1f` is Anki's field separator (one in a field makes Anki refuse the whole package), so the
//! author should see where each one is. The Anki renderer strips any that could still get through
//! (see `render::apkg::fields`), so a deck Anki rejects is never written.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::Lesson;

/// At most this many are reported per file (a binary file renamed `.md` has thousands).
const MAX_REPORTED: usize = 20;

/// Whether `c` is a control character cardsmith refuses.
pub fn is_refused(c: char) -> bool {
    c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r') && c != '\x7f'
}

/// `&#31;`, `&#x1F;`: numeric character references, which CommonMark decodes.
static CHARACTER_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));").expect("the pattern compiles")
});

/// YAML escapes in double-quoted scalars that give a control character.
static YAML_ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\(?:x[01][0-9a-fA-F]|u00[01][0-9a-fA-F]|U0000[01][0-9a-fA-F]|[0avfe])")
        .expect("the pattern compiles")
});

/// Every raw control character in `text`, and every character reference to one that the
/// Markdown body (from byte `body_start`) decodes.
pub fn check_text(file: FileId, text: &str, body_start: usize) -> Vec<Diagnostic> {
    let mut found: Vec<(Range<usize>, String)> = Vec::new();
    // Every refused character is ASCII, and an ASCII byte in UTF-8 is always a whole character.
    for (index, byte) in text.bytes().enumerate() {
        let c = char::from(byte);
        if byte.is_ascii() && is_refused(c) {
            found.push((index..index + 1, format!("control character {}", name(c))));
        }
    }
    let body = text.get(body_start..).unwrap_or_default();
    // Where Markdown decodes references needs a parse of the body: only for a reference to a
    // refused character, which hardly any lesson holds.
    let mut decoding: Option<Vec<Range<usize>>> = None;
    for captures in CHARACTER_REFERENCE.captures_iter(body) {
        let whole = captures.get(0).expect("group 0 is the match");
        let value = match (captures.get(1), captures.get(2)) {
            (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
            (_, Some(decimal)) => decimal.as_str().parse().ok(),
            _ => None,
        };
        // `&#0;` decodes to U+FFFD, in CommonMark as in HTML.
        let refused = |&c: &char| is_refused(c) && c != '\0';
        let Some(c) = value.and_then(char::from_u32).filter(refused) else {
            continue;
        };
        let decoded = decoding
            .get_or_insert_with(|| decoding_ranges(body))
            .iter()
            .any(|range| range.start <= whole.start() && whole.end() <= range.end);
        if decoded {
            found.push((
                body_start + whole.start()..body_start + whole.end(),
                format!("`{}` is the control character {}", whole.as_str(), name(c)),
            ));
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    report(file, found)
}

/// The ranges of `body` where CommonMark or HTML decode character references into a refused
/// character: text (not inside a code block) that came out holding one, raw HTML, and links or
/// images whose destination or title holds one. Code spans, math and backslash escapes keep a
/// reference literal, so pulldown-cmark's text never holds the character for them.
fn decoding_ranges(body: &str) -> Vec<Range<usize>> {
    let has = |text: &str| text.chars().any(is_refused);
    let mut ranges = Vec::new();
    let mut code_block_depth = 0usize;
    for (event, range) in Parser::new_ext(body, super::markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_block_depth = code_block_depth.saturating_sub(1),
            Event::Text(text) if code_block_depth == 0 && has(&text) => ranges.push(range),
            Event::Html(_) | Event::InlineHtml(_) => ranges.push(range),
            Event::Start(
                Tag::Link {
                    dest_url, title, ..
                }
                | Tag::Image {
                    dest_url, title, ..
                },
            ) if has(&dest_url) || has(&title) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// Values of `lesson` holding a control character that the text check did not see, because a YAML
/// escape wrote it (`title: "a\x1fb"`): reported at the escape in the block that holds the value.
pub fn check_values(lesson: &Lesson, text: &str) -> Vec<Diagnostic> {
    let has = |value: &str| value.chars().any(is_refused);
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let front = [lesson.title.as_str(), lesson.deck.as_str()]
        .into_iter()
        .chain(lesson.tags.iter().map(String::as_str));
    if front.into_iter().any(has) {
        blocks.push(lesson.front_matter_span.range.clone());
    }
    for item in &lesson.items {
        let card = &item.card;
        let values = card
            .tags
            .iter()
            .map(String::as_str)
            .chain(card.must.iter().map(|point| point.point.as_str()))
            .chain(card.avoid.iter().map(|flag| flag.flag.as_str()))
            .chain(card.sheet.as_deref());
        if values.into_iter().any(has)
            && let Some(span) = &card.span
        {
            blocks.push(span.range.clone());
        }
    }
    let mut found = Vec::new();
    for block in blocks {
        let Some(yaml) = text.get(block.clone()) else {
            continue;
        };
        let escapes: Vec<_> = YAML_ESCAPE
            .find_iter(yaml)
            .map(|escape| {
                (
                    block.start + escape.start()..block.start + escape.end(),
                    format!("`{}` writes a control character", escape.as_str()),
                )
            })
            .collect();
        if escapes.is_empty() {
            // Written some other way: point at the block's first line.
            let end = yaml.find('\n').map_or(block.end, |n| block.start + n);
            found.push((
                block.start..end,
                "a value in this block holds a control character".to_owned(),
            ));
        }
        found.extend(escapes);
    }
    report(lesson.file, found)
}

fn report(file: FileId, found: Vec<(Range<usize>, String)>) -> Vec<Diagnostic> {
    let total = found.len();
    found
        .into_iter()
        .take(MAX_REPORTED)
        .enumerate()
        .map(|(index, (range, message))| {
            let more = if index + 1 == MAX_REPORTED && total > MAX_REPORTED {
                format!(" ({} more in this file not shown)", total - MAX_REPORTED)
            } else {
                String::new()
            };
            Diagnostic::new(
                codes::CONTROL_CHARACTER,
                Span::new(file, range),
                format!("{message}{more}"),
            )
            .with_label("invisible, and Anki cannot store it")
            .with_help("delete it: control characters other than tab and newline have no place in a lesson (`\\x1f` is Anki's field separator)")
        })
        .collect()
}

/// `U+001F (unit separator)`.
fn name(c: char) -> String {
    let what = match c {
        '\0' => " (NUL)",
        '\x1b' => " (escape)",
        '\x1c' => " (file separator)",
        '\x1d' => " (group separator)",
        '\x1e' => " (record separator)",
        '\x1f' => " (unit separator, Anki's field separator)",
        _ => "",
    };
    format!("U+{:04X}{what}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_raw_controls_and_references_but_not_tabs_or_newlines() {
        let text = "a\tb\r\nc\x1fd &#31; &#x1F; &#x41; &#9;\0";
        let found = check_text(FileId(0), text, 0);
        let ranges: Vec<_> = found.iter().map(|d| d.span.range.clone()).collect();
        assert_eq!(ranges, vec![6..7, 9..14, 15..21, 33..34]);
        assert!(found[0].message.contains("U+001F"), "{}", found[0].message);
    }

    /// The starts of the references reported in `text`.
    fn references(text: &str, body_start: usize) -> Vec<usize> {
        check_text(FileId(0), text, body_start)
            .iter()
            .map(|d| d.span.range.start)
            .collect()
    }

    #[test]
    fn references_count_only_where_markdown_or_html_decodes_them() {
        let decoded = "x &#31; y\n\n<div>&#x1f;</div>\n\na <b title=\"&#2;\">&#0;</b> [l](u&#31;v) ![i](p \"&#27;\")\n";
        // `&#0;` is U+FFFD in CommonMark and HTML alike.
        assert_eq!(references(decoded, 0), vec![2, 16, 42, 62, 78]);
        let literal = "`&#31;` and ``a &#x1F; b`` and \\&#31; and $&#31;$\n\n\
                       ```text\n&#31;\n```\n\n    &#31; indented\n\n\
                       ```card\nmust: [\"&#31;\"]\n```\n";
        assert_eq!(references(literal, 0), Vec::<usize>::new(), "{literal}");
        // Front matter is YAML: a reference there is literal text.
        let text = "---\ntitle: \"&#31;\"\n---\n\nbody &#31;\n";
        let body_start = text.find("\nbody").expect("body") + 1;
        assert_eq!(references(text, body_start), vec![body_start + 5]);
    }

    #[test]
    fn reports_at_most_a_bounded_number_per_file() {
        let found = check_text(FileId(0), &"\0".repeat(100), 0);
        assert_eq!(found.len(), MAX_REPORTED);
        assert!(found[MAX_REPORTED - 1].message.contains("80 more"));
    }
}
