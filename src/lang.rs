//! The languages a lesson may be written in (front matter `lang:`), and what the matcher knows of
//! each: its Snowball stemmer, and whether the script separates words with spaces.
//!
//! A tag is a BCP 47 language tag; only its primary subtag matters (`en-GB` and `en` are both
//! English). The table is the list of Snowball stemmers `rust-stemmers` ships, plus the common
//! languages written without spaces between words, which are matched on substrings.

pub mod questions;

/// The tag a lesson without `lang:` has.
pub const DEFAULT: &str = "en";

/// One language the matcher knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// The primary subtag, ISO 639-1, lowercase.
    pub code: &'static str,
    /// English name, for messages.
    pub name: &'static str,
    /// Words are separated by spaces (and so are stemmed and matched as words); `false` for
    /// scripts such as Chinese, Japanese and Thai, matched on substrings instead.
    pub spaced: bool,
}

/// Every language `lang:` accepts, by code.
pub const LANGUAGES: &[Language] = &[
    spaced("ar", "Arabic"),
    spaced("da", "Danish"),
    spaced("de", "German"),
    spaced("el", "Greek"),
    spaced("en", "English"),
    spaced("es", "Spanish"),
    spaced("fi", "Finnish"),
    spaced("fr", "French"),
    spaced("hu", "Hungarian"),
    spaced("it", "Italian"),
    unspaced("ja", "Japanese"),
    unspaced("ko", "Korean"),
    spaced("nb", "Norwegian Bokmål"),
    spaced("nl", "Dutch"),
    spaced("no", "Norwegian"),
    spaced("pt", "Portuguese"),
    spaced("ro", "Romanian"),
    spaced("ru", "Russian"),
    spaced("sv", "Swedish"),
    spaced("ta", "Tamil"),
    unspaced("th", "Thai"),
    spaced("tr", "Turkish"),
    unspaced("zh", "Chinese"),
];

const fn spaced(code: &'static str, name: &'static str) -> Language {
    Language {
        code,
        name,
        spaced: true,
    }
}

const fn unspaced(code: &'static str, name: &'static str) -> Language {
    Language {
        code,
        name,
        spaced: false,
    }
}

/// The language of a tag such as `en`, `en-GB` or `pt_BR` (case-insensitive), if known.
pub fn lookup(tag: &str) -> Option<&'static Language> {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .find(|language| language.code.eq_ignore_ascii_case(primary))
}

/// The language of a validated code (`Lesson::lang`); English for anything unknown, so that a
/// lesson built by hand in a test still matches.
pub fn of(code: &str) -> &'static Language {
    lookup(code).unwrap_or(&LANGUAGES[4])
}

/// The known codes, comma-separated, for a help message.
pub fn known_codes() -> String {
    LANGUAGES
        .iter()
        .map(|language| language.code)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_case_are_ignored() {
        assert_eq!(lookup("en-GB").map(|l| l.code), Some("en"));
        assert_eq!(lookup("PT_br").map(|l| l.code), Some("pt"));
        assert_eq!(lookup("xx"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn default_is_english() {
        assert_eq!(of(DEFAULT).name, "English");
        assert_eq!(of("nonsense").code, "en");
    }
}
