//! The cheat sheet: `out/<lesson-id>.pdf`, one page (by default) fitted in-process, and
//! `out/<lesson-id>.sheet.html` with print CSS.
//!
//! Each lesson becomes a [`SheetView`]: its title, its topics as sections, and per item the
//! question and a condensed answer ([`SheetLine`]s: the required points as bullets, the red flags
//! marked, or the item's `sheet:` text instead). The same view feeds the typst template
//! (`templates/sheet.typ`, as JSON data: never spliced into markup) and the HTML template.
//!
//! The PDF needs the `pdf` cargo feature (on by default; typst is a large dependency). Without it
//! the sheet is HTML only, laid out at 10 pt in the largest column count (no fit).

#[cfg(feature = "pdf")]
mod balance;
#[cfg(feature = "pdf")]
mod glyphs;
#[cfg(feature = "pdf")]
mod math;
#[cfg(feature = "pdf")]
mod model;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "pdf")]
mod workers;
#[cfg(feature = "pdf")]
mod world;


use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use super::{Artifact, RenderContext, RenderError, Rendered, Renderer};
#[cfg(feature = "pdf")]
use crate::codes;
use crate::config::{Config, SheetConfig};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Course, Item, Lesson};
use crate::parse::markdown_options;

/// Whether this build renders the PDF sheet (the `pdf` cargo feature); without it only the HTML.
pub const PDF_ENABLED: bool = cfg!(feature = "pdf");

/// Page margin on every side, in millimetres (PDF and print CSS).
pub const MARGIN_MM: f64 = 9.0;
/// Space between columns, in millimetres.
pub const GUTTER_MM: f64 = 4.0;
/// The font size of an HTML-only sheet (no `pdf` feature, so no fit), in points.
#[cfg(not(feature = "pdf"))]
const HTML_ONLY_SIZE: f64 = 10.0;
/// Longest excerpt of an answer shown when an item has neither required points nor `sheet:`.
const EXCERPT_CHARS: usize = 160;

/// Writes `<lesson-id>.pdf` (with the `pdf` feature) and `<lesson-id>.sheet.html` per lesson.
#[derive(Debug, Default)]
pub struct SheetRenderer;

