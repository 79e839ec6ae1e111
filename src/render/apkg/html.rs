//! Markdown to the HTML stored in note fields: CommonMark plus tables and strikethrough, fenced code
//! highlighted at build time ([`super::highlight`]), images pointed at their packed media name.

use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use super::highlight::{highlight, language_of};
use crate::parse::markdown_options;

/// Renders a block of Markdown (an answer). `media` maps an image destination as written to the
/// packed file name; destinations not in it (URLs) are kept.
pub fn block(markdown: &str, media: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut code: Option<(String, String)> = None;
    let mut events = Vec::new();
    let markdown = crate::markup::math::dollar_delimiters(markdown);
    for event in Parser::new_ext(&markdown, markdown_options()) {
        match event {
            Event::InlineMath(tex) => events.push(math_event(&tex, false)),
            Event::DisplayMath(tex) => events.push(math_event(&tex, true)),
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => language_of(&info).to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, body)) = code.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((language, body)) = code.take() {
                    events.push(Event::Html(CowStr::from(highlight(&language, &body))));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match media.get(dest_url.as_ref()) {
                    Some(name) => CowStr::from(name.clone()),
                    None => dest_url,
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out.trim_end().to_owned()
}

/// A formula as MathJax delimiters in the field, its LaTeX as written (see
/// [`crate::markup::math::mathjax`]).
fn math_event(tex: &str, display: bool) -> Event<'static> {
    Event::InlineHtml(CowStr::from(crate::markup::math::mathjax(tex, display)))
}

/// Renders inline Markdown (a question): like [`block`], without the paragraph around it.
pub fn inline(markdown: &str, media: &BTreeMap<String, String>) -> String {
    let html = block(markdown, media);
    match html
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A `<ul>` of plain-text entries, or nothing when there are none (so `{{#Field}}` sections in
/// the card templates disappear).
pub fn list(entries: &[&str]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul>");
    for entry in entries {
        out.push_str("<li>");
        out.push_str(&escape(entry));
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_media() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    #[test]
    fn renders_emphasis_lists_and_tables() {
        let html = block(
            "**bold** and `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            &no_media(),
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn highlights_fenced_code_with_classes_not_scripts() {
        let html = block("```python\ndef f():\n    return 1 < 2\n```\n", &no_media());
        assert!(
            html.contains("<pre class=\"code\"><code class=\"language-python\">"),
            "{html}"
        );
        assert!(html.contains("hl-keyword"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn long_blocks_are_plain_text() {
        use super::super::highlight::HIGHLIGHT_LIMIT;
        let code = "x = 1 < 2\n".repeat(HIGHLIGHT_LIMIT / 10 + 1);
        let html = block(&format!("```python\n{code}```\n"), &no_media());
        assert!(!html.contains("hl-"), "not highlighted");
        assert!(html.contains("x = 1 &lt; 2"), "escaped");
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = block("```nosuchlang\n<b>\n```\n", &no_media());
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn images_point_at_their_media_name() {
        let media = BTreeMap::from([("img/a b.png".to_owned(), "a-b-1234.png".to_owned())]);
        let html = block("![diagram](<img/a b.png>)", &media);
        assert!(html.contains("src=\"a-b-1234.png\""), "{html}");
    }

    #[test]
    fn inline_drops_the_paragraph() {
        assert_eq!(
            inline("Why *Parquet*?", &no_media()),
            "Why <em>Parquet</em>?"
        );
    }

    #[test]
    fn math_reaches_the_field_with_its_backslashes_and_mathjax_delimiters() {
        let html = block(
            "Variance \\(\\sigma^2\\), $x_1 * y_2$ and\n\n\\[ E[X^2] \\]\n\n$$a<b$$",
            &no_media(),
        );
        assert!(html.contains(r"\(\sigma^2\)"), "{html}");
        assert!(html.contains(r"\(x_1 * y_2\)"), "{html}");
        assert!(html.contains(r"\[E[X^2]\]"), "{html}");
        assert!(html.contains(r"\[a&lt;b\]"), "{html}");
        assert!(!html.contains("<em>"), "{html}");
    }

    #[test]
    fn cloze_markers_survive_rendering() {
        let html = block(
            "It is {{c1::columnar}}, {{c2::compressed::how?}}.",
            &no_media(),
        );
        assert!(html.contains("{{c1::columnar}}"), "{html}");
        assert!(html.contains("{{c2::compressed::how?}}"), "{html}");
    }
}
