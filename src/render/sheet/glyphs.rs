//! Characters the sheet's fonts cannot print. typst draws such a character as an empty box and
//! says nothing, so the sheet checks every character it will print against the embedded fonts
//! and warns at the character's place in the lesson.

use std::collections::{BTreeMap, BTreeSet};

use super::world::FONTS;
use super::{Run, SheetView};
use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::Course;

/// One warning per run of missing characters (`キャッシュとは`, spaces inside a run included) per
/// title, topic and item: a run repeated in the same item (its question and a point) is reported
/// once, at its first place.
pub fn check(course: &Course, view: &SheetView) -> Vec<Diagnostic> {
    let mut coverage = Coverage::default();
    let mut found = Vec::new();
    let mut check_texts = |texts: &[(String, &Span)], item: Option<&str>| {
        let mut seen = BTreeSet::new();
        for (text, span) in texts {
            for run in missing_runs(text, &mut coverage) {
                if !seen.insert(run.clone()) {
                    continue;
                }
                let chars: Vec<String> = run
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<BTreeSet<char>>()
                    .iter()
                    .map(|c| format!("U+{:04X}", u32::from(*c)))
                    .collect();
                let message = if run.chars().count() == 1 {
                    format!(
                        "the cheat sheet's fonts have no `{run}` ({}): it prints as an empty box",
                        chars.join(", ")
                    )
                } else {
                    format!(
                        "the cheat sheet's fonts have none of `{run}` ({}): it prints as empty boxes",
                        if chars.len() > 4 {
                            format!("{} characters", chars.len())
                        } else {
                            chars.join(", ")
                        }
                    )
                };
                let mut diagnostic =
                    Diagnostic::new(codes::MISSING_GLYPH, locate(course, span, &run), message)
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
    check_texts(&[(view.title.clone(), &view.title_span)], None);
    for section in &view.sections {
        if let (Some(title), Some(span)) = (&section.title, &section.span) {
            check_texts(&[(title.clone(), span)], None);
        }
        for item in &section.items {
            let mut texts = vec![(runs_text(&item.question), &item.question_span)];
            texts.extend(
                item.lines
                    .iter()
                    .map(|line| (runs_text(&line.runs), &line.span)),
            );
            check_texts(&texts, Some(&item.id));
        }
    }
    found
}

/// The runs of `text` no font covers: maximal stretches of missing characters, with the
/// whitespace between two of them (a phrase in one script is one run).
fn missing_runs(text: &str, coverage: &mut Coverage) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut gap = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !current.is_empty() {
                gap.push(c);
            }
        } else if coverage.covers(c) {
            if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            gap.clear();
        } else {
            current.push_str(&gap);
            gap.clear();
            current.push(c);
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The first place `run` is written inside `span`; its first character's, when the run as a
/// whole is not written literally (split by markup, say); `span` itself if not even that is.
fn locate(course: &Course, span: &Span, run: &str) -> Span {
    let text = &course.file(span.file).text;
    let inside = text.get(span.range.clone()).unwrap_or_default();
    let first = run.chars().next().map(String::from).unwrap_or_default();
    [run, first.as_str()]
        .iter()
        .find_map(|needle| inside.find(needle).map(|offset| (offset, needle.len())))
        .map_or_else(
            || span.clone(),
            |(offset, len)| {
                let start = span.range.start + offset;
                Span::new(span.file, start..start + len)
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
    use super::{Coverage, missing_runs};

    #[test]
    fn missing_characters_are_reported_by_run() {
        let mut coverage = Coverage::default();
        assert_eq!(
            missing_runs("What is キャッシュ とは? 😀 and 字", &mut coverage),
            ["キャッシュ とは", "😀", "字"]
        );
        assert!(missing_runs("plain", &mut coverage).is_empty());
    }

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
