//! `cardsmith check --coverage`: per item, which required points its answer makes, and a total.

use serde::Serialize;

use crate::lines::Lines;
use crate::lint::text::PlainText;
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
    pub made: Vec<String>,
    /// Points it does not make.
    pub missing: Vec<String>,
}

/// Computes coverage.
pub fn coverage(course: &Course) -> Coverage {
    let lines = Lines::new(&course.files);
    let mut items = Vec::new();
    let (mut points, mut made_total) = (0, 0);
    for (lesson, item) in course.items() {
        let file = course.file(lesson.file);
        let answer = PlainText::of_answer(&file.text, item);
        let (mut made, mut missing) = (Vec::new(), Vec::new());
        for point in &item.card.must {
            if point.patterns.iter().any(|p| p.is_found_in(&answer.text)) {
                made.push(point.point.clone());
            } else {
                missing.push(point.point.clone());
            }
        }
        points += made.len() + missing.len();
        made_total += made.len();
        items.push(ItemCoverage {
            path: file.path.display().to_string(),
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
    /// The human report: one line per item, the points missing under it, then the total.
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
                let _ = writeln!(out, "  + {point}");
            }
            for point in &item.missing {
                let _ = writeln!(out, "  - {point}");
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
