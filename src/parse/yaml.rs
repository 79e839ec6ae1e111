//! Small helpers shared by the front matter and `card` block parsers: finding where a key or a
//! value is written (serde's YAML values carry no positions), naming YAML shapes, and suggesting
//! the nearest known key.

use std::ops::Range;

use serde_norway::Value;

/// The largest YAML block (front matter, `card` block) that is parsed: far above any real one.
pub const MAX_BYTES: usize = 64 * 1024;

/// The deepest nesting that is parsed, counting flow collections (`[`, `{`) and block sequence
/// entries opened on one line (`- - -`).
pub const MAX_DEPTH: usize = 64;

/// Checks a YAML block against [`MAX_BYTES`] and [`MAX_DEPTH`] before it is parsed, in one linear
/// pass: the YAML scanner is quadratic in unclosed levels (200 KB of `[` in a front matter took
/// 57 s). `Err` holds the offset in `yaml` to report and the problem, in words.
pub fn check_bounds(yaml: &str) -> Result<(), (usize, String)> {
    if yaml.len() > MAX_BYTES {
        return Err((
            0,
            format!(
                "is {} KiB, more than the {} KiB cardsmith parses",
                yaml.len().div_ceil(1024),
                MAX_BYTES / 1024
            ),
        ));
    }
    let too_deep = |at: usize| {
        Err((
            at,
            format!("nests deeper than {MAX_DEPTH} levels, more than cardsmith parses"),
        ))
    };
    let mut flow = 0usize;
    for (line_start, line) in line_starts(yaml) {
        // Block sequence entries opened on this line (`- - - x`).
        let mut dashes = 0usize;
        let mut rest = line.trim_start();
        while let Some(after) = rest.strip_prefix('-')
            && (after.is_empty() || after.starts_with([' ', '\t']))
        {
            dashes += 1;
            rest = after.trim_start();
        }
        if dashes > MAX_DEPTH {
            return too_deep(line_start);
        }
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut previous = ' ';
        for (index, c) in line.char_indices() {
            match quote {
                Some('"') if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                Some(open) if c == open => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if previous.is_whitespace() => break,
                    '"' | '\'' => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        if flow > MAX_DEPTH {
                            return too_deep(line_start + index);
                        }
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
            previous = c;
        }
    }
    Ok(())
}

/// Each line of `text` with the offset where it starts.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line)
    })
}

