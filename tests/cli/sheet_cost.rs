//! What fitting the sheets costs (issues 11 and 14): memory bounded by one lesson, not by every
//! lesson of the build; lessons fitted on several threads without nesting one fit inside
//! another; and the same bytes on one thread or many. Measures memory, never time.

#![cfg(feature = "pdf")]

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};

use crate::support::Project;

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
