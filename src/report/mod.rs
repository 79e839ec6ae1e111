//! Turning diagnostics into text. One module per format; none of them prints.

pub mod concise;
pub mod full;
pub mod github;
pub mod json;
pub mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourceFile;
use crate::wording::plural;

/// How diagnostics are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// rustc-style: header, code frame with the words underlined, help line.
    #[default]
    Full,
    /// One line each: `path:line:column: CODE message`.
    Concise,
    /// A JSON array of objects (see [`json`]).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl ReportFormat {
    /// Whether the format is meant for programs (printed on stdout, even when empty).
    pub fn is_machine_readable(self) -> bool {
        matches!(
            self,
            ReportFormat::Json | ReportFormat::Sarif | ReportFormat::Github
        )
    }
}

/// Renders `diagnostics` (expected sorted) in `format`. `color` adds ANSI styling to `Full`.
pub fn render(
    format: ReportFormat,
    diagnostics: &[Diagnostic],
    files: &[SourceFile],
    color: bool,
) -> String {
    match format {
        ReportFormat::Full => full::render(diagnostics, files, color),
        ReportFormat::Concise => concise::render(diagnostics, files),
        ReportFormat::Json => json::render(diagnostics, files),
        ReportFormat::Sarif => sarif::render(diagnostics, files),
        ReportFormat::Github => github::render(diagnostics, files),
    }
}

/// One row of `--statistics`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CodeCount {
    /// `Q001`.
    pub code: &'static str,
    /// `long-answer`.
    pub name: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// How many diagnostics.
    pub count: usize,
}

/// Diagnostics counted by code (and severity), most frequent first, then by code.
pub fn count_by_code(diagnostics: &[Diagnostic]) -> Vec<CodeCount> {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<(&'static str, &'static str, Severity), usize> = BTreeMap::new();
    for diagnostic in diagnostics {
        *counts
            .entry((
                diagnostic.code.code,
                diagnostic.code.name,
                diagnostic.severity,
            ))
            .or_default() += 1;
    }
    let mut rows: Vec<CodeCount> = counts
        .into_iter()
        .map(|((code, name, severity), count)| CodeCount {
            code,
            name,
            severity: severity.as_str(),
            count,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// `--statistics` as text: one line per code: count, code, name, severity.
pub fn statistics(diagnostics: &[Diagnostic]) -> String {
    use std::fmt::Write;
    let rows = count_by_code(diagnostics);
    let width = rows.first().map_or(1, |row| row.count.to_string().len());
    let name_width = rows.iter().map(|row| row.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for row in rows {
        let _ = writeln!(
            out,
            "{:>width$}  {}  {:<name_width$}  {}",
            row.count, row.code, row.name, row.severity
        );
    }
    out
}

/// "2 errors, 1 warning" (or "no problems").
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    match (errors, warnings) {
        (0, 0) => "no problems".to_owned(),
        (errors, 0) => plural(errors, "error"),
        (0, warnings) => plural(warnings, "warning"),
        (errors, warnings) => format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    }
}