/// The byte range of `key` written at the start of a line (top-level key) in `yaml`, shifted by
/// `offset`. `None` when it cannot be found (for instance a quoted or flow-style key). A block
/// indented as a whole (a card block under a list item) has its top level at the indentation of
/// its first line.
pub fn top_level_key_range(yaml: &str, offset: usize, key: &str) -> Option<Range<usize>> {
    let indent = yaml
        .lines()
        .find(|line| !line.trim().is_empty())
        .map_or(0, |line| line.len() - line.trim_start_matches(' ').len());
    let mut line_start = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line
            .get(..indent)
            .filter(|margin| margin.bytes().all(|b| b == b' '))
            .and_then(|_| line[indent..].strip_prefix(key))
            && rest.trim_start().starts_with(':')
        {
            let start = offset + line_start + indent;
            return Some(start..start + key.len());
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

/// The value of a block written in the shape nearly every `card` block has, read without the
/// YAML parser (which was half of parsing a lesson): top-level `key:` lines of lowercase letters,
/// each with a plain one-line value or a list of `  - ` entries, an entry being a plain value or
/// a mapping of `key: value` lines (`  - flag: ...` then `    match: ...`). A plain value here is
/// letters, digits, single spaces, `-`, `_`, `'` and `.`, opening with a letter and not one of
/// the words YAML reads as a boolean, null or number. Anything else (quotes, flow lists, comments,
/// tabs, blank lines, other indentation, repeated keys) is `None`: the YAML parser reads it, and
/// reports its errors, as before. A test checks the two agree.
pub fn simple(yaml: &str) -> Option<Value> {
    use serde_norway::Mapping;

    /// What the last top-level key holds so far.
    enum Open {
        None,
        /// A key with nothing after its colon: a list may follow.
        Key(String),
        /// A key whose list is being read.
        List(String, Vec<Value>),
    }
    fn close(open: Open, top: &mut Mapping) -> Option<()> {
        let (key, value) = match open {
            Open::None => return Some(()),
            Open::Key(key) => (key, Value::Null),
            Open::List(key, items) => (key, Value::Sequence(items)),
        };
        insert(top, &key, value)
    }
    fn insert(mapping: &mut Mapping, key: &str, value: Value) -> Option<()> {
        // A repeated key is an error the parser reports.
        mapping
            .insert(Value::String(key.to_owned()), value)
            .is_none()
            .then_some(())
    }
    /// `key: value` or `key:`, the key lowercase letters.
    fn key_value(line: &str) -> Option<(&str, Option<Value>)> {
        let (key, rest) = line.split_once(':')?;
        // A key YAML reads as something other than a string (`null:`, `on:`) is the parser's.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase()) || plain(key).is_none() {
            return None;
        }
        if rest.is_empty() {
            return Some((key, None));
        }
        Some((key, Some(plain(rest.strip_prefix(' ')?)?)))
    }
    fn plain(text: &str) -> Option<Value> {
        let bytes = text.as_bytes();
        let opens_with_letter = bytes.first().is_some_and(u8::is_ascii_alphabetic);
        let allowed = bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_' | b'\'' | b'.'));
        if !opens_with_letter || !allowed || text.ends_with(' ') || text.contains("  ") {
            return None;
        }
        // Words YAML may resolve to something other than a string (booleans, nulls, the
        // spelled-out floats Rust parses), in any case: left to the parser.
        let lower = text.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "true"
                | "false"
                | "null"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "y"
                | "n"
                | "inf"
                | "infinity"
                | "nan"
        ) {
            return None;
        }
        Some(Value::String(text.to_owned()))
    }

    let mut top = Mapping::new();
    let mut open = Open::None;
    for line in yaml.split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if let Some(entry) = line.strip_prefix("    ") {
            // `    key: value` continues the mapping of the last list entry.
            let Open::List(_, items) = &mut open else {
                return None;
            };
            let Some(Value::Mapping(mapping)) = items.last_mut() else {
                return None;
            };
            let (key, value) = key_value(entry)?;
            insert(mapping, key, value?)?;
        } else if let Some(entry) = line.strip_prefix("  - ") {
            let items = match std::mem::replace(&mut open, Open::None) {
                Open::Key(key) => (key, Vec::new()),
                Open::List(key, items) => (key, items),
                Open::None => return None,
            };
            let (key, mut items) = items;
            if entry.contains(':') {
                let (entry_key, value) = key_value(entry)?;
                let mut mapping = Mapping::new();
                insert(&mut mapping, entry_key, value?)?;
                items.push(Value::Mapping(mapping));
            } else {
                items.push(plain(entry)?);
            }
            open = Open::List(key, items);
        } else {
            // A top-level key; anything else (indentation, blank lines, comments) is not
            // this shape.
            let (key, value) = key_value(line)?;
            close(std::mem::replace(&mut open, Open::None), &mut top)?;
            match value {
                Some(value) => insert(&mut top, key, value)?,
                None => open = Open::Key(key.to_owned()),
            }
        }
    }
    close(open, &mut top)?;
    if top.is_empty() {
        return None;
    }
    Some(Value::Mapping(top))
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
    fn finds_keys_of_a_block_indented_as_a_whole() {
        let yaml = "  must:\n    - a\n  sheet: x\n";
        assert_eq!(top_level_key_range(yaml, 0, "sheet"), Some(18..23));
        assert_eq!(top_level_key_range(yaml, 0, "a"), None);
    }

    #[test]
    fn does_not_mistake_a_prefix_for_a_key() {
        assert_eq!(top_level_key_range("identity: x\n", 0, "id"), None);
    }

    #[test]
    fn bounds_are_checked_before_parsing() {
        assert!(check_bounds("tags: [a, [b, {c: d}]]\nmust: \"[[[[\" # [[[[\n").is_ok());
        let (at, message) = check_bounds(&format!("tags: {}", "[".repeat(100))).expect_err("deep");
        assert_eq!(at, 6 + MAX_DEPTH);
        assert!(message.contains("nests deeper than 64 levels"), "{message}");
        let (at, _) = check_bounds(&format!("a: 1\n{}x", "- ".repeat(100))).expect_err("deep");
        assert_eq!(at, 5);
        let (_, message) = check_bounds(&"a".repeat(MAX_BYTES + 1)).expect_err("large");
        assert!(
            message.contains("65 KiB, more than the 64 KiB"),
            "{message}"
        );
    }

    /// The fast path reads what the YAML parser reads, or leaves the block to it.
    fn agrees(yaml: &str) -> bool {
        let parsed: Option<Value> = serde_norway::from_str(yaml).ok();
        match simple(yaml) {
            Some(value) => parsed.as_ref() == Some(&value),
            None => true,
        }
    }

    #[test]
    fn the_common_card_shape_is_read_without_the_parser() {
        let yaml = "must:\n  - primary shard\n  - backlog lag\navoid:\n  - flag: skips the consumer\n    match: skips the consumer\nsheet: it's short.\n";
        assert!(simple(yaml).is_some());
        assert!(agrees(yaml));
        for other in [
            "must: [a, b]\n",
            "must:\n  - \"a\"\n",
            "must:\n  - a # note\n",
            "must:\n  - true\n",
            "must:\n  - a\n\n  - b\n",
            "must:\n  - a\nmust:\n  - b\n",
            "must:\n\t- a\n",
            "kind: Null\n",
            "must:\n  - 12 rows\n",
            "",
        ] {
            assert!(simple(other).is_none(), "{other:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn the_fast_path_agrees_with_the_parser(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z]{1,6}:( [a-zA-Z0-9 .'_:#-]{0,12})?",
                    "  - [a-zA-Z0-9 .'_:#-]{0,12}",
                    "    [a-z]{1,6}: [a-zA-Z0-9 .'_-]{0,12}",
                    "  - [a-z]{1,5}: [a-zA-Z][a-zA-Z0-9 .'_-]{0,12}",
                    "[a-z]{1,6}: (true|false|null|yes|no|on|off|y|n|inf|nan|Null|TRUE|NaN|Infinity|e|E1|x1|Yes|OFF|nO|Y|N)",
                    "  - (true|false|null|yes|no|on|off|y|n|inf|nan|Null|TRUE|NaN|Infinity|e|E1|x1|Yes|OFF|nO|Y|N)",
                    "(true|null|y|on|no|n|false):( x)?",
                    " {0,5}",
                ],
                0..8,
            ),
        ) {
            let yaml = lines.join("\n") + "\n";
            proptest::prop_assert!(agrees(&yaml), "{:?} -> {:?}", yaml, simple(&yaml));
        }
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
