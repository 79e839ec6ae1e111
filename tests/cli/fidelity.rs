//! What the learner sees is what the author wrote (issue 10): cloze markup, card blocks, ids and
//! warnings, through the real binary. Anki's side is in `apkg.rs`, the PDF's in `sheet.rs`.

use crate::support::Project;

#[test]
fn cloze_markup_in_a_basic_item_is_a_warning_at_the_deletion() {
    let project = Project::new();
    project.write(
        "source/parquet.md",
        "---\nid: parquet\ntitle: Parquet\ndeck: Parquet\n---\n\n### Why Parquet? {#why}\n\nIt is {{c1::columnar}}.\n",
    );
    let stderr = project.run(&["build"], 0);
    assert!(stderr.contains("warning[S023]"), "{stderr}");
    assert!(stderr.contains("source/parquet.md:9:7"), "{stderr}");
}

#[test]
fn fix_gives_questions_in_other_scripts_transliterated_unique_ids() {
    let project = Project::new();
    project.write(
        "source/ja.md",
        "---\nid: ja\ntitle: Cache\ndeck: Ja\n---\n\n### キャッシュとは何ですか?\n\nA.\n\n### キャッシュとは何ですか?\n\nB.\n\n### ???\n\nC.\n",
    );
    project.run(&["check", "--fix"], 0);
    let text = std::fs::read_to_string(project.root().join("source/ja.md")).expect("lesson");
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split("{#").nth(1))
        .map(|rest| rest.trim_end_matches('}'))
        .collect();
    assert_eq!(ids.len(), 3, "{text}");
    assert!(ids[0].len() > 8 && ids[0] != "item", "{ids:?}");
    assert_eq!(ids[1], format!("{}-2", ids[0]));
    assert_eq!(ids[2], "item");
}

/// A 1x1 PNG; `variant` appends bytes after its end, so that two images differ.
fn png(variant: &[u8]) -> Vec<u8> {
    let mut bytes = vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    bytes.extend_from_slice(variant);
    bytes
}

/// Every image destination of a Markdown text, as pulldown-cmark reads it.
fn image_links(markdown: &str) -> Vec<String> {
    pulldown_cmark::Parser::new(markdown)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn study_guides_reveal_cloze_and_every_image_link_resolves_in_out() {
    let project = Project::new();
    project.write(
        "source/a/frames.md",
        "---\nid: frames\ntitle: Frames\ndeck: A\n---\n\n### What is a frame? {#frame}\n\n\
         ![the frame](img/frame.png)\n\n### Which format? {#format}\n\n\
         ```card\nkind: cloze\n```\n\nIt is {{c1::columnar::how?}}, see ![shared](../shared/logo.png).\n",
    );
    project.write(
        "source/b/other.md",
        "---\nid: other\ntitle: Other\ndeck: B\n---\n\n### What is its frame? {#other-frame}\n\n\
         ![another frame](img/frame.png) and ![same logo](<../shared/logo.png>).\n",
    );
    project.write_bytes("source/a/img/frame.png", &png(b""));
    project.write_bytes("source/b/img/frame.png", &png(b"second"));
    project.write_bytes("source/shared/logo.png", &png(b"logo"));
    project.run(&["build"], 0);

    let out = project.root().join("out");
    for (guide, sources) in [
        (
            "frames.md",
            ["source/a/img/frame.png", "source/shared/logo.png"],
        ),
        (
            "other.md",
            ["source/b/img/frame.png", "source/shared/logo.png"],
        ),
    ] {
        let text = std::fs::read_to_string(out.join(guide)).expect("guide");
        assert!(!text.contains("{{c"), "{text}");
        let links = image_links(&text);
        assert_eq!(links.len(), 2, "{text}");
        for (link, source) in links.iter().zip(sources) {
            let copied = std::fs::read(out.join(link))
                .unwrap_or_else(|error| panic!("{guide}: `{link}` does not resolve: {error}"));
            let original = std::fs::read(project.root().join(source)).expect("source image");
            assert_eq!(copied, original, "{guide}: `{link}` is not `{source}`");
            assert!(!link.contains(".."), "{link}");
        }
    }
    let frames = std::fs::read_to_string(out.join("frames.md")).expect("guide");
    assert!(frames.contains("It is **columnar**, see"), "{frames}");
    // The first image at a linked path keeps the author's link.
    assert!(frames.contains("![the frame](img/frame.png)"), "{frames}");
}

#[test]
fn question_rules_follow_the_lesson_language() {
    let project = Project::new();
    project.write(
        "source/de.md",
        "---\nid: de\ntitle: Parquet\ndeck: De\nlang: de\n---\n\n### Was ist Parquet? {#was}\n\n\
         Ein Dateiformat.\n\n### Ist Parquet spaltenorientiert? {#ist}\n\nJa.\n",
    );
    project.write(
        "source/es.md",
        "---\nid: es\ntitle: Parquet\ndeck: Es\nlang: es\n---\n\n### ¿Es Parquet columnar? {#es-columnar}\n\nSí.\n",
    );
    project.write(
        "source/ja.md",
        "---\nid: ja\ntitle: キャッシュ\ndeck: Ja\nlang: ja\n---\n\n### キャッシュ {#ja-topic}\n\n近くに置いた写し。\n\n\
         ### キャッシュとは何ですか？ {#ja-question}\n\n近くに置いた写し。\n",
    );
    project.write(
        "source/ar.md",
        "---\nid: ar\ntitle: Cache\ndeck: Ar\n---\n\n### ما هو التخزين المؤقت؟ {#ar-question}\n\nنسخة قريبة.\n",
    );
    let stderr = project.run(&["check", "--format", "concise"], 0);
    let fired: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains(" Q005 ") || line.contains(" Q007 "))
        .collect();
    // German `Was` is "what"; Spanish marks yes/no questions by intonation only; a Japanese
    // heading without `？` may be a prompt; `？` and `؟` are question marks.
    assert_eq!(fired.len(), 1, "{stderr}");
    assert!(fired[0].starts_with("source/de.md:12:5: Q005"), "{stderr}");
}
