//! Card sides as Anki renders them from a note type's templates: `{{Field}}`, sections
//! `{{#Field}}...{{/Field}}` and `{{^Field}}...{{/Field}}` (shown when the field is non-empty,
//! or empty), `{{FrontSide}}` on the back, and the filters `cloze:` (the card's deletion hidden
//! on the front, revealed on the back, the others shown) and `text:` (tags stripped). Written
//! after Anki's own renderer (`rslib/src/template.rs` and `rslib/src/cloze.rs` of ankitects/anki),
//! whose output classes (`cloze`, `cloze-inactive`, `data-ordinal`) the deck's CSS styles.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::render::apkg::Note;
use crate::render::apkg::html::escape;
use crate::render::apkg::notetype::{Notetype, NotetypeKind};

/// One card of a note: which template made it, and its two sides as HTML (the body of the card,
/// before Anki wraps it in `<div class="card">`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSides {
    /// The template's name (`Forward`, `Reverse`, `Cloze`).
    pub template: &'static str,
    /// The card ordinal (0-based), as Anki stores it; Anki's CSS class is `card{ord + 1}`.
    pub ord: u16,
    /// The question side.
    pub front: String,
    /// The answer side.
    pub back: String,
}

/// Every card Anki makes of `note` with `notetype` (the note's own type), in ordinal order.
pub fn cards(note: &Note, notetype: &Notetype) -> Vec<CardSides> {
    let fields: BTreeMap<&str, &str> = notetype
        .spec
        .fields
        .iter()
        .copied()
        .zip(note.fields.iter().map(String::as_str))
        .collect();
    note.ords
        .iter()
        .filter_map(|&ord| {
            // A standard note type makes card N from template N; a cloze one makes every card
            // from its one template, card N from deletion N + 1.
            let (index, cloze) = match notetype.spec.kind {
                NotetypeKind::Standard => (usize::from(ord), None),
                NotetypeKind::Cloze => (0, Some(ord + 1)),
            };
            let spec = notetype.spec.templates.get(index)?;
            let (front_template, back_template) = notetype.sides.get(index)?;
            let front = render(
                front_template,
                &Side {
                    fields: &fields,
                    cloze,
                    question: true,
                    front: None,
                },
            );
            let back = render(
                back_template,
                &Side {
                    fields: &fields,
                    cloze,
                    question: false,
                    front: Some(&front),
                },
            );
            Some(CardSides {
                template: spec.name,
                ord,
                front,
                back,
            })
        })
        .collect()
}

/// What one side is rendered with.
struct Side<'a> {
    fields: &'a BTreeMap<&'a str, &'a str>,
    /// The deletion number of a cloze card.
    cloze: Option<u16>,
    /// The question side (deletions hidden) or the answer side.
    question: bool,
    /// The rendered front, for `{{FrontSide}}` on the back.
    front: Option<&'a str>,
}

/// A piece of a template.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    /// `{{filter:filter:Field}}`: the field name is the last part.
    Replace(&'a str),
    /// `{{#Field}}` (`inverted: false`) or `{{^Field}}`.
    Open {
        field: &'a str,
        inverted: bool,
    },
    /// `{{/Field}}`.
    Close,
}

fn tokens(template: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest[start + 2..].find("}}") else {
            break;
        };
        if start > 0 {
            tokens.push(Token::Text(&rest[..start]));
        }
        let inside = rest[start + 2..start + 2 + length].trim();
        tokens.push(if let Some(field) = inside.strip_prefix('#') {
            Token::Open {
                field: field.trim(),
                inverted: false,
            }
        } else if let Some(field) = inside.strip_prefix('^') {
            Token::Open {
                field: field.trim(),
                inverted: true,
            }
        } else if inside.starts_with('/') {
            Token::Close
        } else {
            Token::Replace(inside)
        });
        rest = &rest[start + 2 + length + 2..];
    }
    if !rest.is_empty() {
        tokens.push(Token::Text(rest));
    }
    tokens
}

fn render(template: &str, side: &Side<'_>) -> String {
    let mut out = String::new();
    // One entry per open section: whether its content shows.
    let mut shown: Vec<bool> = Vec::new();
    for token in tokens(template) {
        let visible = shown.iter().all(|&shows| shows);
        match token {
            Token::Open { field, inverted } => {
                let empty = side
                    .fields
                    .get(field)
                    .is_none_or(|value| field_is_empty(value));
                shown.push(empty == inverted);
            }
            Token::Close => {
                shown.pop();
            }
            Token::Text(text) if visible => out.push_str(text),
            Token::Replace(reference) if visible => out.push_str(&replace(reference, side)),
            Token::Text(_) | Token::Replace(_) => {}
        }
    }
    out
}

