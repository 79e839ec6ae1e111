//! Formulas of a card side typeset for the preview, as Anki's MathJax typesets them in the
//! reviewer: each `\(..\)` and `\[..\]` of the side's text becomes MathML (pulldown-latex, which
//! follows MathML Core, rendered natively by Chromium and Firefox), its LaTeX shown on hover. The
//! deck keeps the delimiters; only the preview page changes.
//!
//! pulldown-latex writes some characters of the formula raw (`<mo><</mo>`), so its MathML goes
//! through `ammonia` with a MathML Core allow-list before it reaches the page: a formula holding
//! `\text{<script>...}` or a `</math>` stays text.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};
use regex::Regex;

/// A formula of a side's HTML: inline `\(..\)` or display `\[..\]`, on one side of any tag.
static FORMULA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\\\((?<inline>.+?)\\\)|\\\[(?<display>.+?)\\\]")
        .expect("the formula pattern is valid")
});

/// The elements of MathML Core that pulldown-latex writes.
const MATHML_TAGS: &[&str] = &[
    "math",
    "semantics",
    "mrow",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mover",
    "munder",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
];

/// Their presentation attributes (no event handler, no URL).
const MATHML_ATTRIBUTES: &[&str] = &[
    "display",
    "mathvariant",
    "stretchy",
    "fence",
    "separator",
    "symmetric",
    "largeop",
    "movablelimits",
    "lspace",
    "rspace",
    "minsize",
    "maxsize",
    "accent",
    "accentunder",
    "linethickness",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "columnlines",
    "rowlines",
    "frame",
    "framespacing",
    "width",
    "height",
    "depth",
    "voffset",
    "displaystyle",
    "scriptlevel",
    "mathcolor",
    "mathbackground",
    "mathsize",
    "form",
    "columnspan",
    "rowspan",
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(MATHML_TAGS.iter().copied().collect::<HashSet<_>>())
        .generic_attributes(MATHML_ATTRIBUTES.iter().copied().collect::<HashSet<_>>());
    builder
});

/// `side` with each formula in its text replaced by MathML. A formula that crosses a tag (a
/// cloze deletion cut through it) is left as written, as MathJax would leave it.
pub fn typeset(side: &str) -> String {
    if !side.contains("\\(") && !side.contains("\\[") {
        return side.to_owned();
    }
    FORMULA
        .replace_all(side, |captures: &regex::Captures<'_>| {
            let (escaped, display) = match (captures.name("inline"), captures.name("display")) {
                (Some(tex), _) => (tex.as_str(), false),
                (None, Some(tex)) => (tex.as_str(), true),
                (None, None) => return captures[0].to_owned(),
            };
            if escaped.contains(['<', '>']) {
                return captures[0].to_owned();
            }
            let tex = unescape(escaped);
            match mathml(&tex, display) {
                // The LaTeX on hover, as MathJax's menu shows it.
                Some(mathml) => format!(
                    "<span class=\"formula\" title=\"{}\">{mathml}</span>",
                    crate::render::apkg::html::escape(&tex)
                ),
                None => captures[0].to_owned(),
            }
        })
        .into_owned()
}

/// The MathML of one formula, sanitised; `None` when the renderer fails to write it. LaTeX it
/// cannot parse is marked in place (`<merror>`), as MathJax marks it.
fn mathml(tex: &str, display: bool) -> Option<String> {
    let storage = Storage::new();
    let parser = Parser::new(tex, &storage);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    push_mathml(&mut out, parser, config).ok()?;
    Some(SANITIZER.clean(&out).to_string())
}

/// The text of an HTML text run: the entities the deck's escaping and sanitiser write (`&amp;`,
/// `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&nbsp;` and numeric ones) decoded; any other `&` kept.
fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_display_formulas_become_mathml_with_their_source() {
        let side = typeset(r"Variance is \(\sigma^2\), and \[ E[X^2] - E[X]^2 \] too.");
        assert!(side.starts_with("Variance is <span"), "{side}");
        assert!(side.contains("<msup>"), "{side}");
        assert!(side.contains(r#"display="block""#), "{side}");
        assert!(
            side.contains(r#"<span class="formula" title="\sigma^2">"#),
            "{side}"
        );
        assert!(side.ends_with(" too."), "{side}");
        assert!(!side.contains(r"\("));
    }

    #[test]
    fn escaped_latex_is_read_as_written() {
        let side = typeset(r"\(a &lt; b \text{ and &lt;b&gt;x&lt;/b&gt; } c &gt; d\)");
        assert!(side.contains("<mo>&lt;</mo>"), "{side}");
        assert!(side.contains("<mo>&gt;</mo>"), "{side}");
        assert!(!side.contains("<b>"), "{side}");
    }

    #[test]
    fn markup_in_a_formula_stays_text() {
        // An attribute named so, not text or an attribute's quoted value.
        let attribute = Regex::new(r#"<[a-z]+(\s+[a-z]+="[^"]*")*\s+onmouseover"#).expect("valid");
        for hostile in [
            r"\(\text{&lt;script&gt;alert(1)&lt;/script&gt;}\)",
            r"\(x &lt;/math&gt;&lt;img src=x onerror=alert(1)&gt;\)",
            r#"\(\text{&quot; onmouseover=&quot;alert(1)}\)"#,
            r#"\(x" onmouseover="alert(1)\)"#,
        ] {
            let side = typeset(hostile);
            assert!(side.contains("<math"), "{side}");
            assert!(!side.contains("<script"), "{side}");
            assert!(!side.contains("<img"), "{side}");
            assert!(!attribute.is_match(&side), "{side}");
        }
    }

    #[test]
    fn text_without_formulas_or_with_a_cut_one_is_unchanged() {
        assert_eq!(typeset("plain <b>text</b>"), "plain <b>text</b>");
        let cut = r#"\(x <span class="cloze">[...]</span>\)"#;
        assert_eq!(typeset(cut), cut);
    }

    #[test]
    fn unknown_entities_and_stray_ampersands_stay() {
        assert_eq!(
            unescape("a &amp; b &unknown; c & d &#955;"),
            "a & b &unknown; c & d λ"
        );
    }
}
