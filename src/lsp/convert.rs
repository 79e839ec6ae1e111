//! cardsmith diagnostics to LSP diagnostics, for one file of a checked project.

use std::collections::HashMap;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticTag, Location, NumberOrString, Url};

use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::lint::rules::unused_suppression::UnusedSuppression;

use super::position::{Encoding, LineIndex};
use super::workspace::Snapshot;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "cardsmith";

/// The diagnostics of `file`, in LSP terms. `text_index` caches a line index per file, since
/// related locations may point into other files.
pub fn diagnostics(
    snapshot: &Snapshot,
    file: FileId,
    encoding: Encoding,
) -> Vec<lsp_types::Diagnostic> {
    let mut indexes: HashMap<FileId, LineIndex> = HashMap::new();
    let mut range_in = |file: FileId, range: &std::ops::Range<usize>| {
        let text = &snapshot.checked.course.file(file).text;
        indexes
            .entry(file)
            .or_insert_with(|| LineIndex::new(text, encoding))
            .range(text, range)
    };
    snapshot
        .checked
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.span.file == file)
        .map(|diagnostic| {
            let related = diagnostic
                .related
                .iter()
                .filter_map(|label| {
                    let uri = Url::from_file_path(&snapshot.paths[label.span.file.0]).ok()?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(uri, range_in(label.span.file, &label.span.range)),
                        message: label.message.clone(),
                    })
                })
                .collect::<Vec<_>>();
            lsp_types::Diagnostic {
                range: range_in(file, &diagnostic.span.range),
                severity: Some(match diagnostic.severity {
                    Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(diagnostic.code.code.to_owned())),
                code_description: None,
                source: Some(SOURCE.to_owned()),
                message: message(diagnostic),
                related_information: (!related.is_empty()).then_some(related),
                // Editors grey out what can be deleted.
                tags: (diagnostic.code == UnusedSuppression::CODE)
                    .then(|| vec![DiagnosticTag::UNNECESSARY]),
                data: None,
            }
        })
        .collect()
}

/// The message with the rule's name and the fix suggestion, as `cardsmith check` shows them.
fn message(diagnostic: &Diagnostic) -> String {
    let mut text = format!("{} [{}]", diagnostic.message, diagnostic.code.name);
    if let Some(help) = &diagnostic.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}
