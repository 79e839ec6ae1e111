//! `out/<lesson-id>.md`: a study guide per lesson, readable on GitHub, valid CommonMark, with
//! the images it shows copied next to it (see [`images`]). Cloze deletions are revealed in bold,
//! as on the cheat sheet: the guide is read, not drilled.

pub mod images;

use rayon::prelude::*;
use serde::Serialize;

use super::{Artifact, RenderContext, RenderError, Rendered, Renderer};
use crate::markup::cloze;
use crate::model::{Item, Lesson};
use crate::templates::Templates;

/// Writes one Markdown study guide per lesson through the `lesson.md` template.
#[derive(Debug, Default)]
pub struct MarkdownRenderer;

impl Renderer for MarkdownRenderer {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Rendered, RenderError> {
        let mut images = images::GuideImages::default();
        // Per lesson, its guide from the cache, or what making it needs.
        let mut lessons = Vec::with_capacity(ctx.course.lessons.len());
        for (index, lesson) in ctx.course.lessons.iter().enumerate() {
            // Every lesson's images are placed, cached or not: where one goes depends on the
            // lessons before it (two images at one linked path), and the guide on where they went.
            let mut moved = Vec::with_capacity(lesson.items.len());
            for item in &lesson.items {
                moved.push(images.collect(ctx, lesson, item)?);
            }
            let relinks = format!("{moved:?}");
            let key = ctx
                .cache
                .lesson_key(index, "markdown", &[relinks.as_bytes()]);
            match ctx.cache.get(key.as_ref(), Some((index, "markdown"))) {
                Some(hit) => lessons.push(Ok(hit.artifacts)),
                None => lessons.push(Err((lesson, moved, key))),
            }
        }
        // Each guide is its own: made on rayon's threads, in lesson order, each handed to the
        // build as soon as it is made.
        let (templates, cache, sink) = (ctx.templates, ctx.cache, ctx.sink);
        let made: Vec<Vec<Artifact>> = lessons
            .into_par_iter()
            .map(|lesson| match lesson {
                Ok(cached) => Ok(cached
                    .into_iter()
                    .map(|guide| sink.put(guide))
                    .collect::<Result<_, _>>()?),
                Err((lesson, moved, key)) => {
                    let guide = guide(lesson, &moved, templates)?;
                    cache.put(key.as_ref(), std::slice::from_ref(&guide), "");
                    Ok(vec![sink.put(guide)?])
                }
            })
            .collect::<Result<_, RenderError>>()?;
        let mut artifacts: Vec<Artifact> = made.into_iter().flatten().collect();
        artifacts.extend(images.into_artifacts());
        Ok(Rendered::from(artifacts))
    }
}

/// The study guide of `lesson`, its images where `moved` says they went.
fn guide(
    lesson: &Lesson,
    moved: &[images::Relinks],
    templates: &Templates,
) -> Result<Artifact, RenderError> {
    let mut view = LessonView::of(lesson);
    // The view keeps the items in source order, only grouped by topic.
    let views = view.sections.iter_mut().flat_map(|s| s.items.iter_mut());
    for (moved, shown) in moved.iter().zip(views) {
        shown.question = images::relink(&shown.question, moved);
        shown.answer = images::relink(&shown.answer, moved);
    }
    let text = templates.render("lesson.md", view)?;
    Ok(Artifact::new(
        format!("{}.md", lesson.id),
        normalize_blank_lines(&text).into_bytes(),
    ))
}

/// What the `lesson.md` template sees. Part of the template contract: documented in
/// `docs/templates.md`.
#[derive(Debug, Serialize)]
pub struct LessonView<'a> {
    /// `id`, `title`, `deck`, `tags`.
    pub lesson: LessonHeader<'a>,
    /// Items grouped by topic, in source order; items before the first topic have no title.
    pub sections: Vec<SectionView<'a>>,
}

/// The lesson's front matter.
#[derive(Debug, Serialize)]
pub struct LessonHeader<'a> {
    /// Lesson id.
    pub id: &'a str,
    /// Lesson title, as Markdown text (see [`text`]).
    pub title: String,
    /// Anki deck, as Markdown text.
    pub deck: String,
    /// Lesson tags, as Markdown text.
    pub tags: Vec<String>,
}

/// A topic and its items.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    /// The `##` heading, or `None` for items before any topic.
    pub title: Option<String>,
    /// Its items.
    pub items: Vec<ItemView<'a>>,
}

/// One item as the templates see it.
#[derive(Debug, Serialize)]
pub struct ItemView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Question, Markdown inline, cloze deletions revealed in bold.
    pub question: String,
    /// Answer, Markdown, without the card block, cloze deletions revealed in bold.
    pub answer: String,
    /// Required points, as written.
    pub must: Vec<String>,
    /// Red flags, as written.
    pub avoid: Vec<String>,
    /// All tags, `topic::` included.
    pub tags: Vec<String>,
    /// `basic`, `reverse` or `cloze`.
    pub kind: &'static str,
}

