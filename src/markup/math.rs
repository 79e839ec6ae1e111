//! Math delimiters. pulldown-cmark's math option reads `$..$` (inline) and `$$..$$` (display);
//! LaTeX's `\(..\)` and `\[..\]`, which Anki's own editor writes, are CommonMark escapes that
//! would lose their backslashes, so [`dollar_delimiters`] turns them into the dollar forms before
//! a renderer parses the Markdown.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::parse::markdown_options;

/// `markdown` with every `\(..\)` written `$..$` and every `\[..\]` written `$$..$$`, outside code
/// spans, code blocks, raw HTML and existing math. A formula never spans a blank line, and one
/// holding a `$` is left as written (it cannot be delimited by dollars).
pub fn dollar_delimiters(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains("\\(") && !markdown.contains("\\[") {
        return Cow::Borrowed(markdown);
    }
    let protected = protected_ranges(markdown);
    let is_protected = |at: usize| protected.iter().any(|range| range.contains(&at));
    let bytes = markdown.as_bytes();
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        let (close, display) = match bytes[at + 1] {
            b'(' => ("\\)", false),
            b'[' => ("\\]", true),
            // `\\`, `\$`, ...: an escape pair, never the start of a formula.
            _ => {
                at += 2;
                continue;
            }
        };
        if is_protected(at) {
            at += 2;
            continue;
        }
        let body_start = at + 2;
        let Some(body_len) = find_close(&markdown[body_start..], close) else {
            at += 2;
            continue;
        };
        let body = &markdown[body_start..body_start + body_len];
        let end = body_start + body_len + close.len();
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.contains('$') || is_protected(end - 1) {
            at = end;
            continue;
        }
        out.push_str(&markdown[copied..at]);
        let fence = if display { "$$" } else { "$" };
        out.push_str(fence);
        out.push_str(trimmed);
        out.push_str(fence);
        copied = end;
        at = end;
    }
    if copied == 0 {
        return Cow::Borrowed(markdown);
    }
    out.push_str(&markdown[copied..]);
    Cow::Owned(out)
}

/// Where `close` first ends the formula in `rest`, skipping escape pairs (`\\`, `\{`); `None` past
/// a blank line.
fn find_close(rest: &str, close: &str) -> Option<usize> {
    // Bytes, not `str` slices: a step of one (or two, past a backslash) can land inside a
    // character (`\(é`), and the delimiters are ASCII, so a match is always on a boundary.
    let bytes = rest.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let here = &bytes[at..];
        if here.starts_with(close.as_bytes()) {
            return Some(at);
        }
        if here.starts_with(b"\n\n") || here.starts_with(b"\n\r\n") {
            return None;
        }
        at += if bytes[at] == b'\\' { 2 } else { 1 };
    }
    None
}

/// Byte ranges whose backslashes are not math delimiters: code, raw HTML, and math already
/// written with dollars.
fn protected_ranges(markdown: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut in_code_block: Option<usize> = None;
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(start) = in_code_block.take() {
                    ranges.push(start..range.end);
                }
            }
            Event::Code(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// A formula as Anki's MathJax reads it: `\(..\)` or `\[..\]` around the LaTeX, HTML-escaped.
/// A `}}` becomes `} }` (the same to TeX), so that a formula inside a cloze deletion does not
/// end it early: Anki's manual gives that fix for `}}` in a cloze.
pub fn mathjax(tex: &str, display: bool) -> String {
    let (open, tex, close) = mathjax_parts(tex, display);
    format!("{open}{}{close}", crate::render::apkg::html::escape(&tex))
}

/// [`mathjax`] before escaping: the delimiters and the LaTeX between them.
pub fn mathjax_parts(tex: &str, display: bool) -> (&'static str, String, &'static str) {
    let (open, close) = if display {
        ("\\[", "\\]")
    } else {
        ("\\(", "\\)")
    };
    let mut tex = tex.trim().to_owned();
    while tex.contains("}}") {
        tex = tex.replace("}}", "} }");
    }
    (open, tex, close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_delimiters_become_dollars() {
        assert_eq!(
            dollar_delimiters(r"Var is \( \sigma^2 \), and \[ E[X^2] \] too"),
            r"Var is $\sigma^2$, and $$E[X^2]$$ too"
        );
    }

    #[test]
    fn code_escapes_and_dollars_stay_as_written() {
        for text in [
            r"`\(x\)` in code",
            "```\n\\(x\\)\n```\n",
            r"an escaped \\(x\\) pair",
            r"$\(x\)$ already math",
            r"\( a $ b \)",
            "\\( no close",
            "\\( across\n\nparagraphs \\)",
            r"\(\)",
        ] {
            assert_eq!(dollar_delimiters(text), text, "{text}");
        }
    }

    #[test]
    fn mathjax_keeps_backslashes_escapes_html_and_splits_double_braces() {
        assert_eq!(mathjax(r"a<b \sigma", false), r"\(a&lt;b \sigma\)");
        assert_eq!(mathjax(r"\frac{1}{x^{2}}", true), r"\[\frac{1}{x^{2} }\]");
        assert_eq!(mathjax("{{{x}}}", false), r"\({{{x} } }\)");
    }
}
