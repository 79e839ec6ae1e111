//! Suppressions: `allow: [CODE]` in a card block silences a code on that item; an HTML comment
//! `<!-- cardsmith: allow CODE, CODE -->` silences codes on its own line, or on the next
//! non-blank line when it stands alone. Codes may be given by name too (`long-answer`).
//! They apply to every code that can be silenced, structure warnings (S018) included; a
//! structure error cannot be suppressed (see `RuleEntry::can_be_silenced`). A suppression that
//! silenced nothing is reported as L001.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::lines::Lines;
use crate::lint::Settings;
use crate::lint::registry;
use crate::lint::rules::unused_suppression::UnusedSuppression;
use crate::model::Course;

static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*cardsmith:\s*allow\s+([^>]*?)\s*-->").expect("valid regex")
});

struct Suppression {
    /// The code as registered (`Q001`), or as written when unknown.
    code: String,
    known: bool,
    span: Span,
    scope: Scope,
    used: bool,
}

enum Scope {
    Item(String),
    Line(usize),
}

/// Drops suppressed diagnostics and adds L001 for suppressions that were not used.
pub(crate) fn apply(
    course: &Course,
    settings: &Settings,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let lines = Lines::new(&course.files);
    let mut suppressions = item_suppressions(course);
    for (index, file) in course.files.iter().enumerate() {
        suppressions.extend(line_suppressions(FileId(index), &file.text, &lines));
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let suppressible =
            registry::find(diagnostic.code.code).is_none_or(registry::RuleEntry::can_be_silenced);
        // Lines are only needed where a comment suppresses by line (indexing scans the file once).
        let has_line_scope = suppressions.iter().any(|suppression| {
            matches!(suppression.scope, Scope::Line(_))
                && suppression.span.file == diagnostic.span.file
        });
        let line = if has_line_scope {
            lines
                .of_file(diagnostic.span.file)
                .line_of(diagnostic.span.range.start)
        } else {
            0
        };
        let hit = suppressible.then(|| {
            suppressions.iter_mut().find(|suppression| {
                suppression.code == diagnostic.code.code
                    && match &suppression.scope {
                        Scope::Item(id) => diagnostic.item_id.as_deref() == Some(id.as_str()),
                        Scope::Line(target) => {
                            suppression.span.file == diagnostic.span.file && *target == line
                        }
                    }
            })
        });
        match hit.flatten() {
            Some(suppression) => suppression.used = true,
            None => kept.push(diagnostic),
        }
    }
    if settings.is_enabled(UnusedSuppression::META.code.code) {
        let severity = settings.severity_of(&UnusedSuppression::META);
        for suppression in suppressions.iter().filter(|s| !s.used) {
            let rule = registry::find(&suppression.code);
            let message = match rule {
                _ if !suppression.known => {
                    format!("suppression of unknown code `{}`", suppression.code)
                }
                Some(rule) if !rule.can_be_silenced() => format!(
                    "`{}` cannot be suppressed: it is a structure error, which stops an output from being built",
                    suppression.code
                ),
                Some(rule) if !settings.is_enabled(rule.meta.code.code) => continue,
                _ => format!("unused suppression of `{}`", suppression.code),
            };
            let mut diagnostic = Diagnostic::new(
                UnusedSuppression::META.code,
                suppression.span.clone(),
                message,
            )
            .with_label("suppresses nothing here")
            .with_help("remove it (`cardsmith rule --all` lists the codes)");
            diagnostic.severity = severity;
            if let Scope::Item(id) = &suppression.scope {
                diagnostic.item_id = Some(id.clone());
            }
            kept.push(diagnostic);
        }
    }
    kept
}

fn resolve(written: &str) -> (String, bool) {
    match registry::find(written) {
        Some(rule) => (rule.meta.code.code.to_owned(), true),
        None => (written.to_owned(), false),
    }
}

fn item_suppressions(course: &Course) -> Vec<Suppression> {
    let mut found = Vec::new();
    for (lesson, item) in course.items() {
        let Some(card) = &item.card.span else {
            continue;
        };
        let text = &course.file(lesson.file).text;
        let block = &text[card.range.clone()];
        // Locate each code after `allow` in the block, for a precise span.
        let mut cursor = block.find("allow").unwrap_or(0);
        for written in &item.card.allow {
            let span = match block[cursor..].find(written.as_str()) {
                Some(at) => {
                    let start = card.range.start + cursor + at;
                    cursor += at + written.len();
                    Span::new(lesson.file, start..start + written.len())
                }
                None => card.clone(),
            };
            let (code, known) = resolve(written);
            found.push(Suppression {
                code,
                known,
                span,
                scope: Scope::Item(item.id.clone()),
                used: false,
            });
        }
    }
    found
}

fn line_suppressions(file: FileId, text: &str, lines: &Lines<'_>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for captures in COMMENT.captures_iter(text) {
        let (Some(whole), Some(list)) = (captures.get(0), captures.get(1)) else {
            continue;
        };
        let line_start = text[..whole.start()].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[whole.end()..]
            .find('\n')
            .map_or(text.len(), |n| whole.end() + n);
        let alone = text[line_start..whole.start()].trim().is_empty()
            && text[whole.end()..line_end].trim().is_empty();
        let comment_line = lines.of_file(file).line_of(whole.start());
        let target = if alone {
            // The next non-blank line.
            let rest = &text[line_end.min(text.len())..];
            let skipped = rest
                .split('\n')
                .skip(1)
                .take_while(|line| line.trim().is_empty())
                .count();
            comment_line + 1 + skipped
        } else {
            comment_line
        };
        let mut offset = list.start();
        for written in list.as_str().split(|c: char| c == ',' || c.is_whitespace()) {
            if !written.is_empty() {
                let (code, known) = resolve(written);
                found.push(Suppression {
                    code,
                    known,
                    span: Span::new(file, offset..offset + written.len()),
                    scope: Scope::Line(target),
                    used: false,
                });
            }
            offset += written.len() + 1;
        }
    }
    found
}
