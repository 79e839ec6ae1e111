//! A build with nothing to do (docs/cache.md, "A build with nothing changed"): the same report
//! as a build that does everything, `out/` left alone, and any change, damage or doubt a build
//! that runs as always.

use std::path::PathBuf;

use crate::support::{Project, seed_lesson};

const CACHE: &str = "out/.cardsmith-cache";
const SEED: &str = "source/data-pipelines/probes.md";
const SECOND: &str = "source/second.md";
const FRESH: &str = "fresh: nothing changed since the last build";

/// Two lessons whose builds have warnings of every kind: a per-item rule (Q001, a long answer),
/// a cross-lesson one (Q006, the second lesson asks the seed's questions again), a suppression
/// that silences nothing (L001) and a structure warning (S023, cloze markup in a basic item);
/// plus a link to a local file.
fn project_with_warnings() -> Project {
    let project = Project::with_seed();
    let long = "word ".repeat(200);
    let second = seed_lesson()
        .replacen("id: pipeline-probes", "id: second-lesson", 1)
        .replace("{#", "{#second-")
        .replacen(
            "With a **high-water mark**.",
            &format!(
                "With a **high-water mark** (see [the notes](notes.txt)), a {{{{c1::mark}}}}. \
                 {long}\n\n<!-- cardsmith: allow Q003 -->\n"
            ),
            1,
        );
    project.write(SECOND, &second);
    project.write("source/notes.txt", "notes\n");
    project
}

/// `(stdout, stderr)` of a build with the given extra arguments, asserting its status.
fn build(project: &Project, args: &[&str], status: i32) -> (String, String) {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let output = project.cardsmith(&all).output().expect("the binary runs");
    let stderr = crate::support::stderr_of(&output, project);
    assert_eq!(
        output.status.code(),
        Some(status),
        "build {args:?}: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (stdout, stderr)
}

/// Whether `build --verbose` found nothing to do.
fn is_fresh(project: &Project) -> bool {
    let (_, stderr) = build(project, &["--verbose"], 0);
    stderr.contains(FRESH)
}

/// Every file under `out/` (the cache included) with its bytes and modification time.
fn snapshot(project: &Project) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    project
        .out_files()
        .into_iter()
        .map(|(path, bytes)| {
            let modified = std::fs::metadata(project.root().join("out").join(&path))
                .and_then(|meta| meta.modified())
                .expect("mtime");
            (path, bytes, modified)
        })
        .collect()
}

/// The fresh entry: the one naming the inputs of a whole build.
fn fresh_entry(project: &Project) -> PathBuf {
    std::fs::read_dir(project.root().join(CACHE))
        .expect("cache")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            // Its data (JSON, after the list of outputs) starts with the key of the build's
            // inputs.
            let bytes = std::fs::read(path).expect("entry");
            let marker = br#"]{"inputs":""#;
            bytes.windows(marker.len()).any(|window| window == marker)
        })
        .expect("a build left its fresh entry")
}

#[test]
fn a_rebuild_with_nothing_changed_prints_what_a_full_build_prints_and_writes_nothing() {
    let project = project_with_warnings();
    let (_, first) = build(&project, &[], 0);
    for code in ["Q001", "Q006", "L001", "S023"] {
        assert!(first.contains(code), "the fixture has {code}: {first}");
    }
    let before = snapshot(&project);
    for format in [&[][..], &["--format", "json"], &["--format", "concise"]] {
        let rebuilt = build(&project, format, 0);
        assert!(is_fresh(&project), "nothing changed");
        let cold = project.copy_without_out();
        let full = build(&cold, format, 0);
        assert_eq!(
            rebuilt
                .0
                .replace(&project.root().display().to_string(), "[ROOT]"),
            full.0.replace(&cold.root().display().to_string(), "[ROOT]"),
            "{format:?}: stdout"
        );
        assert_eq!(rebuilt.1, full.1, "{format:?}: stderr");
        assert_eq!(project.out_files(), cold.out_files(), "the same outputs");
    }
    assert_eq!(snapshot(&project), before, "out/ was not touched");
}

#[test]
fn any_change_makes_the_build_run() {
    let project = project_with_warnings();
    build(&project, &[], 0);
    build(&project, &[], 0);
    assert!(is_fresh(&project));

    // The same text written again is no change.
    let text = std::fs::read_to_string(project.root().join(SEED)).expect("seed");
    project.write(SEED, &text);
    assert!(is_fresh(&project), "a save without an edit");

    type Change = fn(&Project);
    let steps: [(&str, Change); 6] = [
        ("an answer", |project| {
            project.edit(
                SEED,
                "With a **high-water mark**.",
                "With a high-water mark.",
            )
        }),
        ("a setting", |project| {
            project.edit(
                "cardsmith.toml",
                "answer-word-budget = 150",
                "answer-word-budget = 140",
            )
        }),
        ("an output edited", |project| {
            project.write("out/pipeline-probes.md", "edited by hand\n");
        }),
        ("an output deleted", |project| {
            std::fs::remove_file(project.root().join("out/all.apkg")).expect("remove");
        }),
        ("the manifest", |project| {
            let path = project.root().join("out/.cardsmith-manifest");
            let text = std::fs::read_to_string(&path).expect("manifest");
            std::fs::write(path, format!("{text}old-lesson.md\n")).expect("write");
        }),
        ("the lock", |project| {
            project.edit(
                "cardsmith.lock",
                "id = \"",
                "id = \"gone-item\"\nnotetype = \"cardsmith\"\nhash = \"00\"\nadded = 1\nmodified = 1\n\n[[item]]\nid = \"",
            );
        }),
    ];
    for (what, change) in steps {
        change(&project);
        let (_, rebuilt) = build(&project, &["--verbose"], 0);
        assert!(!rebuilt.contains(FRESH), "{what}: {rebuilt}");
        // Copied after the build, with the lock it left: a changed note's time is the lock's.
        let cold = project.copy_without_out();
        build(&cold, &[], 0);
        assert_eq!(
            project.outputs(),
            cold.outputs(),
            "{what}: the outputs of a full build"
        );
        assert!(
            is_fresh(&project),
            "{what}: and the next build has nothing to do"
        );
    }

    // A linked file removed: the build runs, and refuses.
    std::fs::remove_file(project.root().join("source/notes.txt")).expect("remove");
    let (_, refused) = build(&project, &[], 1);
    assert!(refused.contains("link `notes.txt` not found"), "{refused}");
}

