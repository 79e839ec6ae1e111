//! The resolved `[lint]` settings the rules read: `[lint]` as written (`config::lint`) checked
//! against the rule registry, with its project rules compiled.
//!
//! The structure errors (every S code but S018) are always on and always errors: a lesson that
//! cannot be read into items, or an output that cannot be built, cannot be waved through. S018, a
//! structure warning, is configured like any rule.

use std::collections::BTreeMap;

pub use crate::config::lint::{Extends, Level, LintConfig, ProjectRuleConfig};
use crate::diagnostic::Severity;
use crate::lint::RuleMeta;
use crate::lint::registry;
use crate::model::PatternKind;
use regex::Regex;

impl From<Level> for Severity {
    fn from(level: Level) -> Severity {
        match level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        }
    }
}

/// One compiled entry of `tokens`, `first` or `second`.
#[derive(Debug, Clone)]
pub struct ConfigPattern {
    /// As written.
    pub source: String,
    /// Phrase, exact phrase or regex.
    pub kind: PatternKind,
    /// The regex of an exact phrase or a regex.
    pub regex: Option<Regex>,
}

/// A project-wide rule, compiled.
#[derive(Debug, Clone)]
pub struct ProjectRule {
    /// As written.
    pub config: ProjectRuleConfig,
    /// `tokens` (existence) or `first` (conditional).
    pub first: Vec<ConfigPattern>,
    /// `second` (conditional).
    pub second: Vec<ConfigPattern>,
}

impl ProjectRule {
    /// Whether the rule's scope (`tags`, `lessons`) covers the item.
    pub fn applies_to(&self, lesson: &crate::model::Lesson, item: &crate::model::Item) -> bool {
        let lessons = &self.config.lessons;
        let tags = &self.config.tags;
        (lessons.is_empty() || lessons.contains(&lesson.id))
            && (tags.is_empty() || lesson.item_tags(item).iter().any(|tag| tags.contains(tag)))
    }
}

/// The resolved `[lint]` settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// As written (options are read from here).
    pub config: LintConfig,
    /// The compiled project rules.
    pub project_rules: Vec<ProjectRule>,
    /// `[lint.severity]` keyed by code (names are resolved).
    severities: BTreeMap<&'static str, Severity>,
}

/// A `[lint]` section that is well-formed TOML but means nothing sensible.
#[derive(Debug, thiserror::Error)]
#[error("[lint] in cardsmith.toml: {0}")]
pub struct SettingsError(pub String);

impl Default for Settings {
    fn default() -> Self {
        Settings::new(LintConfig::default()).expect("the default settings are valid")
    }
}

impl Settings {
    /// Checks codes and compiles the project rules.
    pub fn new(config: LintConfig) -> Result<Settings, SettingsError> {
        for selector in config.select.iter().chain(&config.ignore) {
            if selector != "ALL"
                && !registry::RULES
                    .iter()
                    .any(|rule| rule.meta.code.code.starts_with(selector.as_str()))
            {
                return Err(SettingsError(format!(
                    "`{selector}` selects no rule (`cardsmith rule --all` lists them)"
                )));
            }
        }
        // Naming a structure error in `ignore` would hide why nothing was built; a prefix (`S`)
        // turns off only the structure codes that can be silenced.
        if let Some(code) = config
            .ignore
            .iter()
            .find(|selector| registry::find(selector).is_some_and(|rule| !rule.can_be_silenced()))
        {
            return Err(SettingsError(format!(
                "`ignore` names `{code}`, a structure error, which cannot be turned off: it stops an output from being built"
            )));
        }
        let mut severities = BTreeMap::new();
        for (code, level) in &config.severity {
            match registry::find(code) {
                None => {
                    return Err(SettingsError(format!(
                        "[lint.severity]: unknown code `{code}`"
                    )));
                }
                Some(rule) if !rule.can_be_silenced() => {
                    return Err(SettingsError(format!(
                        "[lint.severity]: `{code}` is a structure error and stays an error: it stops an output from being built"
                    )));
                }
                Some(rule) => {
                    severities.insert(rule.meta.code.code, Severity::from(*level));
                }
            }
        }
        if !(0.0..=1.0).contains(&config.near_duplicate_similarity) {
            return Err(SettingsError(
                "`near-duplicate-similarity` must be between 0 and 1".to_owned(),
            ));
        }
        check_synonyms(&config.synonyms)?;
        let mut project_rules = Vec::new();
        let mut cache = crate::parse::PatternCache::default();
        for rule in &config.rules {
            let mut compile =
                |key: &str, sources: &[String]| -> Result<Vec<ConfigPattern>, SettingsError> {
                    sources
                        .iter()
                        .map(|source| {
                            cache
                            .compile(source)
                            .map(|(kind, regex)| ConfigPattern {
                                source: source.clone(),
                                kind,
                                regex,
                            })
                            .map_err(|reason| {
                                SettingsError(format!(
                                    "rule `{}`: `{key}` entry `{source}` can never match: {reason}",
                                    rule.name
                                ))
                            })
                        })
                        .collect()
                };
            let (first, second) = match rule.extends {
                Extends::Existence => {
                    if rule.tokens.is_empty() {
                        return Err(SettingsError(format!(
                            "rule `{}` extends `existence` but has no `tokens`",
                            rule.name
                        )));
                    }
                    (compile("tokens", &rule.tokens)?, Vec::new())
                }
                Extends::Conditional => {
                    if rule.first.is_empty() || rule.second.is_empty() {
                        return Err(SettingsError(format!(
                            "rule `{}` extends `conditional` and needs both `first` and `second`",
                            rule.name
                        )));
                    }
                    (
                        compile("first", &rule.first)?,
                        compile("second", &rule.second)?,
                    )
                }
            };
            project_rules.push(ProjectRule {
                config: rule.clone(),
                first,
                second,
            });
        }
        Ok(Settings {
            config,
            project_rules,
            severities,
        })
    }

