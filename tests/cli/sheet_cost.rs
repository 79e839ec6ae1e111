//! What fitting the sheets costs (issues 11 and 14): memory bounded by one lesson, not by every
//! lesson of the build; lessons fitted on several threads without nesting one fit inside
//! another; and the same bytes on one thread or many. Measures memory, never time.

#![cfg(feature = "pdf")]

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};

use crate::support::Project;

/// Lessons of the one-thread build: many, each cheap to fit (one item).
const LESSONS_ON_ONE_THREAD: usize = 60;

/// A lesson of `items` one-line items (the shape of `scripts/hostile-inputs`' tiny items), with
/// ids unique across lessons.
fn tiny_lesson(id: &str, items: usize) -> String {
    let mut text = format!("---\nid: {id}\ntitle: Lesson {id}\ndeck: Tiny::{id}\n---\n");
    for n in 0..items {
        text.push_str(&format!(
            "\n### What is {id}-{n}? {{#{id}-{n}}}\n\nIt is {id}-{n}.\n"
        ));
    }
    text
}

/// A project of `lessons` lessons of `items` tiny items each.
fn project_of(lessons: usize, items: usize) -> Project {
    let project = Project::new();
    for lesson in 0..lessons {
        let id = format!("l{lesson:03}");
        project.write(&format!("source/{id}.md"), &tiny_lesson(&id, items));
    }
    project
}

/// Runs `cardsmith build` in `project` and returns its exit status and its peak resident set
/// size in KiB: the kernel's rusage of that one child (what `/usr/bin/time -v` reports as
/// "Maximum resident set size"), read with `wait4` so that no other test's child counts.
fn build_peak_rss(project: &Project, threads: Option<&str>) -> (ExitStatus, u64) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cardsmith"));
    command
        .arg("-C")
        .arg(project.root())
        .arg("build")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let child = command.spawn().expect("the binary runs");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills; `status` and `rusage` outlive the call,
    // and `pid` is our own child, not yet waited for (`child` is never waited on afterwards).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    drop(child);
    // Linux reports ru_maxrss in KiB.
    (
        ExitStatus::from_raw(status),
        u64::try_from(usage.ru_maxrss).unwrap_or(0),
    )
}

#[test]
fn the_memory_of_a_build_does_not_grow_with_its_number_of_lessons() {
    // typst memoizes every layout in process-wide caches. They were emptied of only what the last
    // ten lessons had not used, so a build held the layouts of ten lessons at once (about 24 MB
    // per 50-item lesson, 280 MB at ten); with 100 lessons it reached 2.6 GB.
    let one = project_of(1, 50);
    let many = project_of(8, 50);
    let (status, one_kib) = build_peak_rss(&one, None);
    assert!(status.success(), "{status:?}");
    let (status, many_kib) = build_peak_rss(&many, None);
    assert!(status.success(), "{status:?}");
    let grown_mib = many_kib.saturating_sub(one_kib) / 1024;
    // Seven more lessons of the same size may add their outputs and some allocator slack, not
    // their layouts: before the fix this grew by about 170 MB.
    assert!(
        grown_mib < 40,
        "1 lesson: {} MiB, 8 lessons: {} MiB: {grown_mib} MiB more",
        one_kib / 1024,
        many_kib / 1024
    );
}

#[test]
fn many_lessons_fit_on_one_thread_without_one_fit_nesting_in_another() {
    // With the lessons as tasks of rayon's pool (fff644e), a fit waiting for typst's own rayon
    // work could run other lessons' fits on top of its stack: the release build of 200 lessons
    // of the benchmark corpus died of a stack overflow on one thread. The fits now run on
    // threads of their own, and one thread (this one) fits every lesson after the other.
    let project = project_of(LESSONS_ON_ONE_THREAD, 1);
    let (status, _) = build_peak_rss(&project, Some("1"));
    assert!(
        status.success(),
        "{LESSONS_ON_ONE_THREAD} lessons on one thread: {status:?}"
    );
}

#[test]
fn sheets_fitted_on_one_thread_or_many_are_the_same_bytes_in_the_same_order() {
    let project = Project::new();
    // Lessons of different lengths, the longest first, so that on several threads the fits
    // finish in another order than the lessons'.
    for (lesson, items) in [80, 40, 12, 5, 30].into_iter().enumerate() {
        let id = format!("l{lesson}");
        project.write(&format!("source/{id}.md"), &tiny_lesson(&id, items));
    }
    let build = |threads: &str| {
        let output = project
            .cardsmith(&["build"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("the binary runs");
        assert!(output.status.success(), "{output:?}");
        let files = project.out_files();
        // From scratch each time: no earlier outputs, no cache (the lock stays: it holds the
        // decks' ids and timestamps, so the decks are the same bytes too).
        std::fs::remove_dir_all(project.root().join("out")).expect("remove out/");
        (String::from_utf8_lossy(&output.stderr).into_owned(), files)
    };
    // The first build writes the lock.
    build("1");
    let (one_log, one) = build("1");
    let (many_log, many) = build("4");
    let pdfs = one
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|ext| ext == "pdf"))
        .count();
    assert_eq!(
        pdfs,
        5,
        "{:?}",
        one.iter().map(|(path, _)| path).collect::<Vec<_>>()
    );
    // The notes say what each fit chose, in the lessons' order either way.
    assert_eq!(one_log, many_log);
    let paths = |files: &[(std::path::PathBuf, Vec<u8>)]| {
        files
            .iter()
            .map(|(path, _)| path.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(paths(&one), paths(&many));
    for ((path, one), (_, many)) in one.iter().zip(&many) {
        assert!(
            one == many,
            "out/{} differs between 1 and 4 threads",
            path.display()
        );
    }
}
