//! Syntax highlighting of fenced code blocks in note fields (CSS classes, no JavaScript:
//! AnkiMobile and AnkiDroid show it as is), and S025 for a block that names a language but is
//! shown plain: one decision ([`plain_reason`]) serves both, so the warning never disagrees
//! with the package.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::html::escape;
use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Course, Lesson};
use crate::wording::plural;

/// The prefix of every highlighting class (`hl-keyword`, `hl-string`, ...), styled in
/// `templates/anki/style.css`.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// syntect's bundled grammars (Sublime Text's defaults), loaded once.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The largest code block highlighted; a longer one is shown as plain `<pre>` text. syntect's
/// cost grows with the block (a 3 MB block took 19 s and 981 MB), and no card needs a highlighted
/// block that long.
pub const HIGHLIGHT_LIMIT: usize = 64 * 1024;

/// Info strings that ask for plain text: no highlighting, and no S025 about it.
const PLAIN_LANGUAGES: &[&str] = &["text", "txt", "plain", "plaintext", "none", "nohighlight"];

/// The language of a fenced block's info string: its first word (```` ```rust,ignore ````,
/// ```` ```python {.numberLines} ````).
pub fn language_of(info: &str) -> &str {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or_default()
}

/// Why a block that names `language` is shown plain, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    /// No bundled grammar has this name or extension.
    UnknownLanguage,
    /// Over [`HIGHLIGHT_LIMIT`] bytes.
    TooLong,
}

/// Whether a block of `len` bytes in `language` is left plain although it names a language
/// (`None` for a highlighted block, and for one that names none or asks for plain text).
pub fn plain_reason(language: &str, len: usize) -> Option<Plain> {
    if language.is_empty() || PLAIN_LANGUAGES.contains(&language.to_ascii_lowercase().as_str()) {
        return None;
    }
    if syntax(language).is_none() {
        Some(Plain::UnknownLanguage)
    } else if len > HIGHLIGHT_LIMIT {
        Some(Plain::TooLong)
    } else {
        None
    }
}

fn syntax(language: &str) -> Option<&'static SyntaxReference> {
    SYNTAXES.find_syntax_by_token(language)
}

/// A fenced block as `<pre><code>` with highlighting spans when the language is known and the
/// block is at most [`HIGHLIGHT_LIMIT`] bytes.
pub fn highlight(language: &str, code: &str) -> String {
    let body = highlighted(language, code).unwrap_or_else(|| escape(code));
    let class = if language.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(language))
    };
    format!("<pre class=\"code\"><code{class}>{body}</code></pre>\n")
}

/// [`highlight`] as the card sanitiser writes it (see [`super::serialize`]); `None` when it holds
/// text only the sanitiser can write.
pub fn highlight_sanitized(language: &str, code: &str) -> Option<String> {
    let body = match highlighted(language, code) {
        Some(html) => super::serialize::highlighted(&html)?,
        None => super::serialize::text(code)?,
    };
    let class = if language.is_empty() {
        String::new()
    } else {
        format!(
            " class=\"language-{}\"",
            super::serialize::attribute(language)?
        )
    };
    Some(format!(
        "<pre class=\"code\"><code{class}>{body}</code></pre>\n"
    ))
}

/// The highlighting spans of `code`, when its language is known and it is short enough: what
/// syntect's `ClassedHTMLGenerator` writes, line by line, each line taken from [`LINES`] when
/// this thread highlighted the same line from the same state before.
fn highlighted(language: &str, code: &str) -> Option<String> {
    let syntax = (!language.is_empty() && code.len() <= HIGHLIGHT_LIMIT)
        .then(|| syntax(language))
        .flatten()?;
    LINES.with(|lines| {
        let mut lines = lines.borrow_mut();
        let mut state = LineState {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        };
        let mut html = String::with_capacity(code.len() * 3);
        let mut open_spans: isize = 0;
        for line in LinesWithEndings::from(code) {
            let made = lines.line(&syntax.name, line, &mut state)?;
            html.push_str(&made.html);
            open_spans += made.delta;
        }
        for _ in 0..open_spans {
            html.push_str("</span>");
        }
        Some(html)
    })
}

/// Where a grammar is at the start of a line: what syntect's parser and the HTML writer carry
/// from one line to the next.
#[derive(Clone, PartialEq, Eq)]
struct LineState {
    parse: ParseState,
    scopes: ScopeStack,
}

/// One highlighted line: its HTML, the spans it leaves open (or closes), and the state after it.
struct MadeLine {
    before: LineState,
    html: String,
    delta: isize,
    after: LineState,
}

/// The lines highlighted so far, by grammar and text: a line's HTML is a function of its text
/// and the state before it, so the same line from the same state (a closing brace, a `GROUP BY`
/// that many blocks share, a blank line) is highlighted once. Bounded: cleared past
/// [`MEMO_BYTES`].
#[derive(Default)]
struct HighlightedLines {
    by_grammar: HashMap<String, HashMap<String, Vec<MadeLine>>>,
    bytes: usize,
}

/// The most a thread keeps of highlighted lines (text and HTML, roughly).
const MEMO_BYTES: usize = 8 * 1024 * 1024;

