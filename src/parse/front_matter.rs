//! The YAML block between `---` fences at the top of a lesson.

use std::ops::Range;

use serde_norway::{Mapping, Value};

use super::yaml;
use super::{is_slug, slugify};
use crate::codes;
use crate::diagnostic::{Code, Diagnostic, FileId, Span};

/// Keys the front matter knows.
pub const KNOWN_KEYS: &[&str] = &["id", "title", "deck", "tags", "lang", "sheet"];

/// The lesson-level fields, with the file stem standing in for a missing id so later stages still
/// run (the missing key was reported).
#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub id: String,
    pub id_range: Range<usize>,
    pub title: String,
    pub deck: String,
    pub deck_range: Range<usize>,
    pub tags: Vec<String>,
    /// The primary language subtag (`en`), validated against [`crate::lang::LANGUAGES`].
    pub lang: String,
    /// `sheet: false`: the lesson has no cheat sheet.
    pub sheet: bool,
    /// The block with its fences.
    pub block_range: Range<usize>,
}

/// Where the fences are.
struct Fences {
    /// The YAML between the fences.
    yaml: Range<usize>,
    /// Fences included, up to the end of the closing fence's line.
    block: Range<usize>,
}

/// Splits the front matter off `text`; returns it (always, with fallbacks) and where the body
/// starts.
pub fn parse(
    file: FileId,
    text: &str,
    file_stem: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (FrontMatter, usize) {
    let fallback = |block_range: Range<usize>| FrontMatter {
        id: slugify(file_stem),
        id_range: block_range.start..block_range.start,
        title: file_stem.to_owned(),
        deck: String::new(),
        deck_range: block_range.start..block_range.start,
        tags: Vec::new(),
        lang: crate::lang::DEFAULT.to_owned(),
        sheet: true,
        block_range,
    };
    let fences = match find_fences(file, text) {
        Ok(fences) => fences,
        Err((diagnostic, body_start)) => {
            diagnostics.push(*diagnostic);
            return (fallback(0..0), body_start);
        }
    };
    let body_start = fences.block.end;
    let yaml_text = &text[fences.yaml.clone()];
    if let Err((at, problem)) = yaml::check_bounds(yaml_text) {
        let at = fences.yaml.start + at;
        diagnostics.push(
            Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                Span::new(file, at..at),
                format!("front matter {problem}"),
            )
            .with_help("a front matter holds a few short keys: `id`, `title`, `deck`, `tags`"),
        );
        return (fallback(fences.block), body_start);
    }
    let value: Value = match serde_norway::from_str(yaml_text) {
        Ok(value) => value,
        Err(error) => {
            let at = fences.yaml.start + error.location().map_or(0, |location| location.index());
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_FRONT_MATTER,
                    Span::new(file, at..at),
                    format!(
                        "front matter is not valid YAML: {}",
                        yaml::error_message(&error)
                    ),
                )
                .with_help("front matter is YAML: one `key: value` per line, lists as `[a, b]`"),
            );
            return (fallback(fences.block), body_start);
        }
    };
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        Value::Null => Mapping::new(),
        other => {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_FRONT_MATTER,
                    Span::new(file, fences.yaml.clone()),
                    format!(
                        "front matter must be a mapping of keys, found {}",
                        yaml::shape(&other)
                    ),
                )
                .with_help("write `id: ...`, `title: ...` and `deck: ...`, one per line"),
            );
            return (fallback(fences.block), body_start);
        }
    };
    let reader = Reader {
        file,
        yaml: yaml_text,
        offset: fences.yaml.start,
        block: fences.block.clone(),
    };
    let mut front = fallback(fences.block.clone());
    for (key, _) in &mapping {
        let Some(key) = key.as_str() else {
            diagnostics.push(Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                Span::new(file, fences.yaml.clone()),
                "front matter keys must be plain words",
            ));
            continue;
        };
        if !KNOWN_KEYS.contains(&key) {
            diagnostics.push(
                Diagnostic::new(
                    codes::UNKNOWN_KEY,
                    reader.key_span(key),
                    format!("unknown front matter key `{key}`"),
                )
                .with_help(yaml::unknown_key_help(key, KNOWN_KEYS)),
            );
        }
    }
    if let Some(id) = reader.required_string(
        &mapping,
        "id",
        "a slug such as `pipeline-probes`",
        diagnostics,
    ) {
        let span = reader.value_span("id");
        if is_slug(&id) {
            front.id = id;
        } else {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_ID,
                    span.clone(),
                    format!("lesson id `{id}` is not a slug"),
                )
                .with_help(format!(
                    "ids are lowercase letters, digits and `-`, e.g. `{}`",
                    slugify(&id)
                )),
            );
            front.id = slugify(&id);
        }
        front.id_range = span.range;
    }
    if let Some(title) =
        reader.required_string(&mapping, "title", "the lesson's title", diagnostics)
    {
        front.title = title;
    }
    if let Some(deck) = reader.required_string(
        &mapping,
        "deck",
        "an Anki deck such as `Interviews::Pipelines`",
        diagnostics,
    ) {
        // Whether Anki keeps the name as written is checked with the Anki package
        // (`render::apkg::decks`), which sees every lesson's deck.
        front.deck = deck;
        front.deck_range = reader.value_span("deck").range;
    }
    if let Some(tags) = mapping.get("tags") {
        front.tags = read_tags(
            tags,
            reader.value_span("tags"),
            codes::INVALID_FRONT_MATTER,
            diagnostics,
        );
    }
    if let Some(lang) = mapping.get("lang")
        && let Some(code) = read_lang(lang, reader.value_span("lang"), diagnostics)
    {
        front.lang = code;
    }
    match mapping.get("sheet") {
        None => {}
        Some(Value::Bool(sheet)) => front.sheet = *sheet,
        Some(other) => diagnostics.push(
            Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                reader.value_span("sheet"),
                format!(
                    "`sheet` must be true or false, found {}",
                    yaml::shape(other)
                ),
            )
            .with_help("write `sheet: false` for a lesson without a cheat sheet"),
        ),
    }
    (front, body_start)
}

