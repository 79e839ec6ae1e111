//! `cardsmith build` and `init` on good input: outputs, determinism, templates.

use insta::assert_snapshot;

use crate::support::{Project, stderr_of};

fn out_text(project: &Project, name: &str) -> String {
    std::fs::read_to_string(project.root().join("out").join(name)).expect("output exists")
}

#[test]
fn seed_lesson_builds_its_study_guide() {
    let project = Project::with_seed();
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert!(output.status.success(), "{}", stderr_of(&output, &project));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("wrote out/pipeline-probes.md"), "{stderr}");
    assert!(stderr.contains("built 1 lesson (5 items)"), "{stderr}");
    assert_snapshot!(out_text(&project, "pipeline-probes.md"));
}

#[test]
fn study_guide_is_commonmark_with_every_question_and_no_card_block() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let guide = out_text(&project, "pipeline-probes.md");
    let questions: Vec<String> = pulldown_cmark::Parser::new(&guide)
        .scan(false, |in_h3, event| {
            use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
            let text = match &event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H3,
                    ..
                }) => {
                    *in_h3 = true;
                    None
                }
                Event::End(TagEnd::Heading(HeadingLevel::H3)) => {
                    *in_h3 = false;
                    None
                }
                Event::Text(text) if *in_h3 => Some(text.to_string()),
                _ => None,
            };
            Some(text)
        })
        .flatten()
        .collect();
    assert_eq!(questions.len(), 5, "{questions:?}");
    assert!(questions.contains(&"Why Parquet?".to_owned()));
    assert!(
        !guide.contains("```card"),
        "card blocks are settings, not content"
    );
}

#[test]
fn two_builds_give_identical_bytes() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let first = project.out_files();
    project.cardsmith(&["build"]).assert().success();
    assert_eq!(first, project.out_files());
}

#[test]
fn check_on_the_seed_is_clean_and_writes_nothing() {
    let project = Project::with_seed();
    let output = project.cardsmith(&["check"]).output().expect("runs");
    assert!(output.status.success(), "{}", stderr_of(&output, &project));
    assert!(!project.root().join("out").exists());
}

#[test]
fn a_template_override_replaces_the_embedded_one() {
    let project = Project::with_seed();
    project.write(
        "templates/lesson.md",
        "# {{ lesson.title }} ({{ sections | length }} topics)\n",
    );
    project.cardsmith(&["build"]).assert().success();
    assert_eq!(
        out_text(&project, "pipeline-probes.md"),
        "# Survive the follow-up probes on batch, streaming, and hybrid pipelines (5 topics)\n"
    );
}

#[test]
fn a_broken_template_override_is_an_error_naming_it() {
    let project = Project::with_seed();
    project.write("templates/lesson.md", "{% for x in %}\n");
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("template `lesson.md`"), "{stderr}");
    assert!(!project.root().join("out").exists());
}

#[test]
fn invalid_config_is_an_error_with_its_position() {
    let project = Project::with_seed();
    project.write("cardsmith.toml", "[build]\nsorce = \"x\"\n");
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("cardsmith.toml"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("sorce"), "{stderr}");
}

#[test]
fn init_scaffolds_a_project_that_builds_clean() {
    let project = Project::new();
    project.cardsmith(&["init", "fresh"]).assert().success();
    let fresh = project.root().join("fresh");
    for file in ["cardsmith.toml", "source/example.md", ".gitignore"] {
        assert!(fresh.join(file).is_file(), "{file}");
    }
    let output = assert_cmd::Command::cargo_bin("cardsmith")
        .expect("binary")
        .current_dir(&fresh)
        .arg("build")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(fresh.join("out/example.md").is_file());
}

#[test]
fn init_never_overwrites() {
    let project = Project::new();
    project.cardsmith(&["init", "fresh"]).assert().success();
    let output = project
        .cardsmith(&["init", "fresh"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output, &project).contains("already exists"));
}

#[test]
fn usage_errors_exit_with_two() {
    let project = Project::new();
    let output = project.cardsmith(&["bild"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("build"),
        "clap suggests the subcommand"
    );
}

#[test]
fn renaming_a_lesson_removes_its_old_outputs() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let renamed = crate::support::seed_lesson().replace("id: pipeline-probes", "id: probes-v2");
    project.write("source/data-pipelines/probes.md", &renamed);
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert!(output.status.success());
    assert!(stderr_of(&output, &project).contains("removed out/pipeline-probes.md"));
    assert!(!project.root().join("out/pipeline-probes.md").exists());
    assert!(project.root().join("out/probes-v2.md").exists());
}

/// Issue 11, finding 6: a title with newlines injected headings and HTML into `out/<id>.md`;
/// plain-text values are now Markdown-escaped on one line.
#[test]
fn r11_the_study_guide_escapes_what_it_interpolates() {
    let project = Project::new();
    project.write(
        "source/inject.md",
        "---\nid: inject\ntitle: \"Title\\n\\n## Injected heading\\n\\n<script>alert(1)</script>\"\ndeck: Test\n---\n\n## Topic\n\n### Q? {#q}\n\nA: not a heading, no img.\n\n```card\nmust:\n  - point: \"# not a heading\"\n    match: not a heading\navoid:\n  - flag: \"<img src=x onerror=alert(1)>\"\n    match: never said\n```\n",
    );
    project.run(&["build"], 0);
    let guide = std::fs::read_to_string(project.root().join("out/inject.md")).expect("guide");
    let first = guide.lines().next().expect("a first line");
    assert_eq!(
        first,
        "# Title \\#\\# Injected heading \\<script\\>alert(1)\\</script\\>"
    );
    assert!(!guide.contains("\n## Injected"), "{guide}");
    assert!(!guide.contains("<script>"), "{guide}");
    assert!(
        guide.contains("- \\<img src=x onerror=alert(1)\\>"),
        "{guide}"
    );
    assert!(guide.contains("- \\# not a heading"), "{guide}");
}
