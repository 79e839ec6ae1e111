//! `path:line:column: CODE message`, one line per diagnostic, for grep and editors' error lists.

use std::fmt::Write;

use crate::diagnostic::Diagnostic;
use crate::lines::Lines;
use crate::model::SourceFile;

/// Renders one line per diagnostic.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    let lines = Lines::new(files);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let file = &files[diagnostic.span.file.0];
        let at = lines.line_column(diagnostic.span.file, diagnostic.span.range.start);
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            file.path.display(),
            at.line,
            at.column,
            diagnostic.code.code,
            diagnostic.message
        );
    }
    out
}
