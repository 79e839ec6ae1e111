//! Lint stage: a parsed [`Course`] in, diagnostics out. Never edits, never prints.
//!
//! Each rule is one file under `rules/`, declared with [`crate::rule::declare_rule!`] (its doc comment becomes
//! the text `cardsmith rule CODE` prints) and listed once in [`registry`]. The stage:
//! 1. computes each answer's plain text with a map back to source offsets ([`text`]), once;
//! 2. runs every enabled rule (`select`/`ignore`), each diagnostic at its configured severity
//!    ([`Context::diagnostic`]);
//! 3. applies suppressions (`allow:` in a card block, `<!-- cardsmith: allow CODE -->` comments),
//!    reporting those that suppressed nothing (L001).

mod by_lesson;
pub mod fix;
pub mod matching;
mod memo;
pub mod registry;
pub mod rules;
pub mod settings;
mod suppression;
pub mod text;

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::model::{Course, Item, Lesson};

pub use crate::rule::RuleMeta;
pub use by_lesson::{LessonRules, is_cross_lesson, run_rules_by_lesson};
pub use memo::MatchMemo;
pub use rules::duplicate_question::KeptQuestions;
pub use settings::{LintConfig, Settings, SettingsError};
use text::PlainText;

/// Answers in one batch of neighbouring lessons a worker searches (see [`run_rules_by_lesson`]),
/// and in one chunk of [`Context::with_memo`].
const MATCHER_CHUNK: usize = 1024;

/// Keys and stems a matcher's caches (interned keys, word stems, short compounds) may hold before
/// it is dropped for a fresh one (see [`Workbench`]): a course repeats its words, so they pay over
/// the whole run, and at this size they take about twenty megabytes.
const MATCHER_CACHE_LIMIT: usize = 1 << 18;

/// Compiled phrases a matcher keeps before it drops them all (see [`Workbench`]): a phrase
/// takes about a kilobyte, and past a few thousand the ones kept are seldom met again (at 10,000
/// items, keeping every phrase saved 1% more instructions than this, for 12 MB).
const MATCHER_PHRASE_LIMIT: usize = 4096;

/// What every rule sees: the course, the settings, and each item's answer as plain text.
pub struct Context<'a> {
    /// The parsed project.
    pub course: &'a Course,
    /// The resolved `[lint]` settings.
    pub settings: &'a Settings,
    /// The items the rules look at: every item of the course, or those of some lessons (see
    /// [`run_rules_by_lesson`]).
    items: Vec<(&'a Lesson, &'a Item)>,
    answers: Vec<PlainText>,
    /// What the matcher found in each answer, searched once (see [`matching`]), or kept from
    /// an earlier run (see [`MatchMemo`]); `None` in a context for rules that read no answer's
    /// matches.
    matches: Option<Vec<Arc<matching::AnswerMatches>>>,
    /// Each lesson's questions as Q006 reduced them in an earlier build, and where it leaves
    /// those it reduces now (a build's cache, see `crate::cache`); `None` outside a build.
    kept_questions: Option<&'a KeptQuestions>,
}

impl<'a> Context<'a> {
    /// Prepares the shared per-item data.
    pub fn new(course: &'a Course, settings: &'a Settings) -> Self {
        Self::with_memo(course, settings, None)
    }

    /// [`Context::new`], taking what the matcher found in unchanged answers from `memo` (and
    /// leaving this run's findings there for the next).
    pub fn with_memo(
        course: &'a Course,
        settings: &'a Settings,
        memo: Option<&mut MatchMemo>,
    ) -> Self {
        let items: Vec<(&Lesson, &Item)> = course.items().collect();
        let answers: Vec<PlainText> = items
            .par_iter()
            .map(|&(lesson, item)| PlainText::of_answer(&course.file(lesson.file).text, item))
            .collect();
        let run = memo.map(|memo| Mutex::new(memo.begin(settings)));
        let matches = items
            .par_chunks(MATCHER_CHUNK)
            .zip(answers.par_chunks(MATCHER_CHUNK))
            .flat_map_iter(|(items, answers)| {
                Workbench::new(settings).search(settings, items, answers, run.as_ref())
            })
            .collect();
        Context {
            course,
            settings,
            items,
            answers,
            matches: Some(matches),
            kept_questions: None,
        }
    }