impl Renderer for SheetRenderer {
    fn name(&self) -> &'static str {
        "sheet"
    }

    /// Characters the PDF's fonts lack (S018) and formulas it cannot typeset (S024), warnings: the
    /// checks that need no layout. Without
    /// the `pdf` feature there is no PDF, hence nothing to check.
    fn check(&self, course: &Course, config: &Config) -> Vec<Diagnostic> {
        if !config.project.sheet.enabled {
            return Vec::new();
        }
        #[cfg(feature = "pdf")]
        {
            course
                .lessons
                .iter()
                .filter(|lesson| lesson.sheet)
                .flat_map(|lesson| {
                    let view = SheetView::of(course, lesson);
                    let mut found = glyphs::check(course, &view);
                    found.extend(math::check(course, &view));
                    found
                })
                .collect()
        }
        #[cfg(not(feature = "pdf"))]
        {
            let _ = course;
            Vec::new()
        }
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Rendered, RenderError> {
        let config = &ctx.config.project.sheet;
        if !config.enabled {
            return Ok(Rendered::default());
        }
        // The sheet is made from the lesson alone (and the templates and settings): what the last
        // build made of an unchanged lesson is reused, and only the others are fitted.
        let lessons: Vec<_> = ctx
            .course
            .lessons
            .iter()
            .enumerate()
            .filter(|(_, lesson)| lesson.sheet)
            .map(|(index, lesson)| {
                let key = ctx.cache.lesson_key(index, "sheet", &[]);
                let hit = ctx.cache.get(key.as_ref(), Some((index, "sheet")));
                (lesson, key, hit)
            })
            .collect();
        let to_make: Vec<&Lesson> = lessons
            .iter()
            .filter(|(_, _, hit)| hit.is_none())
            .map(|(lesson, ..)| *lesson)
            .collect();
        #[cfg(feature = "pdf")]
        let mut made = fit_each(ctx.course, &to_make, config, ctx.templates.raw("sheet.typ"))
            .into_iter();
        // Each view is its own lesson's: made on rayon's threads, in lesson order.
        #[cfg(not(feature = "pdf"))]
        let mut made = to_make
            .par_iter()
            .map(|lesson| SheetView::of(ctx.course, lesson))
            .collect::<Vec<_>>()
            .into_iter();

        // Each lesson's sheet as cached, or its view and layout with the PDF and notice of its fit,
        // in lesson order; the HTML is written after, for every lesson at once.
        let mut pages = Vec::with_capacity(lessons.len());
        // Only the PDF fit finds content problems, and says what it chose.
        #[cfg_attr(not(feature = "pdf"), allow(unused_mut))]
        let mut problems = Vec::new();
        for (lesson, key, hit) in lessons {
            if let Some(hit) = hit {
                pages.push(Page::Cached(hit));
                continue;
            }
            let Some(sheet) = made.next() else {
                // One made sheet per lesson without a hit: the zip cannot run short.
                break;
            };
            #[cfg(feature = "pdf")]
            let (view, layout, fit) = {
                let (view, fitted) = sheet;
                match fitted {
                    Ok(fitted) => {
                        let notice = fit_notice(&lesson.id, config, &fitted);
                        let pdf = Artifact::new(format!("{}.pdf", lesson.id), fitted.pdf);
                        let layout = HtmlLayout::new(config, fitted.columns, fitted.size);
                        (view, layout, Some((pdf, notice)))
                    }
                    Err(pdf::FitError::Content(mut found)) => {
                        problems.append(&mut found);
                        continue;
                    }
                    Err(pdf::FitError::Template(message)) => {
                        return Err(RenderError::Other {
                            context: format!(
                                "the sheet template `sheet.typ` failed for lesson `{}`",
                                lesson.id
                            ),
                            source: message.into(),
                        });
                    }
                }
            };
            // Without the fit nothing says how long the lesson is: a size that suits any length.
            #[cfg(not(feature = "pdf"))]
            let (view, layout, fit) = (
                sheet,
                HtmlLayout::new(
                    config,
                    config.columns.iter().copied().max().unwrap_or(3),
                    config
                        .max_font_size
                        .min(HTML_ONLY_SIZE)
                        .max(config.min_font_size),
                ),
                None::<(Artifact, super::Notice)>,
            );
            pages.push(Page::Made(Box::new(MadePage {
                lesson,
                key,
                fit,
                view,
                layout,
            })));
        }
        // Each page's HTML is its own: written on rayon's threads, then taken in lesson order (so
        // the first lesson whose template fails is the one reported).
        let templates = ctx.templates;
        let html: Vec<_> = pages
            .par_iter()
            .map(|page| match page {
                Page::Cached(_) => None,
                Page::Made(made) => Some(templates.render(
                    "sheet.html",
                    HtmlContext {
                        sheet: &made.view,
                        layout: made.layout,
                    },
                )),
            })
            .collect();
        let mut artifacts = Vec::new();
        let mut notices = Vec::new();
        for (page, html) in pages.into_iter().zip(html) {
            let (lesson, key, fit) = match page {
                Page::Cached(hit) => {
                    notices.extend(super::cached_notes(&hit.data));
                    artifacts.extend(hit.artifacts);
                    continue;
                }
                Page::Made(made) => (made.lesson, made.key, made.fit),
            };
            let (first_artifact, first_notice) = (artifacts.len(), notices.len());
            if let Some((pdf, notice)) = fit {
                notices.push(notice);
                artifacts.push(pdf);
            }
            // Every made page has its HTML (`None` is a cached page's).
            let Some(html) = html else { continue };
            artifacts.push(Artifact::new(
                format!("{}.sheet.html", lesson.id),
                html?.into_bytes(),
            ));
            let data = super::notes_to_cache(&notices[first_notice..]);
            ctx.cache
                .put(key.as_ref(), &artifacts[first_artifact..], &data);
        }
        // A lesson that does not fit has no sheet; the others' are kept for `--keep-going`.
        Ok(Rendered {
            artifacts,
            state: None,
            notices,
            problems,
            kept_state: false,
        })
    }
}

