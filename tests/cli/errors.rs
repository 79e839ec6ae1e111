//! Bad input: every problem is reported at file:line:column with the offending line and a help,
//! the exit status says what kind of failure it was, and `out/` is left exactly as it was.

use insta::assert_snapshot;

use crate::support::{Project, stderr_of};

const GOOD_LESSON: &str = "---
id: good
title: A good lesson
deck: Tests
---

### What is a good lesson? {#good-question}

One that builds.
";

/// A project whose `out/` holds a previous good build, then `lesson` written to `source/bad.md`.
/// Runs `build`, asserts the exit status and that `out/` did not change; returns stderr.
fn build_broken(files: &[(&str, &[u8])], expected_status: i32) -> String {
    let project = Project::new();
    project.write("source/good.md", GOOD_LESSON);
    project.cardsmith(&["build"]).assert().success();
    let before = project.out_files();
    assert!(!before.is_empty(), "the good build wrote outputs");
    for (path, contents) in files {
        project.write_bytes(path, contents);
    }
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(
        output.status.code(),
        Some(expected_status),
        "{}",
        stderr_of(&output, &project)
    );
    assert_eq!(
        before,
        project.out_files(),
        "out/ must be untouched by a failed build"
    );
    let stderr = stderr_of(&output, &project);
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn lesson(text: &str) -> String {
    build_broken(&[("source/bad.md", text.as_bytes())], 1)
}

#[test]
fn missing_front_matter() {
    let stderr = lesson("### A question? {#q}\n\nAn answer.\n");
    assert!(stderr.contains("source/bad.md:1:1"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn unterminated_front_matter() {
    let stderr = lesson("---\nid: bad\ntitle: Bad\ndeck: Tests\n\n### Q? {#q}\n\nA.\n");
    assert!(stderr.contains("source/bad.md:1:1"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn front_matter_that_is_not_yaml() {
    let stderr = lesson("---\nid: bad\ntitle: [unclosed\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n");
    assert!(stderr.contains("not valid YAML"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn missing_required_keys_are_all_reported() {
    let stderr = lesson("---\ntitle: No id and no deck\n---\n\n### Q? {#q}\n\nA.\n");
    assert!(stderr.contains("front matter has no `id`"), "{stderr}");
    assert!(stderr.contains("front matter has no `deck`"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let stderr = lesson("---\nid: bad\ntitel: Typo\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n");
    assert!(stderr.contains("source/bad.md:3:1"), "{stderr}");
    assert!(stderr.contains("did you mean `title`?"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn unknown_lang_lists_the_known_languages() {
    let stderr =
        lesson("---\nid: bad\ntitle: Bad\ndeck: Tests\nlang: elvish\n---\n\n### Q? {#q}\n\nA.\n");
    assert!(stderr.contains("source/bad.md:5:7"), "{stderr}");
    assert!(stderr.contains("unknown language `elvish`"), "{stderr}");
    assert!(stderr.contains("en, es"), "{stderr}");
}

#[test]
fn missing_item_id() {
    let stderr =
        lesson("---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### What has no id?\n\nThis one.\n");
    assert!(stderr.contains("source/bad.md:7:1"), "{stderr}");
    assert!(
        stderr.contains("{#what-has-no-id}"),
        "the help suggests an id: {stderr}"
    );
    assert_snapshot!(stderr);
}

#[test]
fn duplicate_id_points_at_both_places() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Same id again? {#good-question}\n\nYes.\n",
    );
    assert!(stderr.contains("source/bad.md:7:"), "second use: {stderr}");
    assert!(stderr.contains("source/good.md:7:"), "first use: {stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn empty_answer() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Where is the answer? {#no-answer}\n\n```card\ntags: [x]\n```\n\n### Next? {#next}\n\nHere.\n",
    );
    assert!(stderr.contains("source/bad.md:7:1"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn bad_card_block() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n\n```card\nkind: flashcard\nmust: just one string\navoid:\n  - flag: no match given\nmsut: [typo]\n```\n",
    );
    assert!(stderr.contains("unknown card kind `flashcard`"), "{stderr}");
    assert!(stderr.contains("`must` must be a list"), "{stderr}");
    assert!(stderr.contains("has no `match`"), "{stderr}");
    assert!(stderr.contains("did you mean `must`?"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn card_block_that_is_not_yaml() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n\n```card\nmust: [unclosed\n```\n",
    );
    assert!(stderr.contains("card block is not valid YAML"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn invalid_regex_is_reported_at_its_line() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n\n```card\nmust:\n  - point: latency\n    match: [\"/(latency|lag/\"]\n```\n",
    );
    assert!(stderr.contains("source/bad.md:14:"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn non_utf8_file() {
    let stderr = build_broken(&[("source/bad.md", b"---\nid: bad\ntitle: Caf\xE9\n")], 1);
    assert!(stderr.contains("source/bad.md:3:11"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn unreadable_file_is_an_io_error() {
    let project = Project::new();
    project.write("source/good.md", GOOD_LESSON);
    project.cardsmith(&["build"]).assert().success();
    let before = project.out_files();
    // A dangling symlink cannot be read even by root, which file permissions could not ensure.
    std::os::unix::fs::symlink(
        project.root().join("nowhere.md"),
        project.root().join("source/gone.md"),
    )
    .expect("symlink");
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(before, project.out_files());
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("source/gone.md"), "{stderr}");
    assert!(stderr.contains("cannot read this file"), "{stderr}");
}

#[test]
fn empty_source_folder_is_a_usage_error() {
    let project = Project::new();
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("no lessons found"), "{stderr}");
    assert!(!project.root().join("out").exists());
}

#[test]
fn missing_source_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = assert_cmd::Command::cargo_bin("cardsmith").expect("binary");
    let output = command
        .arg("-C")
        .arg(dir.path())
        .arg("check")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
}

#[test]
fn content_outside_items_and_level_one_headings() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n# A title here\n\n## Topic\n\nStray words.\n\n### Q? {#q}\n\nA.\n",
    );
    assert!(stderr.contains("source/bad.md:7:1"), "{stderr}");
    assert!(stderr.contains("source/bad.md:11:1"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn missing_image_and_link_outside_the_project() {
    let stderr = lesson(
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### Q? {#q}\n\nSee ![a diagram](img/missing.png) and [notes](../../secret.md).\n",
    );
    assert!(stderr.contains("source/bad.md:9:5"), "{stderr}");
    assert!(stderr.contains("points outside the project"), "{stderr}");
    assert_snapshot!(stderr);
}

#[test]
fn every_error_of_every_file_is_reported() {
    let stderr = build_broken(
        &[
            (
                "source/a.md",
                b"---\nid: a\ntitle: A\ndeck: T\n---\n\n### No id here\n\nA.\n",
            ),
            (
                "source/b.md",
                b"---\nid: b\ntitle: B\ndeck: T\nextra: 1\n---\n\n### Empty? {#empty}\n",
            ),
        ],
        1,
    );
    for expected in [
        "source/a.md:7:1",
        "source/b.md:5:1",
        "source/b.md:8:1",
        "3 errors",
    ] {
        assert!(stderr.contains(expected), "missing {expected}: {stderr}");
    }
}

#[test]
fn check_reports_in_concise_format() {
    let project = Project::new();
    project.write(
        "source/bad.md",
        "---\nid: bad\ntitle: Bad\ndeck: Tests\n---\n\n### No id\n\nA.\n",
    );
    let output = project
        .cardsmith(&["check", "--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output, &project);
    assert!(
        stderr.starts_with("source/bad.md:7:1: S004 question has no id\n"),
        "{stderr}"
    );
}
