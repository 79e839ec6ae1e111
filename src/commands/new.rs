//! `cardsmith new lesson NAME` and `cardsmith new item LESSON "Question?"`: scaffolding that
//! checks clean at once. A new lesson is `<source>/NAME.md` with its front matter; a new item is a
//! question heading with a fresh id (the slug of the question, unique in the project, as
//! `check --fix` gives) and an answer to write, at the end of the lesson or of one of its topics.
//! Both check the project afterwards and report what the new text raised, if anything.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::check::fix::write_fixed;
use super::{Status, Streams};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Course, Lesson};
use crate::parse::unique_slug;
use crate::report::{self, ReportFormat};
use crate::{Checked, codes};

/// What to create.
#[derive(Debug, Clone)]
pub enum Request {
    /// `new lesson NAME`.
    Lesson {
        /// The file under the lesson folder, without `.md` (`sql/joins`).
        name: String,
        /// `--title`; by default NAME's last part in words (`window-functions`: "Window functions").
        title: Option<String>,
        /// `--deck`; by default the title.
        deck: Option<String>,
    },
    /// `new item LESSON QUESTION`.
    Item {
        /// A lesson id, or a lesson file's path as typed.
        lesson: String,
        /// That path resolved against where the user is.
        lesson_path: PathBuf,
        /// The question, one line.
        question: String,
        /// `--topic`: put the item at the end of this `##` topic (added when missing).
        topic: Option<String>,
        /// `--answer`; by default a line asking for it.
        answer: Option<String>,
    },
}

/// What the answer of a new item says until the author writes it.
pub const ANSWER_PLACEHOLDER: &str = "TODO: answer the question.";

/// Why nothing was created.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The lesson name is not a relative file name.
    #[error(
        "invalid lesson name `{0}`: give a file name under the lesson folder, such as `joins` or \
         `sql/joins`"
    )]
    InvalidName(String),
    /// A question, topic or title that would break the Markdown.
    #[error("invalid {what} `{text}`: {why}")]
    InvalidText {
        /// `question`, `topic`, `title`, `deck`.
        what: &'static str,
        /// As given.
        text: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The lesson file exists.
    #[error("`{}` already exists; cardsmith new never overwrites a file", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// No lesson of the project has that id or path.
    #[error("no lesson `{lesson}` in the project ({known})")]
    NoLesson {
        /// As given.
        lesson: String,
        /// The ids there are.
        known: String,
    },
    /// The lesson's text was not valid UTF-8: writing it back would lose bytes.
    #[error("`{}` is not valid UTF-8; fix its encoding before adding items", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
    },
    /// Writing failed.
    #[error("failed to write `{}`", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs `new`.
pub fn run(
    config: &Config,
    request: &Request,
    streams: &mut Streams<'_>,
) -> anyhow::Result<Status> {
    match request {
        Request::Lesson { name, title, deck } => {
            let path = new_lesson(config, name, title.as_deref(), deck.as_deref())?;
            let checked = crate::check(config)?;
            let course = &checked.course;
            let id = course
                .lessons
                .iter()
                .find(|lesson| config.root.join(&course.file(lesson.file).path) == path)
                .map(|lesson| lesson.id.clone());
            let shown = path.strip_prefix(&config.root).unwrap_or(&path);
            streams.info_line(&format!(
                "created {} (lesson `{}`)",
                shown.display(),
                id.as_deref().unwrap_or("?")
            ))?;
            let id = id.unwrap_or_default();
            report_new(&checked, &path, config, None, streams)?;
            streams.info_line(&format!("next: cardsmith new item {id} \"Your question?\""))?;
            Ok(Status::of(&checked))
        }
        Request::Item {
            lesson,
            lesson_path,
            question,
            topic,
            answer,
        } => {
            let added = new_item(
                config,
                lesson,
                lesson_path,
                question,
                topic.as_deref(),
                answer.as_deref(),
            )?;
            let checked = crate::check(config)?;
            let shown = added.path.strip_prefix(&config.root).unwrap_or(&added.path);
            streams.info_line(&format!(
                "added item `{}` to {}:{}",
                added.id,
                shown.display(),
                added.line
            ))?;
            report_new(&checked, &added.path, config, Some(&added.id), streams)?;
            if answer.is_none() {
                streams.info_line("next: write its answer in place of the TODO line")?;
            }
            Ok(Status::of(&checked))
        }
    }
}