    /// A context over the items of one lesson, searched with `bench` (see
    /// [`run_rules_by_lesson`]): what it holds is dropped as soon as the lesson's rules have run.
    fn of_lesson(
        course: &'a Course,
        settings: &'a Settings,
        lesson: &'a Lesson,
        run: Option<&Mutex<memo::Run<'_>>>,
        bench: &mut Workbench,
    ) -> Self {
        let text = &course.file(lesson.file).text;
        let items: Vec<(&Lesson, &Item)> = lesson.items.iter().map(|item| (lesson, item)).collect();
        let answers: Vec<PlainText> = items
            .iter()
            .map(|&(_, item)| PlainText::of_answer(text, item))
            .collect();
        let matches = bench.search(settings, &items, &answers, run);
        Context {
            course,
            settings,
            items,
            answers,
            matches: Some(matches),
            kept_questions: None,
        }
    }

    /// A context over `items` for rules that read questions alone (Q006): their answers are
    /// neither reduced to plain text (each is empty) nor searched ([`Context::answers`] must not
    /// be called). `run_rules_by_lesson`'s tests compare what such rules report here with a full
    /// run.
    fn questions_only(
        course: &'a Course,
        settings: &'a Settings,
        items: Vec<(&'a Lesson, &'a Item)>,
        kept_questions: Option<&'a KeptQuestions>,
    ) -> Self {
        let answers = vec![PlainText::default(); items.len()];
        Context {
            course,
            settings,
            items,
            answers,
            matches: None,
            kept_questions,
        }
    }

    /// Every item with its lesson, its answer's plain text and what the matcher found in it.
    pub fn answers(
        &self,
    ) -> impl Iterator<Item = (&'a Lesson, &'a Item, &PlainText, &matching::AnswerMatches)> {
        // Only a context made for rules that never read matches has none (a bug, not an input).
        let matches = self
            .matches
            .as_ref()
            .expect("the answers of a context made without matches were read");
        self.items()
            .zip(matches)
            .map(|((lesson, item, answer), matches)| (lesson, item, answer, &**matches))
    }

    /// Every item with its lesson and its answer's plain text.
    pub fn items(&self) -> impl Iterator<Item = (&'a Lesson, &'a Item, &PlainText)> {
        self.items
            .iter()
            .zip(&self.answers)
            .map(|(&(lesson, item), answer)| (lesson, item, answer))
    }

    /// A diagnostic of `rule` at its configured severity, tied to `item` when given.
    pub fn diagnostic(
        &self,
        rule: &RuleMeta,
        span: crate::diagnostic::Span,
        message: impl Into<String>,
        item: Option<&Item>,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(rule.code, span, message);
        diagnostic.severity = self.settings.severity_of(rule);
        if let Some(item) = item {
            diagnostic.item_id = Some(item.id.clone());
        }
        diagnostic
    }

    /// The source text of the file a lesson came from.
    pub fn text_of(&self, lesson: &Lesson) -> &'a str {
        &self.course.file(lesson.file).text
    }
}

/// Runs every enabled rule on `course`, then applies suppressions. The result is sorted.
/// [`crate::check_sources`] runs the rules with [`run_rules`] and settles them together with the
/// structure codes instead.
pub fn lint(course: &Course, settings: &Settings) -> Vec<Diagnostic> {
    settle(course, settings, run_rules(course, settings))
}

