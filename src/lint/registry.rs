//! Every code, in one table (as ruff's `code_to_rule`): the structure codes the parse stage emits,
//! and the lint rules with their check functions. Codes are never reused: a retired rule stays
//! listed with `removed` set, so `cardsmith rule CODE` can still say what it was.

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::*;
use crate::lint::{Context, RuleMeta};

/// A check function: reads the context, appends diagnostics.
pub type Check = fn(&Context<'_>, &mut Vec<Diagnostic>);

/// Where a rule's diagnostics come from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// Emitted by the load and parse stages (always on, always errors, cannot be suppressed).
    Parse,
    /// A check function of the lint stage.
    Lint(Check),
    /// Emitted while applying suppressions.
    Suppression,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct RuleEntry {
    /// Code, name, severity, explanation.
    pub meta: RuleMeta,
    /// Who emits it.
    pub source: Source,
    /// Retired: listed so the code is never reused, never run.
    pub removed: bool,
}

impl RuleEntry {
    /// The check function, for a lint-stage rule.
    pub fn check(&self) -> Option<Check> {
        match self.source {
            Source::Lint(check) if !self.removed => Some(check),
            _ => None,
        }
    }

    /// Whether the parse stage emits the code (so it cannot be selected away or suppressed).
    pub fn is_parse_stage(&self) -> bool {
        matches!(self.source, Source::Parse)
    }

    /// Whether `ignore`, `[lint.severity]` and `allow:` apply to the code. Every code but a
    /// structure error: that one stops a lesson from being read into items, or an output from
    /// being built, so hiding it would only hide why nothing was built.
    pub fn can_be_silenced(&self) -> bool {
        !(self.is_parse_stage() && self.meta.default_severity == Severity::Error)
    }

    /// What `cardsmith rule CODE` prints, and an editor shows on hover: name, code, default
    /// severity, then the explanation (Markdown).
    pub fn documentation(&self) -> String {
        format!(
            "# {} ({})\n\nDefault severity: {}.{}\n\n{}",
            self.meta.code.name,
            self.meta.code.code,
            self.meta.default_severity.as_str(),
            if self.can_be_silenced() {
                ""
            } else {
                " A structure error: always on, cannot be suppressed (it stops an output from being built)."
            },
            self.meta.explanation()
        )
    }
}

const fn parse(meta: RuleMeta) -> RuleEntry {
    RuleEntry {
        meta,
        source: Source::Parse,
        removed: false,
    }
}

const fn lint(meta: RuleMeta, check: Check) -> RuleEntry {
    RuleEntry {
        meta,
        source: Source::Lint(check),
        removed: false,
    }
}

/// Every rule, in code order within each family.
pub static RULES: &[RuleEntry] = &[
    // S: structure (load, parse, assets and renderer checks; declared in `crate::codes`).
    parse(codes::InvalidFrontMatter::META),
    parse(codes::MissingFrontMatterKey::META),
    parse(codes::UnknownKey::META),
    parse(codes::MissingItemId::META),
    parse(codes::DuplicateId::META),
    parse(codes::EmptyAnswer::META),
    parse(codes::InvalidCardBlock::META),
    parse(codes::InvalidPattern::META),
    parse(codes::ContentOutsideItem::META),
    parse(codes::InvalidId::META),
    parse(codes::UnreadableFile::META),
    parse(codes::MisplacedHeading::META),
    parse(codes::InvalidTag::META),
    parse(codes::BrokenReference::META),
    parse(codes::EmptyQuestion::META),
    parse(codes::ClozeWithoutDeletion::META),
    parse(codes::SheetOverflow::META),
    parse(codes::MissingGlyph::META),
    parse(codes::ControlCharacter::META),
    parse(codes::InvalidDeckName::META),
    parse(codes::UnsafeHtml::META),
    parse(codes::InvalidClozeNumber::META),
    parse(codes::ClozeOutsideClozeItem::META),
    parse(codes::UntypesetMath::META),
    // P: required points.
    lint(
        missing_required_point::MissingRequiredPoint::META,
        missing_required_point::check,
    ),
    lint(
        missing_conditional_point::MissingConditionalPoint::META,
        missing_conditional_point::check,
    ),
    // R: red flags.
    lint(raised_red_flag::RaisedRedFlag::META, raised_red_flag::check),
    lint(
        forbidden_phrase::ForbiddenPhrase::META,
        forbidden_phrase::check,
    ),
    // Q: card quality.
    lint(long_answer::LongAnswer::META, long_answer::check),
    lint(
        compound_question::CompoundQuestion::META,
        compound_question::check,
    ),
    lint(
        long_enumeration::LongEnumeration::META,
        long_enumeration::check,
    ),
    lint(
        restated_question::RestatedQuestion::META,
        restated_question::check,
    ),
    lint(yes_no_question::YesNoQuestion::META, yes_no_question::check),
    lint(
        duplicate_question::DuplicateQuestion::META,
        duplicate_question::check,
    ),
    lint(not_a_question::NotAQuestion::META, not_a_question::check),
    // L: the linter's own settings.
    RuleEntry {
        meta: unused_suppression::UnusedSuppression::META,
        source: Source::Suppression,
        removed: false,
    },
];

/// The rule with this code (`Q001`) or name (`long-answer`).
pub fn find(code_or_name: &str) -> Option<&'static RuleEntry> {
    RULES.iter().find(|rule| {
        rule.meta.code.code.eq_ignore_ascii_case(code_or_name)
            || rule.meta.code.name == code_or_name
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in RULES {
            assert!(codes.insert(rule.meta.code.code), "{}", rule.meta.code.code);
            assert!(names.insert(rule.meta.code.name), "{}", rule.meta.code.name);
        }
    }

    #[test]
    fn every_rule_has_the_three_part_doc() {
        for rule in RULES {
            let text = rule.meta.explanation();
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(
                    text.contains(heading),
                    "{} lacks `{heading}`",
                    rule.meta.code.code
                );
            }
            assert!(!rule.meta.summary().is_empty(), "{}", rule.meta.code.code);
        }
    }

    #[test]
    fn codes_follow_family_letter_and_three_digits() {
        for rule in RULES {
            let code = rule.meta.code.code;
            assert!(
                code.len() == 4
                    && "SPRQL".contains(&code[..1])
                    && code[1..].chars().all(|c| c.is_ascii_digit()),
                "{code}"
            );
            let name = rule.meta.code.name;
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
        }
    }

    #[test]
    fn docs_list_every_rule() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/lint.md"))
            .expect("docs/lint.md");
        for rule in RULES {
            // The row as `cardsmith rule --all --output-format json` would produce it.
            let row = format!(
                "| {} | `{}` | {} | {} |",
                rule.meta.code.code,
                rule.meta.code.name,
                rule.meta.default_severity.as_str(),
                rule.meta.summary().replace('|', "\\|")
            );
            assert!(docs.contains(&row), "docs/lint.md lacks the row `{row}`");
        }
    }

    #[test]
    fn only_structure_errors_cannot_be_silenced() {
        for rule in RULES {
            assert_eq!(
                rule.can_be_silenced(),
                !(rule.meta.code.code.starts_with('S')
                    && rule.meta.default_severity == Severity::Error),
                "{}",
                rule.meta.code.code
            );
        }
    }
}
