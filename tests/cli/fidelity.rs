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
