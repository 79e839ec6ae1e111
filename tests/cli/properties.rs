//! Property tests (issue 11): any text is checked without a panic, with every diagnostic inside
//! its file; two builds of one project give the same bytes. Case counts stay small: this runs
//! in a debug build on every `scripts/test`.

use std::path::PathBuf;

use cardsmith::config::Config;
use cardsmith::diagnostic::FileId;
use cardsmith::load::Loaded;
use cardsmith::model::SourceFile;
use proptest::prelude::*;

use crate::support::Project;

/// Pieces of lessons, well-formed and broken: front matter, headings with and without ids, card
/// blocks, cloze markup, fences, math, references, control and wide characters, line endings.
const FRAGMENTS: &[&str] = &[
    "---\n",
    "id: x\n",
    "title: T\n",
    "deck: D::E\n",
    "tags: [a, b]\n",
    "lang: de\n",
    "## Topic\n",
    "### Question? {#q}\n",
    "### Question? {#q2 .c}\n",
    "### Why? \n",
    "\n",
    "\r\n",
    "Answer words here.",
    "```card\n",
    "```\n",
    "```python\n",
    "~~~\n",
    "must:\n",
    "  - point\n",
    "  - point: p\n    match: [a, \"/b+/\", \"=c d\"]\n",
    "avoid:\n  - flag: f\n    match: x\n    unless: [y]\n",
    "kind: cloze\n",
    "kind: reverse\n",
    "sheet: short\n",
    "allow: [Q001]\n",
    "{{c1::",
    "::hint}}",
    "}}",
    "{{c65536::x}}",
    "$x^2$",
    "$$\n",
    "\\(",
    "&#31;",
    "&#x1F;",
    "\\&#31;",
    "`code`",
    "`",
    "![i](img/a.png)",
    "[l](javascript:x)",
    "<script>x</script>",
    "<b onclick=x>",
    "[[[",
    "{{{",
    "- item\n",
    "  ",
    "\t",
    "\u{1f}",
    "\0",
    "é",
    "𝄞",
    "中文",
    "\u{200b}",
    "<!-- cardsmith-ignore Q001 -->\n",
    "\"",
    "'",
    ":",
    "#",
];

fn lesson_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[a-z ]{0,20}",
    ];
    proptest::collection::vec(fragment, 0..48).prop_map(|parts| parts.concat())
}

/// 1-based line and column in characters of byte `offset`, counted directly (not with the
/// crate's line index, which is what the reports use).
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

fn check_diagnostics_lie_inside(text: &str) -> Result<(), TestCaseError> {
    let loaded = Loaded {
        files: vec![SourceFile {
            path: PathBuf::from("source/prop.md"),
            text: text.to_owned(),
        }],
        ..Loaded::default()
    };
    let config = Config::from_text(&std::env::temp_dir(), None).expect("the default config");
    let checked = cardsmith::check_sources(loaded, &config).expect("nothing to read from disk");
    let lines: Vec<&str> = text.split('\n').collect();
    for diagnostic in &checked.diagnostics {
        prop_assert_eq!(diagnostic.span.file, FileId(0));
        let range = diagnostic.span.range.clone();
        prop_assert!(
            range.start <= range.end && range.end <= text.len(),
            "{:?} outside {} bytes: {:?}",
            range,
            text.len(),
            diagnostic
        );
        for offset in [range.start, range.end] {
            prop_assert!(
                text.is_char_boundary(offset),
                "{} is inside a character: {:?}",
                offset,
                diagnostic
            );
        }
        let (line, column) = line_column(text, range.start);
        prop_assert!(line <= lines.len(), "line {line}: {diagnostic:?}");
        let line_len = lines[line - 1].chars().count();
        prop_assert!(
            column <= line_len + 1,
            "column {column} of a {line_len}-character line: {diagnostic:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn any_text_is_checked_without_panic_and_diagnostics_lie_inside_it(text in lesson_text()) {
        check_diagnostics_lie_inside(&text)?;
    }

    #[test]
    fn any_text_after_valid_front_matter_too(body in lesson_text()) {
        check_diagnostics_lie_inside(&format!("---\nid: p\ntitle: P\ndeck: P\n---\n\n{body}"))?;
    }
}

/// A small valid lesson: items with questions, answers made of Markdown pieces, and card blocks
/// whose required point is a word the answer holds, so that it builds.
fn buildable_lesson() -> impl Strategy<Value = String> {
    let word = "[a-z]{3,9}";
    let answer_piece = prop_oneof![
        proptest::collection::vec(word, 1..8).prop_map(|words| words.join(" ") + "."),
        word.prop_map(|w| format!("**{w}**")),
        word.prop_map(|w| format!("`{w}`")),
        word.prop_map(|w| format!("- {w}\n- {w}s\n")),
        word.prop_map(|w| format!("```python\n{w} = 1  # < 2\n```\n")),
        word.prop_map(|w| format!("$${w}^2$$")),
        Just("Émile → 中文 ✓".to_owned()),
    ];
    let item = (
        proptest::collection::vec(word, 1..5),
        proptest::collection::vec(answer_piece, 1..4),
        any::<bool>(),
    );
    proptest::collection::vec(item, 1..5).prop_map(|items| {
        let mut text =
            "---\nid: prop\ntitle: Property lesson\ndeck: Props\n---\n\n## Topic\n\n".to_owned();
        for (index, (question, answer, with_card)) in items.iter().enumerate() {
            text.push_str(&format!(
                "### What is {}? {{#item-{index}}}\n\n",
                question.join(" ")
            ));
            text.push_str(&answer.join("\n\n"));
            // The required point is a word the answer says in prose.
            let word = &question[0];
            text.push_str(&format!("\n\nRemember {word}.\n\n"));
            if *with_card {
                text.push_str(&format!("```card\nmust:\n  - \"={word}\"\n```\n\n"));
            }
        }
        text
    })
}

proptest! {
    // Each case is three builds through the binary.
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn two_builds_of_one_project_give_identical_bytes(lesson in buildable_lesson()) {
        let first = Project::new();
        first.write("source/prop.md", &lesson);
        first.run(&["build"], 0);
        let built = first.out_files();
        prop_assert!(built.iter().any(|(path, _)| path.ends_with("prop.apkg")), "{:?}", built);
        prop_assert!(built.iter().any(|(path, _)| path.ends_with("prop.md")));
        prop_assert!(built.iter().any(|(path, _)| path.ends_with("prop.sheet.html")));
        // Again in place, nothing changed; then on another checkout with the same lock.
        first.run(&["build"], 0);
        prop_assert_eq!(&first.out_files(), &built);
        let second = Project::new();
        second.write("source/prop.md", &lesson);
        let lock = std::fs::read(first.root().join("cardsmith.lock")).expect("the build wrote a lock");
        second.write_bytes("cardsmith.lock", &lock);
        second.run(&["build", "--locked"], 0);
        prop_assert_eq!(second.out_files(), built);
    }
}
