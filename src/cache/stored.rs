//! Diagnostics as the cache keeps them (the report of a build with nothing changed, each
//! lesson's lint results): plain data, read back only when every code is known and every span
//! lies inside the files it names.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, FileId, Label, Severity, Span};
use crate::model::SourceFile;

/// A [`Diagnostic`] as stored: its code by name, its spans as file index and byte range.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredDiagnostic {
    code: String,
    error: bool,
    message: String,
    label: Option<String>,
    help: Option<String>,
    span: (usize, usize, usize),
    related: Vec<((usize, usize, usize), String)>,
    item: Option<String>,
}

impl StoredDiagnostic {
    /// `diagnostic`, to store.
    pub(super) fn of(diagnostic: &Diagnostic) -> StoredDiagnostic {
        let span = |span: &Span| (span.file.0, span.range.start, span.range.end);
        StoredDiagnostic {
            code: diagnostic.code.code.to_owned(),
            error: diagnostic.is_error(),
            message: diagnostic.message.clone(),
            label: diagnostic.label.clone(),
            help: diagnostic.help.clone(),
            span: span(&diagnostic.span),
            related: diagnostic
                .related
                .iter()
                .map(|label| (span(&label.span), label.message.clone()))
                .collect(),
            item: diagnostic.item_id.clone(),
        }
    }

    /// The diagnostic, when its code is one this cardsmith knows and its spans are inside
    /// `files` (so that a report can always show them).
    pub(super) fn restore(&self, files: &[SourceFile]) -> Option<Diagnostic> {
        let code = crate::lint::registry::find(&self.code)
            .filter(|rule| rule.meta.code.code == self.code)?
            .meta
            .code;
        let span = |(file, start, end): (usize, usize, usize)| {
            let text = &files.get(file)?.text;
            let inside = start <= end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end);
            inside.then(|| Span::new(FileId(file), start..end))
        };
        let related = self
            .related
            .iter()
            .map(|(place, message)| {
                Some(Label {
                    span: span(*place)?,
                    message: message.clone(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Diagnostic {
            code,
            severity: if self.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: self.message.clone(),
            label: self.label.clone(),
            help: self.help.clone(),
            span: span(self.span)?,
            related,
            item_id: self.item.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<SourceFile> {
        vec![SourceFile {
            path: "a.md".into(),
            text: "héllo world".to_owned(),
        }]
    }

    fn sample() -> Diagnostic {
        let code = crate::lint::registry::find("Q001")
            .expect("a rule")
            .meta
            .code;
        Diagnostic::new(code, Span::new(FileId(0), 0..3), "long")
            .with_help("cut it")
            .with_label("here")
            .with_related(Span::new(FileId(0), 3..6), "there")
            .with_item("item")
    }

    #[test]
    fn a_diagnostic_comes_back_whole() {
        let stored = StoredDiagnostic::of(&sample());
        assert_eq!(stored.restore(&files()), Some(sample()));
    }

    #[test]
    fn unknown_codes_and_spans_outside_the_files_are_refused() {
        let files = files();
        let mut unknown = StoredDiagnostic::of(&sample());
        unknown.code = "Z999".to_owned();
        assert_eq!(unknown.restore(&files), None, "an unknown code");
        let mut by_name = StoredDiagnostic::of(&sample());
        by_name.code = "long-answer".to_owned();
        assert_eq!(by_name.restore(&files), None, "a name is not a code");
        let mut past = StoredDiagnostic::of(&sample());
        past.span = (0, 0, 99);
        assert_eq!(past.restore(&files), None, "past the end");
        let mut split = StoredDiagnostic::of(&sample());
        split.related[0].0 = (0, 2, 3);
        assert_eq!(split.restore(&files), None, "inside a character");
        let mut file = StoredDiagnostic::of(&sample());
        file.span = (1, 0, 1);
        assert_eq!(file.restore(&files), None, "another file");
    }
}
