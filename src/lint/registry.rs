//! Every code, in one table (as ruff's `code_to_rule`): the structure codes the parse stage emits,
//! and the lint rules with their check functions. Codes are never reused: a retired rule stays
//! listed with `removed` set, so `cardsmith rule CODE` can still say what it was.

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::LINT_RULES;
use crate::lint::rules::unused_suppression::UnusedSuppression;
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

impl RuleEntry {
    /// A structure code, raised by the load and parse stages or a renderer's checks.
    pub const fn parse(meta: RuleMeta) -> RuleEntry {
        RuleEntry {
            meta,
            source: Source::Parse,
            removed: false,
        }
    }

    /// A lint rule and its check function.
    pub const fn lint(meta: RuleMeta, check: Check) -> RuleEntry {
        RuleEntry {
            meta,
            source: Source::Lint(check),
            removed: false,
        }
    }
}

/// S: structure (load, parse, assets and renderer checks; declared in `crate::codes`).
const STRUCTURE_CODES: &[RuleEntry] = &[
    RuleEntry::parse(codes::InvalidFrontMatter::META),
    RuleEntry::parse(codes::MissingFrontMatterKey::META),
    RuleEntry::parse(codes::UnknownKey::META),
    RuleEntry::parse(codes::MissingItemId::META),
    RuleEntry::parse(codes::DuplicateId::META),
    RuleEntry::parse(codes::EmptyAnswer::META),
    RuleEntry::parse(codes::InvalidCardBlock::META),
    RuleEntry::parse(codes::InvalidPattern::META),
    RuleEntry::parse(codes::ContentOutsideItem::META),
    RuleEntry::parse(codes::InvalidId::META),
    RuleEntry::parse(codes::UnreadableFile::META),
    RuleEntry::parse(codes::MisplacedHeading::META),
    RuleEntry::parse(codes::InvalidTag::META),
    RuleEntry::parse(codes::BrokenReference::META),
    RuleEntry::parse(codes::EmptyQuestion::META),
    RuleEntry::parse(codes::ClozeWithoutDeletion::META),
    RuleEntry::parse(codes::SheetOverflow::META),
    RuleEntry::parse(codes::MissingGlyph::META),
    RuleEntry::parse(codes::ControlCharacter::META),
    RuleEntry::parse(codes::InvalidDeckName::META),
    RuleEntry::parse(codes::UnsafeHtml::META),
    RuleEntry::parse(codes::InvalidClozeNumber::META),
    RuleEntry::parse(codes::ClozeOutsideClozeItem::META),
    RuleEntry::parse(codes::UntypesetMath::META),
    RuleEntry::parse(codes::UnhighlightedCodeBlock::META),
];

/// L: the linter's own settings.
const SETTINGS_CODES: &[RuleEntry] = &[RuleEntry {
    meta: UnusedSuppression::META,
    source: Source::Suppression,
    removed: false,
}];

const RULE_COUNT: usize = STRUCTURE_CODES.len() + LINT_RULES.len() + SETTINGS_CODES.len();

/// The three lists one after the other, at compile time (a `static` slice cannot be joined).
const fn every_rule() -> [RuleEntry; RULE_COUNT] {
    let mut all = [STRUCTURE_CODES[0]; RULE_COUNT];
    let mut next = 0;
    let families = [STRUCTURE_CODES, LINT_RULES, SETTINGS_CODES];
    let mut family = 0;
    while family < families.len() {
        let mut index = 0;
        while index < families[family].len() {
            all[next] = families[family][index];
            next += 1;
            index += 1;
        }
        family += 1;
    }
    all
}

/// Every rule, in code order within each family: S, then P, R, Q (`lint::rules`), then L.
pub static RULES: &[RuleEntry] = &every_rule();

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
