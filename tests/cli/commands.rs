//! The subcommands' own behaviour, one regression test per bug found in how they were wired:
//! what PATHS narrow, what `--baseline` may hide, where the project root is, what `init` adds,
//! what a failed write of the report means.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{Project, stderr_of};

/// A lesson with one item, `id`, whose card requires `must` (an answer that never makes it).
fn lesson(lesson_id: &str, id: &str, heading_id: bool) -> String {
    let heading_id = if heading_id {
        format!(" {{#{id}}}")
    } else {
        String::new()
    };
    format!(
        "---\nid: {lesson_id}\ntitle: T\ndeck: D\n---\n\n### Why is {id} fast?{heading_id}\n\n\
         It reads less.\n\n```card\nmust: [columnar, compressed]\n```\n"
    )
}

fn two_lessons(heading_ids: bool) -> Project {
    let project = Project::new();
    project.write("source/a.md", &lesson("a", "alpha", heading_ids));
    project.write("source/b.md", &lesson("b", "beta", heading_ids));
    project
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read(project: &Project, relative: &str) -> String {
    std::fs::read_to_string(project.root().join(relative)).expect("readable")
}

/// Regression: the fix ran before PATHS were applied, so it rewrote every lesson.
#[test]
fn fix_with_a_path_rewrites_only_the_lessons_under_it() {
    let project = two_lessons(false);
    let before = read(&project, "source/b.md");
    let stderr = project.run(&["check", "--fix", "source/a.md"], 1);
    assert!(
        stderr.contains("fixed source/a.md: added 1 item id"),
        "{stderr}"
    );
    assert!(!stderr.contains("fixed source/b.md"), "{stderr}");
    assert!(read(&project, "source/a.md").contains("### Why is alpha fast? {#why-is-alpha-fast}"));
    assert_eq!(
        read(&project, "source/b.md"),
        before,
        "b.md is outside PATH"
    );
}

/// Regression: `--coverage PATH` reported every lesson of the project.
#[test]
fn coverage_with_a_path_covers_only_the_lessons_under_it() {
    let project = two_lessons(true);
    let output = project
        .cardsmith(&["check", "--coverage", "source/b.md"])
        .output()
        .expect("runs");
    let stdout = stdout_of(&output);
    assert!(
        stdout.contains("source/b.md:7: beta 0/2 points"),
        "{stdout}"
    );
    assert!(!stdout.contains("alpha"), "{stdout}");
    assert!(
        stdout.contains("coverage: 0/2 required points made (0.0%) in 1 items"),
        "{stdout}"
    );
}

/// Regression: `--statistics` with `--format json` printed the counts and dropped the coverage.
#[test]
fn statistics_and_coverage_in_json_are_one_document() {
    let project = two_lessons(true);
    let output = project
        .cardsmith(&["check", "--statistics", "--coverage", "--format", "json"])
        .output()
        .expect("runs");
    let value: Value = serde_json::from_str(&stdout_of(&output)).expect("one JSON document");
    assert_eq!(value["coverage"]["points"], 4, "{value:#}");
    assert_eq!(value["coverage"]["items"].as_array().map(Vec::len), Some(2));
    let rows = value["statistics"].as_array().expect("statistics rows");
    assert!(
        rows.iter()
            .any(|row| row["code"] == "P001" && row["count"] == 4),
        "{value:#}"
    );
    // Alone, `--statistics --format json` stays the bare array it was.
    let output = project
        .cardsmith(&["check", "--statistics", "--format", "json"])
        .output()
        .expect("runs");
    let value: Value = serde_json::from_str(&stdout_of(&output)).expect("JSON");
    assert!(value.is_array(), "{value:#}");
}

/// Regression: the baseline recorded and hid structural errors, so `check --baseline` passed a
/// project `build` refuses.
#[test]
fn the_baseline_never_hides_structural_errors() {
    let project = two_lessons(true);
    // S003 (an unknown card key) beside the P001 errors the baseline may hold.
    project.write(
        "source/c.md",
        "---\nid: c\ntitle: T\ndeck: D\n---\n\n### Why Avro? {#avro}\n\nRows.\n\n```card\nmst: [rows]\n```\n",
    );
    let stderr = project.run(&["check", "--baseline", "base.json"], 1);
    assert!(stderr.contains("error[S003]"), "{stderr}");
    assert!(
        stderr.contains("recorded 4 errors in `base.json`"),
        "{stderr}"
    );
    let recorded = read(&project, "base.json");
    assert!(!recorded.contains("S003"), "{recorded}");
    let stderr = project.run(&["check", "--baseline", "base.json"], 1);
    assert!(stderr.contains("error[S003]"), "{stderr}");
    assert!(stderr.contains("4 known problems hidden"), "{stderr}");
    assert!(!stderr.contains("P001"), "{stderr}");
    project.run(&["build"], 1);
}

/// Regression: S003 and S008 inside an item's card block had `item_id: null`.
#[test]
fn card_block_problems_belong_to_their_item() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why Avro? {#avro}\n\nRows.\n\n```card\nmst: [rows]\n```\n\n\
         ### Why Parquet? {#parquet}\n\nColumns.\n\n```card\nmust:\n  - point: columns\n    match: [\"/col(umns/\"]\n```\n",
    );
    let output = project
        .cardsmith(&["check", "--format", "json"])
        .output()
        .expect("runs");
    let diagnostics: Value = serde_json::from_str(&stdout_of(&output)).expect("JSON");
    let item_of = |code: &str| {
        diagnostics
            .as_array()
            .expect("array")
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {diagnostics:#}"))["item_id"]
            .clone()
    };
    assert_eq!(item_of("S003"), "avro");
    assert_eq!(item_of("S008"), "parquet");
    project.run(&["check", "--baseline", "base.json"], 1);
    project.write("source/a.md", &lesson("a", "alpha", true));
    project.run(&["check", "--baseline", "base.json"], 1);
}

/// Regression: `-C /nonexistent` said "lesson folder `source` does not exist".
#[test]
fn a_missing_directory_is_named() {
    let project = Project::new();
    let missing = project.root().join("no-such-course");
    let output = assert_cmd::Command::cargo_bin("cardsmith")
        .expect("binary")
        .arg("-C")
        .arg(&missing)
        .arg("check")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output, &project);
    assert!(
        stderr.contains("`[ROOT]/no-such-course`") && stderr.contains("no such directory"),
        "{stderr}"
    );
}

