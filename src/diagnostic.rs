//! Diagnostics as plain data: what is wrong, where, and how to fix it.
//!
//! Positions are byte ranges into a source file's text; line and column are computed only when a
//! report is rendered (see [`crate::lines`]), so stages stay cheap and spans survive edits to
//! unrelated files.

use std::ops::Range;

/// Index of a file in [`crate::model::Course::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// Byte offsets into that file's text.
    pub range: Range<usize>,
}

impl Span {
    /// A span over `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span { file, range }
    }
}

/// How bad a diagnostic is. Errors block `build`; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Blocks the build and makes `check` exit with 1.
    Error,
    /// Reported, never blocking.
    Warning,
}

impl Severity {
    /// The lowercase word used in reports: `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable identity of a kind of problem: a code such as `S005` and a kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// Never reused once published, e.g. `S005`.
    pub code: &'static str,
    /// Says what is flagged, e.g. `duplicate-id`.
    pub name: &'static str,
    /// The severity declared with the code; `[lint.severity]` may change it later (`lint::settle`).
    pub severity: Severity,
}

/// A secondary place that explains the primary one (for instance the first of two duplicate ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What happens there.
    pub message: String,
}

/// One problem found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Which kind of problem.
    pub code: Code,
    /// Whether it blocks the build.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Short text shown under the underlined source, if any.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Where it is.
    pub span: Span,
    /// Other places that explain this one.
    pub related: Vec<Label>,
    /// The item the diagnostic belongs to, when it belongs to one.
    pub item_id: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic of `code`, at the severity declared with it: the place that raises a
    /// problem never decides how bad it is.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            label: None,
            help: None,
            span,
            related: Vec::new(),
            item_id: None,
        }
    }

    /// Adds the fix suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the text under the underlined source.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary place.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Ties the diagnostic to an item.
    pub fn with_item(mut self, item_id: impl Into<String>) -> Self {
        self.item_id = Some(item_id.into());
        self
    }

    /// Whether this diagnostic blocks a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics for output: by file, position, severity, then code, so that reports are
/// stable whatever order the stages found them in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.span.file,
            a.span.range.start,
            a.severity,
            a.code.code,
            &a.message,
        )
            .cmp(&(
                b.span.file,
                b.span.range.start,
                b.severity,
                b.code.code,
                &b.message,
            ))
    });
}
