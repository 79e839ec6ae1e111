//! The rustc/ruff-style report: a header with the code, the source line with the exact words
//! underlined, related places, and a help line. Drawn by annotate-snippets.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourceFile;

/// Renders each diagnostic as a framed report, separated by blank lines.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&renderer.render(&report(diagnostic, files)));
        out.push_str("\n\n");
    }
    out
}

fn report<'a>(diagnostic: &'a Diagnostic, files: &'a [SourceFile]) -> Vec<Group<'a>> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let primary_file = &files[diagnostic.span.file.0];
    let mut primary =
        AnnotationKind::Primary.span(char_range(primary_file, &diagnostic.span.range));
    if let Some(label) = &diagnostic.label {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(primary_file.text.as_str())
        .path(path_of(primary_file))
        .annotation(primary);
    let mut elsewhere = Vec::new();
    for related in &diagnostic.related {
        let related_file = &files[related.span.file.0];
        let annotation = AnnotationKind::Context
            .span(char_range(related_file, &related.span.range))
            .label(related.message.as_str());
        if related.span.file == diagnostic.span.file {
            snippet = snippet.annotation(annotation);
        } else {
            elsewhere.push(
                Snippet::source(related_file.text.as_str())
                    .path(path_of(related_file))
                    .annotation(annotation),
            );
        }
    }
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.code)
        .element(snippet);
    for snippet in elsewhere {
        group = group.element(snippet);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group = group.element(Level::NOTE.message(format!("rule `{}`", diagnostic.code.name)));
    vec![group]
}

/// `range` widened to char boundaries and clamped to the text: a span from any stage must never
/// make the renderer panic.
fn char_range(file: &SourceFile, range: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let text = &file.text;
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

fn path_of(file: &SourceFile) -> String {
    file.path.display().to_string()
}
