//! Codes of the structure family (`S`): problems in the shape of a lesson that stop it from being
//! parsed into items, or an output from being rendered. They come from the load and parse stages
//! and from renderers (S016, S020-S023, S025: the Anki package; S017, S018, S024: the cheat sheet). Each is
//! declared once here, with its default severity and the documentation `cardsmith rule CODE`
//! prints; the registry lists them beside the lint rules. Codes are never reused.
//!
//! An `error` structure code cannot be silenced (`ignore`, `[lint.severity]`, `allow:`): it stops
//! a lesson from being read into items or an output from being built. A `warning` one (S018,
//! S021, S023-S025) is configured and suppressed like any lint rule.

use crate::diagnostic::Code;
use crate::rule::declare_rule;

/// See [`InvalidFrontMatter`].
pub const INVALID_FRONT_MATTER: Code = InvalidFrontMatter::CODE;

/// See [`MissingFrontMatterKey`].
pub const MISSING_FRONT_MATTER_KEY: Code = MissingFrontMatterKey::CODE;

/// See [`UnknownKey`].
pub const UNKNOWN_KEY: Code = UnknownKey::CODE;

/// See [`MissingItemId`].
pub const MISSING_ITEM_ID: Code = MissingItemId::CODE;

/// See [`DuplicateId`].
pub const DUPLICATE_ID: Code = DuplicateId::CODE;

/// See [`EmptyAnswer`].
pub const EMPTY_ANSWER: Code = EmptyAnswer::CODE;

/// See [`InvalidCardBlock`].
pub const INVALID_CARD_BLOCK: Code = InvalidCardBlock::CODE;

/// See [`InvalidPattern`].
pub const INVALID_PATTERN: Code = InvalidPattern::CODE;

/// See [`ContentOutsideItem`].
pub const CONTENT_OUTSIDE_ITEM: Code = ContentOutsideItem::CODE;

/// See [`InvalidId`].
pub const INVALID_ID: Code = InvalidId::CODE;

/// See [`UnreadableFile`].
pub const UNREADABLE_FILE: Code = UnreadableFile::CODE;

/// See [`MisplacedHeading`].
pub const MISPLACED_HEADING: Code = MisplacedHeading::CODE;

/// See [`InvalidTag`].
pub const INVALID_TAG: Code = InvalidTag::CODE;

/// See [`BrokenReference`].
pub const BROKEN_REFERENCE: Code = BrokenReference::CODE;

/// See [`EmptyQuestion`].
pub const EMPTY_QUESTION: Code = EmptyQuestion::CODE;

/// See [`ClozeWithoutDeletion`].
pub const CLOZE_WITHOUT_DELETION: Code = ClozeWithoutDeletion::CODE;

/// See [`SheetOverflow`].
pub const SHEET_OVERFLOW: Code = SheetOverflow::CODE;

/// See [`MissingGlyph`].
pub const MISSING_GLYPH: Code = MissingGlyph::CODE;

/// See [`ControlCharacter`].
pub const CONTROL_CHARACTER: Code = ControlCharacter::CODE;

/// See [`InvalidDeckName`].
pub const INVALID_DECK_NAME: Code = InvalidDeckName::CODE;

/// See [`UnsafeHtml`].
pub const UNSAFE_HTML: Code = UnsafeHtml::CODE;

/// See [`InvalidClozeNumber`].
pub const INVALID_CLOZE_NUMBER: Code = InvalidClozeNumber::CODE;

/// See [`ClozeOutsideClozeItem`].
pub const CLOZE_OUTSIDE_CLOZE_ITEM: Code = ClozeOutsideClozeItem::CODE;

/// See [`UntypesetMath`].
pub const UNTYPESET_MATH: Code = UntypesetMath::CODE;

/// See [`UnhighlightedCodeBlock`].
pub const UNHIGHLIGHTED_CODE_BLOCK: Code = UnhighlightedCodeBlock::CODE;

