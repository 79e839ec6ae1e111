//! Compiling the alternatives of `match` and `unless` into regexes.
//!
//! A phrase matches as itself: case-insensitive, on whole words, with hyphens and runs of
//! whitespace interchangeable ("at least once" finds "at-least-once" and a line break inside it).
//! `/regex/` is used as written (Rust `regex` syntax; add `(?i)` for case-insensitivity).

use regex::Regex;

use crate::model::PatternKind;

/// Compiles one alternative. The error is a one-line explanation fit for a diagnostic.
pub fn compile(source: &str) -> Result<(PatternKind, Regex), String> {
    if let Some(inner) = source
        .strip_prefix('/')
        .and_then(|rest| rest.strip_suffix('/'))
        .filter(|_| source.len() >= 2)
    {
        if inner.is_empty() {
            return Err("empty regex `//` would match every answer".to_owned());
        }
        return Regex::new(inner)
            .map(|regex| (PatternKind::Regex, regex))
            .map_err(|error| regex_error_summary(&error));
    }
    phrase_regex(source).map(|regex| (PatternKind::Phrase, regex))
}

fn phrase_regex(phrase: &str) -> Result<Regex, String> {
    let words: Vec<&str> = phrase
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|word| !word.is_empty())
        .collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Err("empty phrase would match every answer".to_owned());
    };
    let body = words
        .iter()
        .map(|word| regex::escape(word))
        .collect::<Vec<_>>()
        .join(r"[\s\-]+");
    // `\b` only makes sense next to a word character: "C++" must still match before a space.
    let starts_in_word = first.chars().next().is_some_and(is_word_char);
    let ends_in_word = last.chars().next_back().is_some_and(is_word_char);
    let pattern = format!(
        "(?i){}{}{}",
        if starts_in_word { r"\b" } else { "" },
        body,
        if ends_in_word { r"\b" } else { "" }
    );
    Regex::new(&pattern).map_err(|error| regex_error_summary(&error))
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

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern).expect("valid").1.is_match(text)
    }

    #[test]
    fn phrase_is_case_insensitive_and_whole_word() {
        assert!(matches("Cost", "the cost of it"));
        assert!(!matches("cost", "it costs"));
        assert!(!matches("cost", "lowcost"));
    }

    #[test]
    fn phrase_treats_hyphens_and_spaces_alike() {
        assert!(matches("at least once", "at-least-once delivery"));
        assert!(matches("exactly-once", "exactly once"));
        assert!(matches("predicate pushdown", "predicate\n pushdown"));
    }

    #[test]
    fn phrase_with_symbols_matches_literally() {
        assert!(matches("C++", "we use C++ here"));
        assert!(matches("97%", "reads 97% less"));
    }

    #[test]
    fn regex_is_used_as_written() {
        assert!(matches("/overhead|latency/", "adds latency"));
        assert!(!matches("/Latency/", "adds latency"));
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
    }
}
