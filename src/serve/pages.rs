//! The preview site of one build: an index of the lessons, and a page per lesson with every card
//! front and back rendered from the deck's own templates and CSS, the lint diagnostics at the
//! item they concern, the coverage of each required point (the sentence and words that made it),
//! and the cheat sheet. Made once per build, served many times.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

use super::anki;
use crate::commands::check::coverage::{self, ItemCoverage, Place};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lines::Lines;
use crate::model::{Course, Lesson};
use crate::render::apkg::NoteSet;
use crate::render::apkg::html::escape;
use crate::render::apkg::media::MediaFiles;
use crate::report::{self, ReportFormat};
use crate::templates::Templates;
use crate::{BuildReport, Checked};

/// What the preview shows, made from one build.
#[derive(Debug, Default)]
pub struct Site {
    /// Counts builds; a page reloads when the server announces another.
    pub generation: u64,
    /// Pages by URL path (`/`, `/lesson/<id>`).
    pub pages: BTreeMap<String, String>,
    /// The cards' media, by packed name (`/media/<name>`).
    pub media: MediaFiles,
    /// The files of the last good build, by their path under `out/` (`/out/<path>`).
    pub out: BTreeMap<String, PathBuf>,
}

/// How a build ended, as the preview shows it.
pub enum Outcome<'a> {
    /// The build ran: it wrote `out/`, or refused for errors in the content.
    Built(&'a BuildReport),
    /// The environment failed (a broken `cardsmith.toml`, an unreadable template).
    Failed(&'a anyhow::Error),
}

impl Site {
    /// The site of a build. `out` carries over the files of the last good build when this one
    /// wrote none; `cache` keeps the cards and coverage of lessons that did not change.
    pub fn new(
        config: &Config,
        outcome: &Outcome<'_>,
        generation: u64,
        build_ms: u128,
        out: BTreeMap<String, PathBuf>,
        cache: &mut LessonCache,
    ) -> Site {
        let mut site = Site {
            generation,
            out,
            ..Site::default()
        };
        let header = Header {
            generation,
            build_ms,
        };
        match outcome {
            Outcome::Failed(error) => {
                let view = PageView::failed(&header, format!("{error:#}"));
                site.pages.insert("/".to_owned(), view.render());
            }
            Outcome::Built(report) => site.add_build(config, &header, report, cache),
        }
        site
    }

    fn add_build(
        &mut self,
        config: &Config,
        header: &Header,
        report: &BuildReport,
        cache: &mut LessonCache,
    ) {
        let checked = &report.checked;
        let course = &checked.course;
        let built = !report.written.is_empty();
        if built {
            let out_dir = config.out_dir();
            self.out = report
                .written
                .iter()
                .filter_map(|path| {
                    let relative = path.strip_prefix(&out_dir).ok()?;
                    Some((url_path(relative)?, path.clone()))
                })
                .collect();
        }
        cache.refresh(config, checked, built);
        let lines = Lines::new(&course.files);
        let status = if built { "built" } else { "refused" };
        let summary = report::summary(&checked.diagnostics);
        let lessons: Vec<LessonLink> = course
            .lessons
            .iter()
            .map(|lesson| LessonLink::new(checked, lesson))
            .collect();
        let index = PageView {
            header: header.clone(),
            status,
            summary: summary.clone(),
            error: None,
            lessons: lessons.clone(),
            files: course
                .files
                .iter()
                .enumerate()
                .filter_map(|(index, file)| {
                    let diagnostics = diagnostics_of(checked, &lines, index, |_| true);
                    (!diagnostics.is_empty()).then(|| FileView {
                        path: file.path.display().to_string(),
                        diagnostics,
                    })
                })
                .collect(),
            lesson: None,
        };
        self.pages.insert("/".to_owned(), index.render());
        for lesson in &course.lessons {
            let view = LessonView::new(checked, &lines, lesson, cache, built, &self.out);
            let page = PageView {
                header: header.clone(),
                status,
                summary: summary.clone(),
                error: None,
                lessons: lessons.clone(),
                files: Vec::new(),
                lesson: Some(view),
            };
            self.pages
                .insert(format!("/lesson/{}", lesson.id), page.render());
        }
        if built {
            self.media = cache.media();
        }
    }
}

/// What the preview keeps of each lesson between builds, by file: its cards and the coverage of
/// its items, the costly part of a preview. Made again only for a lesson whose text changed, so
/// that after a one-file edit the preview renders that lesson alone; [`LessonCache::clear`]
/// forgets everything after a change that can touch every lesson (a template, an image,
/// `cardsmith.toml`).
#[derive(Debug, Default)]
pub struct LessonCache {
    lessons: BTreeMap<PathBuf, CachedLesson>,
}

#[derive(Debug)]
struct CachedLesson {
    /// The text it was made from.
    text: String,
    /// Per item id; `None` while the project had errors (no cards are shown then).
    cards: Option<BTreeMap<String, Vec<CardView>>>,
    coverage: BTreeMap<String, CoverageView>,
    /// The media its cards use.
    media: MediaFiles,
}

impl LessonCache {
    /// Forgets every lesson.
    pub fn clear(&mut self) {
        self.lessons.clear();
    }

    /// Makes the entries of the lessons whose text changed (or that lack cards a good build now
    /// shows), and drops those of lessons that are gone.
    fn refresh(&mut self, config: &Config, checked: &Checked, built: bool) {
        let course = &checked.course;
        let path_of = |lesson: &Lesson| course.file(lesson.file).path.clone();
        self.lessons
            .retain(|path, _| course.lessons.iter().any(|lesson| &path_of(lesson) == path));
        let stale: Vec<Lesson> = course
            .lessons
            .iter()
            .filter(|lesson| {
                self.lessons.get(&path_of(lesson)).is_none_or(|cached| {
                    cached.text != course.file(lesson.file).text
                        || (built && cached.cards.is_none())
                })
            })
            .cloned()
            .collect();
        if stale.is_empty() {
            return;
        }
        // The stale lessons alone, with every file (spans index into them).
        let part = Course {
            files: course.files.clone(),
            lessons: stale,
        };
        let mut coverage: BTreeMap<String, BTreeMap<String, CoverageView>> = BTreeMap::new();
        if let Ok(settings) = crate::lint::Settings::new(config.project.lint.clone()) {
            for item in coverage::coverage(&part, &settings, |_| true).items {
                coverage
                    .entry(item.path.clone())
                    .or_default()
                    .insert(item.item_id.clone(), CoverageView::new(&item));
            }
        }
        // The build just rendered the same notes, so this fails only for a template override
        // changed in between; the next build reports that.
        let notes = built
            .then(|| {
                let templates =
                    Templates::for_project(&config.root, &config.templates_dir()).ok()?;
                NoteSet::collect(&part, config, &templates, checked.assets.as_ref()).ok()
            })
            .flatten();
        for (index, lesson) in part.lessons.iter().enumerate() {
            let path = path_of(lesson);
            let (cards, media) = match &notes {
                Some(notes) => {
                    let (cards, media) = cards_of_lesson(notes, index);
                    (Some(cards), media)
                }
                None => (None, MediaFiles::new()),
            };
            self.lessons.insert(
                path.clone(),
                CachedLesson {
                    text: part.file(lesson.file).text.clone(),
                    cards,
                    coverage: coverage
                        .remove(&path.display().to_string())
                        .unwrap_or_default(),
                    media,
                },
            );
        }
    }

    fn lesson(&self, course: &Course, lesson: &Lesson) -> Option<&CachedLesson> {
        self.lessons.get(&course.file(lesson.file).path)
    }

    /// The media of every lesson's cards.
    fn media(&self) -> MediaFiles {
        self.lessons
            .values()
            .flat_map(|lesson| lesson.media.clone())
            .collect()
    }
}

/// The cards of lesson `index` of `notes`, per item id, and the media they use.
fn cards_of_lesson(notes: &NoteSet, index: usize) -> (BTreeMap<String, Vec<CardView>>, MediaFiles) {
    let mut cards = BTreeMap::new();
    let mut media = MediaFiles::new();
    for note in notes.notes.iter().filter(|note| note.lesson == index) {
        let Some(notetype) = notes
            .notetypes
            .iter()
            .find(|notetype| notetype.spec.name == note.spec.name)
        else {
            continue;
        };
        let views = anki::cards(note, notetype)
            .into_iter()
            .map(|card| CardView {
                template: card.template,
                number: usize::from(card.ord) + 1,
                front: card_document(&notetype.css, card.ord, &card.front),
                back: card_document(&notetype.css, card.ord, &card.back),
            })
            .collect();
        cards.insert(note.item_id.clone(), views);
        for name in &note.media {
            if let Some(bytes) = notes.media.get(name) {
                media.insert(name.clone(), bytes.clone());
            }
        }
    }
    (cards, media)
}

/// A card side as the document Anki's reviewer shows: the note type's CSS, and the side inside
/// `<body class="card cardN">` (the page adds `nightMode night_mode` in night mode, as Anki
/// does). Relative image names resolve against `/media/`, as against Anki's media folder. Formulas
/// are typeset as MathML, where Anki's reviewer runs MathJax.
fn card_document(css: &str, ord: u16, side: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><base href=\"/media/\">\
         <style>{REVIEWER_CSS}</style><style>{css}</style></head>\
         <body class=\"card card{}\"><div id=\"qa\">{}</div></body></html>",
        u32::from(ord) + 1,
        super::math::typeset(side)
    )
}

