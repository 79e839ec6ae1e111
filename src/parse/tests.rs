use super::*;
use crate::model::{CardKind, PatternKind};

fn parse(text: &str) -> (Lesson, Vec<Diagnostic>) {
    parse_lesson(FileId(0), text, "lesson")
}

fn codes_of(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.code).collect()
}

const HEADER: &str =
    "---\nid: probes\ntitle: Probes\ndeck: Data::Pipelines\ntags: [data, interview]\n---\n";

#[test]
fn reads_front_matter_topics_items_and_cards() {
    let text = format!(
        "{HEADER}\n## Stream Guarantees\n\n### What does exactly-once cost? {{#exactly-once}}\n\nIt is **expensive**.\n\n```card\ntags: [streaming]\nkind: reverse\nmust:\n  - idempotent writes\n  - point: the cost\n    match: [cost, \"/overhead|latency/\"]\navoid:\n  - flag: no cost named\n    match: exactly-once\n    unless: [cost]\nallow: [Q001]\nsheet: costly\n```\n\nMore after the block.\n"
    );
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        (
            lesson.id.as_str(),
            lesson.title.as_str(),
            lesson.deck.as_str()
        ),
        ("probes", "Probes", "Data::Pipelines")
    );
    assert_eq!(lesson.tags, ["data", "interview"]);
    assert_eq!(lesson.topics.len(), 1);
    assert_eq!(lesson.topics[0].slug, "stream-guarantees");
    let item = &lesson.items[0];
    assert_eq!(item.id, "exactly-once");
    assert_eq!(item.question, "What does exactly-once cost?");
    assert_eq!(item.answer, "It is **expensive**.\n\nMore after the block.");
    assert_eq!(item.card.kind, CardKind::Reverse);
    assert_eq!(item.card.must.len(), 2);
    assert_eq!(item.card.must[0].point, "idempotent writes");
    assert_eq!(item.card.must[1].patterns.len(), 2);
    assert_eq!(item.card.must[1].patterns[1].kind, PatternKind::Regex);
    assert_eq!(item.card.avoid[0].unless[0].source, "cost");
    assert_eq!(item.card.allow, ["Q001"]);
    assert_eq!(item.card.sheet.as_deref(), Some("costly"));
    assert_eq!(
        lesson.item_tags(item),
        ["data", "interview", "streaming", "topic::stream-guarantees"]
    );
}

#[test]
fn spans_point_into_the_source() {
    let text = format!(
        "{HEADER}\n### Why Parquet? {{#why-parquet}}\n\nColumnar.\n\n```card\nmust:\n  - columnar\n```\n"
    );
    let (lesson, _) = parse(&text);
    let item = &lesson.items[0];
    assert_eq!(&text[item.question_span.range.clone()], "Why Parquet?");
    assert_eq!(
        &text[item.id_span.clone().expect("has id").range],
        "{#why-parquet}"
    );
    assert_eq!(&text[item.card.must[0].span.range.clone()], "columnar");
    assert_eq!(&text[lesson.id_span.range.clone()], "probes");
    assert!(text[item.answer_span.range.clone()].contains("Columnar."));
}

#[test]
fn answer_ends_at_next_level_two_or_three_heading_but_not_deeper() {
    let text = format!(
        "{HEADER}\n### First? {{#first}}\n\nOne.\n\n#### Detail\n\nStill first.\n\n## Topic\n\n### Second? {{#second}}\n\nTwo.\n"
    );
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(
        lesson.items[0].answer,
        "One.\n\n#### Detail\n\nStill first."
    );
    assert_eq!(lesson.items[0].topic, None);
    assert_eq!(lesson.items[1].answer, "Two.");
    assert_eq!(lesson.items[1].topic, Some(0));
}

#[test]
fn fenced_code_inside_an_answer_is_kept() {
    let text = format!("{HEADER}\n### Show code? {{#code}}\n\n```sql\nSELECT 1;\n```\n");
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(lesson.items[0].answer, "```sql\nSELECT 1;\n```");
}

