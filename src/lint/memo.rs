//! What the matcher found in each answer, kept from one lint run to the next so that a run after
//! a small edit searches only the answers that changed.
//!
//! The matcher is most of a lint run (it reduces every answer: words, stems, compounds,
//! negations), and its result for an item depends on that item alone: the answer's plain text,
//! the lesson's language, the item's `must`/`avoid` patterns and which project rules apply to it,
//! under one `[lint]` configuration. `cardsmith lsp` checks the whole project again on every
//! keystroke; with a memo, each keystroke re-matches one answer, not all of them. A one-shot
//! `cardsmith check` has nothing to reuse and runs without one.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::Settings;
use super::matching::AnswerMatches;
use crate::model::{Item, Lesson, Pattern, PatternKind};

/// Answer matches by a hash of everything they depend on (see the module documentation).
#[derive(Debug, Default)]
pub struct MatchMemo {
    /// The `[lint]` configuration the entries were made under (its `Debug` text): the synonyms
    /// and project rules change what every answer matches.
    settings: String,
    /// The entries of the last run.
    entries: HashMap<u64, Arc<AnswerMatches>>,
    /// How many answers the last run took from the memo.
    reused: usize,
}

impl MatchMemo {
    /// Starts a run under `settings`: entries made under other settings are dropped, and the
    /// others move to `previous` so that only those this run uses are kept after it.
    pub(crate) fn begin(&mut self, settings: &Settings) -> Run<'_> {
        let fingerprint = format!("{:?}", settings.config);
        if fingerprint != self.settings {
            self.settings = fingerprint;
            self.entries.clear();
        }
        let previous = std::mem::take(&mut self.entries);
        self.reused = 0;
        Run {
            memo: self,
            previous,
        }
    }

    /// How many answers' matches are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// How many answers the last run took from the memo instead of searching them.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// Whether no answer's matches are kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One lint run over a [`MatchMemo`]: entries it does not use are dropped when it ends, so the
/// memo holds one entry per answer of the project however long the author types.
pub(crate) struct Run<'m> {
    memo: &'m mut MatchMemo,
    previous: HashMap<u64, Arc<AnswerMatches>>,
}

impl Run<'_> {
    /// The matches of `key`, if this run or the last one made them.
    pub(crate) fn take(&mut self, key: u64) -> Option<Arc<AnswerMatches>> {
        if let Some(found) = self.memo.entries.get(&key) {
            return Some(Arc::clone(found));
        }
        let kept = self.previous.remove(&key)?;
        self.memo.reused += 1;
        self.memo.entries.insert(key, Arc::clone(&kept));
        Some(kept)
    }

    /// Keeps the matches of `key` for the next run.
    pub(crate) fn keep(&mut self, key: u64, matches: Arc<AnswerMatches>) {
        self.memo.entries.entry(key).or_insert(matches);
    }
}

/// The key of an item's matches: a hash of what [`super::matching::Matcher::answer_matches`]
/// reads. `rules` are the indices of the project rules that apply to the item.
pub(crate) fn key(lesson: &Lesson, item: &Item, answer: &str, rules: &[usize]) -> u64 {
    let mut hasher = DefaultHasher::new();
    lesson.lang.hash(&mut hasher);
    answer.hash(&mut hasher);
    rules.hash(&mut hasher);
    let card = &item.card;
    card.must.len().hash(&mut hasher);
    for point in &card.must {
        hash_patterns(&point.patterns, &mut hasher);
    }
    card.avoid.len().hash(&mut hasher);
    for flag in &card.avoid {
        hash_patterns(&flag.patterns, &mut hasher);
        hash_patterns(&flag.unless, &mut hasher);
    }
    hasher.finish()
}

/// A pattern as the matcher reads it: its text and kind (never its place in the file, which
/// moves with every edit above it).
fn hash_patterns(patterns: &[Pattern], hasher: &mut DefaultHasher) {
    patterns.len().hash(hasher);
    for pattern in patterns {
        pattern.source.hash(hasher);
        match pattern.kind {
            PatternKind::Phrase => 0u8,
            PatternKind::Exact => 1,
            PatternKind::Regex => 2,
        }
        .hash(hasher);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::MatchMemo;
    use crate::lint::{Settings, registry::RULES, run_rules, run_rules_with, settle};
    use crate::model::SourceFile;

    /// The seed lesson, every lint fixture, and corrupted variants of each (a stand-in for an
    /// author's edits), checked one after another through one memo under two configurations,
    /// give exactly the diagnostics of a check without one.
    #[test]
    fn a_memo_never_changes_what_is_reported() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = vec![
            std::fs::read_to_string(root.join("source/data-pipelines/probes.md")).expect("seed"),
        ];
        for rule in RULES {
            let path = root.join(format!("tests/fixtures/lint/{}.md", rule.meta.code.code));
            let bytes = std::fs::read(path).expect("every rule has a fixture");
            sources.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        let config: crate::config::ProjectConfig =
            toml::from_str(include_str!("../../cardsmith.toml")).expect("the seed's config");
        let seed = Settings::new(config.lint).expect("valid");
        let rules: crate::lint::LintConfig =
            toml::from_str(include_str!("../../tests/fixtures/lint/P002.toml"))
                .expect("the fixture's settings");
        let project_rules = Settings::new(rules).expect("valid");
        let mut memo = MatchMemo::default();
        let mut reused = 0;
        for (index, source) in sources.iter().enumerate() {
            let settings = if index % 2 == 0 {
                &seed
            } else {
                &project_rules
            };
            let mut texts = vec![source.clone()];
            texts.extend(crate::parse::mangle::variants(
                source,
                6,
                0x9E37_79B9_7F4A_7C15,
            ));
            for text in texts {
                let files = vec![SourceFile {
                    path: "lesson.md".into(),
                    text,
                }];
                let (course, _) = crate::parse::parse_course(files);
                let fresh = settle(&course, settings, run_rules(&course, settings));
                let memoised = settle(
                    &course,
                    settings,
                    run_rules_with(&course, settings, Some(&mut memo)),
                );
                assert_eq!(format!("{memoised:?}"), format!("{fresh:?}"));
                // Only this course's answers are kept (duplicates share an entry).
                assert!(memo.len() <= course.items().count());
                reused += memo.reused();
            }
        }
        assert!(reused > 0, "unchanged answers were taken from the memo");
    }
}