/// Applies the configuration to the diagnostics of every family alike: a structure code that can
/// be silenced (see [`registry::RuleEntry::can_be_silenced`]) is dropped when `select`/`ignore`
/// turn it off and takes its `[lint.severity]`, as lint rules do when they run; then suppressions
/// (`allow:`, comments) apply to every code that can be silenced, and the unused ones are
/// reported (L001). The result is sorted.
pub fn settle(
    course: &Course,
    settings: &Settings,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let configured = diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            if let Some(rule) = registry::find(diagnostic.code.code)
                && rule.is_parse_stage()
                && rule.can_be_silenced()
            {
                if !settings.is_enabled(rule.meta.code.code) {
                    return None;
                }
                diagnostic.severity = settings.severity_of(&rule.meta);
            }
            Some(diagnostic)
        })
        .collect();
    let mut diagnostics = suppression::apply(course, settings, configured);
    crate::diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Runs every enabled rule on `course`, each diagnostic at its configured severity; no
/// suppression is applied yet (see [`settle`]).
pub fn run_rules(course: &Course, settings: &Settings) -> Vec<Diagnostic> {
    run_rules_with(course, settings, None)
}

/// [`run_rules`], reusing what the matcher found in unchanged answers (see [`MatchMemo`]). The
/// rules run lesson by lesson (see [`run_rules_by_lesson`]), so that a lesson's plain text and
/// matches are dropped once its rules have run.
pub fn run_rules_with(
    course: &Course,
    settings: &Settings,
    memo: Option<&mut MatchMemo>,
) -> Vec<Diagnostic> {
    run_rules_by_lesson(course, settings, memo, None, Vec::new()).0
}

/// The memo's run, shared by the workers. A panic elsewhere ends the check anyway, and every
/// entry is whole (each is put in one call), so a poisoned lock is taken as it is.
fn lock<'g, 'm>(run: &'g Mutex<memo::Run<'m>>) -> std::sync::MutexGuard<'g, memo::Run<'m>> {
    run.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A matcher and its caches, reused for every answer one worker searches in a run (a run-long
/// memo of stems and phrases, where one per thousand answers compiled most phrases again), and
/// made fresh when they hold more than [`MATCHER_CACHE_LIMIT`] keys and stems, its phrases
/// dropped past [`MATCHER_PHRASE_LIMIT`], so that they stay small however large the project. What
/// it finds does not depend on what its caches hold.
pub(crate) struct Workbench {
    matcher: matching::Matcher,
    variants: matching::CaseVariants,
}

impl Workbench {
    pub(crate) fn new(settings: &Settings) -> Workbench {
        Workbench {
            matcher: matching::Matcher::new(settings.synonym_groups(), settings.builtin_synonyms()),
            variants: matching::CaseVariants::default(),
        }
    }

    /// What the matcher finds in each of `answers` (those of `items`), taken from `run`'s memo
    /// when an earlier run searched the same answer, and left there for the next.
    fn search(
        &mut self,
        settings: &Settings,
        items: &[(&Lesson, &Item)],
        answers: &[PlainText],
        run: Option<&Mutex<memo::Run<'_>>>,
    ) -> Vec<Arc<matching::AnswerMatches>> {
        items
            .iter()
            .zip(answers)
            .map(|(&(lesson, item), answer)| {
                let key = run.map(|_| {
                    let rules: Vec<usize> = (settings.project_rules.iter().enumerate())
                        .filter(|(_, rule)| rule.applies_to(lesson, item))
                        .map(|(index, _)| index)
                        .collect();
                    memo::key(lesson, item, &answer.text, &rules)
                });
                if let (Some(run), Some(key)) = (run, key)
                    && let Some(found) = lock(run).take(key)
                {
                    return found;
                }
                if self.matcher.cached() > MATCHER_CACHE_LIMIT {
                    *self = Workbench::new(settings);
                }
                if self.matcher.phrases_held() > MATCHER_PHRASE_LIMIT {
                    self.matcher.forget_phrases();
                }
                let found = Arc::new(self.matcher.answer_matches(
                    lesson,
                    item,
                    &answer.text,
                    &settings.project_rules,
                    &mut self.variants,
                ));
                if let (Some(run), Some(key)) = (run, key) {
                    lock(run).keep(key, Arc::clone(&found));
                }
                found
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