/// Reads `lang:`: a language tag whose primary subtag the matcher knows.
fn read_lang(value: &Value, span: Span, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let Value::String(tag) = value else {
        diagnostics.push(
            Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                span,
                format!(
                    "`lang` must be a language tag, found {}",
                    yaml::shape(value)
                ),
            )
            .with_help("write a language tag such as `lang: en` or `lang: de`"),
        );
        return None;
    };
    match crate::lang::lookup(tag.trim()) {
        Some(language) => Some(language.code.to_owned()),
        None => {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_FRONT_MATTER,
                    span,
                    format!("unknown language `{}`", tag.trim()),
                )
                .with_help(format!(
                    "`lang` takes a language tag; known languages: {}",
                    crate::lang::known_codes()
                )),
            );
            None
        }
    }
}

/// Reads a list of tags (front matter or `card` block) and checks that Anki can store each one.
pub fn read_tags(
    value: &Value,
    span: Span,
    container: Code,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let Value::Sequence(items) = value else {
        diagnostics.push(
            Diagnostic::new(
                container,
                span,
                format!("`tags` must be a list, found {}", yaml::shape(value)),
            )
            .with_help("write tags as a list: `tags: [batch, streaming]`"),
        );
        return Vec::new();
    };
    let mut tags = Vec::new();
    for item in items {
        let tag = match item {
            Value::String(tag) => tag.clone(),
            Value::Number(number) => number.to_string(),
            other => {
                diagnostics.push(Diagnostic::new(
                    codes::INVALID_TAG,
                    span.clone(),
                    format!("a tag must be a word, found {}", yaml::shape(other)),
                ));
                continue;
            }
        };
        if tag.is_empty() || tag.chars().any(char::is_whitespace) {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_TAG,
                    span.clone(),
                    format!("tag `{tag}` contains whitespace or is empty"),
                )
                .with_help(format!(
                    "Anki tags cannot contain spaces: write `{}`",
                    tag.split_whitespace().collect::<Vec<_>>().join("-")
                )),
            );
            continue;
        }
        tags.push(tag);
    }
    tags
}

struct Reader<'a> {
    file: FileId,
    yaml: &'a str,
    offset: usize,
    block: Range<usize>,
}

impl Reader<'_> {
    fn key_span(&self, key: &str) -> Span {
        let range = yaml::top_level_key_range(self.yaml, self.offset, key)
            .unwrap_or_else(|| self.block.start..self.block.start + 3);
        Span::new(self.file, range)
    }

    fn value_span(&self, key: &str) -> Span {
        let range = yaml::top_level_value_range(self.yaml, self.offset, key)
            .unwrap_or_else(|| self.block.start..self.block.start + 3);
        Span::new(self.file, range)
    }

    /// The string value of a required key, reporting it when absent, empty or not a string.
    fn required_string(
        &self,
        mapping: &Mapping,
        key: &str,
        what: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match mapping.get(key) {
            None | Some(Value::Null) => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::MISSING_FRONT_MATTER_KEY,
                        Span::new(self.file, self.block.start..self.block.start + 3),
                        format!("front matter has no `{key}`"),
                    )
                    .with_label(format!("`{key}` is required"))
                    .with_help(format!("add `{key}: ...` ({what}) to the front matter")),
                );
                None
            }
            Some(Value::String(text)) if text.trim().is_empty() => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::MISSING_FRONT_MATTER_KEY,
                        self.value_span(key),
                        format!("`{key}` is empty"),
                    )
                    .with_help(format!("give `{key}` a value: {what}")),
                );
                None
            }
            Some(Value::String(text)) => Some(text.trim().to_owned()),
            Some(other) => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_FRONT_MATTER,
                        self.value_span(key),
                        format!("`{key}` must be a string, found {}", yaml::shape(other)),
                    )
                    .with_help(format!(
                        "write {what}; quote it if it contains `:` or starts with a symbol"
                    )),
                );
                None
            }
        }
    }
}

fn find_fences(file: FileId, text: &str) -> Result<Fences, (Box<Diagnostic>, usize)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        let first_line = 0..first.trim_end().len();
        return Err((
            Box::new(Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                Span::new(file, first_line),
                "lesson has no front matter",
            )
            .with_label("expected `---` on the first line")
            .with_help("start the file with a front matter block:\n---\nid: my-lesson\ntitle: My lesson\ndeck: My deck\n---")),
            0,
        ));
    }
    let yaml_start = first.len();
    let mut position = yaml_start;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Fences {
                yaml: yaml_start..position,
                block: 0..position + line.len(),
            });
        }
        position += line.len();
    }
    Err((
        Box::new(
            Diagnostic::new(
                codes::INVALID_FRONT_MATTER,
                Span::new(file, 0..3),
                "front matter is not closed",
            )
            .with_label("opened here, never closed")
            .with_help("add a line `---` after the last front matter key"),
        ),
        text.len(),
    ))
}
