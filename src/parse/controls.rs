//! Control characters (S019): C0 controls other than tab, newline and carriage return, written
//! raw, as an HTML character reference (`&#31;`) or as a YAML escape (`"\x1f"`).
//!
//! They are rejected, not stripped: they are invisible in an editor, no lesson needs one, and
//! `\x1f` is Anki's field separator (one in a field makes Anki refuse the whole package), so the
//! author should see where each one is. The Anki renderer strips any that could still get through
//! (see `render::apkg::fields`), so a deck Anki rejects is never written.

use std::ops::Range;
use std::sync::LazyLock;

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

/// Every raw control character and character reference to one in `text`.
pub fn check_text(file: FileId, text: &str) -> Vec<Diagnostic> {
    let mut found: Vec<(Range<usize>, String)> = Vec::new();
    for (index, c) in text.char_indices() {
        if is_refused(c) {
            found.push((index..index + 1, format!("control character {}", name(c))));
        }
    }
    for captures in CHARACTER_REFERENCE.captures_iter(text) {
        let whole = captures.get(0).expect("group 0 is the match");
        let value = match (captures.get(1), captures.get(2)) {
            (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
            (_, Some(decimal)) => decimal.as_str().parse().ok(),
            _ => None,
        };
        if let Some(c) = value.and_then(char::from_u32).filter(|&c| is_refused(c)) {
            found.push((
                whole.range(),
                format!("`{}` is the control character {}", whole.as_str(), name(c)),
            ));
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    report(file, found)
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
        let found = check_text(FileId(0), text);
        let ranges: Vec<_> = found.iter().map(|d| d.span.range.clone()).collect();
        assert_eq!(ranges, vec![6..7, 9..14, 15..21, 33..34]);
        assert!(found[0].message.contains("U+001F"), "{}", found[0].message);
    }

    #[test]
    fn reports_at_most_a_bounded_number_per_file() {
        let found = check_text(FileId(0), &"\0".repeat(100));
        assert_eq!(found.len(), MAX_REPORTED);
        assert!(found[MAX_REPORTED - 1].message.contains("80 more"));
    }
}
