//! `cardsmith watch` against a real file watcher: the test edits a lesson on disk and waits for
//! the rebuilt output. Every wait is bounded, and the watcher is killed when the test ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crate::support::Project;

/// Generous for a loaded CI machine; a rebuild takes milliseconds.
const WAIT: Duration = Duration::from_secs(60);

/// `cardsmith watch` (or `serve`) running on a project, its stderr read line by line.
pub(crate) struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(project: &Project) -> Watch {
        Watch::run(project, &["watch"])
    }

    /// `cardsmith -C ROOT ARGS...`.
    pub(crate) fn run(project: &Project, args: &[&str]) -> Watch {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cardsmith"))
            .arg("-C")
            .arg(project.root())
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cardsmith watch starts");
        let stderr = child.stderr.take().expect("piped");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line starting with `prefix`; returns it.
    pub(crate) fn line(&mut self, prefix: &str) -> String {
        loop {
            match self.lines.recv_timeout(WAIT) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(error) => panic!(
                    "no `{prefix}` line from cardsmith ({error}); it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the study guide the watch rebuilds satisfies `done`: a writer that is slow
/// between truncating and writing a file (a loaded machine) can cause a build of the half-written
/// file first, then a second one.
fn guide_when(watch: &mut Watch, project: &Project, done: impl Fn(&str) -> bool) -> String {
    let guide = project.root().join("out/pipeline-probes.md");
    loop {
        let text = std::fs::read_to_string(&guide).expect("the first build wrote the guide");
        if done(&text) {
            return text;
        }
        watch.line("[watch] built in");
    }
}

#[test]
fn watch_rebuilds_after_a_real_edit() {
    let project = Project::with_seed();
    let mut watch = Watch::start(&project);
    watch.line("[watch] built in");
    let before = guide_when(&mut watch, &project, |_| true);
    assert!(!before.contains("(watched)"));

    // Not a source: no rebuild for it (the next `changed` line names only the lesson).
    project.write("README.md", "# notes\n");
    let lesson = "source/data-pipelines/probes.md";
    let text = std::fs::read_to_string(project.root().join(lesson)).expect("seed lesson");
    project.write(
        lesson,
        &text.replace(
            "With a **high-water mark**.",
            "With a **high-water mark** (watched).",
        ),
    );
    assert_eq!(
        watch.line("[watch] changed"),
        format!("[watch] changed: {lesson}")
    );
    let after = guide_when(&mut watch, &project, |guide| guide.contains("(watched)"));

    // A broken lesson is reported and the watch goes on; the last good outputs stay.
    project.write(lesson, &text.replace(" {#why-parquet}", ""));
    watch.line("build refused");
    watch.line("[watch] built in");
    assert_eq!(guide_when(&mut watch, &project, |_| true), after);
    // Saved as most editors save: a scratch file renamed over the lesson.
    project.write("source/data-pipelines/.probes.md.swp", &text);
    std::fs::rename(
        project.root().join("source/data-pipelines/.probes.md.swp"),
        project.root().join(lesson),
    )
    .expect("rename over the lesson");
    guide_when(&mut watch, &project, |guide| guide == before);
}

#[test]
fn a_rebuild_after_an_edit_redoes_only_the_edited_lesson() {
    let project = Project::with_seed();
    let second = crate::support::seed_lesson()
        .replacen("id: pipeline-probes", "id: second-lesson", 1)
        .replace("{#", "{#second-");
    project.write("source/second.md", &second);
    let mut watch = Watch::run(&project, &["watch", "--verbose"]);
    watch.line("[watch] built in");
    let edited = second.replace(
        "With a **high-water mark**.",
        "With a **high-water mark** (watched).",
    );
    assert_ne!(edited, second);
    project.write("source/second.md", &edited);
    watch.line("[watch] changed");
    // The rebuild's report (a half-written save can cause one build more: the last one counts).
    let mut report = Vec::new();
    loop {
        let line = watch.line("");
        if line.starts_with("[watch] built in") {
            let guide = project.root().join("out/second-lesson.md");
            if std::fs::read_to_string(guide).is_ok_and(|text| text.contains("(watched)")) {
                break;
            }
            report.clear();
        } else {
            report.push(line);
        }
    }
    let line = |prefix: &str| {
        report
            .iter()
            .find(|line| line.starts_with(prefix))
            .cloned()
            .unwrap_or_else(|| panic!("no `{prefix}` line in {report:#?}"))
    };
    // Only the edited lesson is checked again (the other's lint results are kept), and of its
    // five answers only the edited one is matched again; only its outputs are made again.
    assert_eq!(
        line("check: "),
        "check: the matches of 4 of 5 answers reused"
    );
    assert_eq!(
        line("cache: made again: "),
        "cache: made again: second-lesson (apkg, lint, markdown, notes, sheet)"
    );
    assert_eq!(line("cache: reused: "), "cache: reused: pipeline-probes");
}
