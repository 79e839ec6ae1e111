//! One module per lint rule, and the rule's one registry row: adding a rule is its module, one
//! line in [`lint_rules!`] below, its fixture (`tests/fixtures/lint/<CODE>.md`) and its snapshot.
//! The structure codes are declared in `crate::codes`.

use crate::lint::registry::RuleEntry;

/// Declares each rule's module and lists its `META` and `check` as a registry row, so that the
/// module list and the registry cannot drift apart.
macro_rules! lint_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The lint-stage rules, in code order within each family.
        pub const LINT_RULES: &[RuleEntry] = &[$(RuleEntry::lint($module::$rule::META, $module::check)),*];
    };
}

lint_rules! {
    // P: required points.
    missing_required_point::MissingRequiredPoint,
    missing_conditional_point::MissingConditionalPoint,
    // R: red flags.
    raised_red_flag::RaisedRedFlag,
    forbidden_phrase::ForbiddenPhrase,
    // Q: card quality.
    long_answer::LongAnswer,
    compound_question::CompoundQuestion,
    long_enumeration::LongEnumeration,
    restated_question::RestatedQuestion,
    yes_no_question::YesNoQuestion,
    duplicate_question::DuplicateQuestion,
    not_a_question::NotAQuestion,
}

/// L001: raised while suppressions are applied, not by a check function.
pub mod unused_suppression;
