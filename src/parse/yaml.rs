//! Small helpers shared by the front matter and `card` block parsers: finding where a key or a
//! value is written (serde's YAML values carry no positions), naming YAML shapes, and suggesting
//! the nearest known key.

use std::ops::Range;

use serde_norway::Value;

/// The byte range of `key` written at the start of a line (top-level key) in `yaml`, shifted by
/// `offset`. `None` when it cannot be found (for instance a quoted or flow-style key).
pub fn top_level_key_range(yaml: &str, offset: usize, key: &str) -> Option<Range<usize>> {
    let mut line_start = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with(':')
        {
            return Some(offset + line_start..offset + line_start + key.len());
        }
        line_start += line.len();
    }
    None
}

/// The value part of the line `key: value` (trimmed), or the key itself when the value is on
/// following lines.
pub fn top_level_value_range(yaml: &str, offset: usize, key: &str) -> Option<Range<usize>> {
    let key_range = top_level_key_range(yaml, offset, key)?;
    let local_end = key_range.end - offset;
    let rest = &yaml[local_end..];
    let line = rest.split('\n').next().unwrap_or_default();
    let after_colon = line.find(':').map_or(0, |colon| colon + 1);
    let value = line[after_colon..].trim();
    if value.is_empty() {
        return Some(key_range);
    }
    let start = local_end
        + after_colon
        + (line[after_colon..].len() - line[after_colon..].trim_start().len());
    Some(offset + start..offset + start + value.len())
}

/// Finds `needle` in `haystack` at or after `*cursor`, advancing the cursor past it, so that
/// repeated calls in document order find successive occurrences.
pub fn find_after(haystack: &str, cursor: &mut usize, needle: &str) -> Option<Range<usize>> {
    if needle.is_empty() {
        return None;
    }
    let from = (*cursor).min(haystack.len());
    let found = haystack.get(from..)?.find(needle)? + from;
    *cursor = found + needle.len();
    Some(found..found + needle.len())
}

/// A word for the shape of a YAML value, for messages like "expected a list, found a number".
pub fn shape(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The known key closest to `unknown`, if one is close enough to be a likely typo.
pub fn nearest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// The help line for an unknown key.
pub fn unknown_key_help(unknown: &str, known: &[&str]) -> String {
    match nearest(unknown, known) {
        Some(candidate) => format!(
            "did you mean `{candidate}`? Known keys: {}",
            known.join(", ")
        ),
        None => format!("known keys are: {}", known.join(", ")),
    }
}

/// serde's YAML error message without its trailing "at line L column C" (the report shows the
/// position itself).
pub fn error_message(error: &serde_norway::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_key_and_value_ranges() {
        let yaml = "id: probes\ntitle:  Hello world \n";
        assert_eq!(top_level_key_range(yaml, 4, "title"), Some(15..20));
        let value = top_level_value_range(yaml, 0, "title").expect("found");
        assert_eq!(&yaml[value], "Hello world");
    }

    #[test]
    fn does_not_mistake_a_prefix_for_a_key() {
        assert_eq!(top_level_key_range("identity: x\n", 0, "id"), None);
    }

    #[test]
    fn suggests_nearest_key() {
        assert_eq!(
            nearest("titel", &["id", "title", "deck", "tags"]),
            Some("title")
        );
        assert_eq!(nearest("zzzzzz", &["id", "title", "deck", "tags"]), None);
    }
}