#[test]
fn html_comments_are_not_content() {
    let text = format!("{HEADER}\n<!-- draft notes -->\n\n### Q? {{#q}}\n\nA.\n");
    let (_, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn structure_problems_have_their_codes() {
    let cases: &[(&str, &str)] = &[
        ("### Q? {#q}\n\nA.\n", "S001"),
        ("---\nid: x\n", "S001"),
        ("---\nid: [x\n---\n", "S001"),
        ("---\ntitle: T\ndeck: D\n---\n", "S002"),
        ("---\nid: x\ntitle: T\ndeck: D\ncolour: red\n---\n", "S003"),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### Q?\n\nA.\n",
            "S004",
        ),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### Q? {#q}\n",
            "S006",
        ),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### Q? {#q}\n\nA.\n\n```card\nkind: 3\n```\n",
            "S007",
        ),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### Q? {#q}\n\nA.\n\n```card\nmust: [\"/[/\"]\n```\n",
            "S008",
        ),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\nStray.\n\n### Q? {#q}\n\nA.\n",
            "S009",
        ),
        ("---\nid: Not A Slug\ntitle: T\ndeck: D\n---\n", "S010"),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### Q? {#Bad_ID}\n\nA.\n",
            "S010",
        ),
        ("---\nid: x\ntitle: T\ndeck: D\n---\n\n# Title\n", "S012"),
        (
            "---\nid: x\ntitle: T\ndeck: D\ntags: [two words]\n---\n",
            "S013",
        ),
        (
            "---\nid: x\ntitle: T\ndeck: D\n---\n\n### {#q}\n\nA.\n",
            "S015",
        ),
    ];
    for (text, code) in cases {
        let (_, diagnostics) = parse(text);
        assert_eq!(
            codes_of(&diagnostics),
            [*code],
            "for {text:?}: {diagnostics:#?}"
        );
    }
}

#[test]
fn second_card_block_and_stray_card_block_are_errors() {
    let text = format!(
        "{HEADER}\n```card\ntags: [x]\n```\n\n### Q? {{#q}}\n\nA.\n\n```card\ntags: [a]\n```\n\n```card\ntags: [b]\n```\n"
    );
    let (lesson, diagnostics) = parse(&text);
    assert_eq!(codes_of(&diagnostics), ["S009", "S007"]);
    assert_eq!(lesson.items[0].card.tags, ["a"]);
}

#[test]
fn empty_card_block_gives_defaults() {
    let text = format!("{HEADER}\n### Q? {{#q}}\n\nA.\n\n```card\n```\n");
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert!(lesson.items[0].card.must.is_empty());
    assert!(lesson.items[0].card.span.is_some());
}

#[test]
fn duplicate_ids_across_lessons_point_at_both() {
    let first = SourceFile {
        path: "a.md".into(),
        text: format!("{HEADER}\n### Q? {{#same}}\n\nA.\n"),
    };
    let second = SourceFile {
        path: "b.md".into(),
        text: "---\nid: other\ntitle: T\ndeck: D\n---\n\n### Q2? {#same}\n\nB.\n".to_owned(),
    };
    let (_, diagnostics) = parse_course(vec![first, second]);
    assert_eq!(codes_of(&diagnostics), ["S005"]);
    assert_eq!(diagnostics[0].span.file, FileId(1));
    assert_eq!(diagnostics[0].related[0].span.file, FileId(0));
}

#[test]
fn crlf_line_endings_parse_like_lf() {
    let text = format!("{HEADER}\n### Q? {{#q}}\n\nA.\n").replace('\n', "\r\n");
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(lesson.items[0].id, "q");
}

#[test]
fn slugs() {
    assert_eq!(slugify("Why Parquet? (3 words)"), "why-parquet-3-words");
    assert_eq!(slugify("???"), "item");
    assert_eq!(slugify("Ökonomie"), "okonomie");
    assert_eq!(
        slugify("Grundlagen für Anfänger"),
        "grundlagen-fur-anfanger"
    );
    assert_eq!(slugify("基礎"), "ji-chu");
    let japanese = slugify("キャッシュとは何ですか?");
    assert!(is_slug(&japanese) && japanese.len() > 8, "{japanese}");
    assert!(is_slug("exactly-once"));
    assert!(is_slug("a_b-2"));
    assert!(!is_slug("Exactly-once"));
    assert!(!is_slug("a--b"));
    assert!(!is_slug(""));
}

#[test]
fn a_bare_heading_reports_an_empty_question_without_a_made_up_id() {
    let text = format!("{HEADER}\n###\n\nA.\n");
    let (_, diagnostics) = parse(&text);
    assert_eq!(codes_of(&diagnostics), ["S015"]);
}

#[test]
fn pattern_spans_cover_the_pattern_not_the_yaml_brackets() {
    let text = format!(
        "{HEADER}\n### Q? {{#q}}\n\nA.\n\n```card\nmust:\n  - point: p\n    match: [\"/[/\", \"/(x/\"]\n```\n"
    );
    let (_, diagnostics) = parse(&text);
    assert_eq!(codes_of(&diagnostics), ["S008", "S008"]);
    assert_eq!(&text[diagnostics[0].span.range.clone()], "/[/");
    assert_eq!(&text[diagnostics[1].span.range.clone()], "/(x/");
}

