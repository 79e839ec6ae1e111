//! The card HTML sanitiser: a separate step after Markdown -> HTML ([`super::html`]), so that
//! changes to the rendering and to the allow-list stay apart.
//!
//! Anki shows a card's HTML in a web view on the learner's device, and decks are shared: a
//! lesson must not be able to run a script there, load a frame, or restyle the whole card. Every
//! question and answer field goes through `ammonia` with the allow-list below: what pulldown-cmark
//! and syntect produce (paragraphs, lists, tables with their alignment, code with highlighting
//! classes, images, links, footnotes, task-list checkboxes), nothing else. Text is kept as text, so
//! MathJax delimiters (`\(..\)`, `\[..\]`) and cloze markers (`{{c1::...}}`) pass unchanged.
//!
//! [`unsafe_html`] finds, at their place in the source, what the sanitiser will remove (S021, a
//! warning), from the same tables. `sanitize-html = false` under `[apkg]` turns both off for
//! authors who need raw HTML on their cards (docs/anki.md).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag};
use regex::Regex;

use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Course, Item, Lesson};

/// Elements kept: ammonia's defaults (semantic and formatting HTML, tables, images, links), plus
/// `input` for Markdown task lists.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes kept on any element: `class` carries syntect's `hl-*` classes and pulldown-cmark's
/// `language-*` and footnote classes (styled by the card CSS; a class runs nothing).
const GENERIC_ATTRIBUTES: &[&str] = &["class", "lang", "title"];

/// Attributes kept on one element.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("bdo", &["dir"]),
    ("blockquote", &["cite"]),
    ("col", &["align", "span"]),
    ("colgroup", &["align", "span"]),
    ("del", &["cite", "datetime"]),
    ("div", &["id"]),
    ("h1", &["id"]),
    ("h2", &["id"]),
    ("h3", &["id"]),
    ("h4", &["id"]),
    ("h5", &["id"]),
    ("h6", &["id"]),
    ("img", &["align", "alt", "height", "src", "width"]),
    ("input", &["checked", "disabled", "type"]),
    ("ins", &["cite", "datetime"]),
    ("ol", &["start"]),
    ("q", &["cite"]),
    ("table", &["align", "summary"]),
    ("td", &["align", "colspan", "rowspan", "style"]),
    ("th", &["align", "colspan", "rowspan", "scope", "style"]),
];

/// CSS properties kept in a `style` attribute: pulldown-cmark's table column alignment.
const STYLE_PROPERTIES: &[&str] = &["text-align"];

/// URL schemes kept in `href` and `src`; relative URLs (the packed media names) are kept too.
pub(super) const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Attributes holding a URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
                .collect(),
        )
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        // `rel` would change every link of every existing note for no gain inside Anki.
        .link_rel(None);
    builder
});

/// `html` with everything outside the allow-list removed.
pub fn clean(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// A start tag: its name and its attributes' text.
static START_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
        .expect("the pattern compiles")
});

/// One attribute: name, then an optional value (quoted or not).
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"#)
        .expect("the pattern compiles")
});

static ALLOWED_ATTRIBUTES: LazyLock<HashMap<&'static str, HashSet<&'static str>>> =
    LazyLock::new(|| {
        TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
            .collect()
    });

/// Warnings (S021) for what [`clean`] removes from the question and the answer of every item of
/// `lesson`.
pub fn unsafe_html(course: &Course, lesson: &Lesson) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for item in &lesson.items {
        let text = &course.file(lesson.file).text;
        for range in [&item.question_span.range, &item.answer_span.range] {
            if let Some(markdown) = text.get(range.clone()) {
                check_markdown(lesson, item, markdown, range.start, &mut diagnostics);
            }
        }
    }
    diagnostics
}

