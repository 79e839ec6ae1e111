//! Hover on a rule code or name (`P001`, `missing-required-point`), wherever it is written: in a
//! suppression comment, an `allow:` list, or prose. Shows what `cardsmith rule CODE` prints.

use crate::lint::registry;

/// The documentation of the rule named by the word at byte `offset` of `text`, with the word's
/// byte range.
pub fn rule_at(text: &str, offset: usize) -> Option<(String, std::ops::Range<usize>)> {
    let is_word = |character: char| character.is_ascii_alphanumeric() || character == '-';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, character)| is_word(character))
        .last()
        .map_or(offset, |(at, _)| at);
    let end = text[offset..]
        .find(|character: char| !is_word(character))
        .map_or(text.len(), |length| offset + length);
    let word = text.get(start..end)?.trim_matches('-');
    if word.is_empty() {
        return None;
    }
    let rule = registry::find(word)?;
    Some((rule.documentation(), start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_and_names_under_the_cursor() {
        let text = "<!-- cardsmith: allow Q001, missing-required-point -->";
        let q001 = text.find("Q001").expect("code") + 2;
        let (doc, range) = rule_at(text, q001).expect("Q001 is a rule");
        assert_eq!(&text[range], "Q001");
        assert!(doc.contains("(Q001)"), "{doc}");
        let name = text.find("required").expect("name");
        let (doc, range) = rule_at(text, name).expect("a rule name");
        assert_eq!(&text[range], "missing-required-point");
        assert!(doc.contains("## What it does"), "{doc}");
        assert!(rule_at(text, 1).is_none(), "`<!--` names no rule");
        assert!(rule_at(text, text.find("cardsmith").expect("word")).is_none());
    }
}
