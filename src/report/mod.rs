//! Turning diagnostics into text. One module per format; none of them prints.

pub mod concise;
pub mod full;

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
    }
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