#[test]
fn question_keeps_inline_markdown() {
    let text = format!("{HEADER}\n### Why `COPY` and *not* INSERT? {{#copy}}\n\nSpeed.\n");
    let (lesson, _) = parse(&text);
    assert_eq!(lesson.items[0].question, "Why `COPY` and *not* INSERT?");
}

/// Corrupts the seed lesson 300 ways (deterministically) and runs the parse stage and
/// both reporters on each variant: whatever the input, they must return, never panic.
#[test]
fn mangled_lessons_never_panic() {
    let seed = include_str!("../../source/data-pipelines/probes.md");
    for text in crate::parse::mangle::variants(seed, 300, 0x9E37_79B9_7F4A_7C15) {
        let file = SourceFile {
            path: "mangled.md".into(),
            text,
        };
        let (_course, diagnostics) = parse_course(vec![file.clone()]);
        let files = [file];
        let _ = crate::report::render(
            crate::report::ReportFormat::Full,
            &diagnostics,
            &files,
            false,
        );
        let _ = crate::report::render(
            crate::report::ReportFormat::Concise,
            &diagnostics,
            &files,
            false,
        );
    }
}

#[test]
fn lang_defaults_to_english_and_keeps_the_primary_subtag() {
    let (lesson, diagnostics) = parse(&format!("{HEADER}\n### Q? {{#q}}\n\nA.\n"));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(lesson.lang, "en");
    let text = "---\nid: l\ntitle: L\ndeck: D\nlang: pt-BR\n---\n\n### Q? {#q}\n\nA.\n";
    let (lesson, diagnostics) = parse(text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(lesson.lang, "pt");
}

#[test]
fn unknown_or_malformed_lang_is_an_error_at_its_value() {
    let text = "---\nid: l\ntitle: L\ndeck: D\nlang: klingon\n---\n\n### Q? {#q}\n\nA.\n";
    let (lesson, diagnostics) = parse(text);
    assert_eq!(codes_of(&diagnostics), ["S001"]);
    assert_eq!(&text[diagnostics[0].span.range.clone()], "klingon");
    assert!(diagnostics[0].message.contains("klingon"));
    assert_eq!(lesson.lang, "en");
    let text = "---\nid: l\ntitle: L\ndeck: D\nlang: [en]\n---\n\n### Q? {#q}\n\nA.\n";
    let (_, diagnostics) = parse(text);
    assert_eq!(codes_of(&diagnostics), ["S001"]);
}

#[test]
fn topics_of_other_scripts_get_transliterated_tags_that_never_collide() {
    let text = format!(
        "{HEADER}\n## Ökonomie\n\n### A? {{#a}}\n\nA.\n\n## 基礎\n\n### B? {{#b}}\n\nB.\n\n## C++\n\n### C? {{#c}}\n\nC.\n\n## C#\n\n### D? {{#d}}\n\nD.\n\n## C++\n\n### E? {{#e}}\n\nE.\n\n## ???\n\n### F? {{#f}}\n\nF.\n"
    );
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let slugs: Vec<&str> = lesson.topics.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["okonomie", "ji-chu", "c", "c-2", "c", "topic"]);
}

#[test]
fn a_card_block_under_a_list_item_is_the_items_card_not_its_answer() {
    let text = format!(
        "{HEADER}\n### Why Parquet? {{#why-parquet}}\n\n- Columnar storage.\n\n  ```card\n  must:\n    - columnar\n  sheet: columns\n  ```\n- Compressed.\n"
    );
    let (lesson, diagnostics) = parse(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let item = &lesson.items[0];
    assert_eq!(item.card.must.len(), 1);
    assert_eq!(item.card.must[0].point, "columnar");
    assert_eq!(item.card.sheet.as_deref(), Some("columns"));
    assert!(!item.answer.contains("card"), "{}", item.answer);
    assert!(!item.answer.contains("must"), "{}", item.answer);
    assert!(
        item.answer.contains("- Columnar storage."),
        "{}",
        item.answer
    );
    assert!(item.answer.contains("- Compressed."), "{}", item.answer);
    let span = item.card.span.clone().expect("the block is found");
    assert!(text[span.range].starts_with("```card"));
    let point = &item.card.must[0].span;
    assert_eq!(&text[point.range.clone()], "columnar");
}

#[test]
fn a_broken_card_block_under_a_list_item_is_reported() {
    let text = format!("{HEADER}\n### Q? {{#q}}\n\n- A.\n\n  ```card\n  must: [a\n  ```\n");
    let (_, diagnostics) = parse(&text);
    assert_eq!(codes_of(&diagnostics), ["S007"]);
}

/// Lessons parsed side by side refuse the same regexes as one after the other: past the run's
/// cap, those of the later lessons in file order, whichever thread met them first.
#[test]
fn the_regex_cap_refuses_the_later_lessons_regexes_whatever_the_threads() {
    let lesson = |at: usize, regexes: usize| {
        let must: String = (0..regexes)
            .map(|n| format!("  - \"/x{at}y{n}/\"\n"))
            .collect();
        SourceFile {
            path: format!("l{at}.md").into(),
            text: format!(
                "---\nid: l{at}\ntitle: T\ndeck: D\n---\n\n### Q? {{#q{at}}}\n\nA.\n\n```card\nmust:\n{must}```\n"
            ),
        }
    };
    let refused_in = |files: Vec<SourceFile>| -> Vec<usize> {
        let (_, diagnostics) = parse_course(files);
        let mut files: Vec<usize> = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.message.contains("distinct regexes"))
            .map(|diagnostic| diagnostic.span.file.0)
            .collect();
        files.dedup();
        files
    };
    // Within the cap: nothing refused.
    assert_eq!(
        refused_in((0..40).map(|at| lesson(at, 6)).collect()),
        Vec::<usize>::new()
    );
    // 50 lessons of 6: the cap (256) ends in the 43rd lesson, so lessons 42 to 49 are refused.
    let refused = refused_in((0..50).map(|at| lesson(at, 6)).collect());
    assert_eq!(refused, (42..50).collect::<Vec<_>>());
}