/// Each lesson's view and fitted sheet, in the lessons' order, fitted on every core (see
/// [`workers`]).
#[cfg(feature = "pdf")]
fn fit_each(
    course: &Course,
    lessons: &[&Lesson],
    config: &SheetConfig,
    template: &str,
) -> Vec<(SheetView, Result<pdf::FittedSheet, pdf::FitError>)> {
    workers::map_in_order(lessons, |lesson| {
        let view = SheetView::of(course, lesson);
        let fitted = pdf::fit(&view, config, template);
        (view, fitted)
    })
}

/// What the fit chose for one lesson, printed by `build`: ``sheet of `id`: 2 columns at 10 pt,
/// 1 page (a4)``.
#[cfg(feature = "pdf")]
fn fit_notice(id: &str, config: &SheetConfig, fitted: &pdf::FittedSheet) -> super::Notice {
    super::Notice {
        level: super::NoticeLevel::Note,
        message: format!(
            "sheet of `{id}`: {} at {} pt, {} ({})",
            crate::wording::plural(fitted.columns as usize, "column"),
            fitted.size,
            crate::wording::plural(fitted.pages, "page"),
            config.paper.name()
        ),
    }
}

/// What the HTML template gets.
#[derive(Debug, Serialize)]
struct HtmlContext<'a> {
    sheet: &'a SheetView,
    layout: HtmlLayout,
}

/// One lesson's sheet on its way to the outputs.
enum Page<'a> {
    /// What the last build made of the unchanged lesson.
    Cached(crate::cache::Hit),
    /// Made by this build: its HTML is still to be written. Boxed: a page with its view and PDF
    /// is some hundred bytes, a cached page's hit a few.
    Made(Box<MadePage<'a>>),
}

/// A lesson's sheet made by this build, before its HTML.
struct MadePage<'a> {
    lesson: &'a Lesson,
    key: Option<crate::cache::Key>,
    /// The PDF and the notice of its fit (with the `pdf` feature).
    fit: Option<(Artifact, super::Notice)>,
    view: SheetView,
    layout: HtmlLayout,
}

/// What the HTML template gets as `layout`.
#[derive(Debug, Clone, Copy, Serialize)]
struct HtmlLayout {
    /// CSS `@page { size }`.
    paper: &'static str,
    columns: u32,
    /// Font size in points.
    size: f64,
    margin_mm: f64,
    gutter_mm: f64,
}

impl HtmlLayout {
    fn new(config: &SheetConfig, columns: u32, size: f64) -> Self {
        HtmlLayout {
            paper: config.paper.css(),
            columns,
            size,
            margin_mm: MARGIN_MM,
            gutter_mm: GUTTER_MM,
        }
    }
}

/// One lesson as the sheet templates see it. Documented in `docs/sheet.md`.
#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    /// Lesson id.
    pub id: String,
    /// Lesson title, plain text.
    pub title: String,
    /// Where the title is written (for diagnostics).
    #[serde(skip)]
    pub title_span: Span,
    /// Items grouped by topic, in source order.
    pub sections: Vec<SheetSection>,
}

/// A topic and its items.
#[derive(Debug, Clone, Serialize)]
pub struct SheetSection {
    /// The topic's title; `None` for items before the first topic.
    pub title: Option<String>,
    /// Where the topic heading is.
    #[serde(skip)]
    pub span: Option<Span>,
    /// Its items.
    pub items: Vec<SheetItem>,
}

/// One item on the sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetItem {
    /// Item id.
    pub id: String,
    /// The question as styled runs.
    pub question: Vec<Run>,
    /// Where the question is written.
    #[serde(skip)]
    pub question_span: Span,
    /// The condensed answer, one line each.
    pub lines: Vec<SheetLine>,
}

