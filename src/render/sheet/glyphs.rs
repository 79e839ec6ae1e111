//! Characters the sheet's fonts cannot print. typst draws such a character as an empty box and
//! says nothing, so the sheet checks every character it will print against the embedded fonts
//! and warns at the character's place in the lesson.

use std::collections::{BTreeMap, BTreeSet};

use super::world::FONTS;
use super::{Run, SheetView};
use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::Course;

/// One warning per missing character per piece of text (title, topic, question, answer line).
pub fn check(course: &Course, view: &SheetView) -> Vec<Diagnostic> {
    let mut coverage = Coverage::default();
    let mut found = Vec::new();
    let mut check_text = |text: &str, span: &Span, item: Option<&str>| {
        let mut seen = BTreeSet::new();
        for c in text.chars() {
            if seen.insert(c) && !coverage.covers(c) {
                let mut diagnostic = Diagnostic::new(
                    codes::MISSING_GLYPH,
                    locate(course, span, c),
                    format!(
                        "the cheat sheet's fonts have no `{c}` (U+{:04X}): it prints as an empty box",
                        u32::from(c)
                    ),
                )
                .with_label("not in the embedded fonts")
                .with_help("write it another way (the sheet's fonts cover Latin, Greek and Cyrillic scripts, not CJK or emoji)");
                if let Some(item) = item {
                    diagnostic = diagnostic.with_item(item);
                }
                found.push(diagnostic);
            }
        }
    };
    let runs_text = |runs: &[Run]| runs.iter().map(|run| run.text.as_str()).collect::<String>();
    check_text(&view.title, &view.title_span, None);
    for section in &view.sections {
        if let (Some(title), Some(span)) = (&section.title, &section.span) {
            check_text(title, span, None);
        }
        for item in &section.items {
            check_text(
                &runs_text(&item.question),
                &item.question_span,
                Some(&item.id),
            );
            for line in &item.lines {
                check_text(&runs_text(&line.runs), &line.span, Some(&item.id));
            }
        }
    }
    found
}

/// The first place `c` is written inside `span`, as a one-character span; `span` itself if the
/// character does not appear literally (written as an entity, say).
fn locate(course: &Course, span: &Span, c: char) -> Span {
    let text = &course.file(span.file).text;
    text.get(span.range.clone())
        .and_then(|inside| inside.find(c))
        .map_or_else(
            || span.clone(),
            |offset| {
                let start = span.range.start + offset;
                Span::new(span.file, start..start + c.len_utf8())
            },
        )
}

/// Which characters some embedded font has, remembered per character.
#[derive(Default)]
struct Coverage {
    known: BTreeMap<char, bool>,
}

impl Coverage {
    fn covers(&mut self, c: char) -> bool {
        if c.is_whitespace() || c.is_control() {
            return true;
        }
        *self.known.entry(c).or_insert_with(|| {
            let book = FONTS.book();
            (0..)
                .map_while(|index| book.info(index))
                .any(|info| info.coverage.contains(u32::from(c)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Coverage;

    #[test]
    fn latin_punctuation_and_greek_are_covered_cjk_and_emoji_are_not() {
        let mut coverage = Coverage::default();
        for c in "Aé#$\\{}<>…•×—αβЖ".chars() {
            assert!(coverage.covers(c), "{c}");
        }
        for c in "字😀".chars() {
            assert!(!coverage.covers(c), "{c}");
        }
    }
}
