//! Parse stage: lesson text in, [`Lesson`] and diagnostics out. Pure: no file system, no printing,
//! so an editor can run it on unsaved text.
//!
//! Markdown goes through pulldown-cmark with offsets; the lesson structure is read off its
//! top-level blocks: `##` starts a topic, `###` an item, everything up to the next `##`/`###` is
//! the item's answer, and a fenced block with the info string `card` holds the item's settings.

mod card;
mod controls;
mod front_matter;
mod pattern;
mod yaml;

use foldhash::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::codes;
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::{Card, Course, Item, Lesson, SourceFile, Topic};

pub use card::KNOWN_KEYS as CARD_KEYS;
pub use controls::is_refused as is_refused_control;
pub use front_matter::KNOWN_KEYS as FRONT_MATTER_KEYS;
pub use pattern::Cache as PatternCache;
pub use pattern::build as build_regex;
pub use pattern::compile as compile_pattern;

/// The pulldown-cmark extensions every stage uses to read lesson Markdown.
pub fn markdown_options() -> Options {
    Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        // `$..$` and `$$..$$` become math events: Anki gets them as MathJax, the sheet as typst
        // math, and nothing in between treats `_` or `*` in a formula as emphasis.
        | Options::ENABLE_MATH
}

/// Whether `markdown` may hold a link, an image or raw HTML, so that a pass looking for those
/// alone can skip what cannot: raw HTML and autolinks begin with `<`, an inline link or image
/// has `](`, and a reference link or image needs a definition, which has `]:`. Most answers have
/// none of the three.
pub fn may_hold_links_or_html(markdown: &str) -> bool {
    markdown.contains('<') || markdown.contains("](") || markdown.contains("]:")
}

/// Parses every file and checks what spans files (duplicate ids). Files are in `Course::files`
/// order; the diagnostics are sorted.
///
/// The lessons are parsed side by side on rayon's threads. A run compiles at most
/// [`pattern::MAX_DISTINCT_REGEXES`] distinct regexes, the rest being errors in the order the
/// lessons come: when the threads together met more, the lessons are parsed again one after
/// the other, so that the same ones are refused.
pub fn parse_course(files: Vec<SourceFile>) -> (Course, Vec<Diagnostic>) {
    let run_regexes = std::sync::Arc::default();
    let parsed: Vec<(Lesson, Vec<Diagnostic>)> = files
        .par_iter()
        .enumerate()
        .map_init(
            || pattern::Cache::sharing(std::sync::Arc::clone(&run_regexes)),
            |patterns, (index, file)| parse_file(index, file, patterns),
        )
        .collect();
    let within_cap = run_regexes
        .lock()
        .is_ok_and(|sources| sources.len() <= pattern::MAX_DISTINCT_REGEXES);
    let parsed = if within_cap {
        parsed
    } else {
        let mut patterns = pattern::Cache::default();
        files
            .iter()
            .enumerate()
            .map(|(index, file)| parse_file(index, file, &mut patterns))
            .collect()
    };
    let mut diagnostics = Vec::new();
    let mut lessons = Vec::with_capacity(parsed.len());
    for (lesson, mut found) in parsed {
        diagnostics.append(&mut found);
        lessons.push(lesson);
    }
    diagnostics.extend(duplicate_ids(&lessons));
    crate::diagnostic::sort(&mut diagnostics);
    (Course { files, lessons }, diagnostics)
}

/// The lesson of the file at `index` in the run's files.
fn parse_file(
    index: usize,
    file: &SourceFile,
    patterns: &mut pattern::Cache,
) -> (Lesson, Vec<Diagnostic>) {
    let stem = file
        .path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("lesson");
    parse_lesson_with(FileId(index), &file.text, stem, patterns)
}

/// Parses one lesson. Always returns a lesson (with stand-ins for what is missing) so that every
/// problem in the file is reported in one run; any error diagnostic means it must not be built.
pub fn parse_lesson(file: FileId, text: &str, file_stem: &str) -> (Lesson, Vec<Diagnostic>) {
    parse_lesson_with(file, text, file_stem, &mut pattern::Cache::default())
}

