//! `cardsmith check --coverage`: per item, which required points its answer makes and why (the
//! sentence and the words that made it), which it misses and why (the closest sentence and the
//! words it lacks, or the negation it sits under), and a total. Plain data: printing is the
//! command's business.

use serde::Serialize;

use crate::diagnostic::FileId;
use crate::lines::Lines;
use crate::lint::text::trimmed_range;
use crate::lint::{Context, Settings};
use crate::model::Course;

/// Coverage of the whole project.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Items in build order.
    pub items: Vec<ItemCoverage>,
    /// Required points in the project.
    pub points: usize,
    /// Of those, made by their answers.
    pub made: usize,
}

/// One item's required points.
#[derive(Debug, Clone, Serialize)]
pub struct ItemCoverage {
    /// The lesson file.
    pub path: String,
    /// 1-based line of the question.
    pub line: usize,
    /// The item id.
    pub item_id: String,
    /// Points the answer makes.
    pub made: Vec<PointMade>,
    /// Points it does not make.
    pub missing: Vec<PointMissing>,
}

/// A point made, and what made it.
#[derive(Debug, Clone, Serialize)]
pub struct PointMade {
    /// The point as written.
    pub point: String,
    /// The alternative that matched, as written.
    pub matched: String,
    /// The sentence, on one line, and where it starts.
    pub sentence: Place,
    /// The words that made it, each where it is.
    pub words: Vec<Place>,
    /// The point's word the answer says in other words, when it was made short of one.
    pub said_otherwise: Vec<String>,
}

/// A point missed, and how near the answer came.
#[derive(Debug, Clone, Serialize)]
pub struct PointMissing {
    /// The point as written.
    pub point: String,
    /// The sentence that holds most of its words (`None`: no sentence holds any, or the point
    /// has only regex alternatives).
    pub closest: Option<Place>,
    /// The point's words that sentence lacks.
    pub lacking: Vec<String>,
    /// The negation cue that kept a match from counting, when one did.
    pub negated_by: Option<Place>,
}

/// Some text of the answer and where it starts.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    /// The text, on one line.
    pub text: String,
    /// 1-based line in the lesson file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Place {
    fn new(lines: &Lines<'_>, file: FileId, text: &str, source: usize) -> Place {
        let at = lines.line_column(file, source);
        Place {
            text: crate::lint::text::one_line(text),
            line: at.line,
            column: at.column,
        }
    }
}

/// Computes coverage with the project's `[lint]` settings (synonyms count), of the items in the
/// files `in_scope` accepts (`check --coverage PATHS`).
pub fn coverage(
    course: &Course,
    settings: &Settings,
    in_scope: impl Fn(FileId) -> bool,
) -> Coverage {
    let context = Context::new(course, settings);
    let lines = Lines::new(&course.files);
    let mut items = Vec::new();
    let (mut points, mut made_total) = (0, 0);
    for (lesson, item, answer, matches) in context
        .answers()
        .filter(|(lesson, ..)| in_scope(lesson.file))
    {
        let place = |range: std::ops::Range<usize>| {
            Place::new(
                &lines,
                lesson.file,
                &answer.text[range.clone()],
                answer.source_range(range).start,
            )
        };
        let sentence = |index: usize| trimmed_range(&answer.text, matches.sentences[index].clone());
        let (mut made, mut missing) = (Vec::new(), Vec::new());
        for (point, judgement) in item.card.must.iter().zip(&matches.points) {
            if let Some((index, found)) = &judgement.made {
                made.push(PointMade {
                    point: point.point.clone(),
                    matched: point.patterns[*index].source.clone(),
                    sentence: place(sentence(found.sentence)),
                    words: found.words.iter().cloned().map(&place).collect(),
                    said_otherwise: found.said_otherwise.clone(),
                });
                continue;
            }
            let (closest, lacking) = match &judgement.closest {
                Some((_, closest)) => (
                    closest.sentence.map(|index| place(sentence(index))),
                    closest.lacking.clone(),
                ),
                None => (None, Vec::new()),
            };
            missing.push(PointMissing {
                point: point.point.clone(),
                closest,
                lacking,
                negated_by: judgement
                    .negated
                    .as_ref()
                    .and_then(|(_, found)| found.negated_by.clone())
                    .map(place),
            });
        }
        points += made.len() + missing.len();
        made_total += made.len();
        items.push(ItemCoverage {
            path: course.file(lesson.file).path.display().to_string(),
            line: lines
                .line_column(lesson.file, item.heading_span.range.start)
                .line,
            item_id: item.id.clone(),
            made,
            missing,
        });
    }
    Coverage {
        items,
        points,
        made: made_total,
    }
}

impl Coverage {
    /// The human report: one line per item; under it each point made with the words that made
    /// it, each point missed with the closest sentence and what it lacks; then the total.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for item in &self.items {
            let total = item.made.len() + item.missing.len();
            let _ = writeln!(
                out,
                "{}:{}: {} {}/{} points{}",
                item.path,
                item.line,
                item.item_id,
                item.made.len(),
                total,
                if total == 0 { " (no `must:`)" } else { "" }
            );
            for point in &item.made {
                let words = point
                    .words
                    .iter()
                    .map(|word| format!("`{}` {}:{}", word.text, word.line, word.column))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "  + {}", point.point);
                let _ = writeln!(
                    out,
                    "      {}:{}: {}",
                    point.sentence.line, point.sentence.column, point.sentence.text
                );
                let _ = writeln!(out, "      by {words}");
                if !point.said_otherwise.is_empty() {
                    let said = quoted(&point.said_otherwise, " ");
                    let _ = writeln!(out, "      {said} in other words");
                }
            }
            for point in &item.missing {
                let _ = writeln!(out, "  - {}", point.point);
                if let Some(cue) = &point.negated_by {
                    let _ = writeln!(
                        out,
                        "      said only under the negation `{}` at {}:{}",
                        cue.text, cue.line, cue.column
                    );
                } else if let Some(closest) = &point.closest {
                    let lacking = quoted(&point.lacking, ", ");
                    let _ = writeln!(
                        out,
                        "      closest {}:{}: {}",
                        closest.line, closest.column, closest.text
                    );
                    let _ = writeln!(out, "      lacks {lacking}");
                }
            }
        }
        let percent = if self.points == 0 {
            100.0
        } else {
            self.made as f64 * 100.0 / self.points as f64
        };
        let _ = writeln!(
            out,
            "coverage: {}/{} required points made ({percent:.1}%) in {} items",
            self.made,
            self.points,
            self.items.len()
        );
        out
    }
}

/// Each word in backticks, joined by `separator`.
fn quoted(words: &[String], separator: &str) -> String {
    words
        .iter()
        .map(|word| format!("`{word}`"))
        .collect::<Vec<_>>()
        .join(separator)
}