/// One line of a condensed answer.
#[derive(Debug, Clone, Serialize)]
pub struct SheetLine {
    /// What the line is.
    pub kind: LineKind,
    /// Its text as styled runs.
    pub runs: Vec<Run>,
    /// Where its text comes from (the `card` entry, the `sheet:` block or the answer).
    #[serde(skip)]
    pub span: Span,
}

/// What a [`SheetLine`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    /// A required point, printed as a bullet.
    Point,
    /// A red flag, printed with a distinct marker and in red italics.
    Flag,
    /// Free text: a `sheet:` line, or an excerpt of the answer when there is nothing else.
    Text,
}

/// A piece of inline text with one style. Markdown is read into runs so that templates print
/// text as text: a run's `text` is never interpreted as markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The characters, as written (Markdown escapes resolved).
    pub text: String,
    /// Inside `**strong**`.
    pub strong: bool,
    /// Inside `*emphasis*`.
    pub emph: bool,
    /// A `` `code` `` span.
    pub code: bool,
    /// A formula (`$..$`, `\\(..\\)`): `text` is its LaTeX as written.
    pub math: bool,
    /// A display formula (`$$..$$`, `\\[..\\]`).
    pub display: bool,
    /// The formula as typst math, when it converts (feature `pdf`); `None` prints the LaTeX as
    /// code instead, with an S024 warning.
    pub typst: Option<String>,
}

impl Run {
    /// Plain text with no style.
    pub fn plain(text: &str) -> Run {
        Run {
            text: text.to_owned(),
            strong: false,
            emph: false,
            code: false,
            math: false,
            display: false,
            typst: None,
        }
    }
}

impl SheetView {
    /// The sheet of one lesson.
    pub fn of(course: &Course, lesson: &Lesson) -> SheetView {
        let mut sections: Vec<SheetSection> = Vec::new();
        for item in &lesson.items {
            let topic = lesson.topic_of(item);
            let sheet_item = SheetItem::of(item);
            match sections.last_mut() {
                Some(section) if section.title.as_deref() == topic.map(|t| t.title.as_str()) => {
                    section.items.push(sheet_item)
                }
                _ => sections.push(SheetSection {
                    title: topic.map(|topic| topic.title.clone()),
                    span: topic.map(|topic| topic.span.clone()),
                    items: vec![sheet_item],
                }),
            }
        }
        SheetView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            title_span: title_span(course, lesson),
            sections,
        }
    }

    /// Every item, in order.
    pub fn items(&self) -> impl Iterator<Item = &SheetItem> {
        self.sections
            .iter()
            .flat_map(|section| section.items.iter())
    }
}

impl SheetItem {
    fn of(item: &Item) -> SheetItem {
        let card = &item.card;
        let block_span = card
            .span
            .clone()
            .unwrap_or_else(|| item.answer_span.clone());
        let lines = if let Some(sheet) = &card.sheet {
            sheet
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(|line| SheetLine {
                    kind: LineKind::Text,
                    runs: inline_runs(line),
                    span: block_span.clone(),
                })
                .collect()
        } else if card.must.is_empty() && card.avoid.is_empty() {
            vec![SheetLine {
                kind: LineKind::Text,
                runs: excerpt(&item.answer, EXCERPT_CHARS),
                span: item.answer_span.clone(),
            }]
        } else {
            let points = card.must.iter().map(|point| SheetLine {
                kind: LineKind::Point,
                runs: inline_runs(&point.point),
                span: point.span.clone(),
            });
            let flags = card.avoid.iter().map(|flag| SheetLine {
                kind: LineKind::Flag,
                runs: inline_runs(&flag.flag),
                span: flag.span.clone(),
            });
            points.chain(flags).collect()
        };
        SheetItem {
            id: item.id.clone(),
            question: inline_runs(&item.question),
            question_span: item.question_span.clone(),
            lines,
        }
    }
}

