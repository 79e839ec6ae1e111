//! `[lint]` in `cardsmith.toml` as written: plain data, validated and compiled by
//! `lint::settings` into the settings the rules read.
//!
//! ```toml
//! [lint]
//! select = ["ALL"]            # codes or prefixes ("Q", "Q00"); default: every rule
//! ignore = ["Q005"]           # wins over select
//! answer-word-budget = 150    # Q001
//! max-enumeration = 5         # Q003
//! near-duplicate-similarity = 0.75  # Q006, 0..1
//! builtin-synonyms = true     # the languages' own synonym groups (docs/lint.md)
//!
//! [lint.severity]
//! Q001 = "error"              # or "warning"; a code or a name
//!
//! [[lint.rules]]              # project-wide rules, Vale-style (P002, R002)
//! name = "exactly-once-cost"
//! extends = "conditional"     # or "existence"
//! message = "mentions exactly-once without its cost"
//! first = ["exactly-once"]
//! second = ["cost", "expensive", "/throughput|latency/"]
//! tags = ["streaming"]        # scope: items with any of these tags (optional)
//! lessons = ["pipeline-probes"]  # scope: these lessons (optional)
//! level = "error"             # optional, else the severity of P002/R002
//!
//! [lint.synonyms]             # words that count as one when matching phrases
//! store = ["persist", "save", "keep", "land"]
//! ```
//!
//! The structure errors (every S code but S018) are always on and always errors: a lesson that
//! cannot be read into items, or an output that cannot be built, cannot be waved through. S018, a
//! structure warning, is configured like any rule.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[lint]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct LintConfig {
    /// Codes or code prefixes to enable; `ALL` for every rule.
    pub select: Vec<String>,
    /// Codes or code prefixes to disable (wins over `select`).
    pub ignore: Vec<String>,
    /// Per-code severity.
    pub severity: BTreeMap<String, Level>,
    /// Q001: words an answer may have.
    pub answer_word_budget: usize,
    /// Q003: items a list or inline series may have.
    pub max_enumeration: usize,
    /// Q006: Jaccard similarity (0 to 1) of their content words from which two questions count
    /// as near-duplicates.
    pub near_duplicate_similarity: f64,
    /// Project-wide rules.
    pub rules: Vec<ProjectRuleConfig>,
    /// Synonym groups for matching phrases: each key with the words that count as it.
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Whether the built-in synonym groups of each language apply too (docs/lint.md lists them).
    pub builtin_synonyms: bool,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            select: vec!["ALL".to_owned()],
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            answer_word_budget: 150,
            max_enumeration: 5,
            near_duplicate_similarity: 0.75,
            rules: Vec::new(),
            synonyms: BTreeMap::new(),
            builtin_synonyms: true,
        }
    }
}

/// A severity as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Blocks builds.
    Error,
    /// Reported only.
    Warning,
}

/// The kind of a project-wide rule (the names are Vale's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Extends {
    /// Flags every occurrence of any of `tokens` (code R002).
    Existence,
    /// Flags an answer where `first` occurs and no `second` does (code P002).
    Conditional,
}

/// One `[[lint.rules]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRuleConfig {
    /// Shown in the message; kebab-case by convention.
    pub name: String,
    /// `existence` or `conditional`.
    pub extends: Extends,
    /// What is wrong. For `existence`, `%s` is replaced by the matched words.
    pub message: String,
    /// `existence`: phrases or `/regex/` that must not occur.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// `conditional`: when any of these occurs...
    #[serde(default)]
    pub first: Vec<String>,
    /// ...one of these must occur too.
    #[serde(default)]
    pub second: Vec<String>,
    /// Only items carrying one of these tags (lesson, item or `topic::` tags).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only items of these lessons (by lesson id).
    #[serde(default)]
    pub lessons: Vec<String>,
    /// Overrides the severity of the rule's code.
    #[serde(default)]
    pub level: Option<Level>,
    /// Optional fix suggestion.
    #[serde(default)]
    pub help: Option<String>,
}