#[test]
fn a_damaged_fresh_entry_is_never_trusted() {
    let project = project_with_warnings();
    build(&project, &[], 0);
    build(&project, &[], 0);
    let entry = fresh_entry(&project);
    let sound = std::fs::read(&entry).expect("entry");
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 5] = [
        ("a flipped bit", |bytes| {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x01;
        }),
        ("truncated", |bytes| bytes.truncate(bytes.len() - 7)),
        ("empty", Vec::clear),
        ("another cardsmith", crate::support::under_another_binary),
        ("a diagnostic edited", |bytes| {
            // Another message of the same length: only the checksum tells.
            let text = String::from_utf8_lossy(bytes).into_owned();
            let at = text.find("message\":\"").expect("a diagnostic") + 10;
            bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
        }),
    ];
    let (_, expected) = build(&project.copy_without_out(), &[], 0);
    for (what, damage) in damages {
        let mut bytes = sound.clone();
        damage(&mut bytes);
        std::fs::write(&entry, bytes).expect("damage the entry");
        let (_, rebuilt) = build(&project, &["--verbose"], 0);
        assert!(!rebuilt.contains(FRESH), "{what}: {rebuilt}");
        let (_, plain) = build(&project, &[], 0);
        assert_eq!(plain, expected, "{what}: the report of a full build");
        assert_eq!(
            std::fs::read(&entry).expect("entry"),
            sound,
            "{what}: made sound again"
        );
    }
}

#[test]
fn notices_about_the_lock_changing_are_not_repeated() {
    let project = project_with_warnings();
    build(&project, &[], 0);
    // An item removed: the build that drops it from the lock says Anki keeps its note.
    let text = std::fs::read_to_string(project.root().join(SECOND)).expect("second");
    let start = text.find("## Stream Guarantees").expect("a section");
    project.write(SECOND, &text[..start]);
    let (_, removing) = build(&project, &[], 0);
    assert!(removing.contains("left the source"), "{removing}");
    let (_, rebuilt) = build(&project, &[], 0);
    assert!(is_fresh(&project));
    assert!(!rebuilt.contains("left the source"), "{rebuilt}");
    let cold = project.copy_without_out();
    let (_, full) = build(&cold, &[], 0);
    assert_eq!(rebuilt, full);
}

#[test]
fn after_an_edit_lint_results_kept_per_lesson_report_what_a_full_build_reports() {
    let project = project_with_warnings();
    build(&project, &[], 0);
    // Each edit changes one lesson's diagnostics, and the other lesson's lint results come from
    // the cache; Q006 and L001 involve both lessons.
    let edits = [
        (
            SEED,
            "With a **high-water mark**.",
            "With a **high-water mark**. Really.",
            "second-lesson",
        ),
        (
            SECOND,
            "<!-- cardsmith: allow Q003 -->",
            "<!-- cardsmith: allow Q001 -->",
            "pipeline-probes",
        ),
        (
            SEED,
            "### How does your batch",
            "### How exactly does your batch",
            "second-lesson",
        ),
        (
            SECOND,
            "### What do production",
            "### Which systems do production",
            "pipeline-probes",
        ),
    ];
    // What `--verbose` adds, which differs between a build from the cache and one without.
    let report = |stderr: &str| -> String {
        stderr
            .lines()
            .filter(|line| {
                !["project:", "time:", "cache:"]
                    .iter()
                    .any(|p| line.starts_with(p))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (round, (file, from, to, untouched)) in edits.into_iter().enumerate() {
        project.edit(file, from, to);
        let format: &[&str] = if round % 2 == 0 {
            &["--verbose"]
        } else {
            &["--verbose", "--format", "json"]
        };
        let cold = project.copy_without_out();
        let rebuilt = build(&project, format, 0);
        let full = build(&cold, format, 0);
        assert!(
            rebuilt.1.contains(&format!("cache: reused: {untouched}")),
            "{to}: {}",
            rebuilt.1
        );
        assert_eq!(
            rebuilt
                .0
                .replace(&project.root().display().to_string(), "[ROOT]"),
            full.0.replace(&cold.root().display().to_string(), "[ROOT]"),
            "{to}: stdout"
        );
        assert_eq!(report(&rebuilt.1), report(&full.1), "{to}: stderr");
    }
}
