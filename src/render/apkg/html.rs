//! Markdown to the HTML stored in note fields: CommonMark plus tables and strikethrough, fenced code
//! highlighted at build time ([`super::highlight`]), images pointed at their packed media name.

use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use super::highlight::{highlight, language_of};
use crate::parse::markdown_options;

/// Renders a block of Markdown (an answer). `media` maps an image destination as written to the
/// packed file name; destinations not in it (URLs) are kept.
pub fn block(markdown: &str, media: &BTreeMap<String, String>) -> String {
    let markdown = crate::markup::math::dollar_delimiters(markdown);
    let (pieces, _) = pieces(&markdown, media, false);
    to_html(pieces)
}

/// [`block`] through the card sanitiser: the same bytes as `sanitize::clean(&block(..))`, written
/// directly when the field holds nothing the sanitiser removes ([`super::serialize`]).
pub fn block_sanitized(markdown: &str, media: &BTreeMap<String, String>) -> String {
    sanitized(markdown, media, false)
}

/// [`inline`] through the card sanitiser, as [`block_sanitized`]: the same bytes as
/// `sanitize::clean(&inline(..))`.
pub fn inline_sanitized(markdown: &str, media: &BTreeMap<String, String>) -> String {
    sanitized(markdown, media, true)
}

fn sanitized(markdown: &str, media: &BTreeMap<String, String>, inline: bool) -> String {
    let markdown = crate::markup::math::dollar_delimiters(markdown);
    let pieces = match written_sanitized(&markdown, media, inline) {
        Ok(html) => return html,
        Err(pieces) => pieces,
    };
    let html = to_html(pieces);
    // Raw HTML can be moved or removed: the paragraph is taken off before, as without the fast
    // path.
    super::sanitize::clean(&if inline { without_paragraph(html) } else { html })
}

/// The sanitized HTML of `markdown` written directly, or its pieces when it holds something only
/// the sanitiser can judge.
fn written_sanitized<'a>(
    markdown: &'a str,
    media: &BTreeMap<String, String>,
    inline: bool,
) -> Result<String, Vec<Piece<'a>>> {
    let (pieces, code_as_sanitized) = pieces(markdown, media, true);
    let Some(html) = code_as_sanitized
        .then(|| super::serialize::sanitized(&pieces))
        .flatten()
    else {
        return Err(pieces);
    };
    let html = trimmed_end(html);
    // The paragraph's tags are the same before and after the sanitiser (nothing in this HTML is
    // moved or removed), and its content, sanitized alone, is what it is inside the paragraph
    // (phrasing content either way).
    Ok(if inline { without_paragraph(html) } else { html })
}

/// A piece of a field: a Markdown event, or what cardsmith writes in its place.
pub(super) enum Piece<'a> {
    Event(Event<'a>),
    /// A code block as HTML (see [`pieces`]).
    Code(String),
    /// A formula as Anki's MathJax reads it: the delimiters around the LaTeX (text, escaped
    /// when written; see [`crate::markup::math::mathjax`]).
    Math {
        open: &'static str,
        tex: String,
        close: &'static str,
    },
}

/// The pieces of `markdown`. With `sanitizing`, each code block's HTML is written as the
/// sanitiser would write it where it can be (the flag returned says whether every one was): the
/// sanitiser reads either form as the same elements and text.
fn pieces<'a>(
    markdown: &'a str,
    media: &BTreeMap<String, String>,
    sanitizing: bool,
) -> (Vec<Piece<'a>>, bool) {
    let mut pieces = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut code_as_sanitized = true;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::InlineMath(tex) => pieces.push(math_piece(&tex, false)),
            Event::DisplayMath(tex) => pieces.push(math_piece(&tex, true)),
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
                    let sanitized = sanitizing
                        .then(|| super::highlight::highlight_sanitized(&language, &body))
                        .flatten();
                    code_as_sanitized &= sanitized.is_some();
                    pieces.push(Piece::Code(
                        sanitized.unwrap_or_else(|| highlight(&language, &body)),
                    ));
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
                pieces.push(Piece::Event(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })));
            }
            other => pieces.push(Piece::Event(other)),
        }
    }
    (pieces, code_as_sanitized)
}

