//! Codes of the structure family (`S`): problems in the shape of a lesson that stop it from being
//! parsed into items, or an output from being rendered. They come from the load and parse stages
//! and from renderers (S016, S020-S022: the Anki package; S017, S018: the cheat sheet); the linter lists and documents them beside its
//! own rules. Codes are never reused.

use crate::diagnostic::Code;

/// Missing, unterminated or malformed front matter, or a key of the wrong type.
pub const INVALID_FRONT_MATTER: Code = Code {
    code: "S001",
    name: "invalid-front-matter",
};
/// A required front matter key (`id`, `title`, `deck`) is absent.
pub const MISSING_FRONT_MATTER_KEY: Code = Code {
    code: "S002",
    name: "missing-front-matter-key",
};
/// A key that the front matter or a `card` block does not know.
pub const UNKNOWN_KEY: Code = Code {
    code: "S003",
    name: "unknown-key",
};
/// An item heading without `{#id}`.
pub const MISSING_ITEM_ID: Code = Code {
    code: "S004",
    name: "missing-item-id",
};
/// Two items, or two lessons, with the same id.
pub const DUPLICATE_ID: Code = Code {
    code: "S005",
    name: "duplicate-id",
};
/// An item whose answer is empty.
pub const EMPTY_ANSWER: Code = Code {
    code: "S006",
    name: "empty-answer",
};
/// A `card` block that is not valid YAML or whose values have the wrong shape.
pub const INVALID_CARD_BLOCK: Code = Code {
    code: "S007",
    name: "invalid-card-block",
};
/// A `/regex/` alternative that does not compile, so no answer could ever match it.
pub const INVALID_PATTERN: Code = Code {
    code: "S008",
    name: "invalid-pattern",
};
/// Content that belongs to no item (before the first item, or between a topic and its first item).
pub const CONTENT_OUTSIDE_ITEM: Code = Code {
    code: "S009",
    name: "content-outside-item",
};
/// An id that is not a lowercase slug.
pub const INVALID_ID: Code = Code {
    code: "S010",
    name: "invalid-id",
};
/// A file that cannot be read, or is not UTF-8.
pub const UNREADABLE_FILE: Code = Code {
    code: "S011",
    name: "unreadable-file",
};
/// A level-1 heading in a lesson body, where the title belongs in the front matter.
pub const MISPLACED_HEADING: Code = Code {
    code: "S012",
    name: "misplaced-heading",
};
/// A tag that Anki cannot store (empty, or containing whitespace).
pub const INVALID_TAG: Code = Code {
    code: "S013",
    name: "invalid-tag",
};
/// An image or relative link in an answer that points at no file, or outside the project.
pub const BROKEN_REFERENCE: Code = Code {
    code: "S014",
    name: "broken-reference",
};

/// A `###` heading with no question text.
pub const EMPTY_QUESTION: Code = Code {
    code: "S015",
    name: "empty-question",
};

/// A `kind: cloze` item whose answer has no `{{c1::...}}` deletion, so Anki would make no card
/// (found when the Anki package is built).
pub const CLOZE_WITHOUT_DELETION: Code = Code {
    code: "S016",
    name: "cloze-without-deletion",
};

/// A lesson whose cheat sheet cannot fit its page budget (`sheet.pages`) even at the legibility
/// floor, or one of whose items alone is taller than a column.
pub const SHEET_OVERFLOW: Code = Code {
    code: "S017",
    name: "sheet-overflow",
};
/// A character that none of the cheat sheet's embedded fonts has: it would print as an empty box.
pub const MISSING_GLYPH: Code = Code {
    code: "S018",
    name: "missing-glyph",
};

/// A C0 control character (other than tab and newline), raw, as `&#31;` or as a YAML escape:
/// invisible, and `\x1f` is Anki's field separator.
pub const CONTROL_CHARACTER: Code = Code {
    code: "S019",
    name: "control-character",
};
/// A deck name that Anki would rename on import (`Default`, a case variant of another deck,
/// whitespace around a level, an empty level).
pub const INVALID_DECK_NAME: Code = Code {
    code: "S020",
    name: "invalid-deck-name",
};
/// Raw HTML in a question or answer that the card sanitiser removes (a script, an event
/// handler, a `javascript:` URL, an iframe, a `<style>`): a warning.
pub const UNSAFE_HTML: Code = Code {
    code: "S021",
    name: "unsafe-html",
};
/// A cloze deletion number Anki does not accept (`{{c0::...}}`, `{{c65536::...}}`).
pub const INVALID_CLOZE_NUMBER: Code = Code {
    code: "S022",
    name: "invalid-cloze-number",
};

/// Every structure code, in code order.
pub const ALL: &[Code] = &[
    INVALID_FRONT_MATTER,
    MISSING_FRONT_MATTER_KEY,
    UNKNOWN_KEY,
    MISSING_ITEM_ID,
    DUPLICATE_ID,
    EMPTY_ANSWER,
    INVALID_CARD_BLOCK,
    INVALID_PATTERN,
    CONTENT_OUTSIDE_ITEM,
    INVALID_ID,
    UNREADABLE_FILE,
    MISPLACED_HEADING,
    INVALID_TAG,
    BROKEN_REFERENCE,
    EMPTY_QUESTION,
    CLOZE_WITHOUT_DELETION,
    SHEET_OVERFLOW,
    MISSING_GLYPH,
    CONTROL_CHARACTER,
    INVALID_DECK_NAME,
    UNSAFE_HTML,
    INVALID_CLOZE_NUMBER,
];
