//! Lint stage: a parsed [`Course`] in, diagnostics out. Never edits, never prints.
//!
//! Each rule is one file under `rules/`, declared with [`declare_rule!`] (its doc comment becomes
//! the text `cardsmith rule CODE` prints) and listed once in [`registry`]. The stage:
//! 1. computes each answer's plain text with a map back to source offsets ([`text`]), once;
//! 2. runs every enabled rule (`select`/`ignore`), each diagnostic at its configured severity
//!    ([`Context::diagnostic`]);
//! 3. applies suppressions (`allow:` in a card block, `<!-- cardsmith: allow CODE -->` comments),
//!    reporting those that suppressed nothing (L001).

pub mod fix;
pub mod matching;
pub mod registry;
pub mod rules;
pub mod settings;
mod suppression;
pub mod text;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Course, Item, Lesson};

pub use settings::{LintConfig, Settings, SettingsError};
use text::PlainText;

/// Declares a rule: a unit struct carrying its code, name, default severity and explanation.
///
/// The `///` lines are captured into `EXPLANATION` as clippy's `declare_clippy_lint` does, so the
/// documentation `cardsmith rule CODE` prints cannot drift from the source.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident, code = $code:literal, name = $kebab:literal, severity = $severity:ident $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        impl $name {
            /// The doc comment: what `cardsmith rule CODE` prints.
            pub const EXPLANATION: &'static str = concat!($($doc, "\n"),*);
            /// The rule's stable code and name.
            pub const CODE: $crate::diagnostic::Code =
                $crate::diagnostic::Code { code: $code, name: $kebab };
            /// Everything the registry needs to know about the rule.
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                code: Self::CODE,
                default_severity: $crate::diagnostic::Severity::$severity,
                explanation: Self::EXPLANATION,
            };
        }
    };
}

/// What the registry knows about a rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Code and kebab-case name.
    pub code: Code,
    /// Severity unless `[lint.severity]` says otherwise.
    pub default_severity: Severity,
    /// The doc comment, as captured by [`declare_rule!`] (each line keeps rustdoc's leading space).
    pub explanation: &'static str,
}

impl RuleMeta {
    /// The explanation as Markdown, without the leading space rustdoc keeps on each line.
    pub fn explanation(&self) -> String {
        let mut text = String::new();
        for line in self.explanation.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }

    /// The first sentence under "What it does", for rule lists.
    pub fn summary(&self) -> String {
        let explanation = self.explanation();
        let mut lines = explanation
            .lines()
            .skip_while(|line| !line.starts_with("## What it does"))
            .skip(1)
            .take_while(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(end) = lines.find(". ") {
            lines.truncate(end + 1);
        }
        lines
    }
}

/// What every rule sees: the course, the settings, and each item's answer as plain text.
pub struct Context<'a> {
    /// The parsed project.
    pub course: &'a Course,
    /// The resolved `[lint]` settings.
    pub settings: &'a Settings,
    answers: Vec<PlainText>,
    /// What the matcher found in each answer, searched once (see [`matching`]).
    matches: Vec<matching::AnswerMatches>,
}

impl<'a> Context<'a> {
    /// Prepares the shared per-item data.
    pub fn new(course: &'a Course, settings: &'a Settings) -> Self {
        let answers: Vec<PlainText> = course
            .items()
            .map(|(lesson, item)| PlainText::of_answer(&course.file(lesson.file).text, item))
            .collect();
        let mut matcher = matching::Matcher::new(settings.synonym_groups());
        let mut variants = matching::CaseVariants::default();
        let matches = course
            .items()
            .zip(&answers)
            .map(|((lesson, item), answer)| {
                matcher.answer_matches(
                    lesson,
                    item,
                    &answer.text,
                    &settings.project_rules,
                    &mut variants,
                )
            })
            .collect();
        Context {
            course,
            settings,
            answers,
            matches,
        }
    }

    /// Every item with its lesson, its answer's plain text and what the matcher found in it.
    pub fn answers(
        &self,
    ) -> impl Iterator<Item = (&'a Lesson, &'a Item, &PlainText, &matching::AnswerMatches)> {
        self.items()
            .zip(&self.matches)
            .map(|((lesson, item, answer), matches)| (lesson, item, answer, matches))
    }

    /// Every item with its lesson and its answer's plain text.
    pub fn items(&self) -> impl Iterator<Item = (&'a Lesson, &'a Item, &PlainText)> {
        self.course
            .items()
            .zip(&self.answers)
            .map(|((lesson, item), answer)| (lesson, item, answer))
    }

    /// A diagnostic of `rule` at its configured severity, tied to `item` when given.
    pub fn diagnostic(
        &self,
        rule: &RuleMeta,
        span: crate::diagnostic::Span,
        message: impl Into<String>,
        item: Option<&Item>,
    ) -> Diagnostic {
        let mut diagnostic = Diagnostic::error(rule.code, span, message);
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

/// Runs every enabled rule on `course`, then applies suppressions. The result
/// is sorted. Parse-stage diagnostics are not included (see [`crate::check`]).
pub fn lint(course: &Course, settings: &Settings) -> Vec<Diagnostic> {
    let context = Context::new(course, settings);
    let mut diagnostics = Vec::new();
    for rule in registry::RULES {
        if let Some(check) = rule.check()
            && settings.is_enabled(rule.meta.code.code)
        {
            check(&context, &mut diagnostics);
        }
    }
    let mut diagnostics = suppression::apply(course, settings, diagnostics);
    crate::diagnostic::sort(&mut diagnostics);
    diagnostics
}

#[cfg(test)]
mod tests;
