//! `--format github`: GitHub Actions workflow commands, one per diagnostic, which the runner turns
//! into annotations on the pull request's diff:
//! `::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE (name)::message`.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::Lines;
use crate::model::SourceFile;

/// One workflow command per diagnostic.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    let lines = Lines::new(files);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let file = &files[diagnostic.span.file.0];
        let start = lines.line_column(diagnostic.span.file, diagnostic.span.range.start);
        let end = lines.line_column(diagnostic.span.file, diagnostic.span.range.end);
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&file.path.display().to_string()),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!(
                "{} ({})",
                diagnostic.code.code, diagnostic.code.name
            )),
            escape_data(&message),
        );
    }
    out
}

/// The runner's escaping of a command's message (`toolkit/packages/core/src/command.ts`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also escape `:` and `,`, which delimit them.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_escaped() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