/// Pieces of Markdown around links, images and raw HTML: their syntax, reference definitions,
/// autolinks, entities and escapes that spell a scheme's colon.
const LINK_PIECES: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    ":",
    "!",
    "\\",
    "&",
    ";",
    "#",
    "\n",
    "\n\n",
    " ",
    "  ",
    "    ",
    "`",
    "```",
    "*",
    "_",
    "$",
    "|",
    "-",
    "> ",
    "1. ",
    "[^1]",
    "javascript",
    "JaVa",
    "script",
    "vbscript",
    "data",
    "file",
    "http",
    "&#58;",
    "&#x3A;",
    "&colon;",
    "&Tab;",
    "%3A",
    "\t",
    "x",
    "/",
    "'",
    "\"",
    "=",
    "on",
    "click",
    "iframe",
    "style",
    "img",
    "src",
    "a",
    "href",
    "<!--",
    "-->",
    "![",
    "](",
    "]:",
    "][",
    "<javascript:",
    "title",
    "[a]",
    "[a]",
    "[a]:",
    "[b]",
    "[b][a]",
    "![a]",
    "javascript:",
    "vbscript&colon;",
    "img.png",
    "./a.md",
];

/// Whole lines in the shapes a reference definition, a link or raw HTML takes (and near misses),
/// for what pieces alone seldom assemble.
const LINK_LINES: &[&str] = &[
    "[a]: javascript:x",
    "[A]: JAVASCRIPT:x",
    "[a]:",
    "img/a.png",
    "  [a]: <vbscript&colon;x> \"t\"",
    "> [a]: data:text/html,x",
    "- [a]: java&#115;cript:x",
    "[a] : img/a.png",
    "[a]\\: img/a.png",
    "[a]",
    "[a][]",
    "[x][a]",
    "![a]",
    "see [a] and ![b][a]",
    "[^a]: javascript:x",
    "    [a]: javascript:x",
    "```",
    "`[a]: javascript:x`",
    "<div>",
    "x <span onclick=y>",
    "<javascript:x>",
    "<https://example.com>",
    "text",
    "",
];

/// Whether the parse of `markdown` has a link, an image or raw HTML.
fn has_links_or_html(markdown: &str) -> bool {
    Parser::new_ext(markdown, markdown_options()).any(|event| {
        matches!(
            event,
            Event::Start(Tag::Link { .. } | Tag::Image { .. })
                | Event::Html(_)
                | Event::InlineHtml(_)
        )
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// The passes that look only for links, images or raw HTML (S021, the assets' references)
    /// skip what `may_hold_links_or_html` rules out: its parse has none of them.
    #[test]
    fn markdown_ruled_out_has_no_link_image_or_html(
        pieces in proptest::collection::vec(proptest::sample::select(LINK_PIECES), 0..30),
    ) {
        let markdown: String = pieces.concat();
        if !may_hold_links_or_html(&markdown) {
            proptest::prop_assert!(!has_links_or_html(&markdown), "{:?}", markdown);
        }
    }

    /// The same over whole lines.
    #[test]
    fn lines_ruled_out_have_no_link_image_or_html(
        lines in proptest::collection::vec(proptest::sample::select(LINK_LINES), 0..8),
    ) {
        let markdown = lines.join("\n");
        if !may_hold_links_or_html(&markdown) {
            proptest::prop_assert!(!has_links_or_html(&markdown), "{:?}", markdown);
        }
    }
}