/// What Anki's reviewer sets around every card (its `reviewer.scss`), so that a card measures the
/// same here.
const REVIEWER_CSS: &str = "html{overflow-x:hidden}body{margin:20px;overflow-wrap:break-word}\
    .cloze-inactive{}img{max-width:100%}";

/// `relative` as a URL path with `/` separators (`None` for a name that is not UTF-8).
fn url_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|part| part.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

#[derive(Debug, Clone, Serialize)]
struct Header {
    generation: u64,
    build_ms: u128,
}

#[derive(Debug, Serialize)]
struct PageView {
    header: Header,
    /// `built`, `refused` (errors in the content) or `failed` (the environment).
    status: &'static str,
    summary: String,
    error: Option<String>,
    lessons: Vec<LessonLink>,
    /// Index only: every file's diagnostics.
    files: Vec<FileView>,
    lesson: Option<LessonView>,
}

impl PageView {
    fn failed(header: &Header, error: String) -> PageView {
        PageView {
            header: header.clone(),
            status: "failed",
            summary: "the build failed".to_owned(),
            error: Some(error),
            lessons: Vec::new(),
            files: Vec::new(),
            lesson: None,
        }
    }

    fn render(&self) -> String {
        static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
            let mut env = Environment::new();
            env.add_template("page.html", include_str!("../../templates/serve/page.html"))
                .expect("the preview template compiles (a unit test renders it)");
            env
        });
        PAGES
            .get_template("page.html")
            .and_then(|template| template.render(minijinja::value::Serde(self)))
            // The template is fixed and its data plain, so this is a bug: say it on the page.
            .unwrap_or_else(|error| {
                format!(
                    "<!doctype html><pre>preview page failed: {}</pre>",
                    escape(&format!("{error:#}"))
                )
            })
    }
}

