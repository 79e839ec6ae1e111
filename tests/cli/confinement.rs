//! Issue 11, finding 1: nothing outside the project is read. Symlinks are resolved before a path
//! is judged, special files are refused before they are opened, and lessons and images have size
//! limits; each refusal is a diagnostic at file:line:col, and the refused file's content never
//! reaches the terminal or `out/`.

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use crate::support::{Project, stderr_of};

/// A secret outside the project (a sibling temp folder), which no output may ever contain.
const SECRET: &str = "TOP-SECRET-0f3a9c";

const LESSON_WITH_IMAGE: &str = "---
id: leaky
title: Leaky
deck: Tests
---

### What is in the picture? {#picture}

This:

![diagram](img/passwd)
";

fn outside_with_secret() -> tempfile::TempDir {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("passwd"), SECRET).expect("write secret");
    std::fs::write(
        outside.path().join("secret.md"),
        format!("---\nid: secret\ntitle: {SECRET}\ndeck: X\n---\n\n{SECRET}\n"),
    )
    .expect("write secret lesson");
    outside
}

/// Runs `build`, which must fail with `status` within 30 s; asserts nothing under `out/` and
/// nothing on the terminal holds the secret, and returns stderr.
fn build_refused(project: &Project, status: i32) -> String {
    let output = project
        .cardsmith(&["build"])
        .timeout(Duration::from_secs(30))
        .output()
        .expect("runs");
    let stderr = stderr_of(&output, project);
    assert_eq!(output.status.code(), Some(status), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(SECRET),
        "stdout echoes the secret"
    );
    for (path, bytes) in project.out_files() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds the secret",
            path.display()
        );
    }
    stderr
}

#[test]
fn r11_an_image_through_a_symlinked_folder_out_of_the_project_is_refused() {
    let outside = outside_with_secret();
    let project = Project::new();
    project.write("source/leaky.md", LESSON_WITH_IMAGE);
    symlink(outside.path(), project.root().join("source/img")).expect("symlink");
    let stderr = build_refused(&project, 1);
    assert!(stderr.contains("source/leaky.md:11:1"), "{stderr}");
    assert!(
        stderr.contains("image `img/passwd` is refused: it resolves to"),
        "{stderr}"
    );
    assert!(stderr.contains("outside the project"), "{stderr}");
    assert!(project.out_files().is_empty());
}

#[test]
fn r11_an_image_symlinked_to_the_process_environment_is_refused() {
    let project = Project::new();
    project.write("source/leaky.md", LESSON_WITH_IMAGE);
    std::fs::create_dir_all(project.root().join("source/img")).expect("mkdir");
    symlink(
        "/proc/self/environ",
        project.root().join("source/img/passwd"),
    )
    .expect("symlink");
    let output = project
        .cardsmith(&["build"])
        .env("CARDSMITH_TEST_SECRET", SECRET)
        .output()
        .expect("runs");
    let stderr = stderr_of(&output, &project);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("source/leaky.md:11:1"), "{stderr}");
    assert!(stderr.contains("outside the project"), "{stderr}");
    assert!(project.out_files().is_empty());
}

#[test]
fn r11_a_lesson_symlinked_from_outside_is_not_built_and_not_echoed() {
    let outside = outside_with_secret();
    let project = Project::new();
    project.write(
        "source/good.md",
        "---\nid: good\ntitle: Good\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n",
    );
    symlink(
        outside.path().join("secret.md"),
        project.root().join("source/leak.md"),
    )
    .expect("symlink");
    let stderr = build_refused(&project, 1);
    assert!(
        stderr.contains("source/leak.md:1:1") && stderr.contains("outside the project"),
        "{stderr}"
    );
    assert!(project.out_files().is_empty());
}

#[test]
fn r11_special_files_are_refused_without_blocking() {
    let project = Project::new();
    project.write(
        "source/good.md",
        "---\nid: good\ntitle: Good\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n",
    );
    symlink("/dev/zero", project.root().join("source/zero.md")).expect("symlink");
    let status = std::process::Command::new("mkfifo")
        .arg(project.root().join("source/pipe.md"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let stderr = build_refused(&project, 1);
    assert!(
        stderr.contains("source/pipe.md:1:1") && stderr.contains("it is a FIFO"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source/zero.md:1:1") && stderr.contains("`/dev/zero`"),
        "{stderr}"
    );
}

#[test]
fn r11_symlinks_inside_the_project_still_work() {
    let project = Project::new();
    project.write(
        "shared/lesson.md",
        "---\nid: shared\ntitle: Shared\ndeck: Tests\n---\n\n### Q? {#q}\n\n![x](../../shared/x.png)\n",
    );
    project.write_bytes("shared/x.png", b"png");
    std::fs::create_dir_all(project.root().join("source/sub")).expect("mkdir");
    symlink(
        project.root().join("shared/lesson.md"),
        project.root().join("source/sub/lesson.md"),
    )
    .expect("symlink");
    project.run(&["build"], 0);
    assert!(project.root().join("out/shared.apkg").is_file());
}

#[test]
fn r11_lessons_and_images_over_their_limit_are_refused_at_their_place() {
    let project = Project::new();
    project.write(
        "cardsmith.toml",
        "[limits]\nlesson-bytes = 400\nimage-bytes = 10\n",
    );
    project.write("source/small.md", LESSON_WITH_IMAGE);
    project.write_bytes("source/img/passwd", b"more than ten bytes");
    project.write(
        "source/big.md",
        &format!(
            "---\nid: big\ntitle: Big\ndeck: Tests\n---\n\n### Q? {{#big-q}}\n\n{}\n",
            "word ".repeat(100)
        ),
    );
    let stderr = build_refused(&project, 1);
    assert!(
        stderr.contains("source/big.md:1:1")
            && stderr.contains("larger than the limit of 400 bytes (`limits.lesson-bytes`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source/small.md:11:1")
            && stderr.contains("larger than the limit of 10 bytes (`limits.image-bytes`"),
        "{stderr}"
    );
}

#[test]
fn r11_a_template_override_symlinked_out_of_the_project_is_refused() {
    let outside = outside_with_secret();
    let project = Project::new();
    project.write(
        "source/good.md",
        "---\nid: good\ntitle: Good\ndeck: Tests\n---\n\n### Q? {#q}\n\nA.\n",
    );
    std::fs::create_dir_all(project.root().join("templates")).expect("mkdir");
    symlink(
        outside.path().join("passwd"),
        project.root().join("templates/lesson.md"),
    )
    .expect("symlink");
    let stderr = build_refused(&project, 2);
    assert!(
        stderr.contains("templates/lesson.md") && stderr.contains("outside the project"),
        "{stderr}"
    );
    assert!(!Path::new(&project.root().join("out/good.md")).exists());
}

#[test]
fn r11_a_relative_project_folder_reads_its_lessons_and_images() {
    let parent = tempfile::tempdir().expect("temp dir");
    let root = parent.path().join("course");
    std::fs::create_dir_all(root.join("source/img")).expect("mkdir");
    std::fs::write(root.join("source/a.md"), LESSON_WITH_IMAGE).expect("write");
    std::fs::write(root.join("source/img/passwd"), b"an image").expect("write");
    let mut command = assert_cmd::Command::cargo_bin("cardsmith").expect("binary built");
    command
        .current_dir(parent.path())
        .args(["-C", "course", "build"])
        .env("NO_COLOR", "1")
        .assert()
        .success();
    assert!(root.join("out/leaky.apkg").is_file());
}