fn check_markdown(
    lesson: &Lesson,
    item: &Item,
    markdown: &str,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !crate::parse::may_hold_links_or_html(markdown) {
        return;
    }
    for (range, what) in markdown_problems(markdown) {
        diagnostics.push(
            Diagnostic::new(
                codes::UNSAFE_HTML,
                Span::new(lesson.file, offset + range.start..offset + range.end),
                format!("{what} is removed from the card"),
            )
            .with_label("Anki would run this on the learner's device")
            .with_help("write it in Markdown, or set `sanitize-html = false` under `[apkg]` in cardsmith.toml if you trust every author and learner")
            .with_item(item.id.clone()),
        );
    }
}

/// What the sanitiser removes from `markdown` (raw HTML it does not keep, links and images with
/// a refused scheme), with ranges into it.
fn markdown_problems(markdown: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    for (event, range) in
        Parser::new_ext(markdown, crate::parse::markdown_options()).into_offset_iter()
    {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                // `html` is the event's text, which starts where the event does.
                found.extend(html_problems(&html).into_iter().map(|(at, what)| {
                    (range.start + at.start..range.start + at.end, what)
                }));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let Some(scheme) = refused_scheme(&dest_url) {
                    found.push((range, format!("the `{scheme}:` URL")));
                }
            }
            _ => {}
        }
    }
    found
}

/// What the sanitiser removes from a piece of raw HTML, with ranges into it.
fn html_problems(html: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    for tag in START_TAG.captures_iter(html) {
        let whole = tag.get(0).expect("group 0 is the match");
        let name = tag[1].to_ascii_lowercase();
        if !TAGS.contains(&name.as_str()) {
            found.push((whole.range(), format!("the element `<{name}>`")));
            continue;
        }
        let Some(attributes) = tag.get(2) else {
            continue;
        };
        for attribute in ATTRIBUTE.captures_iter(attributes.as_str()) {
            let attribute_name = attribute[1].to_ascii_lowercase();
            let allowed = GENERIC_ATTRIBUTES.contains(&attribute_name.as_str())
                || ALLOWED_ATTRIBUTES
                    .get(name.as_str())
                    .is_some_and(|allowed| allowed.contains(attribute_name.as_str()));
            let value = attribute
                .get(2)
                .or(attribute.get(3))
                .or(attribute.get(4))
                .map_or("", |value| value.as_str());
            let span = whole.range();
            if !allowed {
                found.push((
                    span,
                    format!("the attribute `{attribute_name}` of `<{name}>`"),
                ));
            } else if URL_ATTRIBUTES.contains(&attribute_name.as_str())
                && let Some(scheme) = refused_scheme(value)
            {
                found.push((span, format!("the `{scheme}:` URL of `<{name}>`")));
            }
        }
    }
    found
}

/// `&#x09;`, `&#58;`, and the named references that matter in a URL's scheme.
static URL_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)&(?:#x([0-9a-f]{1,6})|#([0-9]{1,7})|(colon|tab|newline));?")
        .expect("the pattern compiles")
});

