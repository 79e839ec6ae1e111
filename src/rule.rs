//! What every code is: its number, name, default severity and documentation, declared once per
//! code with [`declare_rule!`] (lint rules in `lint/rules/`, structure codes in `codes`). Plain
//! data below the stages, so that the parse stage, the renderers and the linter share it.

use crate::diagnostic::{Code, Severity};

/// Declares a rule: a unit struct carrying its code, name, default severity and explanation.
///
/// The `///` lines are captured into `EXPLANATION` as clippy's `declare_clippy_lint` does, so the
/// documentation `cardsmith rule CODE` prints cannot drift from the source.
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
                $crate::diagnostic::Code {
                    code: $code,
                    name: $kebab,
                    severity: $crate::diagnostic::Severity::$severity,
                };
            /// Everything the registry needs to know about the rule.
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
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

/// Crate-internal: rule files take it as `use crate::rule::declare_rule;`.
pub(crate) use declare_rule;
