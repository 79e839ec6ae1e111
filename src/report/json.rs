//! `--format json`: a JSON array with one object per diagnostic, in report order.
//!
//! ```json
//! [
//!   {
//!     "path": "source/data-pipelines/probes.md",
//!     "line": 12, "column": 1, "end_line": 12, "end_column": 24,
//!     "code": "R001", "name": "raised-red-flag", "severity": "error",
//!     "message": "answer raises the red flag `...`",
//!     "help": "reword the answer ...",
//!     "item_id": "exactly-once"
//!   }
//! ]
//! ```
//! - `path`: as shown elsewhere (relative to the project root when inside it), `/`-separated on
//!   Unix.
//! - `line`, `column`: 1-based start; columns count characters, not bytes.
//! - `end_line`, `end_column`: 1-based, exclusive: the position just past the last character.
//! - `severity`: `error` or `warning`. `help` and `item_id` are `null` when absent.
//!
//! With `--coverage` the output is an object instead: `{"diagnostics": [...], "coverage": {...}}`
//! (see [`crate::commands::check::coverage::Coverage`]: `items` with `path`, `line`, `item_id`, `made`,
//! `missing`; `points`; `made`). The fields above are stable: new ones may be added, none removed.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::lines::Lines;
use crate::model::SourceFile;

/// One diagnostic as serialized.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// File path.
    pub path: String,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column, exclusive.
    pub end_column: usize,
    /// `P001`.
    pub code: &'static str,
    /// `missing-required-point`.
    pub name: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub help: Option<&'a str>,
    /// The item it belongs to.
    pub item_id: Option<&'a str>,
}

/// The serializable form of each diagnostic.
pub fn values<'a>(diagnostics: &'a [Diagnostic], files: &[SourceFile]) -> Vec<JsonDiagnostic<'a>> {
    let lines = Lines::new(files);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let file = &files[diagnostic.span.file.0];
            let start = lines.line_column(diagnostic.span.file, diagnostic.span.range.start);
            let end = lines.line_column(diagnostic.span.file, diagnostic.span.range.end);
            JsonDiagnostic {
                path: file.path.display().to_string(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                code: diagnostic.code.code,
                name: diagnostic.code.name,
                severity: diagnostic.severity.as_str(),
                message: &diagnostic.message,
                help: diagnostic.help.as_deref(),
                item_id: diagnostic.item_id.as_deref(),
            }
        })
        .collect()
}

/// The JSON array, pretty-printed, with a final newline.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    let mut text = serde_json::to_string_pretty(&values(diagnostics, files))
        .expect("diagnostics always serialize");
    text.push('\n');
    text
}