/// [`parse_lesson`] sharing compiled alternatives with the other lessons of a run.
fn parse_lesson_with(
    file: FileId,
    text: &str,
    file_stem: &str,
    patterns: &mut pattern::Cache,
) -> (Lesson, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (front, body_start) = front_matter::parse(file, text, file_stem, &mut diagnostics);
    diagnostics.splice(0..0, controls::check_text(file, text, body_start));
    let blocks = top_level_blocks(text, body_start);
    let (topics, items) = build_items(file, text, &blocks, patterns, &mut diagnostics);
    let lesson = Lesson {
        file,
        id: front.id,
        title: front.title,
        deck: front.deck,
        tags: front.tags,
        lang: front.lang,
        sheet: front.sheet,
        topics,
        items,
        front_matter_span: Span::new(file, front.block_range),
        id_span: Span::new(file, front.id_range),
        deck_span: Span::new(file, front.deck_range),
    };
    diagnostics.extend(controls::check_values(&lesson, text));
    (lesson, diagnostics)
}

/// A top-level Markdown block, reduced to what the lesson structure needs.
#[derive(Debug)]
enum Block {
    Heading {
        level: HeadingLevel,
        id: Option<String>,
        /// The heading text, without `#`s and the attribute block.
        text_range: Range<usize>,
        plain: String,
    },
    /// A fenced block with the info string `card`.
    CardFence {
        content: Range<usize>,
    },
    /// An HTML block made only of comments (`<!-- ... -->`), which is never content.
    Comment,
    Other,
}

