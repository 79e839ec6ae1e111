//! Small helpers for the English of messages, shared by every stage that words one (renderers,
//! reports, commands); below them all, so that a renderer need not import the report stage.

/// `count` and `word`, with an `s` unless the count is one: "1 error", "3 items".
pub fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}
