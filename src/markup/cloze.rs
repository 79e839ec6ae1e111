//! Anki's cloze deletions, `{{c1::text}}` and `{{c1::text::hint}}`, read as Anki reads them: the
//! deletion ends at the first `}}` of its own level (deletions nest), its hint after the first
//! `::`. Math and code spans are skipped, so that a `}}` inside a formula does not end a deletion
//! (the Anki package writes such a `}}` as `} }`: see [`super::math::mathjax`]).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// `{{c1::`: the opening of a deletion, with its number.
static OPEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{c(\d+)::").expect("the cloze pattern compiles"));

/// One deletion, as byte ranges into the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The deletion number (`1` for `c1`).
    pub number: u32,
    /// From `{{` to `}}`, both included.
    pub whole: Range<usize>,
    /// The text to recall.
    pub text: Range<usize>,
    /// The hint, when one is given.
    pub hint: Option<Range<usize>>,
}

/// Every `{{cN::` opening of `text`, in order: its range and its number as written (which may be
/// out of Anki's range: `c0`, `c65536`). Unlike [`deletions`], an opening without its `}}` counts,
/// since Anki reads the ordinals of a card from the openings alone.
pub fn openings(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    OPEN.captures_iter(text).filter_map(|captures| {
        let (whole, number) = (captures.get(0)?, captures.get(1)?);
        Some((whole.range(), number.as_str()))
    })
}

/// The outermost deletions of `markdown`, in order. An opening without its `}}` is no deletion.
pub fn deletions(markdown: &str) -> Vec<Deletion> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = OPEN.captures_at(markdown, from) {
        let (Some(whole), Some(number)) = (open.get(0), open.get(1)) else {
            break;
        };
        match close_of(markdown, whole.end()) {
            Some((close, hint_at)) => {
                found.push(Deletion {
                    number: number.as_str().parse().unwrap_or(0),
                    whole: whole.start()..close + 2,
                    text: whole.end()..hint_at.unwrap_or(close),
                    hint: hint_at.map(|at| at + 2..close),
                });
                from = close + 2;
            }
            None => from = whole.end(),
        }
    }
    found
}

/// Whether `markdown` has at least one deletion.
pub fn has_deletion(markdown: &str) -> bool {
    !deletions(markdown).is_empty()
}

/// `markdown` with every deletion replaced by `mark(text)`: what a study guide or the cheat sheet
/// prints instead of the raw markup. A deletion nested in another is revealed as plain text inside
/// the outer one's mark.
pub fn reveal(markdown: &str, mark: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut copied = 0;
    for deletion in deletions(markdown) {
        out.push_str(&markdown[copied..deletion.whole.start]);
        let inner = reveal(&markdown[deletion.text.clone()], &|text| text.to_owned());
        out.push_str(&mark(&inner));
        copied = deletion.whole.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

/// The deletion's text in bold, as a Markdown study guide shows it.
pub fn bold(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!("**{text}**")
    }
}

/// The `}}` closing a deletion whose text starts at `start`, and where its hint's `::` is.
fn close_of(text: &str, start: usize) -> Option<(usize, Option<usize>)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut hint = None;
    let mut at = start;
    while at < bytes.len() {
        let rest = &text[at..];
        if rest.starts_with("}}") {
            if depth == 0 {
                return Some((at, hint));
            }
            depth -= 1;
            at += 2;
        } else if OPEN
            .find_at(text, at)
            .is_some_and(|open| open.start() == at)
        {
            depth += 1;
            at += 2;
        } else if depth == 0 && hint.is_none() && rest.starts_with("::") {
            hint = Some(at);
            at += 2;
        } else if let Some(skip) = skip_span(rest) {
            at += skip;
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// The length of a math or code span starting `rest`, or of an escape pair; `None` for anything
/// else.
fn skip_span(rest: &str) -> Option<usize> {
    let pairs: [(&str, &str); 5] = [
        ("$$", "$$"),
        ("$", "$"),
        ("\\(", "\\)"),
        ("\\[", "\\]"),
        ("`", "`"),
    ];
    for (open, close) in pairs {
        if let Some(after) = rest.strip_prefix(open) {
            return after
                .find(close)
                .map(|end| open.len() + end + close.len())
                .or(Some(open.len()));
        }
    }
    if let Some(escaped) = rest.strip_prefix('\\') {
        return Some(1 + escaped.chars().next().map_or(0, char::len_utf8));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_text_and_hint() {
        let text = "It is {{c1::columnar}}, {{c2::compressed::how?}}.";
        let found = deletions(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].text.clone()], "columnar");
        assert_eq!(found[1].number, 2);
        assert_eq!(&text[found[1].text.clone()], "compressed");
        assert_eq!(&text[found[1].hint.clone().expect("hint")], "how?");
    }

    #[test]
    fn a_double_brace_inside_math_does_not_end_the_deletion() {
        let text = r"{{c1::$\frac{1}{x^{2}}$}} rest";
        let found = deletions(text);
        assert_eq!(&text[found[0].text.clone()], r"$\frac{1}{x^{2}}$");
        assert_eq!(&text[found[0].whole.clone()], r"{{c1::$\frac{1}{x^{2}}$}}");
    }

    #[test]
    fn reveal_marks_the_text_and_drops_hints_and_nesting() {
        assert_eq!(
            reveal("A {{c1::b {{c2::c}}::hint}} d {{c3::e", &bold),
            "A **b c** d {{c3::e"
        );
        assert!(!has_deletion("{{c1::never closed"));
        assert!(has_deletion("{{c10::x}}"));
    }
}
