//! The benchmark tooling works: the corpus generator makes clean lessons of the promised shape,
//! and `scripts/bench-peers` runs every case at a tiny size. Nothing here times anything.

#[path = "../../benches/corpus/mod.rs"]
mod corpus;

use std::process::Command;

use crate::support::{Project, repo_root};

#[test]
fn the_corpus_has_the_promised_shape_and_is_deterministic() {
    let lessons = corpus::lessons(120);
    assert_eq!(lessons.len(), 3, "50 items per lesson file");
    assert_eq!(lessons[2].items.len(), 20);
    for item in lessons.iter().flat_map(|lesson| &lesson.items) {
        assert_eq!(
            item.question.split_whitespace().count(),
            12,
            "{}",
            item.question
        );
        let prose: usize = item
            .answer
            .split("```")
            .step_by(2)
            .map(|text| text.split_whitespace().filter(|word| *word != "-").count())
            .sum();
        assert!(
            (60..=120).contains(&prose),
            "{prose} words: {}",
            item.answer
        );
        for point in &item.must {
            assert!(
                item.answer.to_lowercase().contains(point.as_str()),
                "{point}"
            );
        }
        assert!(!item.answer.contains(&item.avoid));
    }
    assert!(
        lessons[0].items[2].answer.contains("```sql"),
        "fenced code, every third item"
    );
    assert!(lessons[0].items[0].answer.contains("\n- "), "a list");
    assert_eq!(
        corpus::markdown(&corpus::lessons(60)[0], true),
        corpus::markdown(&lessons[0], true),
        "same items whatever the size"
    );
}

#[test]
fn the_corpus_checks_clean_with_and_without_card_blocks() {
    for cards in [false, true] {
        let project = Project::new();
        corpus::write_project(project.root(), &corpus::lessons(60), cards, "")
            .expect("writes the corpus");
        let stderr = project.run(&["check"], 0);
        assert!(stderr.contains("no problems"), "cards {cards}: {stderr}");
    }
}

#[test]
fn the_peer_runner_runs_every_case_at_a_tiny_size() {
    let work = tempfile::tempdir().expect("temp dir");
    let items = 60;
    let lessons = corpus::lessons(items);
    // The runner's corpus layout (its generator binary is not built by the tests).
    for (dir, cards, config) in [
        ("plain", false, ""),
        ("card", true, ""),
        ("nosheet", false, "[sheet]\nenabled = false\n"),
        ("rebuild", false, ""),
    ] {
        corpus::write_project(
            &work.path().join(format!("{items}/{dir}")),
            &lessons,
            cards,
            config,
        )
        .expect("writes the corpus");
    }
    let output = Command::new(repo_root().join("scripts/bench-peers"))
        .args(["--items", &items.to_string(), "--runs", "1", "--work"])
        .arg(work.path())
        .arg("--cardsmith")
        .arg(assert_cmd::cargo::cargo_bin("cardsmith"))
        .output()
        .expect("the runner starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for case in [
        "genanki",
        "floor",
        "build",
        "build-nosheet",
        "build-card",
        "rebuild",
        "rebuild-edit",
        "check",
        "check-card",
    ] {
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&format!("| {case} |"))),
            "no row for {case}:\n{stdout}"
        );
    }
    // The sheets-off project wrote decks and Markdown but no sheet.
    let out = work.path().join(format!("{items}/nosheet/out"));
    assert!(out.join("bench-0001.apkg").is_file());
    assert!(!out.join("bench-0001.pdf").exists() && !out.join("bench-0001.sheet.html").exists());
}