/// Regression: `build` had no `--format`, so its S016 could not become a GitHub annotation.
#[test]
fn build_reports_in_the_format_asked_for() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Q? {#q}\n\nNo deletion.\n\n```card\nkind: cloze\n```\n",
    );
    let output = project
        .cardsmith(&["build", "--format", "github"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout_of(&output);
    assert!(
        stdout.starts_with("::error file=source/a.md,line=7,"),
        "{stdout}"
    );
    assert!(stdout.contains("S016"), "{stdout}");
    let output = project
        .cardsmith(&["build", "--format", "json"])
        .output()
        .expect("runs");
    let value: Value = serde_json::from_str(&stdout_of(&output)).expect("JSON");
    assert_eq!(value[0]["code"], "S016", "{value:#}");
}

/// `cardsmith <args>` started in `dir` (no `-C`).
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("cardsmith")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Regression: run from a folder inside the project, `check` and `build` looked for
/// `source/` there.
#[test]
fn check_and_build_find_the_project_root_above_the_working_directory() {
    let project = Project::new();
    project.write("course/cardsmith.toml", "");
    project.write("course/source/sql/a.md", &lesson("a", "alpha", true));
    project.write("course/source/b.md", &lesson("b", "beta", true));
    let sql = project.root().join("course/source/sql");
    let output = run_in(&sql, &["check", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("source/sql/a.md:7:5: P001"), "{stderr}");
    assert!(stderr.contains("checked 2 lessons"), "{stderr}");
    // PATHS are relative to where the user is.
    let output = run_in(&sql, &["check", "a.md", "--format", "concise"]);
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("source/sql/a.md:7:5: P001"), "{stderr}");
    assert!(!stderr.contains("source/b.md"), "{stderr}");

    project.write(
        "course/source/sql/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why? {#why}\n\nBecause.\n",
    );
    project.write(
        "course/source/b.md",
        "---\nid: b\ntitle: T\ndeck: D\n---\n\n### How? {#how}\n\nSo.\n",
    );
    let output = run_in(&sql, &["build"]);
    assert!(output.status.success(), "{}", stderr_of(&output, &project));
    assert!(project.root().join("course/out/a.md").is_file());
    assert!(
        !sql.join("out").exists(),
        "nothing written in the subfolder"
    );
}

/// Regression: `init` required DIR.
#[test]
fn init_defaults_to_the_working_directory() {
    let project = Project::new();
    let fresh = project.root().join("fresh");
    std::fs::create_dir_all(&fresh).expect("mkdir");
    let output = run_in(&fresh, &["init"]);
    assert!(output.status.success(), "{}", stderr_of(&output, &project));
    for file in ["cardsmith.toml", "source/example.md", ".gitignore"] {
        assert!(fresh.join(file).is_file(), "{file}");
    }
    let stderr = stderr_of(&output, &project);
    assert!(
        stderr.contains("next: cd [ROOT]/fresh && cardsmith build"),
        "{stderr}"
    );
}

/// Regression: `init` added `example.md` beside the lessons of a folder that already had some.
#[test]
fn init_adds_no_example_to_a_folder_with_lessons() {
    let project = Project::new();
    project.write(
        "notes/source/sql/window.md",
        &lesson("window", "rank", true),
    );
    project.write("notes/.gitignore", "target/");
    let notes = project.root().join("notes");
    let output = run_in(&notes, &["init"]);
    assert!(output.status.success(), "{}", stderr_of(&output, &project));
    assert!(!notes.join("source/example.md").exists());
    assert!(notes.join("cardsmith.toml").is_file());
    assert_eq!(read(&project, "notes/.gitignore"), "target/\n/out/\n");
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("no example added"), "{stderr}");
    // A second run still refuses: the project file is never overwritten.
    assert_eq!(run_in(&notes, &["init"]).status.code(), Some(2));
    assert_eq!(read(&project, "notes/.gitignore"), "target/\n/out/\n");
}

/// Regression: every write to stdout was `let _ = writeln!`, so a closed pipe or a full disk cut
/// the report short with exit status 0. Now a closed pipe ends quietly with 0 (as ripgrep does)
/// and any other failed write is an error with 2.
#[test]
fn a_closed_pipe_ends_quietly_and_a_failed_write_is_an_error() {
    let project = two_lessons(true);
    // std's Command, not assert_cmd's: it keeps the stdout it is given.
    let check_into = |stdout: Stdio| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("cardsmith"))
            .arg("-C")
            .arg(project.root())
            .args(["check", "--format", "json"])
            .stdout(stdout)
            .stderr(Stdio::piped())
            .output()
            .expect("runs")
    };
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let output = check_into(Stdio::from(writer));
    let stderr = stderr_of(&output, &project);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");

    #[cfg(target_os = "linux")]
    {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = check_into(Stdio::from(full));
        let stderr = stderr_of(&output, &project);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("error: failed to write the report"),
            "{stderr}"
        );
    }
}