/// The `title:` line of the lesson's front matter, or the whole front matter if it cannot be
/// found (the title is required, so it normally is).
fn title_span(course: &Course, lesson: &Lesson) -> Span {
    let span = &lesson.front_matter_span;
    let text = &course.file(span.file).text;
    let Some(front_matter) = text.get(span.range.clone()) else {
        return span.clone();
    };
    let mut offset = 0;
    for line in front_matter.split_inclusive('\n') {
        if line.starts_with("title:") {
            let start = span.range.start + offset;
            return Span::new(span.file, start..start + line.trim_end().len());
        }
        offset += line.len();
    }
    span.clone()
}

/// Reads inline Markdown into styled runs; block structure (paragraphs, list items) becomes
/// spaces. Links keep their text, raw HTML prints as written.
pub fn inline_runs(markdown: &str) -> Vec<Run> {
    let mut runs = Runs::default();
    let markdown = sheet_markdown(markdown);
    for event in Parser::new_ext(&markdown, markdown_options()) {
        runs.push_event(event);
    }
    runs.finish()
}

/// Markdown as the sheet reads it: cloze deletions shown as their text in bold (the sheet is
/// a summary, not a quiz), `\\(..\\)` and `\\[..\\]` as math.
fn sheet_markdown(markdown: &str) -> String {
    let revealed = crate::markup::cloze::reveal(markdown, &crate::markup::cloze::bold);
    crate::markup::math::dollar_delimiters(&revealed).into_owned()
}

/// A formula as typst math, or `None` when it cannot be converted (then the LaTeX prints as
/// code).
fn math_to_typst(tex: &str) -> Option<String> {
    #[cfg(feature = "pdf")]
    {
        math::to_typst(tex)
    }
    #[cfg(not(feature = "pdf"))]
    {
        let _ = tex;
        None
    }
}

/// The first paragraph of an answer, cut after its first sentence when that is short enough, else
/// at a word boundary before `max_chars` with an ellipsis.
fn excerpt(markdown: &str, max_chars: usize) -> Vec<Run> {
    let mut runs = Runs::default();
    let markdown = sheet_markdown(markdown);
    for event in Parser::new_ext(&markdown, markdown_options()) {
        if matches!(event, Event::End(TagEnd::Paragraph)) && !runs.is_empty() {
            break;
        }
        runs.push_event(event);
    }
    let runs = runs.finish();
    let text: String = runs.iter().map(|run| run.text.as_str()).collect();
    let sentence_end = text
        .match_indices(". ")
        .map(|(index, _)| index + 1)
        .find(|&end| text[..end].chars().count() >= 12);
    let cut = match sentence_end {
        Some(end) if text[..end].chars().count() <= max_chars => Some((end, false)),
        _ if text.chars().count() <= max_chars => None,
        _ => {
            let limit = text
                .char_indices()
                .nth(max_chars)
                .map_or(text.len(), |(index, _)| index);
            let end = text[..limit].rfind(' ').unwrap_or(limit);
            Some((end, true))
        }
    };
    match cut {
        None => runs,
        Some((end, ellipsis)) => truncate_runs(runs, end, ellipsis),
    }
}

/// Keeps the first `end` bytes of the runs' concatenated text.
fn truncate_runs(runs: Vec<Run>, end: usize, ellipsis: bool) -> Vec<Run> {
    let mut kept = Vec::new();
    let mut remaining = end;
    for mut run in runs {
        if remaining == 0 {
            break;
        }
        if run.text.len() > remaining {
            if run.math {
                // Half a formula is no formula.
                break;
            }
            run.text.truncate(remaining);
        }
        remaining -= run.text.len();
        kept.push(run);
    }
    if ellipsis {
        if let Some(last) = kept.last_mut() {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
        }
        kept.push(Run::plain("…"));
    }
    kept
}

/// Accumulates runs from pulldown-cmark events, merging neighbours of the same style. Tables
/// and code blocks are left out: the sheet has no room for them, and run together into one line
/// their cells or lines would read as nonsense (an excerpt takes the prose around them).
#[derive(Default)]
struct Runs {
    runs: Vec<Run>,
    strong: usize,
    emph: usize,
    /// Depth inside a table or code block.
    skipped: usize,
}

