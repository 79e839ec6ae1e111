//! The optional ```` ```card ```` block of an item: tags, kind, required points, red flags.

use std::ops::Range;

use serde_norway::{Mapping, Value};

use super::front_matter::read_tags;
use super::pattern;
use super::yaml;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId, Span};
use crate::model::{Card, CardKind, Pattern, RedFlag, RequiredPoint};

/// Keys a `card` block knows.
pub const KNOWN_KEYS: &[&str] = &["tags", "kind", "must", "avoid", "allow", "sheet"];
const POINT_KEYS: &[&str] = &["point", "match"];
const FLAG_KEYS: &[&str] = &["flag", "match", "unless"];

/// Parses the YAML inside a card fence. `content` is the byte range of the YAML in `text`, `block`
/// the whole fenced block.
pub fn parse(
    file: FileId,
    text: &str,
    content: Range<usize>,
    block: Range<usize>,
    patterns: &mut pattern::Cache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Card {
    let mut card = Card {
        span: Some(Span::new(file, block.clone())),
        ..Card::default()
    };
    let yaml_text = &text[content.clone()];
    let mut reader = Reader {
        file,
        yaml: yaml_text,
        offset: content.start,
        fence: block.start..block.start + text[block.clone()].find('\n').unwrap_or(0),
        cursor: 0,
        cache: patterns,
        diagnostics,
    };
    if let Err((at, problem)) = yaml::check_bounds(yaml_text) {
        let at = content.start + at;
        reader.diagnostics.push(
            Diagnostic::new(
                codes::INVALID_CARD_BLOCK,
                Span::new(file, at..at),
                format!("card block {problem}"),
            )
            .with_help("split long lists of points over several items, and nest lists at most a few levels"),
        );
        return card;
    }
    let parsed = match yaml::simple(yaml_text) {
        Some(value) => Ok(value),
        None => serde_norway::from_str(yaml_text),
    };
    let value: Value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let at = content.start + error.location().map_or(0, |location| location.index());
            reader.diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_CARD_BLOCK,
                    Span::new(file, at..at),
                    format!(
                        "card block is not valid YAML: {}",
                        yaml::error_message(&error)
                    ),
                )
                .with_help(
                    "a card block is YAML: `must:` and `avoid:` hold lists, one `- entry` per line",
                ),
            );
            return card;
        }
    };
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        Value::Null => return card,
        other => {
            reader.error_at_fence(
                format!(
                    "card block must be a mapping of keys, found {}",
                    yaml::shape(&other)
                ),
                "write keys such as `must:` and `avoid:`, one per line",
            );
            return card;
        }
    };
    for (key, value) in &mapping {
        let Some(key) = key.as_str() else {
            reader.error_at_fence(
                "card block keys must be plain words",
                "use the keys `tags`, `kind`, `must`, `avoid`, `allow`, `sheet`",
            );
            continue;
        };
        reader.cursor = yaml::top_level_key_range(yaml_text, 0, key).map_or(0, |range| range.end);
        match key {
            "tags" => {
                card.tags = read_tags(
                    value,
                    reader.value_span(key),
                    codes::INVALID_CARD_BLOCK,
                    reader.diagnostics,
                )
            }
            "kind" => card.kind = reader.kind(value),
            "must" => card.must = reader.list(key, value, Reader::required_point),
            "avoid" => card.avoid = reader.list(key, value, Reader::red_flag),
            "allow" => card.allow = reader.allow(value),
            "sheet" => card.sheet = reader.string(key, value),
            unknown => {
                let span = reader.key_span(unknown);
                reader.diagnostics.push(
                    Diagnostic::new(
                        codes::UNKNOWN_KEY,
                        span,
                        format!("unknown card block key `{unknown}`"),
                    )
                    .with_help(yaml::unknown_key_help(unknown, KNOWN_KEYS)),
                );
            }
        }
    }
    card
}