/// The scheme of `url` when the sanitiser refuses it (`javascript`, `data`, ...). Character
/// references are decoded and whitespace and control characters dropped first, as browsers do
/// (`java&#x09;script:` is `javascript:`).
fn refused_scheme(url: &str) -> Option<String> {
    let decoded = URL_REFERENCE.replace_all(url, |captures: &regex::Captures<'_>| {
        let value = match (captures.get(1), captures.get(2), captures.get(3)) {
            (Some(hex), _, _) => u32::from_str_radix(hex.as_str(), 16).ok(),
            (_, Some(decimal), _) => decimal.as_str().parse().ok(),
            (_, _, Some(name)) => Some(match name.as_str().to_ascii_lowercase().as_str() {
                "colon" => u32::from(':'),
                "tab" => u32::from('\t'),
                _ => u32::from('\n'),
            }),
            _ => None,
        };
        value
            .and_then(char::from_u32)
            .map_or_else(String::new, String::from)
    });
    let (scheme, _) = decoded.split_once(':')?;
    let scheme: String = scheme
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let is_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    (is_scheme && !URL_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn rendered(markdown: &str) -> String {
        clean(&super::super::html::block(markdown, &BTreeMap::new()))
    }

    #[test]
    fn keeps_what_markdown_and_highlighting_make() {
        let markdown = "**b** *i* ~~s~~ `c` [l](https://example.com) ![i](img-1.png)\n\n\
            | a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n\n> quote\n\n\
            ```python\ndef f(): return 1 < 2\n```\n\n{{c1::cloze::hint}}\n";
        // MathJax delimiters as the math rendering leaves them: text.
        let before =
            super::super::html::block(markdown, &BTreeMap::new()) + "<p>\\(x^2\\) and \\[y\\]</p>";
        let after = clean(&before);
        for kept in [
            "<strong>b</strong>",
            "<del>s</del>",
            "<code>c</code>",
            "href=\"https://example.com\"",
            "src=\"img-1.png\"",
            "style=\"text-align:left\"",
            "type=\"checkbox\"",
            "<blockquote>",
            "class=\"hl-",
            "class=\"language-python\"",
            "\\(x^2\\)",
            "\\[y\\]",
            "{{c1::cloze::hint}}",
        ] {
            assert!(
                after.contains(kept),
                "lost `{kept}`:\n{before}\n->\n{after}"
            );
        }
    }

    #[test]
    fn removes_scripts_handlers_frames_styles_and_script_urls() {
        let html = rendered(
            "<script>alert(1)</script><style>.card{display:none}</style>\n\n\
             <img src=x onerror=\"alert(1)\"> <iframe src=\"https://e.com\"></iframe>\n\
             <a href=\"javascript:alert(1)\">a</a> [b](javascript:alert(2)) \
             ![c](data:image/png;base64,AAAA) <b onmouseover=\"x()\">bold</b>",
        );
        for gone in [
            "<script",
            "alert(1)",
            "<style",
            "display:none",
            "onerror",
            "<iframe",
            "javascript:",
            "data:",
            "onmouseover",
        ] {
            assert!(!html.contains(gone), "kept `{gone}`: {html}");
        }
        assert!(html.contains("<b>bold</b>"), "{html}");
    }

    #[test]
    fn finds_what_it_removes_in_raw_html() {
        let problems: Vec<String> = html_problems(
            "<b onmouseover=\"x()\" class=\"k\"> <SCRIPT> <a href=' JaVa script:x'> <a href=\"https://e.com\"> <img src=\"a.png\" alt=\"a > b\">",
        )
        .into_iter()
        .map(|(_, what)| what)
        .collect();
        assert_eq!(
            problems,
            vec![
                "the attribute `onmouseover` of `<b>`",
                "the element `<script>`",
                "the `javascript:` URL of `<a>`",
            ]
        );
    }

    #[test]
    fn only_refused_schemes_are_named() {
        assert_eq!(
            refused_scheme("javascript:x"),
            Some("javascript".to_owned())
        );
        assert_eq!(
            refused_scheme("java\tscript&colon;x"),
            Some("javascript".to_owned())
        );
        assert_eq!(
            refused_scheme("jAvA&#x09;script&#58;x"),
            Some("javascript".to_owned())
        );
        assert_eq!(refused_scheme("https://e.com"), None);
        assert_eq!(refused_scheme("img/a.png"), None);
        assert_eq!(refused_scheme("#anchor"), None);
    }

    #[test]
    fn the_shortcut_lets_every_kind_of_problem_through() {
        for markdown in [
            "<script>x</script>",
            "a <iframe src=x> b",
            "[a](javascript:alert(1))",
            "![a](java&#115;cript:x)",
            "[a]\n\n[a]: javascript:x",
            "<javascript:alert(1)>",
        ] {
            assert!(crate::parse::may_hold_links_or_html(markdown), "{markdown}");
            assert!(!markdown_problems(markdown).is_empty(), "{markdown}");
        }
    }
}