    /// The `[lint.synonyms]` groups, each with its key first.
    pub fn synonym_groups(&self) -> Vec<Vec<String>> {
        self.config
            .synonyms
            .iter()
            .map(|(key, words)| std::iter::once(key).chain(words).cloned().collect())
            .collect()
    }

    /// Whether the languages' built-in synonym groups apply (`[lint] builtin-synonyms`).
    pub fn builtin_synonyms(&self) -> bool {
        self.config.builtin_synonyms
    }

    /// Whether the rule with `code` runs.
    pub fn is_enabled(&self, code: &str) -> bool {
        let matches = |selectors: &[String]| {
            selectors
                .iter()
                .any(|selector| selector == "ALL" || code.starts_with(selector.as_str()))
        };
        matches(&self.config.select) && !matches(&self.config.ignore)
    }

    /// The severity of a rule's diagnostics: `[lint.severity]`, else the rule's default.
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severities
            .get(rule.code.code)
            .copied()
            .unwrap_or(rule.default_severity)
    }
}

/// Each synonym is one word, and in one group only: a word in two groups would make both one.
fn check_synonyms(synonyms: &BTreeMap<String, Vec<String>>) -> Result<(), SettingsError> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (key, words) in synonyms {
        for word in std::iter::once(key).chain(words) {
            let folded = word.trim().to_lowercase();
            if folded.is_empty() || !folded.chars().all(|c| c.is_alphanumeric() || c == '\'') {
                return Err(SettingsError(format!(
                    "[lint.synonyms] `{key}`: `{word}` is not one word; a synonym is a single word (phrases can list alternatives in `match:`)"
                )));
            }
            if let Some(other) = seen.insert(folded, key)
                && other != key
            {
                return Err(SettingsError(format!(
                    "[lint.synonyms]: `{word}` is in both `{other}` and `{key}`; merge the groups"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml_text: &str) -> Result<Settings, SettingsError> {
        let config: LintConfig = toml::from_str(toml_text).expect("valid TOML");
        Settings::new(config)
    }

    #[test]
    fn select_and_ignore_take_prefixes() {
        let settings = settings("select = [\"Q\", \"P001\"]\nignore = [\"Q005\"]").expect("valid");
        assert!(settings.is_enabled("Q001"));
        assert!(settings.is_enabled("P001"));
        assert!(!settings.is_enabled("Q005"));
        assert!(!settings.is_enabled("R001"));
    }

    #[test]
    fn unknown_codes_are_rejected() {
        assert!(settings("select = [\"X9\"]").is_err());
        assert!(settings("[severity]\nQ999 = \"error\"").is_err());
        assert!(settings("[severity]\nS004 = \"warning\"").is_err());
    }

    #[test]
    fn severity_overrides_the_default() {
        let meta = crate::lint::rules::long_answer::LongAnswer::META;
        let settings = settings("[severity]\nQ001 = \"error\"").expect("valid");
        assert_eq!(settings.severity_of(&meta), Severity::Error);
        let by_name = super::Settings::new(
            toml::from_str("[severity]\nlong-answer = \"error\"").expect("TOML"),
        )
        .expect("valid");
        assert_eq!(by_name.severity_of(&meta), Severity::Error);
    }

    #[test]
    fn project_rules_compile_or_explain() {
        let good = "[[rules]]\nname = \"x\"\nextends = \"existence\"\nmessage = \"m\"\ntokens = [\"just use\"]";
        assert_eq!(settings(good).expect("valid").project_rules.len(), 1);
        let bad =
            "[[rules]]\nname = \"x\"\nextends = \"existence\"\nmessage = \"m\"\ntokens = [\"/(/\"]";
        let error = settings(bad).expect_err("bad regex");
        assert!(error.to_string().contains("can never match"), "{error}");
        let incomplete =
            "[[rules]]\nname = \"x\"\nextends = \"conditional\"\nmessage = \"m\"\nfirst = [\"a\"]";
        assert!(settings(incomplete).is_err());
    }

    #[test]
    fn synonyms_are_single_words_in_one_group() {
        let good = settings("[synonyms]\nstore = [\"persist\", \"save\"]").expect("valid");
        assert_eq!(good.synonym_groups(), [["store", "persist", "save"]]);
        let phrase = settings("[synonyms]\nstore = [\"write down\"]").expect_err("two words");
        assert!(phrase.to_string().contains("not one word"), "{phrase}");
        let twice = settings("[synonyms]\nstore = [\"keep\"]\nhold = [\"keep\"]")
            .expect_err("in two groups");
        assert!(twice.to_string().contains("merge"), "{twice}");
    }
}
