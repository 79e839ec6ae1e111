//! `cardsmith new lesson` and `cardsmith new item`: what they write, that it checks clean through
//! the real `check`, fresh ids that never collide, and what they refuse.

use crate::support::Project;

fn read(project: &Project, relative: &str) -> String {
    std::fs::read_to_string(project.root().join(relative)).expect("the file exists")
}

/// `check` of the whole project passes without a single diagnostic.
fn checks_clean(project: &Project) {
    let stderr = project.run(&["check"], 0);
    assert!(stderr.ends_with(": no problems\n"), "{stderr}");
}

#[test]
fn new_lesson_writes_front_matter_that_checks_clean() {
    let project = Project::new();
    let stderr = project.run(&["new", "lesson", "sql/window-functions"], 0);
    assert_eq!(
        stderr,
        "created source/sql/window-functions.md (lesson `window-functions`)\nit checks clean\n\
         next: cardsmith new item window-functions \"Your question?\"\n"
    );
    assert_eq!(
        read(&project, "source/sql/window-functions.md"),
        "---\nid: window-functions\ntitle: Window functions\ndeck: Window functions\n---\n\n\
         <!-- Add an item: cardsmith new item window-functions \"Your question?\" -->\n"
    );
    checks_clean(&project);

    // Another file with the same name elsewhere gets another id; YAML-special text is quoted.
    let stderr = project.run(
        &[
            "new",
            "lesson",
            "window-functions.md",
            "--title",
            "SQL: window functions #2",
            "--deck",
            "SQL::Windows",
        ],
        0,
    );
    assert!(
        stderr.starts_with("created source/window-functions.md (lesson `window-functions-2`)\n")
    );
    let text = read(&project, "source/window-functions.md");
    assert!(
        text.contains("title: \"SQL: window functions #2\"\ndeck: SQL::Windows\n"),
        "{text}"
    );
    checks_clean(&project);
    project.run(&["build"], 0);
}

#[test]
fn new_lesson_never_overwrites_and_wants_a_plain_name() {
    let project = Project::with_seed();
    let lesson = "source/data-pipelines/probes.md";
    let before = read(&project, lesson);
    let stderr = project.run(&["new", "lesson", "data-pipelines/probes"], 2);
    assert_eq!(
        stderr,
        "error: `[ROOT]/source/data-pipelines/probes.md` already exists; cardsmith new never \
         overwrites a file\n"
    );
    assert_eq!(read(&project, lesson), before);
    for bad in ["../outside", "/abs/lesson", "sql/", ".hidden"] {
        let stderr = project.run(&["new", "lesson", bad], 2);
        assert!(
            stderr.starts_with(&format!("error: invalid lesson name `{bad}`")),
            "{stderr}"
        );
    }
    assert!(!project.root().join("outside.md").exists());
}

#[test]
fn new_item_gets_a_fresh_id_and_checks_clean() {
    let project = Project::with_seed();
    project.run(&["new", "lesson", "joins"], 0);
    let stderr = project.run(&["new", "item", "joins", "What does a LEFT JOIN keep?"], 0);
    assert_eq!(
        stderr,
        "added item `what-does-a-left-join-keep` to source/joins.md:9\nit checks clean\n\
         next: write its answer in place of the TODO line\n"
    );
    let text = read(&project, "source/joins.md");
    assert!(
        text.ends_with("-->\n\n### What does a LEFT JOIN keep? {#what-does-a-left-join-keep}\n\nTODO: answer the question.\n"),
        "{text}"
    );
    checks_clean(&project);

    // The seed has `exactly-once` in another lesson: ids are unique in the whole project.
    let stderr = project.run(
        &[
            "new",
            "item",
            "source/joins.md",
            "Exactly once?",
            "--answer",
            "Not for free.",
        ],
        0,
    );
    assert!(
        stderr.starts_with("added item `exactly-once-2` to source/joins.md:13\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("next:"));
    checks_clean(&project);
}

#[test]
fn new_item_goes_at_the_end_of_its_topic() {
    let project = Project::with_seed();
    let lesson = "source/data-pipelines/probes.md";
    let stderr = project.run(
        &[
            "new",
            "item",
            "pipeline-probes",
            "When is a high-water mark not enough?",
            "--topic",
            "batch mechanics",
            "--answer",
            "When rows arrive late with old timestamps.",
        ],
        0,
    );
    let text = read(&project, lesson);
    let added = text
        .find("### When is a high-water mark not enough? {#when-is-a-high-water-mark-not-enough}\n\nWhen rows arrive late with old timestamps.\n\n## Stream Guarantees\n")
        .unwrap_or_else(|| panic!("not before the next topic:\n{text}"));
    let line = text[..added].matches('\n').count() + 1;
    assert!(stderr.starts_with(&format!(
        "added item `when-is-a-high-water-mark-not-enough` to {lesson}:{line}\n"
    )));
    // A topic the lesson lacks is added at its end.
    project.run(
        &[
            "new",
            "item",
            "pipeline-probes",
            "What is CDC?",
            "--topic",
            "Change Data Capture",
        ],
        0,
    );
    assert!(read(&project, lesson).ends_with(
        "\n\n## Change Data Capture\n\n### What is CDC? {#what-is-cdc}\n\nTODO: answer the question.\n"
    ));
    project.run(&["check"], 0);
}

#[test]
fn new_item_keeps_crlf_line_endings() {
    let project = Project::new();
    project.write(
        "source/l.md",
        "---\r\nid: l\r\ntitle: L\r\ndeck: L\r\n---\r\n\r\n### Old? {#old}\r\n\r\nYes.\r\n",
    );
    project.run(&["new", "item", "l", "New?", "--answer", "Also."], 0);
    assert_eq!(
        read(&project, "source/l.md"),
        "---\r\nid: l\r\ntitle: L\r\ndeck: L\r\n---\r\n\r\n### Old? {#old}\r\n\r\nYes.\r\n\r\n\
         ### New? {#new}\r\n\r\nAlso.\r\n"
    );
    checks_clean(&project);
}

#[test]
fn new_item_refuses_what_it_cannot_place() {
    let project = Project::with_seed();
    let lesson = "source/data-pipelines/probes.md";
    let before = read(&project, lesson);
    assert_eq!(
        project.run(&["new", "item", "nope", "Q?"], 2),
        "error: no lesson `nope` in the project (its lessons: pipeline-probes)\n"
    );
    let stderr = project.run(&["new", "item", "pipeline-probes", "Two\nlines?"], 2);
    assert!(stderr.starts_with("error: invalid question `Two\nlines?`: it must be one line"));
    let stderr = project.run(&["new", "item", "pipeline-probes", "Q? {#mine}"], 2);
    assert!(stderr.contains("give it without an id"), "{stderr}");
    let stderr = project.run(
        &["new", "item", "pipeline-probes", "Q?", "--answer", " "],
        2,
    );
    assert!(stderr.contains("invalid answer"), "{stderr}");
    assert_eq!(read(&project, lesson), before);
}
