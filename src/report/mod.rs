//! Turning diagnostics into text. One module per format; none of them prints.

pub mod concise;
pub mod full;
pub mod github;
pub mod json;
pub mod sarif;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourceFile;

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

/// `--statistics`: one line per code, most frequent first: count, code, name, severity.
pub fn statistics(diagnostics: &[Diagnostic]) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut counts: BTreeMap<(&str, &str, Severity), usize> = BTreeMap::new();
    for diagnostic in diagnostics {
        *counts
            .entry((
                diagnostic.code.code,
                diagnostic.code.name,
                diagnostic.severity,
            ))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows.first().map_or(1, |row| row.1.to_string().len());
    let name_width = rows.iter().map(|row| row.0.1.len()).max().unwrap_or(0);
    let mut out = String::new();
    for ((code, name, severity), count) in rows {
        let _ = writeln!(
            out,
            "{count:>width$}  {code}  {name:<name_width$}  {}",
            severity.as_str()
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
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
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