fn top_level_blocks(text: &str, body_start: usize) -> Vec<(Block, Range<usize>)> {
    let body = &text[body_start..];
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(Block, Range<usize>)> = None;
    // A card fence inside a list item (indented under a bullet): (block, content) ranges.
    let mut nested_card: Option<(Range<usize>, Range<usize>)> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if depth > 0 && info.split_whitespace().next() == Some("card") =>
            {
                nested_card = Some((range.clone(), range.clone()));
                depth += 1;
            }
            Event::End(TagEnd::CodeBlock) if nested_card.is_some() => {
                depth = depth.saturating_sub(1);
                if let Some((block_range, content)) = nested_card.take() {
                    let content = if content == block_range {
                        empty_fence_content(text, &block_range)
                    } else {
                        // From the start of the first line, so that every line of the YAML keeps
                        // the same indentation (the list item's) and it still parses.
                        line_start(text, content.start)..content.end
                    };
                    blocks.push((Block::CardFence { content }, block_range));
                }
            }
            Event::Text(_) if nested_card.is_some() => {
                if let Some((block_range, content)) = &mut nested_card {
                    if content == block_range {
                        *content = range.clone();
                    } else {
                        content.end = range.end;
                    }
                }
            }
            Event::Start(tag) => {
                if depth == 0 {
                    let block = match tag {
                        Tag::Heading { level, id, .. } => Block::Heading {
                            level,
                            id: id.map(|id| id.to_string()),
                            text_range: range.end..range.start,
                            plain: String::new(),
                        },
                        Tag::CodeBlock(CodeBlockKind::Fenced(info))
                            if info.split_whitespace().next() == Some("card") =>
                        {
                            Block::CardFence {
                                content: range.clone(),
                            }
                        }
                        Tag::HtmlBlock => Block::Comment,
                        _ => Block::Other,
                    };
                    current = Some((block, range.clone()));
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((mut block, block_range)) = current.take()
                {
                    if end == TagEnd::HtmlBlock && !is_only_comments(&text[block_range.clone()]) {
                        block = Block::Other;
                    }
                    if let Block::CardFence { content } = &mut block
                        && *content == block_range
                    {
                        *content = empty_fence_content(text, &block_range);
                    }
                    blocks.push((block, block_range));
                }
            }
            Event::Text(inline)
            | Event::Code(inline)
            | Event::InlineHtml(inline)
            | Event::InlineMath(inline)
            | Event::DisplayMath(inline) => {
                match &mut current {
                    Some((
                        Block::Heading {
                            text_range, plain, ..
                        },
                        _,
                    )) => {
                        text_range.start = text_range.start.min(range.start);
                        text_range.end = text_range.end.max(range.end);
                        plain.push_str(&inline);
                    }
                    Some((Block::CardFence { content }, block_range)) if content == block_range => {
                        *content = range.clone();
                    }
                    Some((Block::CardFence { content }, _)) => content.end = range.end,
                    _ => {}
                }
                if depth == 0 {
                    blocks.push((Block::Other, range));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((Block::Heading { plain, .. }, _)) = &mut current {
                    plain.push(' ');
                }
            }
            Event::Html(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
            Event::Rule => {
                if depth == 0 {
                    blocks.push((Block::Other, range));
                }
            }
        }
    }
    blocks
}

/// The content range of a fence without text: empty, on the line after the opening fence.
fn empty_fence_content(text: &str, block_range: &Range<usize>) -> Range<usize> {
    let after_fence = text[block_range.clone()]
        .find('\n')
        .map_or(block_range.start, |n| block_range.start + n + 1);
    after_fence..after_fence
}

/// The offset of the start of the line `offset` is on.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

fn is_only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after_open) = rest.strip_prefix("<!--") {
        match after_open.find("-->") {
            Some(close) => rest = after_open[close + 3..].trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

/// An item whose answer is still being collected.
struct OpenItem {
    id: String,
    id_span: Option<Span>,
    question: String,
    question_span: Span,
    heading_span: Span,
    topic: Option<usize>,
    answer_start: usize,
    card: Option<(Card, Range<usize>)>,
}

fn build_items(
    file: FileId,
    text: &str,
    blocks: &[(Block, Range<usize>)],
    patterns: &mut pattern::Cache,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Topic>, Vec<Item>) {
    let mut topics: Vec<Topic> = Vec::new();
    let mut items = Vec::new();
    let mut open: Option<OpenItem> = None;
    // Content seen while no item is open, reported once per run of blocks.
    let mut stray: Option<Range<usize>> = None;
    let flush_stray = |stray: &mut Option<Range<usize>>, diagnostics: &mut Vec<Diagnostic>| {
        if let Some(range) = stray.take() {
            diagnostics.push(
                Diagnostic::new(codes::CONTENT_OUTSIDE_ITEM, Span::new(file, trim_range(text, range)), "content outside any item")
                    .with_label("this belongs to no question")
                    .with_help("put it under a `### Question {#id}` heading as part of an answer, or delete it"),
            );
        }
    };
    for (block, range) in blocks {
        match block {
            Block::Heading {
                level,
                id,
                text_range,
                plain,
            } if *level <= HeadingLevel::H3 => {
                flush_stray(&mut stray, diagnostics);
                if let Some(item) = open.take() {
                    items.push(close_item(file, text, item, range.start, diagnostics));
                }
                let heading_span = Span::new(file, trim_range(text, range.clone()));
                // A heading without inline text (`###`, `### {#id}`) has an empty question, located
                // at the end of its `#`s.
                let text_range = if text_range.start <= text_range.end {
                    text_range.clone()
                } else {
                    let hashes = text[range.clone()]
                        .find(|c: char| c != '#')
                        .unwrap_or(range.len());
                    range.start + hashes..range.start + hashes
                };
                match level {
                    HeadingLevel::H1 => diagnostics.push(
                        Diagnostic::new(codes::MISPLACED_HEADING, heading_span, "level-1 heading in a lesson body")
                            .with_help("the lesson's title is `title:` in the front matter; use `##` for a topic or `###` for a question"),
                    ),
                    HeadingLevel::H2 => {
                        let title = plain.trim().to_owned();
                        let slug = topic_slug(&topics, &title);
                        topics.push(Topic {
                            title,
                            slug,
                            span: heading_span,
                        })
                    }
                    _ => open = Some(open_item(file, text, id.as_deref(), text_range, plain, heading_span, topics.len().checked_sub(1), range.end, diagnostics)),
                }
            }
            Block::CardFence { content } => {
                match &mut open {
                    Some(item) if item.card.is_none() => {
                        let before = diagnostics.len();
                        let card = card::parse(
                            file,
                            text,
                            content.clone(),
                            range.clone(),
                            patterns,
                            diagnostics,
                        );
                        // Problems inside the card block (S003, S007, S008) belong to its item,
                        // for the JSON report and the baseline alike.
                        for diagnostic in &mut diagnostics[before..] {
                            diagnostic.item_id.get_or_insert_with(|| item.id.clone());
                        }
                        item.card = Some((card, range.clone()));
                    }
                    Some(item) => diagnostics.push(
                        Diagnostic::new(
                            codes::INVALID_CARD_BLOCK,
                            Span::new(file, fence_line(text, range)),
                            "item has a second card block",
                        )
                        .with_related(
                            item.card
                                .as_ref()
                                .map_or(item.heading_span.clone(), |(_, first)| {
                                    Span::new(file, fence_line(text, first))
                                }),
                            "first card block",
                        )
                        .with_help("merge both into one ```card block")
                        .with_item(item.id.clone()),
                    ),
                    None => {
                        flush_stray(&mut stray, diagnostics);
                        diagnostics.push(
                        Diagnostic::new(codes::CONTENT_OUTSIDE_ITEM, Span::new(file, fence_line(text, range)), "card block outside any item")
                            .with_help("move the ```card block under the `### Question {#id}` it configures"),
                    );
                    }
                }
            }
            Block::Comment => {}
            // `####` and deeper headings are part of an answer, like any other block.
            Block::Heading { .. } | Block::Other => {
                if open.is_none() {
                    stray = Some(stray.map_or(range.clone(), |run| run.start..range.end));
                }
            }
        }
    }
    flush_stray(&mut stray, diagnostics);
    if let Some(item) = open.take() {
        items.push(close_item(file, text, item, text.len(), diagnostics));
    }
    // Held for the whole check or build (see `card::Reader::list`).
    items.shrink_to_fit();
    (topics, items)
}

#[allow(clippy::too_many_arguments)]
fn open_item(
    file: FileId,
    text: &str,
    id: Option<&str>,
    text_range: Range<usize>,
    plain: &str,
    heading_span: Span,
    topic: Option<usize>,
    answer_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> OpenItem {
    let question = text[text_range.clone()].trim().to_owned();
    let heading = &text[heading_span.range.clone()];
    let id_span = heading.rfind("{").map(|brace| {
        Span::new(
            file,
            heading_span.range.start + brace..heading_span.range.end,
        )
    });
    let has_id = id.is_some();
    let id = match id {
        Some(id) if is_slug(id) => id.to_owned(),
        Some(id) => {
            let suggestion = slugify(id);
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_ID,
                    id_span.clone().unwrap_or_else(|| heading_span.clone()),
                    format!("item id `{id}` is not a slug"),
                )
                .with_help(format!(
                    "ids are lowercase letters, digits, `-` and `_`: write `{{#{suggestion}}}`"
                )),
            );
            suggestion
        }
        None if question.is_empty() => slugify(plain),
        None => {
            let suggestion = slugify(plain);
            diagnostics.push(
                Diagnostic::new(codes::MISSING_ITEM_ID, heading_span.clone(), "question has no id")
                    .with_label("no `{#id}` on this heading")
                    .with_help(format!(
                        "add a stable id after the question: `### {} {{#{suggestion}}}` (it names the card in Anki: never change it afterwards)",
                        question
                    )),
            );
            suggestion
        }
    };
    if question.is_empty() {
        diagnostics.push(
            Diagnostic::new(codes::EMPTY_QUESTION, heading_span.clone(), "question heading has no question")
                .with_label("nothing to ask")
                .with_help("write the question after the `###`: `### What does exactly-once cost? {#exactly-once-cost}`")
                .with_item(id.clone()),
        );
    }
    OpenItem {
        id,
        id_span: if has_id { id_span } else { None },
        question,
        question_span: Span::new(file, text_range),
        heading_span,
        topic,
        answer_start,
        card: None,
    }
}

fn close_item(
    file: FileId,
    text: &str,
    item: OpenItem,
    answer_end: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Item {
    let answer_range = item.answer_start..answer_end;
    let (card, answer) = match item.card {
        Some((card, card_range)) => {
            // Whole lines: a fence indented under a list item leaves no indentation behind.
            let cut_start = line_start(text, card_range.start).max(answer_range.start);
            let before = &text[answer_range.start..cut_start];
            let after = &text[card_range.end.min(answer_end)..answer_end];
            (card, join_around(before, after))
        }
        None => (
            Card::default(),
            text[answer_range.clone()].trim().to_owned(),
        ),
    };
    if answer.is_empty() || is_only_comments(&answer) {
        diagnostics.push(
            Diagnostic::new(
                codes::EMPTY_ANSWER,
                item.heading_span.clone(),
                "question has an empty answer",
            )
            .with_label("nothing follows this question")
            .with_help("write the answer under the question, before the next `##` or `###` heading")
            .with_item(item.id.clone()),
        );
    }
    Item {
        id: item.id,
        id_span: item.id_span,
        question: item.question,
        question_span: item.question_span,
        heading_span: item.heading_span,
        topic: item.topic,
        answer,
        answer_span: Span::new(file, answer_range),
        card,
        references: Default::default(),
    }
}

/// The answer text on both sides of a card block, as one Markdown string. `after` keeps the
/// indentation of its first line, which may continue a list item.
fn join_around(before: &str, after: &str) -> String {
    let after = after.trim_end();
    let first_content_line = after
        .split_inclusive('\n')
        .take_while(|line| line.trim().is_empty())
        .map(str::len)
        .sum::<usize>();
    let after = &after[first_content_line..];
    match (before.trim(), after) {
        (before, "") => before.to_owned(),
        ("", after) => after.trim_start().to_owned(),
        (before, after) => format!("{before}\n\n{after}"),
    }
}

/// The tag slug of a new topic: the slug of its title, made unique in the lesson with `-2`, `-3`,
/// ... when a topic of another title has it already (`C++` and `C#` both slug to `c`); a topic
/// whose title repeats an earlier one shares its tag.
fn topic_slug(topics: &[Topic], title: &str) -> String {
    if let Some(same) = topics.iter().find(|topic| topic.title == title) {
        return same.slug.clone();
    }
    let base = slug_or(title, "topic");
    let mut slug = base.clone();
    let mut n = 2;
    while topics.iter().any(|topic| topic.slug == slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// The first line of a fenced block.
fn fence_line(text: &str, range: &Range<usize>) -> Range<usize> {
    let end = text[range.clone()]
        .find('\n')
        .map_or(range.end, |newline| range.start + newline);
    range.start..end
}

/// `range` without the whitespace at its ends.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

fn duplicate_ids(lessons: &[Lesson]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut lesson_ids: HashMap<&str, &Span> = HashMap::default();
    for lesson in lessons {
        if let Some(first) = lesson_ids.get(lesson.id.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_ID,
                    lesson.id_span.clone(),
                    format!("lesson id `{}` is used twice", lesson.id),
                )
                .with_label("second use")
                .with_related((*first).clone(), "first used here")
                .with_help("lesson ids name the output files: give this lesson its own id"),
            );
        } else {
            lesson_ids.insert(&lesson.id, &lesson.id_span);
        }
    }
    let mut item_ids: HashMap<&str, &Item> = HashMap::default();
    for item in lessons.iter().flat_map(|lesson| &lesson.items) {
        if item.id_span.is_none() {
            continue; // Reported as missing already; the stand-in slug is not the author's.
        }
        if let Some(first) = item_ids.get(item.id.as_str()) {
            diagnostics.push(
                Diagnostic::new(codes::DUPLICATE_ID, item.id_span.clone().unwrap_or_else(|| item.heading_span.clone()), format!("item id `{}` is used twice", item.id))
                    .with_label("second use")
                    .with_related(first.id_span.clone().unwrap_or_else(|| first.heading_span.clone()), "first used here")
                    .with_help("ids are unique across the project (each is a card's identity in Anki): give one item a new id, keeping the id of the one already studied so its review history stays")
                    .with_item(item.id.clone()),
            );
        } else {
            item_ids.insert(&item.id, item);
        }
    }
    diagnostics
}

/// Whether `id` is a valid id: lowercase ASCII letters and digits, separated by single `-` or `_`.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split(['-', '_']).all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A slug for `text`: lowercase ASCII letters and digits joined by `-`. Other scripts are
/// transliterated (deunicode: `Ökonomie` -> `okonomie`, `基礎` -> `ji-chu`), so no word is dropped;
/// text with no letter or digit at all (`???`) gives `item`.
pub fn slugify(text: &str) -> String {
    slug_or(text, "item")
}

/// The slug of `text` made unique among `taken` with `-2`, `-3`, ... (as `check --fix` does).
pub fn unique_slug(text: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let base = slugify(text);
    let mut slug = base.clone();
    let mut n = 2;
    while taken(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// The slug of `text`, or `fallback` when it has no letter or digit in any script.
fn slug_or(text: &str, fallback: &str) -> String {
    // A character deunicode does not know becomes a word break, never nothing.
    let ascii = deunicode::deunicode_with_tofu(text, " ");
    let mut slug = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
pub(crate) mod mangle;
#[cfg(test)]
mod tests;