/// The text of `{{reference}}`.
fn replace(reference: &str, side: &Side<'_>) -> String {
    let mut parts: Vec<&str> = reference.split(':').map(str::trim).collect();
    let name = parts.pop().unwrap_or_default();
    if name == "FrontSide" && parts.is_empty() {
        return side.front.unwrap_or_default().to_owned();
    }
    let Some(value) = side.fields.get(name) else {
        // Anki puts the same complaint on the card.
        return format!(
            "<div class=\"cs-preview-error\">{{{{{}}}}}: no field named `{}`</div>",
            escape(reference),
            escape(name)
        );
    };
    let mut value = (*value).to_owned();
    // Filters apply from the innermost (nearest the field) outwards.
    for filter in parts.iter().rev() {
        value = match *filter {
            "cloze" => match side.cloze {
                Some(number) => reveal_cloze(&value, number, side.question),
                None => String::new(),
            },
            "text" => strip_tags(&value),
            // `type:` draws an input box the preview has no use for.
            "type" => String::new(),
            _ => value,
        };
    }
    value
}

/// Anki's test for an empty field: only whitespace, `<br>` and `<div>` tags.
fn field_is_empty(value: &str) -> bool {
    static EMPTY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?si)^(?:[[:space:]]|</?(?:br|div)\s?/?>)*$").expect("valid regex")
    });
    EMPTY.is_match(value)
}

fn strip_tags(html: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("valid"));
    TAG.replace_all(html, "").into_owned()
}

/// A deletion in a field: `{{cN::text}}` or `{{cN::text::hint}}`, possibly nested.
#[derive(Debug)]
enum Piece {
    Text(String),
    Deletion {
        number: u16,
        content: Vec<Piece>,
        hint: Option<String>,
    },
}