impl Runs {
    fn is_empty(&self) -> bool {
        self.runs.iter().all(|run| run.text.trim().is_empty())
    }

    fn push_event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Table(_) | Tag::CodeBlock(_)) => self.skipped += 1,
            Event::End(TagEnd::Table | TagEnd::CodeBlock) => {
                self.skipped = self.skipped.saturating_sub(1)
            }
            _ if self.skipped > 0 => {}
            Event::Start(Tag::Strong) => self.strong += 1,
            Event::End(TagEnd::Strong) => self.strong = self.strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => self.emph += 1,
            Event::End(TagEnd::Emphasis) => self.emph = self.emph.saturating_sub(1),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.push(&text, false)
            }
            Event::Code(text) => self.push(&text, true),
            Event::InlineMath(tex) => self.push_math(&tex, false),
            Event::DisplayMath(tex) => self.push_math(&tex, true),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                self.push(" ", false)
            }
            _ => {}
        }
    }

    fn push(&mut self, text: &str, code: bool) {
        let (strong, emph) = (self.strong > 0, self.emph > 0);
        if let Some(last) = self.runs.last_mut()
            && (last.strong, last.emph, last.code, last.math) == (strong, emph, code, false)
        {
            last.text.push_str(text);
            return;
        }
        self.runs.push(Run {
            strong,
            emph,
            code,
            ..Run::plain(text)
        });
    }

    /// A formula is a run of its own, never merged with its neighbours.
    fn push_math(&mut self, tex: &str, display: bool) {
        let tex = tex.trim();
        self.runs.push(Run {
            strong: self.strong > 0,
            emph: self.emph > 0,
            math: true,
            display,
            typst: math_to_typst(tex),
            ..Run::plain(tex)
        });
    }

    /// The runs with whitespace collapsed outside code and trimmed at both ends.
    fn finish(self) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::with_capacity(self.runs.len());
        let mut after_space = true;
        for mut run in self.runs {
            if !run.code && !run.math {
                let mut collapsed = String::with_capacity(run.text.len());
                // The text between whitespace characters, copied whole: each piece after the
                // first follows one whitespace character, and a run of them gives one space.
                for (index, piece) in run.text.split(char::is_whitespace).enumerate() {
                    if index > 0 {
                        if !after_space {
                            collapsed.push(' ');
                        }
                        after_space = true;
                    }
                    if !piece.is_empty() {
                        collapsed.push_str(piece);
                        after_space = false;
                    }
                }
                run.text = collapsed;
            } else {
                after_space = false;
            }
            if !run.text.is_empty() {
                runs.push(run);
            }
        }
        if let Some(last) = runs.last_mut()
            && !last.code
            && !last.math
        {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
        }
        runs.retain(|run| !run.text.is_empty());
        runs
    }
}

/// The diagnostic of a lesson that cannot fit: on its title, with what to do.
#[cfg(feature = "pdf")]
fn overflow_diagnostic(
    view: &SheetView,
    config: &SheetConfig,
    needed_pages: f64,
    columns: u32,
) -> Diagnostic {
    let budget = config.pages;
    Diagnostic::new(
        codes::SHEET_OVERFLOW,
        view.title_span.clone(),
        format!(
            "the cheat sheet of lesson `{}` does not fit on {}: it needs {needed_pages:.1} pages at {} pt ({columns} columns)",
            view.id,
            crate::wording::plural(budget as usize, "page"),
            config.min_font_size,
        ),
    )
    .with_label("this lesson's sheet overflows")
    .with_help(format!(
        "shorten its items' `sheet:` lines (or required points), split the lesson, or allow `pages = {}` under `[sheet]` in cardsmith.toml",
        (needed_pages.ceil() as u32).max(budget + 1)
    ))
}

#[cfg(test)]
mod tests;