/// The pieces as pulldown-cmark writes them, code blocks and formulas as raw HTML.
fn to_html(pieces: Vec<Piece<'_>>) -> String {
    let events = pieces.into_iter().map(|piece| match piece {
        Piece::Event(event) => event,
        Piece::Code(html) => Event::Html(CowStr::from(html)),
        Piece::Math { open, tex, close } => {
            Event::InlineHtml(CowStr::from(format!("{open}{}{close}", escape(&tex))))
        }
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    trimmed_end(out)
}

/// `html` without its trailing whitespace, in place (a field's HTML is kilobytes: not copied).
fn trimmed_end(mut html: String) -> String {
    html.truncate(html.trim_end().len());
    html
}

/// A formula as MathJax delimiters in the field, its LaTeX as written (see
/// [`crate::markup::math::mathjax`]).
fn math_piece(tex: &str, display: bool) -> Piece<'static> {
    let (open, tex, close) = crate::markup::math::mathjax_parts(tex, display);
    Piece::Math { open, tex, close }
}

/// Renders inline Markdown (a question): like [`block`], without the paragraph around it.
pub fn inline(markdown: &str, media: &BTreeMap<String, String>) -> String {
    without_paragraph(block(markdown, media))
}

/// The content of `html` when it is one paragraph.
fn without_paragraph(mut html: String) -> String {
    let one_paragraph = html
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        .is_some_and(|inner| !inner.contains("<p>"));
    if one_paragraph {
        // Cut in place: the tags are the first three and the last four bytes.
        html.truncate(html.len() - "</p>".len());
        html.drain(.."<p>".len());
    }
    html
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

    /// Markdown of every construct the direct writer handles, and of some it leaves to the
    /// sanitiser, with the characters whose escaping differs between the two writers.
    const SAMPLES: &[&str] = &[
        "Why *Parquet* and **ORC**?",
        "Plain \"quoted\" 'single' text & more < less > greater, a\u{a0}no-break space.",
        "A `code span with \"quotes\" & <tags>` and ~~struck~~ text.",
        "First paragraph.\n\nSecond paragraph\nwith a soft break and a hard one  \nhere.",
        "- one\n- two with `code`\n- three\n\n1. first\n2. second\n\n3. loose third",
        "5. starts at five\n6. six\n\n- [x] done\n- [ ] not done",
        "- outer\n  - inner *em*\n    - innermost\n- back",
        "> a quote\n> with two lines\n>\n> - and a list",
        "#### A heading {#its-id .one .two}\n\ntext\n\n##### Another\n\n---\n\nafter a rule",
        "#### With a key {data-x=y}\n\nleft to the sanitiser",
        "| a | b | c | d |\n|:--|--:|:-:|---|\n| 1 | 2 | 3 | 4 |\n| `x` | *y* | z | <&> |",
        "| only | head |\n|---|---|",
        "[a link](https://example.com/a?b=1&c='2' \"a \\\"title\\\" <b>\") and <https://e.com/x y>",
        "[relative](img/a%20b.png) [anchor](#x) [mail](mailto:a@b.c) <a@b.c> [empty]()",
        "[bad scheme](javascript:alert(1)) is left to the sanitiser",
        "[bad url](http://[::1) is left to the sanitiser",
        "![alt *with* `code` and\nbreak](img-1.png \"its title\") ![](https://e.com/i.png)",
        "![outer ![inner](a.png) text](b.png)",
        "![math $x$ alt](a.png)",
        "[![image in link](a.png)](https://e.com)",
        "Unicode: é ü 中文 — “curly” ‘quotes’ … and emoji 🎉",
        "Math $x_1 * y_2 < z$ and \\(a > b\\), display:\n\n$$\\frac{1}{x^{2}}$$",
        "```sql\nSELECT 'a', \"b\" FROM t WHERE x < 1 AND y > 2 & z;\n```\n",
        "```python\ndef f():\n    return \"it's\" if a < b else '\u{a0}'\n```\n\nafter",
        "```nosuchlang\n<b> \"q\" 'q' & x\n```\n",
        "```\nno language 'q' \"q\"\n```\n",
        "    indented <code> 'q'\n    second line\n",
        "```it's<odd>\ncode\n```\n",
        "text then\n```rust\nfn main() {}\n```\nand text",
        "It is {{c1::columnar}}, {{c2::compressed::how?}}.",
        "Raw <b>bold</b> and <span onclick=\"x()\">handler</span>",
        "<div>\n\nblock html\n\n</div>",
        "A footnote[^1].\n\n[^1]: its text",
        "Carriage\r\nreturns\r\nhere",
        "A control \u{1}character and a bom \u{feff} too",
        "Character references: &amp; &lt; &nbsp; &copy; &#39; &quot; &#13;",
        "Trailing spaces   \n\n",
        "",
    ];

    #[test]
    fn the_fast_path_gives_ammonias_bytes() {
        let media = BTreeMap::from([("img/a b.png".to_owned(), "a-b-1234.png".to_owned())]);
        let mut written = 0;
        for markdown in SAMPLES {
            let expected_block = super::super::sanitize::clean(&block(markdown, &media));
            assert_eq!(block_sanitized(markdown, &media), expected_block, "{markdown:?}");
            let expected_inline = super::super::sanitize::clean(&inline(markdown, &media));
            assert_eq!(inline_sanitized(markdown, &media), expected_inline, "{markdown:?}");
            let dollars = crate::markup::math::dollar_delimiters(markdown);
            if written_sanitized(&dollars, &media, false).is_ok() {
                written += 1;
            }
        }
        // Most samples take the direct path (the test would prove nothing otherwise).
        assert!(written >= 25, "only {written} written directly");
    }

    /// Pieces of Markdown that the generated fields below are made of: every construct the
    /// direct writer handles, the ones it leaves to the sanitiser, and the characters whose
    /// escaping differs between the two writers.
    const FRAGMENTS: &[&str] = &[
        "word", " ", "\n", "\n\n", "*", "**", "_", "`", "~~", "\"", "'", "&", "<", ">",
        "\u{a0}", "\u{1}", "\u{feff}", "\r\n", "é中🎉", "- ", "1. ", "> ", "#### ", "---\n",
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n", "[", "]", "(", ")", "](https://e.com/a?b=1&c='2')",
        "](javascript:alert(1))", "](img/a b.png)", "![", "<b>", "</b>", "<span onclick=x()>",
        "<https://e.com/x>", "$x<y$", "\\(a>b\\)", "$$\\frac{1}{2}$$", "{{c1::", "::hint}}", "}}",
        "```sql\nSELECT 'a' < \"b\";\n```\n", "```\n<i> & 'q'\n```\n", "    indented\n",
        "[^1]", "[^1]: note\n", "&amp;", "&nbsp;", "&#39;", "{#id .c}", "  \n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever a field holds, the direct writer gives `ammonia`'s bytes or leaves the
        /// field to `ammonia`: it never lets through what the sanitiser would change.
        #[test]
        fn any_field_sanitized_directly_is_what_ammonia_writes(
            parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..24),
        ) {
            let markdown = parts.concat();
            let media = BTreeMap::from([("img/a b.png".to_owned(), "a-b-1234.png".to_owned())]);
            let expected_block = super::super::sanitize::clean(&block(&markdown, &media));
            proptest::prop_assert_eq!(block_sanitized(&markdown, &media), expected_block);
            let expected_inline = super::super::sanitize::clean(&inline(&markdown, &media));
            proptest::prop_assert_eq!(inline_sanitized(&markdown, &media), expected_inline);
        }
    }

    #[test]
    fn raw_html_and_refused_urls_go_through_the_sanitiser() {
        let media = BTreeMap::new();
        for markdown in [
            "Raw <b>bold</b>",
            "[x](javascript:alert(1))",
            "A footnote[^1].\n\n[^1]: text",
            "A control \u{1}character",
        ] {
            assert!(written_sanitized(markdown, &media, false).is_err(), "{markdown:?}");
        }
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