/// Parses the deletions of `text` (unclosed ones stay text, as in Anki).
fn pieces(text: &str) -> Vec<Piece> {
    static OPENING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\{\{c(\d+)::").expect("valid regex"));
    // The innermost open deletion is last; the bottom is the field itself.
    let mut stack: Vec<(u16, String, Vec<Piece>)> = vec![(0, String::new(), Vec::new())];
    let mut text_run = String::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(opening) = OPENING.captures(rest) {
            let number = opening[1].parse::<u16>().unwrap_or(0);
            flush(&mut text_run, &mut stack);
            stack.push((number, opening[0].to_owned(), Vec::new()));
            at += opening[0].len();
        } else if rest.starts_with("}}") && stack.len() > 1 {
            flush(&mut text_run, &mut stack);
            let (number, _, mut content) = stack.pop().expect("more than the field is open");
            let hint = split_hint(&mut content);
            let deletion = Piece::Deletion {
                number,
                content,
                hint,
            };
            stack.last_mut().expect("the field").2.push(deletion);
            at += 2;
        } else {
            let next = rest.chars().next().map_or(1, char::len_utf8);
            text_run.push_str(&rest[..next]);
            at += next;
        }
    }
    flush(&mut text_run, &mut stack);
    // Deletions never closed are text again, opening and all.
    while stack.len() > 1 {
        let (_, opening, content) = stack.pop().expect("more than the field is open");
        let parent = &mut stack.last_mut().expect("the field").2;
        parent.push(Piece::Text(opening));
        parent.extend(content);
    }
    stack.pop().map(|(_, _, pieces)| pieces).unwrap_or_default()
}

fn flush(text_run: &mut String, stack: &mut [(u16, String, Vec<Piece>)]) {
    if !text_run.is_empty()
        && let Some(top) = stack.last_mut()
    {
        top.2.push(Piece::Text(std::mem::take(text_run)));
    }
}

/// `text::hint`: the hint is what follows the first `::` in the deletion's own text (not in a
/// nested one).
fn split_hint(content: &mut Vec<Piece>) -> Option<String> {
    let index = content
        .iter()
        .position(|piece| matches!(piece, Piece::Text(text) if text.contains("::")))?;
    let Piece::Text(text) = &content[index] else {
        return None;
    };
    let (before, after) = text.split_once("::")?;
    let (before, mut hint) = (before.to_owned(), after.to_owned());
    for piece in content.drain(index + 1..) {
        hint.push_str(&plain(&piece));
    }
    content[index] = Piece::Text(before);
    Some(hint)
}

/// A piece as its text with every deletion shown.
fn plain(piece: &Piece) -> String {
    match piece {
        Piece::Text(text) => text.clone(),
        Piece::Deletion { content, .. } => content.iter().map(plain).collect(),
    }
}

/// `{{cloze:Field}}` for deletion `number`: hidden as `[...]` (or `[hint]`) on the question side,
/// highlighted on the answer side; other deletions show their text.
fn reveal_cloze(text: &str, number: u16, question: bool) -> String {
    let mut out = String::new();
    for piece in pieces(text) {
        write_piece(&piece, number, question, &mut out);
    }
    out
}

fn write_piece(piece: &Piece, active: u16, question: bool, out: &mut String) {
    match piece {
        Piece::Text(text) => out.push_str(text),
        Piece::Deletion {
            number,
            content,
            hint,
        } if *number == active && question => {
            let shown: String = content.iter().map(plain).collect();
            let placeholder = hint.as_deref().unwrap_or("...");
            out.push_str(&format!(
                "<span class=\"cloze\" data-cloze=\"{}\" data-ordinal=\"{number}\">[{placeholder}]</span>",
                escape(&shown)
            ));
        }
        Piece::Deletion {
            number, content, ..
        } => {
            let class = if *number == active {
                "cloze"
            } else {
                "cloze-inactive"
            };
            out.push_str(&format!(
                "<span class=\"{class}\" data-ordinal=\"{number}\">"
            ));
            for inner in content {
                write_piece(inner, active, question, out);
            }
            out.push_str("</span>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side<'a>(fields: &'a BTreeMap<&'a str, &'a str>, question: bool) -> Side<'a> {
        Side {
            fields,
            cloze: Some(1),
            question,
            front: Some("FRONT"),
        }
    }

    #[test]
    fn sections_show_on_non_empty_fields_and_inverted_ones_on_empty() {
        let fields = BTreeMap::from([("A", "x"), ("B", " <br> "), ("C", "<div></div>")]);
        let template = "{{#A}}a={{A}}{{/A}}{{#B}}b{{/B}}{{^B}}no-b{{/B}}{{^C}}no-c{{/C}}{{#A}}{{#B}}nested{{/B}}{{/A}}";
        assert_eq!(render(template, &side(&fields, true)), "a=xno-bno-c");
    }

    #[test]
    fn front_side_and_unknown_fields() {
        let fields = BTreeMap::from([("A", "x")]);
        let out = render("{{FrontSide}}<hr>{{ A }}{{Nope}}", &side(&fields, false));
        assert!(out.starts_with("FRONT<hr>x<div"), "{out}");
        assert!(out.contains("no field named `Nope`"), "{out}");
    }

    #[test]
    fn cloze_hides_the_active_deletion_on_the_front_only() {
        let text = "{{c1::Kafka::broker}} stores {{c2::offsets}}.";
        assert_eq!(
            reveal_cloze(text, 1, true),
            "<span class=\"cloze\" data-cloze=\"Kafka\" data-ordinal=\"1\">[broker]</span> stores \
             <span class=\"cloze-inactive\" data-ordinal=\"2\">offsets</span>."
        );
        assert_eq!(
            reveal_cloze(text, 2, false),
            "<span class=\"cloze-inactive\" data-ordinal=\"1\">Kafka</span> stores \
             <span class=\"cloze\" data-ordinal=\"2\">offsets</span>."
        );
        assert_eq!(
            reveal_cloze(text, 2, true),
            "<span class=\"cloze-inactive\" data-ordinal=\"1\">Kafka</span> stores \
             <span class=\"cloze\" data-cloze=\"offsets\" data-ordinal=\"2\">[...]</span>."
        );
    }

    #[test]
    fn nested_and_unclosed_deletions() {
        assert_eq!(
            reveal_cloze("{{c1::a {{c2::b}} c}}", 2, true),
            "<span class=\"cloze-inactive\" data-ordinal=\"1\">a <span class=\"cloze\" \
             data-cloze=\"b\" data-ordinal=\"2\">[...]</span> c</span>"
        );
        assert_eq!(reveal_cloze("{{c1::open", 1, true), "{{c1::open");
    }

    #[test]
    fn text_filter_strips_tags() {
        let fields = BTreeMap::from([("A", "<b>bold</b> <i>x</i>")]);
        assert_eq!(render("{{text:A}}", &side(&fields, true)), "bold x");
    }

    #[test]
    fn every_embedded_template_renders_without_complaint() {
        let templates = crate::templates::Templates::embedded();
        for spec in crate::render::apkg::notetype::ALL {
            let notetype = Notetype::load(spec, &templates);
            let mut fields: Vec<String> =
                spec.fields.iter().map(|f| format!("<p>{f}</p>")).collect();
            let ords = if spec.kind == NotetypeKind::Cloze {
                fields[1] = "<p>{{c1::hidden}}</p>".to_owned();
                vec![0]
            } else {
                vec![0, 1]
            };
            let note = Note {
                item_id: "id".to_owned(),
                lesson: 0,
                deck: "D".to_owned(),
                spec,
                fields,
                tags: Vec::new(),
                ords,
                media: Default::default(),
                hash: String::new(),
            };
            for card in cards(&note, &notetype) {
                for side in [&card.front, &card.back] {
                    assert!(!side.contains("cs-preview-error"), "{}: {side}", spec.name);
                    assert!(!side.contains("{{"), "{}: {side}", spec.name);
                }
                assert!(card.back.contains("<p>Answer</p>") || card.back.contains("hidden"));
            }
        }
    }
}
