//! The matcher's entry points (src/lint/matching): a pattern as a card block writes it (phrase,
//! `=exact words` or `/regex/`), looked for as a point and as a flag in an answer, in one of the
//! lessons' languages: compiled, prepared, found, judged and explained without a panic.
//!
//! Input (text, so that seeds are readable): the first line is `LANG<TAB>PATTERN` (or just the
//! pattern, in English), an optional second line `= word, word` is a synonym group, the rest
//! is the answer.
#![no_main]

use cardsmith::lint::matching::{Matcher, Query, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let input = String::from_utf8_lossy(bytes);
    let (first, mut answer) = input.split_once('\n').unwrap_or((&input, ""));
    let (lang, pattern) = first.split_once('\t').unwrap_or(("en", first));
    let mut synonyms = Vec::new();
    if let Some(group) = answer.strip_prefix("= ") {
        let (line, rest) = group.split_once('\n').unwrap_or((group, ""));
        synonyms.push(line.split(", ").map(str::to_owned).collect());
        answer = rest;
    }
    let Ok((kind, regex)) = cardsmith::parse::compile_pattern(pattern) else {
        return;
    };
    let mut matcher = Matcher::new(synonyms, true);
    let point = Query {
        source: pattern,
        kind,
        regex: regex.as_ref(),
        scope: Scope::Point,
    };
    for query in [point, point.as_flag()] {
        matcher.prepare(lang, query);
        let doc = matcher.doc(lang, answer);
        for found in matcher.find(lang, query, &doc, answer) {
            assert!(
                found.range.start <= found.range.end && found.range.end <= answer.len(),
                "{found:?} outside an answer of {} bytes",
                answer.len()
            );
        }
        let _ = matcher.is_made(lang, query, &doc, answer);
        let _ = matcher.closest(lang, query, &doc, answer);
        let _ = matcher.judge(lang, &[query], &doc, answer);
    }
});