impl HighlightedLines {
    /// `line` highlighted by `grammar` from `state`, which becomes the state after it; `None` on
    /// a grammar error.
    fn line(&mut self, grammar: &str, line: &str, state: &mut LineState) -> Option<&MadeLine> {
        let found = self
            .by_grammar
            .get(grammar)
            .and_then(|lines| lines.get(line))
            .and_then(|made| made.iter().position(|made| made.before == *state));
        let Some(index) = found else {
            let before = state.clone();
            let ops = state.parse.parse_line(line, &SYNTAXES).ok()?;
            let (html, delta) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut state.scopes).ok()?;
            let size = 2 * line.len() + html.len() + 256;
            if self.bytes + size > MEMO_BYTES {
                self.by_grammar.clear();
                self.bytes = 0;
            }
            self.bytes += size;
            let made = self
                .by_grammar
                .entry(grammar.to_owned())
                .or_default()
                .entry(line.to_owned())
                .or_default();
            made.push(MadeLine {
                before,
                html,
                delta,
                after: state.clone(),
            });
            return made.last();
        };
        let made = self.by_grammar.get(grammar)?.get(line)?.get(index)?;
        state.clone_from(&made.after);
        Some(made)
    }
}

thread_local! {
    /// The lines this thread highlighted.
    static LINES: RefCell<HighlightedLines> = RefCell::new(HighlightedLines::default());
}

/// S025: every fenced block of an answer of `lesson` that names a language and is shown plain, at its
/// opening fence (the `card` block is settings, not code).
pub fn unhighlighted_blocks(course: &Course, lesson: &Lesson) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for item in &lesson.items {
        let text = &course.file(lesson.file).text;
        let offset = item.answer_span.range.start;
        let Some(answer) = text.get(item.answer_span.range.clone()) else {
            continue;
        };
        // (language, opening fence range, bytes of code so far)
        let mut open: Option<(String, std::ops::Range<usize>, usize)> = None;
        for (event, range) in
            Parser::new_ext(answer, crate::parse::markdown_options()).into_offset_iter()
        {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let fence_end = answer[range.clone()]
                        .find('\n')
                        .map_or(range.end, |newline| range.start + newline);
                    let language = language_of(&info).to_owned();
                    open = Some((language, offset + range.start..offset + fence_end, 0));
                }
                Event::Text(code) => {
                    if let Some((_, _, len)) = open.as_mut() {
                        *len += code.len();
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    let Some((language, fence, len)) = open.take() else {
                        continue;
                    };
                    if language == "card" {
                        continue;
                    }
                    if let Some(reason) = plain_reason(&language, len) {
                        diagnostics.push(
                            diagnostic(reason, &language, len, Span::new(lesson.file, fence))
                                .with_item(item.id.clone()),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    diagnostics
}

fn diagnostic(reason: Plain, language: &str, len: usize, span: Span) -> Diagnostic {
    match reason {
        Plain::UnknownLanguage => Diagnostic::new(
            codes::UNHIGHLIGHTED_CODE_BLOCK,
            span,
            format!("no grammar for `{language}`: Anki shows this code block as plain text"),
        )
        .with_label("unknown language")
        .with_help(
            "name a bundled grammar by its name or extension (`rs`, `py`, `sh`, `sql`, `yaml`, \
             `json`, `go`, `js`, ...: Sublime Text's defaults), or write ```text to show it \
             plain on purpose",
        ),
        Plain::TooLong => Diagnostic::new(
            codes::UNHIGHLIGHTED_CODE_BLOCK,
            span,
            format!(
                "this `{language}` block is {}, over the {} KiB cardsmith highlights: Anki shows \
                 it as plain text",
                plural(len, "byte"),
                HIGHLIGHT_LIMIT / 1024
            ),
        )
        .with_label("too long to highlight")
        .with_help(
            "shorten it or split it into blocks of at most 64 KiB to get highlighting, or \
             write ```text to show it plain on purpose",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_on_purpose_and_highlighted_blocks_are_not_reported() {
        for language in [
            "", "text", "TXT", "plain", "rust", "rs", "python", "sh", "sql",
        ] {
            assert_eq!(plain_reason(language, 10), None, "{language}");
        }
        assert_eq!(plain_reason("text", HIGHLIGHT_LIMIT * 2), None);
    }

    #[test]
    fn unknown_languages_and_long_blocks_are() {
        assert_eq!(plain_reason("nosuchlang", 10), Some(Plain::UnknownLanguage));
        assert_eq!(
            plain_reason("python", HIGHLIGHT_LIMIT + 1),
            Some(Plain::TooLong)
        );
        assert_eq!(plain_reason("python", HIGHLIGHT_LIMIT), None);
    }

    /// What syntect's own generator writes for `code`.
    fn generated(language: &str, code: &str) -> String {
        let syntax = syntax(language).expect("a bundled grammar");
        let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
            syntax, &SYNTAXES, CLASS_STYLE,
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .expect("highlights");
        }
        generator.finalize()
    }

    #[test]
    fn lines_highlighted_before_give_syntects_bytes() {
        let blocks = [
            ("sql", "SELECT a, count(*)\nFROM t\nWHERE a > :mark\nGROUP BY a;\n"),
            ("sql", "SELECT b, count(*)\nFROM u\nWHERE b > :mark\nGROUP BY b;\n"),
            ("sql", "SELECT 'it''s', \"q\"\n/* open\nGROUP BY a;\nstill */ GROUP BY a;\n"),
            ("python", "def f():\n    return \"\"\"\n}\n\"\"\"\n}\n"),
            ("rust", "fn main() {\n    let s = r#\"}\n\"#;\n}\n"),
            ("rust", "}\n}\n"),
            ("python", "no newline at the end"),
        ];
        // Twice: the second round takes every line from the first.
        for _ in 0..2 {
            for (language, code) in blocks {
                assert_eq!(
                    highlighted(language, code).as_deref(),
                    Some(generated(language, code).as_str()),
                    "{language}: {code:?}"
                );
            }
        }
    }

    #[test]
    fn the_language_is_the_first_word_of_the_info_string() {
        assert_eq!(language_of("rust,ignore"), "rust");
        assert_eq!(language_of("python {.numberLines}"), "python");
        assert_eq!(language_of(""), "");
    }
}
