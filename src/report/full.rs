//! The rustc/ruff-style report: a header with the code, the source line with the exact words
//! underlined, related places, and a help line. Drawn by annotate-snippets.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lines::Lines;
use crate::model::SourceFile;

/// Renders each diagnostic as a framed report, separated by blank lines.
pub fn render(diagnostics: &[Diagnostic], files: &[SourceFile], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let lines = Lines::new(files);
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&renderer.render(&report(diagnostic, files, &lines)));
        out.push_str("\n\n");
    }
    out
}

/// One place to underline: which kind, where, and the text beside it.
type Mark<'a> = (AnnotationKind, &'a Span, Option<&'a str>);

/// Related places at most this many lines from the primary one share its snippet.
const NEAR_LINES: usize = 8;

fn report<'a>(
    diagnostic: &'a Diagnostic,
    files: &'a [SourceFile],
    lines: &Lines<'_>,
) -> Vec<Group<'a>> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // Places in the primary file share its snippet; each other file gets one of its own.
    let mut here: Vec<Mark<'a>> = vec![(
        AnnotationKind::Primary,
        &diagnostic.span,
        diagnostic.label.as_deref(),
    )];
    let mut elsewhere = Vec::new();
    for related in &diagnostic.related {
        let mark = (
            AnnotationKind::Context,
            &related.span,
            Some(related.message.as_str()),
        );
        let index = lines.of_file(diagnostic.span.file);
        let near = related.span.file == diagnostic.span.file
            && index
                .line_of(related.span.range.start)
                .abs_diff(index.line_of(diagnostic.span.range.start))
                <= NEAR_LINES;
        if near {
            here.push(mark);
        } else {
            // A place far away in the same file gets its own snippet: one excerpt from the
            // first to the last would print (and walk) every line between, for every
            // diagnostic pointing back at one early line (10k Q006 warnings took 24 s).
            elsewhere.push(snippet(files, lines, vec![mark]));
        }
    }
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.code)
        .element(snippet(files, lines, here));
    for other in elsewhere {
        group = group.element(other);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group = group.element(Level::NOTE.message(format!("rule `{}`", diagnostic.code.name)));
    vec![group]
}

/// The snippet of one file holding `marks` (all in that file). Only the lines the marks touch are
/// handed to annotate-snippets, which would otherwise walk the whole file for every diagnostic.
fn snippet<'a>(
    files: &'a [SourceFile],
    lines: &Lines<'_>,
    marks: Vec<Mark<'a>>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let file_id = marks[0].1.file;
    let file = &files[file_id.0];
    let index = lines.of_file(file_id);
    let ranges: Vec<Range<usize>> = marks
        .iter()
        .map(|(_, span, _)| char_range(&file.text, &span.range))
        .collect();
    let first = ranges
        .iter()
        .map(|range| index.line_of(range.start))
        .min()
        .unwrap_or(1);
    let last = ranges
        .iter()
        .map(|range| index.line_of(range.end))
        .max()
        .unwrap_or(first);
    let excerpt = index.lines_range(first, last, file.text.len());
    let mut snippet = Snippet::source(&file.text[excerpt.clone()])
        .line_start(first)
        .path(path_of(file));
    for ((kind, _, label), range) in marks.into_iter().zip(ranges) {
        let shifted = range.start - excerpt.start..range.end - excerpt.start;
        let mut annotation = kind.span(shifted);
        if let Some(label) = label {
            annotation = annotation.label(label);
        }
        snippet = snippet.annotation(annotation);
    }
    snippet
}

/// `range` widened to char boundaries and clamped to the text: a span from any stage must never
/// make the renderer panic.
fn char_range(text: &str, range: &Range<usize>) -> Range<usize> {
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
