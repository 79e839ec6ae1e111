//! Checking and compiling the alternatives of `match` and `unless` (and of project rules).
//!
//! Three kinds, told apart by their first character:
//! - a **phrase** (`idempotent writes`): matched on words by the lint stage's matcher
//!   (`lint::matching`); here it is only checked to hold a word;
//! - an **exact phrase** (`=exactly once`): these words in this order, adjacent and on word
//!   boundaries; only case and the amount of whitespace may differ;
//! - a **regex** (`/overhead|latency/`): Rust `regex` syntax, used as written, so case-sensitive
//!   unless it says `(?i)`.
//!
//! Regexes are bounded: a compiled size limit, a lazy-DFA cache limit and a length limit, and each
//! distinct source is compiled once per parse run ([`Cache`]), so a lesson repeating one costly
//! regex a thousand times pays for it once.

use std::collections::HashSet;

use foldhash::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use regex::{Regex, RegexBuilder};

use crate::model::PatternKind;

/// Longest alternative accepted, in bytes.
pub const MAX_SOURCE_LEN: usize = 500;
/// Compiled size a regex may take (`RegexBuilder::size_limit`).
pub const REGEX_SIZE_LIMIT: usize = 512 << 10;
/// Lazy DFA cache per regex (`RegexBuilder::dfa_size_limit`).
pub const REGEX_DFA_LIMIT: usize = 256 << 10;
/// Distinct regexes (and exact phrases) one parse run compiles; beyond it each is an error.
pub const MAX_DISTINCT_REGEXES: usize = 256;

/// A compiled alternative: its kind and, for an exact phrase or a regex, the regex.
pub type Compiled = (PatternKind, Option<Regex>);

/// Each distinct source compiled once.
#[derive(Debug, Default)]
pub struct Cache {
    compiled: HashMap<String, Result<Compiled, String>>,
    regexes: usize,
    /// Every distinct source needing a regex that any cache sharing this set met (see
    /// [`Cache::sharing`]).
    run_regexes: Option<Arc<Mutex<HashSet<String>>>>,
}

impl Cache {
    /// A cache of one of several threads parsing one run's lessons side by side: each counts
    /// the regexes it compiled itself, and adds their sources to `run_regexes`, so that the run
    /// can tell whether all of them together stayed within [`MAX_DISTINCT_REGEXES`] (then each
    /// lesson's patterns are what one cache for the whole run gives them).
    pub fn sharing(run_regexes: Arc<Mutex<HashSet<String>>>) -> Cache {
        Cache {
            run_regexes: Some(run_regexes),
            ..Cache::default()
        }
    }

    /// Compiles `source`, or returns what compiling it gave before.
    pub fn compile(&mut self, source: &str) -> Result<Compiled, String> {
        if let Some(known) = self.compiled.get(source) {
            return known.clone();
        }
        if let Some(run_regexes) = &self.run_regexes
            && needs_regex(source)
        {
            // A poisoned set still holds every source added before the panic.
            run_regexes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(source.to_owned());
        }
        let result = if needs_regex(source) && self.regexes >= MAX_DISTINCT_REGEXES {
            Err(format!(
                "more than {MAX_DISTINCT_REGEXES} distinct regexes and exact phrases in one run; \
                 write plain phrases, which cost no regex"
            ))
        } else {
            if needs_regex(source) {
                self.regexes += 1;
            }
            compile(source)
        };
        self.compiled.insert(source.to_owned(), result.clone());
        result
    }
}

fn needs_regex(source: &str) -> bool {
    source.starts_with('=') || regex_body(source).is_some()
}

fn regex_body(source: &str) -> Option<&str> {
    source
        .strip_prefix('/')
        .and_then(|rest| rest.strip_suffix('/'))
        .filter(|_| source.len() >= 2)
}

/// Compiles one alternative. The error is a one-line explanation fit for a diagnostic.
pub fn compile(source: &str) -> Result<Compiled, String> {
    if source.len() > MAX_SOURCE_LEN {
        return Err(format!(
            "{} bytes long, over the limit of {MAX_SOURCE_LEN}; split it into shorter alternatives",
            source.len()
        ));
    }
    if let Some(inner) = regex_body(source) {
        if inner.is_empty() {
            return Err("empty regex `//` would match every answer".to_owned());
        }
        return build(inner).map(|regex| (PatternKind::Regex, Some(regex)));
    }
    if let Some(exact) = source.strip_prefix('=') {
        return exact_regex(exact).map(|regex| (PatternKind::Exact, Some(regex)));
    }
    if !source.chars().any(char::is_alphanumeric) {
        return Err("a phrase without a letter or digit would match every answer".to_owned());
    }
    Ok((PatternKind::Phrase, None))
}