struct Reader<'a, 'd> {
    file: FileId,
    yaml: &'a str,
    offset: usize,
    fence: Range<usize>,
    /// Position in `yaml` of the last thing located, so that equal strings map to successive places.
    cursor: usize,
    /// Alternatives compiled so far in this parse run.
    cache: &'d mut pattern::Cache,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Reader<'_, '_> {
    fn error_at_fence(&mut self, message: impl Into<String>, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                codes::INVALID_CARD_BLOCK,
                Span::new(self.file, self.fence.clone()),
                message,
            )
            .with_help(help),
        );
    }

    fn key_span(&self, key: &str) -> Span {
        let range = yaml::top_level_key_range(self.yaml, self.offset, key)
            .unwrap_or_else(|| self.fence.clone());
        Span::new(self.file, range)
    }

    fn value_span(&self, key: &str) -> Span {
        let range = yaml::top_level_value_range(self.yaml, self.offset, key)
            .unwrap_or_else(|| self.fence.clone());
        Span::new(self.file, range)
    }

    /// Where `needle` is next written after the cursor; the fence line when it cannot be found.
    fn locate(&mut self, needle: &str) -> Span {
        let range = yaml::find_after(self.yaml, &mut self.cursor, needle)
            .map(|range| range.start + self.offset..range.end + self.offset)
            .unwrap_or_else(|| self.fence.clone());
        Span::new(self.file, range)
    }

    /// Where an alternative is written: as written if possible, else its regex body (YAML may
    /// have escaped the slashes' content), else the fence.
    fn locate_pattern(&mut self, source: &str) -> Span {
        let mut cursor = self.cursor;
        let body = source.trim_matches('/');
        let found = yaml::find_after(self.yaml, &mut cursor, source).or_else(|| {
            yaml::find_after(self.yaml, &mut cursor, body).filter(|_| !body.is_empty())
        });
        match found {
            Some(range) => {
                self.cursor = cursor;
                Span::new(
                    self.file,
                    range.start + self.offset..range.end + self.offset,
                )
            }
            None => Span::new(self.file, self.fence.clone()),
        }
    }

    fn kind(&mut self, value: &Value) -> CardKind {
        let span = self.value_span("kind");
        match value.as_str() {
            Some("basic") => CardKind::Basic,
            Some("reverse") => CardKind::Reverse,
            Some("cloze") => CardKind::Cloze,
            _ => {
                let found = value
                    .as_str()
                    .map_or_else(|| yaml::shape(value).to_owned(), |text| format!("`{text}`"));
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_CARD_BLOCK,
                        span,
                        format!("unknown card kind {found}"),
                    )
                    .with_help("`kind` is one of `basic` (default), `reverse`, `cloze`"),
                );
                CardKind::Basic
            }
        }
    }

    fn string(&mut self, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            other => {
                let span = self.value_span(key);
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_CARD_BLOCK,
                        span,
                        format!("`{key}` must be a string, found {}", yaml::shape(other)),
                    )
                    .with_help(format!("write `{key}: some text`")),
                );
                None
            }
        }
    }

    fn allow(&mut self, value: &Value) -> Vec<String> {
        let span = self.value_span("allow");
        let codes_written: Option<Vec<&str>> = match value {
            Value::Sequence(items) => items.iter().map(Value::as_str).collect(),
            Value::String(code) => Some(vec![code.as_str()]),
            _ => None,
        };
        let valid = codes_written.filter(|codes| {
            codes.iter().all(|code| {
                let mut chars = code.chars();
                chars.next().is_some_and(|c| c.is_ascii_uppercase())
                    && chars.as_str().len() == 3
                    && chars.all(|c| c.is_ascii_digit())
            })
        });
        match valid {
            Some(codes) => codes.into_iter().map(str::to_owned).collect(),
            None => {
                self.diagnostics.push(
                    Diagnostic::new(codes::INVALID_CARD_BLOCK, span, "`allow` must list lint codes")
                        .with_help("write codes such as `allow: [Q001, Q004]` (`cardsmith rule --all` lists them)"),
                );
                Vec::new()
            }
        }
    }

    fn list<T>(
        &mut self,
        key: &str,
        value: &Value,
        read: fn(&mut Self, &Value) -> Option<T>,
    ) -> Vec<T> {
        match value {
            Value::Sequence(items) => {
                let mut list: Vec<T> = items.iter().filter_map(|item| read(self, item)).collect();
                // Kept for the whole check: a growing vector's spare room, times every item of
                // a large project, was a tenth of its memory.
                list.shrink_to_fit();
                list
            }
            Value::Null => Vec::new(),
            other => {
                let span = self.value_span(key);
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_CARD_BLOCK,
                        span,
                        format!("`{key}` must be a list, found {}", yaml::shape(other)),
                    )
                    .with_help(format!(
                        "write one entry per line:\n{key}:\n  - first\n  - second"
                    )),
                );
                Vec::new()
            }
        }
    }

    /// An entry written as a bare phrase (`- idempotent writes`): the phrase is its only
    /// alternative, located at its text.
    fn phrase_entry(&mut self, text: &str, value: &Value, key: &str) -> (Vec<Pattern>, Span) {
        let span = self.locate(text);
        (self.patterns(std::slice::from_ref(value), key), span)
    }

    fn required_point(&mut self, value: &Value) -> Option<RequiredPoint> {
        match value {
            Value::String(point) => {
                let (patterns, span) = self.phrase_entry(point, value, "must");
                Some(RequiredPoint {
                    point: point.clone(),
                    patterns,
                    span,
                })
            }
            Value::Mapping(mapping) => {
                self.check_keys(mapping, POINT_KEYS, "required point");
                let point = self.mapping_string(mapping, "point", "required point")?;
                let span = self.locate(&point);
                let patterns = match mapping.get("match") {
                    Some(alternatives) => self.alternatives(alternatives, "match"),
                    None => self.patterns(&[Value::String(point.clone())], "must"),
                };
                Some(RequiredPoint {
                    point,
                    patterns,
                    span,
                })
            }
            other => {
                self.entry_error(
                    other,
                    "a required point is a phrase, or `{point: ..., match: [...]}`",
                );
                None
            }
        }
    }

    fn red_flag(&mut self, value: &Value) -> Option<RedFlag> {
        match value {
            Value::String(flag) => {
                let (patterns, span) = self.phrase_entry(flag, value, "avoid");
                Some(RedFlag {
                    flag: flag.clone(),
                    patterns,
                    unless: Vec::new(),
                    span,
                })
            }
            Value::Mapping(mapping) => {
                self.check_keys(mapping, FLAG_KEYS, "red flag");
                let flag = self.mapping_string(mapping, "flag", "red flag")?;
                let span = self.locate(&flag);
                let Some(alternatives) = mapping.get("match") else {
                    self.diagnostics.push(
                        Diagnostic::new(codes::INVALID_CARD_BLOCK, span, format!("red flag `{flag}` has no `match`"))
                            .with_help("add `match: [phrase, /regex/]`: what, found in an answer, raises the flag"),
                    );
                    return None;
                };
                let patterns = self.alternatives(alternatives, "match");
                let unless = mapping
                    .get("unless")
                    .map(|unless| self.alternatives(unless, "unless"))
                    .unwrap_or_default();
                Some(RedFlag {
                    flag,
                    patterns,
                    unless,
                    span,
                })
            }
            other => {
                self.entry_error(
                    other,
                    "a red flag is `{flag: ..., match: [...], unless: [...]}`",
                );
                None
            }
        }
    }

    fn entry_error(&mut self, found: &Value, help: &str) {
        let span = Span::new(self.file, self.fence.clone());
        self.diagnostics.push(
            Diagnostic::new(
                codes::INVALID_CARD_BLOCK,
                span,
                format!("unexpected {} in a list entry", yaml::shape(found)),
            )
            .with_help(help),
        );
    }

    fn check_keys(&mut self, mapping: &Mapping, known: &[&str], what: &str) {
        for key in mapping.keys() {
            let name = key.as_str().unwrap_or("?");
            if !known.contains(&name) {
                let span = self.locate(name);
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::UNKNOWN_KEY,
                        span,
                        format!("unknown key `{name}` in a {what}"),
                    )
                    .with_help(yaml::unknown_key_help(name, known)),
                );
            }
        }
    }

    fn mapping_string(&mut self, mapping: &Mapping, key: &str, what: &str) -> Option<String> {
        match mapping.get(key) {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
            _ => {
                let span = Span::new(self.file, self.fence.clone());
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_CARD_BLOCK,
                        span,
                        format!("a {what} needs a non-empty `{key}`"),
                    )
                    .with_help(format!("write `{key}: ...` saying what the {what} is")),
                );
                None
            }
        }
    }

    /// `match` or `unless`: one alternative or a list of them.
    fn alternatives(&mut self, value: &Value, key: &str) -> Vec<Pattern> {
        match value {
            Value::Sequence(items) => self.patterns(items, key),
            single => self.patterns(std::slice::from_ref(single), key),
        }
    }

    fn patterns(&mut self, values: &[Value], key: &str) -> Vec<Pattern> {
        let mut patterns = Vec::new();
        for value in values {
            let source = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                other => {
                    let span = Span::new(self.file, self.fence.clone());
                    self.diagnostics.push(
                        Diagnostic::new(
                            codes::INVALID_CARD_BLOCK,
                            span,
                            format!(
                                "`{key}` alternatives must be text, found {}",
                                yaml::shape(other)
                            ),
                        )
                        .with_help("write a phrase, or a regex between slashes: `/late(ncy)?/`"),
                    );
                    continue;
                }
            };
            let span = self.locate_pattern(&source);
            match self.cache.compile(&source) {
                Ok((kind, regex)) => patterns.push(Pattern { source, kind, regex, span }),
                Err(reason) => self.diagnostics.push(
                    Diagnostic::new(codes::INVALID_PATTERN, span, format!("`{source}` can never match: {reason}"))
                        .with_label("in this alternative")
                        .with_help("fix the regex (Rust `regex` syntax), or write a plain phrase without slashes"),
                ),
            }
        }
        patterns.shrink_to_fit(); // See `Reader::list`.
        patterns
    }
}
