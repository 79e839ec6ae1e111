//! L001 has no check function: `crate::lint::suppression` emits it while applying suppressions.

use crate::rule::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a suppression that suppressed nothing: a code in a card block's `allow:` list, or in
    /// a `<!-- cardsmith: allow CODE -->` comment, for which no diagnostic was found there. Also
    /// flags a suppression naming a code that does not exist.
    ///
    /// ## Why is this bad?
    /// Suppressions outlive the problems they hid: once the answer is fixed, a stale `allow`
    /// silently hides the next real problem of that kind on that item.
    ///
    /// ## Example
    /// ```markdown
    /// ### How does a batch job load only what changed? {#hwm}
    /// With a high-water mark.
    /// (card block: `allow: [Q001]`, though the answer is short)
    /// ```
    /// Use instead: delete `allow: [Q001]`.
    pub UnusedSuppression, code = "L001", name = "unused-suppression", severity = Warning,
}