#[derive(Debug, Clone, Serialize)]
struct LessonLink {
    id: String,
    title: String,
    url: String,
    items: usize,
    errors: usize,
    warnings: usize,
}

impl LessonLink {
    fn new(checked: &Checked, lesson: &Lesson) -> LessonLink {
        let count = |severity: Severity| {
            checked
                .diagnostics
                .iter()
                .filter(|d| d.span.file == lesson.file && d.severity == severity)
                .count()
        };
        LessonLink {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            url: format!("/lesson/{}", lesson.id),
            items: lesson.items.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }
}

#[derive(Debug, Serialize)]
struct FileView {
    path: String,
    diagnostics: Vec<DiagnosticView>,
}

#[derive(Debug, Serialize)]
struct DiagnosticView {
    severity: &'static str,
    code: &'static str,
    name: &'static str,
    message: String,
    location: String,
    /// The full report of this one diagnostic: header, code frame, help.
    frame: String,
    item_id: Option<String>,
}

/// The diagnostics of file `index` that `wanted` keeps, in report order.
fn diagnostics_of(
    checked: &Checked,
    lines: &Lines<'_>,
    index: usize,
    wanted: impl Fn(&Diagnostic) -> bool,
) -> Vec<DiagnosticView> {
    let files = &checked.course.files;
    checked
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.span.file.0 == index && wanted(diagnostic))
        .map(|diagnostic| {
            let at = lines.line_column(diagnostic.span.file, diagnostic.span.range.start);
            DiagnosticView {
                severity: diagnostic.severity.as_str(),
                code: diagnostic.code.code,
                name: diagnostic.code.name,
                message: diagnostic.message.clone(),
                location: format!("{}:{}:{}", files[index].path.display(), at.line, at.column),
                frame: report::render(
                    ReportFormat::Full,
                    std::slice::from_ref(diagnostic),
                    files,
                    false,
                ),
                item_id: diagnostic.item_id.clone(),
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct LessonView {
    id: String,
    title: String,
    path: String,
    deck: String,
    /// `/out/<id>.sheet.html` when the last good build wrote it.
    sheet: Option<String>,
    /// Its PDF, when there is one.
    sheet_pdf: Option<String>,
    apkg: Option<String>,
    /// Diagnostics about no one item (front matter, the lesson as a whole).
    diagnostics: Vec<DiagnosticView>,
    items: Vec<ItemView>,
    /// Whether cards are shown (a refused build shows none: they would be stale).
    cards: bool,
}

impl LessonView {
    fn new(
        checked: &Checked,
        lines: &Lines<'_>,
        lesson: &Lesson,
        cache: &LessonCache,
        built: bool,
        out: &BTreeMap<String, PathBuf>,
    ) -> LessonView {
        let course: &Course = &checked.course;
        let path = course.file(lesson.file).path.display().to_string();
        let cached = cache.lesson(course, lesson);
        let cards = cached
            .and_then(|cached| cached.cards.as_ref())
            .filter(|_| built);
        let ids: Vec<&str> = lesson.items.iter().map(|item| item.id.as_str()).collect();
        let out_url = |name: String| out.contains_key(&name).then(|| format!("/out/{name}"));
        let items = lesson
            .items
            .iter()
            .map(|item| ItemView {
                id: item.id.clone(),
                question: item.question.clone(),
                topic: lesson.topic_of(item).map(|topic| topic.title.clone()),
                kind: item.card.kind.as_str(),
                line: lines
                    .line_column(lesson.file, item.heading_span.range.start)
                    .line,
                cards: cards
                    .and_then(|cards| cards.get(&item.id))
                    .cloned()
                    .unwrap_or_default(),
                diagnostics: diagnostics_of(checked, lines, lesson.file.0, |diagnostic| {
                    diagnostic.item_id.as_deref() == Some(item.id.as_str())
                }),
                coverage: cached
                    .and_then(|cached| cached.coverage.get(&item.id))
                    .cloned(),
            })
            .collect();
        LessonView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            path: path.clone(),
            deck: lesson.deck.clone(),
            sheet: out_url(format!("{}.sheet.html", lesson.id)),
            sheet_pdf: out_url(format!("{}.pdf", lesson.id)),
            apkg: out_url(format!("{}.apkg", lesson.id)),
            diagnostics: diagnostics_of(checked, lines, lesson.file.0, |diagnostic| {
                diagnostic
                    .item_id
                    .as_deref()
                    .is_none_or(|id| !ids.contains(&id))
            }),
            items,
            cards: cards.is_some(),
        }
    }
}

#[derive(Debug, Serialize)]
struct ItemView {
    id: String,
    question: String,
    topic: Option<String>,
    kind: &'static str,
    line: usize,
    cards: Vec<CardView>,
    diagnostics: Vec<DiagnosticView>,
    coverage: Option<CoverageView>,
}

#[derive(Debug, Clone, Serialize)]
struct CardView {
    template: &'static str,
    /// 1-based, as Anki's `card1` class and its browser count.
    number: usize,
    /// The documents of the two sides.
    front: String,
    back: String,
}

#[derive(Debug, Clone, Serialize)]
struct CoverageView {
    made: Vec<MadeView>,
    missing: Vec<MissingView>,
}

#[derive(Debug, Clone, Serialize)]
struct MadeView {
    point: String,
    matched: String,
    at: String,
    /// The sentence as HTML, the words that made the point in `<mark>`.
    sentence: String,
}

#[derive(Debug, Clone, Serialize)]
struct MissingView {
    point: String,
    closest: Option<String>,
    at: Option<String>,
    lacking: Vec<String>,
    negated_by: Option<String>,
}

impl CoverageView {
    fn new(item: &ItemCoverage) -> CoverageView {
        let at = |place: &Place| format!("{}:{}", place.line, place.column);
        CoverageView {
            made: item
                .made
                .iter()
                .map(|made| MadeView {
                    point: made.point.clone(),
                    matched: made.matched.clone(),
                    at: at(&made.sentence),
                    sentence: marked(&made.sentence, &made.words),
                })
                .collect(),
            missing: item
                .missing
                .iter()
                .map(|missing| MissingView {
                    point: missing.point.clone(),
                    closest: missing.closest.as_ref().map(|place| place.text.clone()),
                    at: missing.closest.as_ref().map(at),
                    lacking: missing.lacking.clone(),
                    negated_by: missing
                        .negated_by
                        .as_ref()
                        .map(|cue| format!("`{}` at {}", cue.text, at(cue))),
                })
                .collect(),
        }
    }
}

/// `sentence` escaped, with each of `words` in `<mark>`. A word on the sentence's first line is
/// found at its column; one further down (the sentence is shown on one line) at its first
/// occurrence after the previous mark.
fn marked(sentence: &Place, words: &[Place]) -> String {
    let chars: Vec<char> = sentence.text.chars().collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for word in words {
        let length = word.text.chars().count();
        let at_column = (word.line == sentence.line)
            .then(|| word.column.checked_sub(sentence.column))
            .flatten()
            .filter(|&start| {
                chars
                    .get(start..start + length)
                    .is_some_and(|found| found.iter().copied().eq(word.text.chars()))
            });
        let found = at_column.or_else(|| {
            let from = spans.last().map_or(0, |&(_, end)| end);
            let target: Vec<char> = word.text.chars().collect();
            (from..chars.len().saturating_sub(length.saturating_sub(1)))
                .find(|&start| chars.get(start..start + length) == Some(&target[..]))
        });
        if let Some(start) = found
            && length > 0
        {
            spans.push((start, start + length));
        }
    }
    spans.sort_unstable();
    // Words of one phrase ("high-water mark") read better as one mark.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last)
                if start >= last.1
                    && chars[last.1..start]
                        .iter()
                        .all(|c| c.is_whitespace() || *c == '-') =>
            {
                last.1 = end;
            }
            _ => merged.push((start, end)),
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in merged {
        if start < at {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..end].iter().collect::<String>()));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str, line: usize, column: usize) -> Place {
        Place {
            text: text.to_owned(),
            line,
            column,
        }
    }

    #[test]
    fn words_are_marked_at_their_column_or_next_occurrence() {
        let sentence = place("Exactly-once costs a <lot> of cost", 3, 5);
        let words = [place("cost", 3, 35), place("Exactly-once", 3, 5)];
        assert_eq!(
            marked(&sentence, &words),
            "<mark>Exactly-once</mark> costs a &lt;lot&gt; of <mark>cost</mark>"
        );
        let phrase = [
            place("costs", 3, 18),
            place("a", 3, 24),
            place("Exactly", 3, 5),
        ];
        assert_eq!(
            marked(&sentence, &phrase),
            "<mark>Exactly</mark>-once <mark>costs a</mark> &lt;lot&gt; of cost"
        );
        let on_next_line = [place("costs", 4, 1)];
        assert_eq!(
            marked(&sentence, &on_next_line),
            "Exactly-once <mark>costs</mark> a &lt;lot&gt; of cost"
        );
        assert_eq!(
            marked(&sentence, &[place("absent", 9, 1)]),
            escape(&sentence.text)
        );
    }

    #[test]
    fn a_failed_build_page_renders_its_error() {
        let header = Header {
            generation: 3,
            build_ms: 12,
        };
        let page = PageView::failed(&header, "invalid <cardsmith.toml>".to_owned()).render();
        assert!(page.contains("invalid &lt;cardsmith.toml&gt;"), "{page}");
        assert!(page.contains("const generation = 3;"), "{page}");
    }
}