declare_rule! {
    /// ## What it does
    /// Flags a lesson whose front matter is missing, unterminated, not YAML, or has a key of the
    /// wrong type.
    ///
    /// ## Why is this bad?
    /// The front matter names the lesson (`id`), its title and its Anki deck; without it nothing
    /// can be built.
    ///
    /// ## Example
    /// ```markdown
    /// id: pipeline-probes
    /// ## Batch Mechanics
    /// ```
    /// Use instead:
    /// ```markdown
    /// ---
    /// id: pipeline-probes
    /// title: Pipeline probes
    /// deck: Data Engineering
    /// ---
    /// ```
    pub InvalidFrontMatter, code = "S001", name = "invalid-front-matter", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags front matter without one of the required keys `id`, `title`, `deck`.
    ///
    /// ## Why is this bad?
    /// Each names something a build writes: the output files, the heading, the Anki deck.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// id: pipeline-probes
    /// ---
    /// ```
    /// Use instead:
    /// ```markdown
    /// ---
    /// id: pipeline-probes
    /// title: Pipeline probes
    /// deck: Data Engineering
    /// ---
    /// ```
    pub MissingFrontMatterKey, code = "S002", name = "missing-front-matter-key", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a key that the front matter or a `card` block does not know.
    ///
    /// ## Why is this bad?
    /// It is almost always a typo (`mst:` for `must:`), and a misspelt `must:` silently checks
    /// nothing.
    ///
    /// ## Example
    /// ```markdown
    /// (card block: `mst: [high-water mark]`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// (card block: `must: [high-water mark]`)
    /// ```
    pub UnknownKey, code = "S003", name = "unknown-key", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags an item heading (`###`) without a `{#id}`.
    ///
    /// ## Why is this bad?
    /// The id is the card's identity in Anki: without a stable id, editing the question would
    /// create a new card and lose its review history. `cardsmith check --fix` adds ids.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet?
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// ```
    pub MissingItemId, code = "S004", name = "missing-item-id", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags two items, or two lessons, with the same id.
    ///
    /// ## Why is this bad?
    /// Ids must be unique across the project: two cards with one id overwrite each other in Anki.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet? {#parquet}
    /// ### Why not CSV? {#parquet}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why Parquet? {#parquet}
    /// ### Why not CSV? {#not-csv}
    /// ```
    pub DuplicateId, code = "S005", name = "duplicate-id", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a question with nothing under it but (at most) its card block.
    ///
    /// ## Why is this bad?
    /// A card with an empty back teaches nothing.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// ### What is a high-water mark? {#hwm}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// Columnar, compressed, predicate pushdown.
    /// ```
    pub EmptyAnswer, code = "S006", name = "empty-answer", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a `card` block that is not valid YAML, has values of the wrong shape, or is the
    /// second block of one item.
    ///
    /// ## Why is this bad?
    /// The block holds what the linter checks; a block that cannot be read checks nothing.
    ///
    /// ## Example
    /// ```markdown
    /// (card block: `must: high-water mark: yes`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// (card block: `must: [high-water mark]`)
    /// ```
    pub InvalidCardBlock, code = "S007", name = "invalid-card-block", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a `/regex/` alternative of `match` or `unless` that does not compile, or an empty one.
    ///
    /// ## Why is this bad?
    /// No answer could ever match it: a required point would always be missing, a red flag never
    /// raised.
    ///
    /// ## Example
    /// ```markdown
    /// (card block: `match: ["/rows (after|since/"]`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// (card block: `match: ["/rows (after|since)/"]`)
    /// ```
    pub InvalidPattern, code = "S008", name = "invalid-pattern", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags content that belongs to no item: before the first `###` question, or between a `##`
    /// topic and its first question.
    ///
    /// ## Why is this bad?
    /// Only answers become cards; anything else would silently vanish from every output.
    ///
    /// ## Example
    /// ```markdown
    /// ## Batch Mechanics
    /// Some notes on batch jobs.
    /// ### How do you load only what changed? {#hwm}
    /// ```
    /// Use instead: move the notes into an answer, or into an HTML comment if they are for authors.
    pub ContentOutsideItem, code = "S009", name = "content-outside-item", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags an id that is not a lowercase slug (letters, digits, single `-` or `_`).
    ///
    /// ## Why is this bad?
    /// Ids name files and Anki notes; a slug survives every file system and URL.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why Parquet? {#Why_Parquet!}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// ```
    pub InvalidId, code = "S010", name = "invalid-id", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a lesson file that cannot be read, is not UTF-8, or is refused unread: a symlink
    /// that resolves outside the project, something other than a regular file (a FIFO, a device),
    /// or a file larger than `limits.lesson-bytes`.
    ///
    /// ## Why is this bad?
    /// Its items would be missing from every output without anyone noticing.
    ///
    /// ## Example
    /// A lesson saved as Latin-1 with an `é` in it.
    ///
    /// Use instead: save the file as UTF-8.
    pub UnreadableFile, code = "S011", name = "unreadable-file", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a level-1 heading (`#`) in a lesson body.
    ///
    /// ## Why is this bad?
    /// The lesson's title is `title:` in the front matter; a `#` heading would be neither a
    /// topic nor a question and would be lost.
    ///
    /// ## Example
    /// ```markdown
    /// # Pipeline probes
    /// ```
    /// Use instead: `title: Pipeline probes` in the front matter, `##` for topics.
    pub MisplacedHeading, code = "S012", name = "misplaced-heading", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a tag that Anki cannot store: empty, or containing whitespace.
    ///
    /// ## Why is this bad?
    /// Anki splits tags on spaces: `incremental load` would become two unrelated tags.
    ///
    /// ## Example
    /// ```markdown
    /// (card block: `tags: [incremental load]`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// (card block: `tags: [incremental-load]`)
    /// ```
    pub InvalidTag, code = "S013", name = "invalid-tag", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags an image (`![alt](path)`) or relative link (`[text](path)`) in a question or answer
    /// whose path, resolved relative to the lesson file, is not a regular file in the project, or
    /// leaves the project (with `..` or through a symlink), or an image larger than
    /// `limits.image-bytes`.
    ///
    /// ## Why is this bad?
    /// The image would be missing from the Anki deck and the cheat sheet, and the link dead, on
    /// every device the deck is synced to.
    ///
    /// ## Example
    /// ```markdown
    /// ![Parquet layout](img/parquet.png)   (no source/img/parquet.png)
    /// ```
    /// Use instead: fix the path (it is relative to the lesson file), or add the file.
    pub BrokenReference, code = "S014", name = "broken-reference", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags an item heading (`###`) with no question text, only an id or nothing at all.
    ///
    /// ## Why is this bad?
    /// The question is the front of the card: an empty one gives Anki a blank card to review.
    ///
    /// ## Example
    /// ```markdown
    /// ### {#why-parquet}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why Parquet? {#why-parquet}
    /// ```
    pub EmptyQuestion, code = "S015", name = "empty-question", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags an item of `kind: cloze` whose answer has no `{{c1::...}}` deletion.
    ///
    /// ## Why is this bad?
    /// Anki makes one card per deletion number: with none, the item silently produces no card at
    /// all.
    ///
    /// ## Example
    /// ```markdown
    /// ### Parquet's layout {#parquet-layout}
    /// Parquet is columnar.
    /// (card block: `kind: cloze`)
    /// ```
    /// Use instead:
    /// ```markdown
    /// Parquet is {{c1::columnar}}.
    /// ```
    pub ClozeWithoutDeletion, code = "S016", name = "cloze-without-deletion", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a lesson whose cheat sheet does not fit its page budget (`sheet.pages`, one page by
    /// default) even at the legibility floor (`sheet.min-font-size`, 6.5 pt) in any column count,
    /// saying how many pages it needs; or an item that alone is taller than a column. Found by
    /// `build`, which fits the sheet.
    ///
    /// ## Why is this bad?
    /// A sheet that does not fit would be shrunk past legibility, cut off, or spill onto pages
    /// nobody prints; the learner gets a worse sheet without being told.
    ///
    /// ## Example
    /// ```markdown
    /// ### What does Lambda cost? {#lambda-cost}
    /// (card block: `sheet:` with sixty lines of notes)
    /// ```
    /// Use instead: a `sheet:` line or two per item, a lesson split in two, or
    /// `pages = 2` under `[sheet]` in cardsmith.toml.
    pub SheetOverflow, code = "S017", name = "sheet-overflow", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a character of a title, topic, question or condensed answer that none of the cheat
    /// sheet's embedded fonts has (CJK, emoji), at its line and column.
    ///
    /// ## Why is this bad?
    /// The PDF sheet would print it as an empty box, silently. The sheet uses embedded fonts only
    /// (Latin, Greek, Cyrillic), so that it lays out the same on every machine.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why is Kafka fast? 🚀 {#kafka-fast}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### Why is Kafka fast? {#kafka-fast}
    /// ```
    pub MissingGlyph, code = "S018", name = "missing-glyph", severity = Warning,
}

declare_rule! {
    /// ## What it does
    /// Flags a control character (U+0000-U+001F other than tab, newline and carriage return)
    /// anywhere in a lesson: written raw, as an HTML character reference (`&#31;`) or as a YAML
    /// escape in a double-quoted value (`"\x1f"`). A reference counts where Markdown or HTML
    /// decodes it; in a code span, a code block, math, after a backslash (`\&#31;`) or in YAML it
    /// is literal text and reaches the card as `&#31;`.
    ///
    /// ## Why is this bad?
    /// It is invisible in an editor, and `\x1f` is Anki's field separator: one in a field makes
    /// Anki refuse the whole package ("note has 9 fields, expected 8"), every note of it.
    ///
    /// ## Example
    /// ```markdown
    /// title: "Pipelines\x1f"
    /// ```
    /// Use instead:
    /// ```markdown
    /// title: Pipelines
    /// ```
    pub ControlCharacter, code = "S019", name = "control-character", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags a `deck:` that Anki would rename on import: `Default` (the name of Anki's built-in
    /// deck: an imported one becomes `Default_`), a deck whose name differs from another deck of
    /// the project only in case at some level (`math` beside `Math`: Anki's deck names are
    /// case-insensitive, so it becomes `math_`), a level with whitespace around it (Anki trims
    /// it), or an empty level (`Parent::::Child`).
    ///
    /// ## Why is this bad?
    /// The cards land in a deck the author never named, and the next import may split them again.
    ///
    /// ## Example
    /// ```markdown
    /// deck: Default
    /// ```
    /// Use instead:
    /// ```markdown
    /// deck: Data Engineering
    /// ```
    pub InvalidDeckName, code = "S020", name = "invalid-deck-name", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags raw HTML in a question or answer that the card sanitiser removes: `<script>`,
    /// `<style>`, `<iframe>` and other elements outside the allow-list, event handlers
    /// (`onerror=`, `onmouseover=`), and `javascript:` or `data:` URLs in links and images.
    ///
    /// ## Why is this bad?
    /// Anki runs a card's HTML in a web view on the learner's device: a shared deck must not run
    /// scripts, load frames or restyle the whole card. The sanitiser removes these from the card;
    /// the warning says what the card will not show. Set `sanitize-html = false` under `[apkg]`
    /// to keep raw HTML (docs/anki.md).
    ///
    /// ## Example
    /// ```markdown
    /// ### What is a high-water mark? <b onmouseover="steal()">really</b> {#hwm}
    /// ```
    /// Use instead:
    /// ```markdown
    /// ### What is a high-water mark? **really** {#hwm}
    /// ```
    pub UnsafeHtml, code = "S021", name = "unsafe-html", severity = Warning,
}

declare_rule! {
    /// ## What it does
    /// Flags a cloze deletion whose number Anki does not accept: `{{c0::...}}` or a number above
    /// 65535 (`{{c65536::...}}`).
    ///
    /// ## Why is this bad?
    /// Anki ignores it: the text shows with its braces and no card asks for it, silently.
    ///
    /// ## Example
    /// ```markdown
    /// Parquet is {{c0::columnar}}.
    /// ```
    /// Use instead:
    /// ```markdown
    /// Parquet is {{c1::columnar}}.
    /// ```
    pub InvalidClozeNumber, code = "S022", name = "invalid-cloze-number", severity = Error,
}

declare_rule! {
    /// ## What it does
    /// Flags cloze markup (`{{c1::...}}`) in the answer of an item that is not `kind: cloze`, at
    /// the deletion.
    ///
    /// ## Why is this bad?
    /// Only Anki's cloze note type reads deletions; on a `basic` or `reverse` card the learner
    /// sees the braces and the `c1::` as written.
    ///
    /// ## Example
    /// ```markdown
    /// ### Parquet's layout {#parquet-layout}
    /// Parquet is {{c1::columnar}}.
    /// ```
    /// Use instead: `kind: cloze` in the item's card block, or the answer without the braces.
    pub ClozeOutsideClozeItem, code = "S023", name = "cloze-outside-cloze-item", severity = Warning,
}

declare_rule! {
    /// ## What it does
    /// Flags a formula (`$..$`, `\(..\)`) on the cheat sheet that cannot be typeset: mitex
    /// cannot convert its LaTeX to typst math, or it uses a command the sheet's math scope lacks.
    ///
    /// ## Why is this bad?
    /// The PDF sheet prints such a formula as its LaTeX source in code type, which a learner has
    /// to decode. Anki still shows it with MathJax.
    ///
    /// ## Example
    /// ```markdown
    /// ### What is the variance? {#variance}
    /// $\myvar(X)$
    /// ```
    /// Use instead:
    /// ```markdown
    /// $\operatorname{Var}(X) = E[X^2] - E[X]^2$
    /// ```
    pub UntypesetMath, code = "S024", name = "untypeset-math", severity = Warning,
}

declare_rule! {
    /// ## What it does
    /// Flags a fenced code block that Anki will show as plain text although it names a language:
    /// the language is not one of the bundled grammars (Sublime Text's defaults, as syntect ships
    /// them), or the block is over 64 KiB, the most cardsmith highlights.
    ///
    /// ## Why is this bad?
    /// The author asked for highlighting and the learner gets none, with no word of it. A long
    /// block is left plain on purpose: highlighting it costs seconds and hundreds of megabytes.
    ///
    /// ## Example
    /// ````markdown
    /// ```golang
    /// func main() {}
    /// ```
    /// ````
    /// Use instead (a bundled grammar's name or extension, or `text` to show it plain on purpose):
    /// ````markdown
    /// ```go
    /// func main() {}
    /// ```
    /// ````
    pub UnhighlightedCodeBlock, code = "S025", name = "unhighlighted-code-block", severity = Warning,
}
