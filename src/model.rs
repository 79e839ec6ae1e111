//! The item model: what a lesson means once parsed. Every node keeps the [`Span`] it came from, so
//! that later stages (lint, render) can point back into the source.

use std::path::PathBuf;

use regex::Regex;

use crate::diagnostic::{FileId, Span};

/// One lesson file as read from disk (or handed over unsaved by an editor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path shown to the user: relative to the project root when the file is inside it.
    pub path: PathBuf,
    /// The whole text, UTF-8 (a byte-order mark is dropped on load).
    pub text: String,
}

/// Every lesson of a project, and the files they were parsed from.
#[derive(Debug, Clone, Default)]
pub struct Course {
    /// Indexed by [`FileId`].
    pub files: Vec<SourceFile>,
    /// In file order; a file that failed to parse has no lesson here.
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// The file a span points into.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Every item of every lesson, with its lesson, in build order.
    pub fn items(&self) -> impl Iterator<Item = (&Lesson, &Item)> {
        self.lessons
            .iter()
            .flat_map(|lesson| lesson.items.iter().map(move |item| (lesson, item)))
    }
}

/// One Markdown file under `source/`.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// The file it came from.
    pub file: FileId,
    /// Stable slug from the front matter; names the lesson's outputs (`out/<id>.md`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// Anki deck path, levels separated by `::`.
    pub deck: String,
    /// Tags put on every item of the lesson.
    pub tags: Vec<String>,
    /// The language the lesson is written in (front matter `lang:`, default `en`): a primary
    /// subtag listed in [`crate::lang::LANGUAGES`]. Picks the stemmer, stop words and negation
    /// cues of the matcher.
    pub lang: String,
    /// Whether the lesson has a cheat sheet (front matter `sheet: false` turns it off, for a
    /// lesson that is not meant to be printed or will not fit: its decks and guide still build).
    pub sheet: bool,
    /// `##` headings, in order.
    pub topics: Vec<Topic>,
    /// `###` headings with their answers, in order.
    pub items: Vec<Item>,
    /// The front matter block, fences included.
    pub front_matter_span: Span,
    /// The value of `id:` in the front matter.
    pub id_span: Span,
    /// The value of `deck:` in the front matter (the front matter's start when absent).
    pub deck_span: Span,
}

impl Lesson {
    /// The topic an item sits under, if any.
    pub fn topic_of(&self, item: &Item) -> Option<&Topic> {
        item.topic.map(|index| &self.topics[index])
    }

    /// All tags of an item: the lesson's, the item's own, and `topic::<slug>`; sorted, unique.
    pub fn item_tags(&self, item: &Item) -> Vec<String> {
        let mut tags: Vec<String> = self
            .tags
            .iter()
            .chain(item.card.tags.iter())
            .cloned()
            .collect();
        if let Some(topic) = self.topic_of(item) {
            tags.push(format!("topic::{}", topic.slug));
        }
        tags.sort();
        tags.dedup();
        tags
    }
}

/// A `##` heading grouping the items under it.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Heading text (plain).
    pub title: String,
    /// Slug of the title, used in the tag `topic::<slug>`.
    pub slug: String,
    /// The heading.
    pub span: Span,
}

/// A question and its answer: one card (or more, for `reverse` and `cloze`).
#[derive(Debug, Clone)]
pub struct Item {
    /// The stable id from `{#id}`, unique across the project. When the heading has none, a slug of
    /// the question stands in (and an error was reported), so later checks can still run.
    pub id: String,
    /// Where `{#id}` is written; `None` when the heading has no id.
    pub id_span: Option<Span>,
    /// The question as Markdown inline text (heading text without the attribute block).
    pub question: String,
    /// The question text in the heading.
    pub question_span: Span,
    /// The whole heading line.
    pub heading_span: Span,
    /// Index into [`Lesson::topics`].
    pub topic: Option<usize>,
    /// The answer as Markdown, without the `card` block, trimmed.
    pub answer: String,
    /// From the end of the heading to the next `##`/`###` heading (the `card` block included).
    pub answer_span: Span,
    /// The `card` block's settings (defaults when there is none).
    pub card: Card,
    /// The local images and links of its question and answer, found on first use (see
    /// [`crate::assets::item_references`]) and shared by everything that needs them.
    pub references: Memo<Vec<crate::assets::AssetRef>>,
}

/// A value found from what holds it on first use and kept with it: a cache, not part of the
/// holder's content (its `Debug` text does not show it; a clone keeps what was found).
#[derive(Clone, Default)]
pub struct Memo<T>(std::sync::OnceLock<T>);

impl<T> Memo<T> {
    /// The value, found by `find` on the first call (once, whatever the number of threads).
    pub fn get_or_init(&self, find: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(find)
    }
}

impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Memo")
    }
}

/// The settings of an item, from its optional ```` ```card ```` block.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// Which cards Anki makes of the item.
    pub kind: CardKind,
    /// Extra tags for this item.
    pub tags: Vec<String>,
    /// Points a good answer must make.
    pub must: Vec<RequiredPoint>,
    /// Things a good answer must not say.
    pub avoid: Vec<RedFlag>,
    /// Lint codes suppressed for this item.
    pub allow: Vec<String>,
    /// Text that replaces the condensed answer on the cheat sheet.
    pub sheet: Option<String>,
    /// The whole fenced block, fences included; `None` when the item has no block.
    pub span: Option<Span>,
}

/// Which cards an item becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CardKind {
    /// Question on the front, answer on the back.
    #[default]
    Basic,
    /// Also the answer on the front and the question on the back.
    Reverse,
    /// `{{c1::...}}` deletions written in the answer.
    Cloze,
}

impl CardKind {
    /// The word used in the `card` block.
    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Basic => "basic",
            CardKind::Reverse => "reverse",
            CardKind::Cloze => "cloze",
        }
    }
}

/// A point a good answer must make, with the alternatives that count as making it.
#[derive(Debug, Clone)]
pub struct RequiredPoint {
    /// What the point is, as the author wrote it.
    pub point: String,
    /// Any one of these found in the answer makes the point.
    pub patterns: Vec<Pattern>,
    /// The entry in the `card` block.
    pub span: Span,
}

/// Something an interviewer hears as a red flag.
#[derive(Debug, Clone)]
pub struct RedFlag {
    /// What the flag is.
    pub flag: String,
    /// Any of these found in the answer raises the flag...
    pub patterns: Vec<Pattern>,
    /// ...unless any of these is found too.
    pub unless: Vec<Pattern>,
    /// The entry in the `card` block.
    pub span: Span,
}

/// One alternative of `match` or `unless`: a phrase, an exact phrase or a `/regex/`.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// As written in the `card` block (with slashes for a regex, `=` for an exact phrase).
    pub source: String,
    /// Phrase, exact phrase or regex.
    pub kind: PatternKind,
    /// The compiled regex of an exact phrase or a regex (phrases are matched on words by
    /// `lint::matching`).
    pub regex: Option<Regex>,
    /// Where it is written.
    pub span: Span,
}

/// How a [`Pattern`] was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    /// Words: stemmed, in any order within one sentence, not negated (docs/lint.md).
    Phrase,
    /// `=words`: these words in this order; case and whitespace aside.
    Exact,
    /// `/regex/`, used as written.
    Regex,
}