/// Builds a regex within the size limits.
pub fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
        .map_err(|error| match error {
            regex::Error::CompiledTooBig(limit) => format!(
                "the regex compiles to more than {limit} bytes; use narrower classes \
                 (`[a-z]` or `(?-u:\\w)` for `\\w`) or fewer repetitions"
            ),
            other => regex_error_summary(&other),
        })
}

/// `=words`: the words as written, in order, adjacent, on word boundaries; case and runs of
/// whitespace aside. Inline Markdown in it (`**`, backticks) is dropped as in answers.
fn exact_regex(phrase: &str) -> Result<Regex, String> {
    let plain = crate::lint::matching::strip_markdown(phrase);
    let words: Vec<&str> = plain.split_whitespace().collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Err("empty exact phrase `=` would match every answer".to_owned());
    };
    let body = words
        .iter()
        .map(|word| regex::escape(word))
        .collect::<Vec<_>>()
        .join(r"\s+");
    // `\b` only makes sense next to a word character: "C++" must still match before a space.
    let starts_in_word = first.chars().next().is_some_and(is_word_char);
    let ends_in_word = last.chars().next_back().is_some_and(is_word_char);
    build(&format!(
        "(?i){}{}{}",
        if starts_in_word { r"\b" } else { "" },
        body,
        if ends_in_word { r"\b" } else { "" }
    ))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The regex crate's errors draw the pattern with a caret over several lines; a diagnostic wants
/// the one line that says what is wrong.
fn regex_error_summary(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .map_or_else(|| text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regex_matches(pattern: &str, text: &str) -> bool {
        compile(pattern)
            .expect("valid")
            .1
            .expect("a regex")
            .is_match(text)
    }

    #[test]
    fn kinds_are_told_apart_by_their_first_character() {
        assert_eq!(
            compile("idempotent writes").map(|c| c.0),
            Ok(PatternKind::Phrase)
        );
        assert_eq!(
            compile("=exactly once").map(|c| c.0),
            Ok(PatternKind::Exact)
        );
        assert_eq!(compile("/a|b/").map(|c| c.0), Ok(PatternKind::Regex));
    }

    #[test]
    fn exact_phrase_ignores_case_and_spacing_only() {
        assert!(regex_matches("=Exactly once", "it is exactly\n  once"));
        assert!(!regex_matches("=exactly once", "exactly-once"));
        assert!(!regex_matches("=cost", "it costs"));
        assert!(regex_matches("=C++", "we use C++ here"));
        assert!(regex_matches("=**no-cache**", "send no-cache"));
    }

    #[test]
    fn regex_is_used_as_written() {
        assert!(regex_matches("/overhead|latency/", "adds latency"));
        assert!(!regex_matches("/Latency/", "adds latency"));
    }

    #[test]
    fn bad_regex_gives_one_line_error() {
        let error = compile("/(unclosed/").expect_err("invalid");
        assert!(!error.contains('\n'), "{error}");
        assert!(error.contains("unclosed"), "{error}");
    }

    #[test]
    fn empty_alternatives_are_errors() {
        assert!(compile("//").is_err());
        assert!(compile("  - ").is_err());
        assert!(compile("=").is_err());
    }

    #[test]
    fn costly_regexes_are_refused_and_compiled_once() {
        let error = compile(r"/\w{100}x/").expect_err("too big");
        assert!(error.contains("more than"), "{error}");
        assert!(compile(&"a".repeat(MAX_SOURCE_LEN + 1)).is_err());
        let mut cache = Cache::default();
        for _ in 0..1000 {
            assert!(cache.compile(r"/\w{100}x/").is_err());
        }
        assert_eq!(cache.regexes, 1);
        for n in 1..MAX_DISTINCT_REGEXES {
            assert!(cache.compile(&format!("/x{n}/")).is_ok());
        }
        let error = cache.compile("/one-too-many/").expect_err("over the cap");
        assert!(error.contains("distinct regexes"), "{error}");
        assert!(cache.compile("a plain phrase").is_ok());
    }
}