/// Prints what the new file (or the new item in it) raised, or that it checks clean.
fn report_new(
    checked: &Checked,
    path: &Path,
    config: &Config,
    item: Option<&str>,
    streams: &mut Streams<'_>,
) -> anyhow::Result<()> {
    let files = &checked.course.files;
    let raised: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|diagnostic| config.root.join(&files[diagnostic.span.file.0].path) == path)
        .filter(|diagnostic| item.is_none_or(|id| diagnostic.item_id.as_deref() == Some(id)))
        .cloned()
        .collect();
    if raised.is_empty() {
        streams.info_line("it checks clean")?;
    } else {
        streams.err(&report::render(ReportFormat::Full, &raised, files, false))?;
        streams.info_line(&format!("it raises {}", report::summary(&raised)))?;
    }
    Ok(())
}

/// Writes `<source>/NAME.md`; returns its path.
fn new_lesson(
    config: &Config,
    name: &str,
    title: Option<&str>,
    deck: Option<&str>,
) -> Result<PathBuf, NewError> {
    let relative = lesson_file(name).ok_or_else(|| NewError::InvalidName(name.to_owned()))?;
    let path = config.source_dir().join(&relative);
    let stem = relative
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default();
    let title = match title {
        Some(title) => one_line("title", title)?,
        None => words(stem),
    };
    let deck = match deck {
        Some(deck) => one_line("deck", deck)?,
        None => title.clone(),
    };
    let taken = existing_lesson_ids(config);
    let id = unique_slug(stem, &|slug| taken.iter().any(|id| id == slug));
    let text = format!(
        "---\nid: {id}\ntitle: {}\ndeck: {}\n---\n\n\
         <!-- Add an item: cardsmith new item {id} \"Your question?\" -->\n",
        yaml_scalar(&title),
        yaml_scalar(&deck),
    );
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| NewError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    // `create_new`: a file there (even one made a moment ago) is never replaced.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists { path: path.clone() },
            _ => NewError::Write {
                path: path.clone(),
                source,
            },
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| NewError::Write {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

/// The ids of the lessons the project has now (none when its lesson folder is empty or missing).
fn existing_lesson_ids(config: &Config) -> Vec<String> {
    crate::check(config)
        .map(|checked| {
            checked
                .course
                .lessons
                .iter()
                .map(|lesson| lesson.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// `NAME` as a relative `.md` path of plain parts, or `None`.
fn lesson_file(name: &str) -> Option<PathBuf> {
    let name = name.strip_suffix(".md").unwrap_or(name);
    let path = Path::new(name);
    let plain = !name.is_empty()
        && path
            .components()
            .all(|part| matches!(part, Component::Normal(_)))
        && !name.ends_with(['/', '\\'])
        && path
            .file_name()
            .and_then(|stem| stem.to_str())
            .is_some_and(|stem| !stem.starts_with('.'));
    plain.then(|| path.with_extension("md"))
}

/// `window-functions` -> "Window functions".
fn words(stem: &str) -> String {
    let spaced = stem.replace(['-', '_'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "New lesson".to_owned(),
    }
}

/// A YAML scalar for `text`: as written when YAML reads it back the same, else double-quoted
/// (a JSON string is a valid YAML one).
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).expect("strings always serialize")
    }
}

/// `text` trimmed, refused when it has a line break or is empty.
fn one_line(what: &'static str, text: &str) -> Result<String, NewError> {
    let invalid = |why| NewError::InvalidText {
        what,
        text: text.to_owned(),
        why,
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    if trimmed.contains(['\n', '\r']) {
        return Err(invalid("it must be one line"));
    }
    Ok(trimmed.to_owned())
}

/// An item just added.
struct Added {
    path: PathBuf,
    id: String,
    /// 1-based line of its heading.
    line: usize,
}

fn new_item(
    config: &Config,
    lesson: &str,
    lesson_path: &Path,
    question: &str,
    topic: Option<&str>,
    answer: Option<&str>,
) -> anyhow::Result<Added> {
    let question = one_line("question", question)?;
    if question.contains("{#") {
        return Err(NewError::InvalidText {
            what: "question",
            text: question,
            why: "give it without an id: cardsmith new gives it a fresh one",
        }
        .into());
    }
    let topic = topic.map(|topic| one_line("topic", topic)).transpose()?;
    let answer = match answer {
        Some(answer) if !answer.trim().is_empty() => answer.trim().to_owned(),
        Some(answer) => {
            return Err(NewError::InvalidText {
                what: "answer",
                text: answer.to_owned(),
                why: "it is empty",
            }
            .into());
        }
        None => ANSWER_PLACEHOLDER.to_owned(),
    };
    let checked = crate::check(config)?;
    let course = &checked.course;
    let target = find_lesson(config, course, lesson, lesson_path)?;
    let file = course.file(target.file);
    let path = config.root.join(&file.path);
    if checked
        .diagnostics
        .iter()
        .any(|d| d.span.file == target.file && d.code == codes::UNREADABLE_FILE)
    {
        return Err(NewError::Unreadable { path }.into());
    }
    let id = unique_slug(&question, &|slug| {
        course.items().any(|(_, item)| item.id == slug)
    });
    let newline = if file.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let item = format!("### {question} {{#{id}}}{newline}{newline}{answer}{newline}");
    let (at, block) = match topic {
        None => (file.text.len(), item),
        Some(topic) => match topic_end(target, &file.text, &topic) {
            Some(end) => (end, item),
            None => (
                file.text.len(),
                format!("## {topic}{newline}{newline}{item}"),
            ),
        },
    };
    let (text, heading) = insert_block(&file.text, at, &block, newline);
    let line = text[..heading].matches('\n').count() + 1;
    write_fixed(&config.root, &path, &text)?;
    Ok(Added { path, id, line })
}

/// The lesson whose id is `lesson`, or whose file is at `path`.
fn find_lesson<'a>(
    config: &Config,
    course: &'a Course,
    lesson: &str,
    path: &Path,
) -> Result<&'a Lesson, NewError> {
    let normalize = |path: &Path| {
        crate::assets::normalize_lexically(path).unwrap_or_else(|| path.to_path_buf())
    };
    let wanted = normalize(path);
    course
        .lessons
        .iter()
        .find(|candidate| candidate.id == lesson)
        .or_else(|| {
            course.lessons.iter().find(|candidate| {
                normalize(&config.root.join(&course.file(candidate.file).path)) == wanted
            })
        })
        .ok_or_else(|| NewError::NoLesson {
            lesson: lesson.to_owned(),
            known: if course.lessons.is_empty() {
                "it has none: create one with `cardsmith new lesson NAME`".to_owned()
            } else {
                let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
                format!("its lessons: {}", ids.join(", "))
            },
        })
}

/// Where an item goes at the end of topic `title` (by title, case-insensitively, or by slug):
/// before the next topic's heading, or the end of the file.
fn topic_end(lesson: &Lesson, text: &str, title: &str) -> Option<usize> {
    let slug = crate::parse::slugify(title);
    let topic = lesson
        .topics
        .iter()
        .find(|topic| topic.title.eq_ignore_ascii_case(title) || topic.slug == slug)?;
    let next = lesson
        .topics
        .iter()
        .map(|other| other.span.range.start)
        .filter(|&start| start > topic.span.range.start)
        .min();
    Some(next.unwrap_or(text.len()))
}

/// `text` with `block` at byte `at`, a blank line before it and (when more follows) after it.
/// Returns the new text and where the block starts.
fn insert_block(text: &str, at: usize, block: &str, newline: &str) -> (String, usize) {
    let (before, after) = text.split_at(at);
    let mut out = before.to_owned();
    let blank = format!("{newline}{newline}");
    if !out.is_empty() && !out.ends_with(&blank) {
        if !out.ends_with(newline) {
            out.push_str(newline);
        }
        out.push_str(newline);
    }
    let start = out.len();
    out.push_str(block);
    if !after.is_empty() {
        out.push_str(newline);
    }
    out.push_str(after);
    (out, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_names_are_plain_relative_files() {
        assert_eq!(lesson_file("joins"), Some(PathBuf::from("joins.md")));
        assert_eq!(
            lesson_file("sql/joins.md"),
            Some(PathBuf::from("sql/joins.md"))
        );
        for bad in ["", "/abs", "../out", "sql/../x", "sql/", ".hidden", "./x"] {
            assert_eq!(lesson_file(bad), None, "{bad}");
        }
    }

    #[test]
    fn titles_from_names_and_yaml_quoting() {
        assert_eq!(words("window-functions"), "Window functions");
        assert_eq!(words("über_sql"), "Über sql");
        assert_eq!(yaml_scalar("SQL joins"), "SQL joins");
        assert_eq!(yaml_scalar("SQL: joins"), "\"SQL: joins\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2024"), "\"2024\"");
        assert_eq!(yaml_scalar("[draft]"), "\"[draft]\"");
        assert_eq!(yaml_scalar("Data::Pipelines"), "Data::Pipelines");
    }

    #[test]
    fn blocks_get_blank_lines_around_them() {
        assert_eq!(
            insert_block("a\n", 2, "B\n", "\n"),
            ("a\n\nB\n".to_owned(), 3)
        );
        assert_eq!(
            insert_block("a", 1, "B\n", "\n"),
            ("a\n\nB\n".to_owned(), 3)
        );
        assert_eq!(
            insert_block("a\n\n## T\n", 3, "B\n", "\n").0,
            "a\n\nB\n\n## T\n"
        );
        assert_eq!(
            insert_block("a\r\n", 3, "B\r\n", "\r\n").0,
            "a\r\n\r\nB\r\n"
        );
    }
}