impl<'a> LessonView<'a> {
    /// The view of one lesson.
    pub fn of(lesson: &'a Lesson) -> Self {
        let mut sections: Vec<SectionView<'a>> = Vec::new();
        for item in &lesson.items {
            let title = lesson.topic_of(item).map(|topic| text(&topic.title));
            match sections.last_mut() {
                Some(section) if section.title == title => {
                    section.items.push(ItemView::of(lesson, item))
                }
                _ => sections.push(SectionView {
                    title,
                    items: vec![ItemView::of(lesson, item)],
                }),
            }
        }
        LessonView {
            lesson: LessonHeader {
                id: &lesson.id,
                title: text(&lesson.title),
                deck: text(&lesson.deck),
                tags: lesson.tags.iter().map(|tag| text(tag)).collect(),
            },
            sections,
        }
    }
}

impl<'a> ItemView<'a> {
    fn of(lesson: &'a Lesson, item: &'a Item) -> Self {
        ItemView {
            id: &item.id,
            question: cloze::reveal(&item.question, &cloze::bold),
            answer: cloze::reveal(&item.answer, &cloze::bold),
            must: item
                .card
                .must
                .iter()
                .map(|point| text(&point.point))
                .collect(),
            avoid: item
                .card
                .avoid
                .iter()
                .map(|flag| text(&flag.flag))
                .collect(),
            tags: lesson.item_tags(item).iter().map(|tag| text(tag)).collect(),
            kind: item.card.kind.as_str(),
        }
    }
}

/// Plain text (a title, a deck, a required point: YAML strings, never Markdown) made safe to
/// interpolate into Markdown: one line (a title with newlines must not start a heading or a block
/// of HTML), every character CommonMark could read as syntax backslash-escaped (`<`, `*`, `[`,
/// `#`, `{`, ...), and a leading `-`, `+` or `1.` that would start a list escaped too. It reads
/// as the same text once rendered.
pub fn text(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len() + 8);
    // Whether every character so far is an ASCII digit (a `.` or `)` after them ends a list
    // number).
    let mut digits_only = true;
    for (word_index, word) in plain.split_whitespace().enumerate() {
        if word_index > 0 {
            out.push(' ');
            digits_only = false;
        }
        for (index, c) in word.char_indices() {
            let at_start = word_index == 0 && index == 0;
            let starts_block = at_start && matches!(c, '-' | '+' | '=');
            let ends_list_number = matches!(c, '.' | ')') && !at_start && digits_only;
            let syntax = matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&' | '{' | '}'
            );
            if syntax || starts_block || ends_list_number {
                out.push('\\');
            }
            out.push(c);
            digits_only &= c.is_ascii_digit();
        }
    }
    out
}

/// Collapses runs of blank lines outside fenced code to one and ends the file with exactly one
/// newline, so templates can be written for readability without producing ragged output.
fn normalize_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Backticks and tildes are ASCII: their run is a prefix of the line's bytes.
        let marker_len = trimmed
            .bytes()
            .take_while(|&byte| byte == b'`' || byte == b'~')
            .count();
        let marker = &trimmed[..marker_len];
        if marker.len() >= 3 {
            match &fence {
                None => fence = Some(marker.to_owned()),
                Some(open) if marker.starts_with(open.as_str()) && trimmed.trim_end() == marker => {
                    fence = None
                }
                Some(_) => {}
            }
        }
        if line.trim().is_empty() && fence.is_none() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{normalize_blank_lines, text};

    #[test]
    fn plain_text_cannot_inject_blocks_or_html() {
        assert_eq!(
            text("Title\n# injected\n<script>x</script>"),
            "Title \\# injected \\<script\\>x\\</script\\>"
        );
        assert_eq!(text("- not a list"), "\\- not a list");
        assert_eq!(text("1. not a list"), "1\\. not a list");
        assert_eq!(text("C++ {#id}"), "C++ \\{\\#id\\}");
        assert_eq!(text("Plain words, kept."), "Plain words, kept.");
    }

    /// [`text`] as it was first written: one line joined from the words, then escaped
    /// character by character.
    fn text_as_written_first(plain: &str) -> String {
        let one_line = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = String::with_capacity(one_line.len());
        for (index, c) in one_line.char_indices() {
            let starts_block = index == 0 && matches!(c, '-' | '+' | '=');
            let ends_list_number = matches!(c, '.' | ')')
                && index > 0
                && one_line[..index].chars().all(|d| d.is_ascii_digit());
            if "\\`*_[]<>#!|~&{}".contains(c) || starts_block || ends_list_number {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn text_escapes_as_it_did(
            parts in proptest::collection::vec(
                proptest::sample::select(&[
                    "1", "12", ".", ")", "-", "+", "=", " ", "  ", "\n", "\t", "\u{a0}", "a",
                    "é", "*", "#", "\\", "`", "{", "}", "&", "<", "|", "~", "!", "[", "_",
                ][..]),
                0..12,
            ),
        ) {
            let plain = parts.concat();
            proptest::prop_assert_eq!(text(&plain), text_as_written_first(&plain));
        }
    }

    #[test]
    fn collapses_blank_lines_but_not_inside_code() {
        let text = "a\n\n\n\nb\n```\nx\n\n\ny\n```\n\n\n";
        assert_eq!(normalize_blank_lines(text), "a\n\nb\n```\nx\n\n\ny\n```\n");
    }
}
