//! The build cache (`out/.cardsmith-cache/`, docs/cache.md): the same bytes with it and without
//! it, damaged entries and changed outputs never trusted, every input of a lesson invalidating
//! it, and `--verbose` naming what was reused.

use std::path::PathBuf;

use crate::support::{Project, seed_lesson};

const CACHE: &str = "out/.cardsmith-cache";
const SEED: &str = "source/data-pipelines/probes.md";
const SECOND: &str = "source/second.md";

/// The seed lesson plus a second lesson under other ids, so that one can change while the other
/// is reused.
fn two_lessons() -> Project {
    let project = Project::with_seed();
    project.write(SECOND, &second_lesson());
    project
}

/// [`two_lessons`] built once, with its outputs.
fn built_two_lessons() -> (Project, Vec<(PathBuf, Vec<u8>)>) {
    let project = two_lessons();
    project.run(&["build"], 0);
    let outputs = project.outputs();
    (project, outputs)
}

fn second_lesson() -> String {
    seed_lesson()
        .replacen("id: pipeline-probes", "id: second-lesson", 1)
        .replace("{#", "{#second-")
}

/// The cache's entries, sorted.
fn entries(project: &Project) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(project.root().join(CACHE))
        .map(|list| {
            list.filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

/// The outputs of a build of the same sources, settings and lock in a project that never had a
/// cache.
fn cold_outputs(project: &Project) -> Vec<(PathBuf, Vec<u8>)> {
    let cold = project.copy_without_out();
    cold.run(&["build"], 0);
    assert!(entries(&cold).len() > 1, "the cold build made its cache");
    cold.outputs()
}

/// What `build --verbose` says it made again and reused: `(made again, reused)`, lesson ids with
/// the renderers in parentheses for the first.
fn build_verbose(project: &Project) -> (Vec<String>, Vec<String>) {
    let stderr = project.run(&["build", "--verbose"], 0);
    let list = |prefix: &str| -> Vec<String> {
        stderr
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .map(split_top_level)
            .unwrap_or_default()
    };
    assert!(stderr.contains("cache: "), "{stderr}");
    (list("cache: made again: "), list("cache: reused: "))
}

/// `a (x, y), b (z)` split at the commas outside parentheses.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("one part").push(c);
    }
    parts
        .into_iter()
        .map(|part| part.trim().to_owned())
        .collect()
}

const ANSWER: &str = "A screening question in more than half of pipeline interviews.";
const EDITED: &str = "A screening question in nearly every pipeline interview.";

#[test]
fn outputs_are_the_same_bytes_with_and_without_the_cache() {
    let project = two_lessons();
    let (made, reused) = build_verbose(&project);
    assert_eq!(made.len(), 2, "a first build makes everything: {made:?}");
    assert!(reused.is_empty(), "{reused:?}");
    let fresh = project.outputs();
    assert!(!entries(&project).is_empty(), "the build stored its work");

    let (made, reused) = build_verbose(&project);
    assert!(made.is_empty(), "nothing changed, nothing made: {made:?}");
    assert_eq!(reused, ["pipeline-probes", "second-lesson"]);
    assert_eq!(project.outputs(), fresh, "a rebuild from the cache");
    assert_eq!(cold_outputs(&project), fresh, "a build without a cache");

    project.edit(SEED, ANSWER, EDITED);
    build_verbose(&project);
    let edited = project.outputs();
    assert_ne!(edited, fresh);
    assert_eq!(cold_outputs(&project), edited, "after an edit");

    project.edit(SEED, EDITED, ANSWER);
    build_verbose(&project);
    let reverted = project.outputs();
    assert_eq!(cold_outputs(&project), reverted, "after its revert");
    // The guide and sheets are made from the text alone: back to the first bytes. The packages
    // differ only by the note's modification time, which the lock moved twice.
    for (path, bytes) in &reverted {
        let name = path.to_string_lossy();
        if !name.ends_with(".apkg") && name != ".cardsmith-manifest" {
            let first = fresh
                .iter()
                .find(|(other, _)| other == path)
                .expect("same files");
            assert_eq!(&first.1, bytes, "{name}");
        }
    }
}

#[test]
fn an_edit_to_one_lesson_makes_only_that_lesson_again() {
    let (project, before) = built_two_lessons();
    project.edit(SECOND, ANSWER, EDITED);
    let (made, reused) = build_verbose(&project);
    assert_eq!(made, ["second-lesson (apkg, lint, markdown, notes, sheet)"]);
    assert_eq!(reused, ["pipeline-probes"]);
    let after = project.outputs();
    for (path, bytes) in &after {
        let name = path.to_string_lossy().into_owned();
        let old = &before
            .iter()
            .find(|(other, _)| other == path)
            .expect("same files")
            .1;
        // The edited answer is in the guide and the decks; the sheet shows the required points.
        if ["second-lesson.md", "second-lesson.apkg", "all.apkg"].contains(&name.as_str()) {
            assert_ne!(old, bytes, "{name}");
        } else if !name.starts_with("second-lesson") && name != ".cardsmith-manifest" {
            assert_eq!(old, bytes, "{name}");
        }
    }
    // Unchanged outputs are the last build's files, linked into the new `out/`.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = |project: &Project| {
            std::fs::metadata(project.root().join("out/pipeline-probes.md"))
                .expect("guide")
                .ino()
        };
        let first = inode(&project);
        let cache_files = |project: &Project| -> Vec<(PathBuf, u64)> {
            entries(project)
                .into_iter()
                .map(|path| {
                    let ino = std::fs::metadata(&path).expect("entry").ino();
                    (path, ino)
                })
                .collect()
        };
        let cached = cache_files(&project);
        project.edit(SECOND, EDITED, ANSWER);
        project.run(&["build"], 0);
        assert_eq!(
            inode(&project),
            first,
            "an unchanged output is not written again"
        );
        // The unchanged lesson's cache file too: of the lessons' files (the first line names
        // their format), one is the last build's; the edited lesson's is new.
        let lesson_files: Vec<_> = cache_files(&project)
            .into_iter()
            .filter(|(path, _)| {
                std::fs::read(path)
                    .expect("entry")
                    .starts_with(b"cardsmith-lesson-cache ")
            })
            .collect();
        assert_eq!(lesson_files.len(), 2, "{lesson_files:?}");
        let kept: Vec<_> = lesson_files
            .iter()
            .filter(|file| cached.contains(file))
            .collect();
        assert_eq!(
            kept.len(),
            1,
            "the unchanged lesson's file is linked: {kept:?}"
        );
    }
}

#[test]
fn damaged_entries_are_ignored_and_made_again() {
    let (project, fresh) = built_two_lessons();
    let stored = entries(&project);
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 5] = [
        ("a flipped bit", |bytes| {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x01;
        }),
        ("truncated", |bytes| bytes.truncate(bytes.len() / 2)),
        ("empty", Vec::clear),
        ("another cardsmith", crate::support::under_another_binary),
        ("not an entry", |bytes| {
            *bytes = b"%PDF-1.7 something else".to_vec()
        }),
    ];
    for (what, damage) in damages {
        for entry in &stored {
            let mut bytes = std::fs::read(entry).expect("entry");
            damage(&mut bytes);
            std::fs::write(entry, bytes).expect("damage the entry");
        }
        let (made, reused) = build_verbose(&project);
        assert_eq!(made.len(), 2, "{what}: every lesson made again: {made:?}");
        assert!(reused.is_empty(), "{what}: {reused:?}");
        assert_eq!(project.outputs(), fresh, "{what}: the same outputs");
        assert_eq!(
            entries(&project),
            stored,
            "{what}: the entries are sound again"
        );
        let (made, _) = build_verbose(&project);
        assert!(
            made.is_empty(),
            "{what}: and used by the next build: {made:?}"
        );
    }
}

#[test]
fn an_entry_under_another_entry_s_name_is_not_trusted() {
    let (project, fresh) = built_two_lessons();
    let stored = entries(&project);
    let bytes: Vec<Vec<u8>> = stored
        .iter()
        .map(|entry| std::fs::read(entry).expect("entry"))
        .collect();
    // Each entry's bytes, sound in themselves, under the next one's name.
    for (at, entry) in stored.iter().enumerate() {
        std::fs::write(entry, &bytes[(at + 1) % bytes.len()]).expect("swap");
    }
    let (made, reused) = build_verbose(&project);
    assert_eq!(made.len(), 2, "every lesson made again: {made:?}");
    assert!(reused.is_empty(), "{reused:?}");
    assert_eq!(project.outputs(), fresh);
    assert_eq!(entries(&project), stored, "the entries are sound again");
}

#[test]
fn an_output_changed_or_deleted_in_out_is_made_again() {
    let (project, fresh) = built_two_lessons();
    project.write("out/pipeline-probes.md", "edited by hand\n");
    std::fs::remove_file(project.root().join("out/second-lesson.sheet.html")).expect("remove");
    let (made, reused) = build_verbose(&project);
    assert_eq!(
        made,
        ["pipeline-probes (markdown)", "second-lesson (sheet)"],
        "only what no longer matches the cache"
    );
    assert!(reused.is_empty(), "{reused:?}");
    assert_eq!(project.outputs(), fresh);
}

#[test]
fn a_template_settings_or_image_edit_invalidates_what_it_reaches() {
    let (project, _) = built_two_lessons();
    let everything = |made: &[String]| {
        made.len() == 2
            && made
                .iter()
                .all(|lesson| lesson.contains("(apkg, lint, markdown, notes, sheet)"))
    };

    let template = crate::support::repo_root().join("templates/lesson.md");
    let text = std::fs::read_to_string(template).expect("template");
    project.write(
        "templates/lesson.md",
        &format!("{text}\n<!-- a project's guide -->\n"),
    );
    let (made, _) = build_verbose(&project);
    assert!(everything(&made), "a template override: {made:?}");
    let guide =
        std::fs::read_to_string(project.root().join("out/second-lesson.md")).expect("guide");
    assert!(guide.contains("a project's guide"), "{guide}");

    let config = std::fs::read_to_string(project.root().join("cardsmith.toml")).expect("config");
    project.write(
        "cardsmith.toml",
        &config.replace("answer-word-budget = 150", "answer-word-budget = 160"),
    );
    let (made, _) = build_verbose(&project);
    assert!(everything(&made), "a setting: {made:?}");

    // An image belongs to the lesson that shows it.
    let png =
        std::fs::read(crate::support::repo_root().join("docs/sheet-example.png")).expect("png");
    project.write_bytes("source/img/figure.png", &png);
    project.edit(
        SECOND,
        ANSWER,
        &format!("{ANSWER}\n\n![a figure](img/figure.png)"),
    );
    project.run(&["build"], 0);
    let mut changed = png.clone();
    let last = changed.len() - 1;
    changed[last] ^= 0x01;
    project.write_bytes("source/img/figure.png", &changed);
    let (made, reused) = build_verbose(&project);
    assert_eq!(
        made,
        ["second-lesson (apkg, lint, markdown, notes, sheet)"],
        "the image's lesson"
    );
    assert_eq!(reused, ["pipeline-probes"]);
}

#[test]
fn a_refused_build_leaves_the_cache_and_out_as_they_were() {
    let (project, _) = built_two_lessons();
    let (fresh, stored) = (project.out_files(), entries(&project));
    project.edit(SECOND, "id: second-lesson", "id: pipeline-probes");
    project.run(&["build"], 1);
    assert_eq!(project.out_files(), fresh, "out/ and its cache untouched");
    assert_eq!(entries(&project), stored);
}

/// The seed lesson `copies` times under other ids, sheets off (they are not what is tested):
/// an `all.apkg` whose collection spans many of the pieces it is deflated in.
fn many_lessons(copies: usize) -> Project {
    let project = Project::with_seed();
    let settings = std::fs::read_to_string(project.root().join("cardsmith.toml")).expect("toml");
    project.write(
        "cardsmith.toml",
        &format!("{settings}\n[sheet]\nenabled = false\n"),
    );
    for copy in 0..copies {
        let lesson = seed_lesson()
            .replacen("id: pipeline-probes", &format!("id: copy-{copy}"), 1)
            .replace("{#", &format!("{{#copy-{copy}-"));
        project.write(&format!("source/copy-{copy}.md"), &lesson);
    }
    project
}

/// The unpacked size of `all.apkg`'s collection, from its zip directory.
fn collection_size(project: &Project) -> usize {
    let bytes = std::fs::read(project.root().join("out/all.apkg")).expect("all.apkg");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let size = archive
        .by_name("collection.anki2")
        .expect("collection")
        .size();
    usize::try_from(size).expect("fits")
}

#[test]
fn all_apkg_packed_again_from_the_last_one_is_the_bytes_of_a_build_without_cache() {
    let project = many_lessons(40);
    project.run(&["build"], 0);
    let size = collection_size(&project);
    assert!(
        size > 5 * 64 * 1024,
        "{size} bytes: more than 5 deflate pieces"
    );
    // An edit in the middle of the collection, one that grows it, and one at its end.
    for (lesson, from, to) in [
        ("source/copy-14.md", ANSWER, EDITED),
        (
            "source/copy-3.md",
            "With a **high-water mark**.",
            "With a **high-water mark**, a much longer sentence than before, which moves every byte after it.",
        ),
        ("source/copy-39.md", ANSWER, EDITED),
    ] {
        project.edit(lesson, from, to);
        project.run(&["build"], 0);
        let packed = project.outputs();
        assert_eq!(cold_outputs(&project), packed, "after editing {lesson}");
    }
}

/// `(stdout, stderr)` of `build --verbose` with `args`, the project's root shown as `[ROOT]`, and
/// the lines that say what came from the cache, which differ between a rebuild and a cold build.
fn build_report(project: &Project, args: &[&str]) -> (String, String, String) {
    let mut all = vec!["build", "--verbose"];
    all.extend_from_slice(args);
    let output = project.cardsmith(&all).output().expect("the binary runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let root = project.root().display().to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).replace(&root, "[ROOT]");
    let stderr = crate::support::stderr_of(&output, project);
    let (cache, report): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .filter(|line| !line.starts_with("time:") && !line.starts_with("project:"))
        .partition(|line| line.starts_with("cache:"));
    (stdout, report.join("\n"), cache.join("\n"))
}

/// The Anki renderer's checks (S021 raw HTML, S023 cloze markup outside a cloze item, S025 code
/// shown plain) and Q006 across lessons, kept per lesson: after each edit the lesson that did not
/// change is reused, and the build reports and writes what a build without a cache does.
#[test]
fn checks_kept_per_lesson_report_and_write_what_a_cold_build_does() {
    let project = two_lessons();
    project.edit(
        SECOND,
        ANSWER,
        &format!(
            "{ANSWER} <span onclick=\"steal()\">Click</span>, a {{{{c1::mark}}}}.\n\n\
             ```nosuchlanguage\nplain\n```\n"
        ),
    );
    // The second lesson asks the seed's questions again: Q006 across the two.
    project.run(&["build"], 0);
    let edits = [
        (SEED, ANSWER, EDITED, "second-lesson"),
        // Moves every diagnostic of the second lesson: spans are stored relative to it.
        (
            SECOND,
            "With a **high-water mark**.",
            "With a **high-water mark**, as said.",
            "pipeline-probes",
        ),
        (
            SEED,
            "### Why Parquet? {#why-parquet}",
            "### Why use Parquet files? {#why-parquet}",
            "second-lesson",
        ),
        (
            SECOND,
            "nosuchlanguage",
            "nosuchlanguageeither",
            "pipeline-probes",
        ),
    ];
    for (round, (file, from, to, untouched)) in edits.into_iter().enumerate() {
        project.edit(file, from, to);
        let format: &[&str] = if round % 2 == 0 {
            &[]
        } else {
            &["--format", "json"]
        };
        // Copied before the build, which writes the lock: the cold build then writes it too.
        let cold = project.copy_without_out();
        let (stdout, report, cache) = build_report(&project, format);
        assert!(
            cache.contains(&format!("cache: reused: {untouched}")),
            "{to}: {cache}"
        );
        for code in ["S021", "S023", "S025", "Q006"] {
            assert!(
                stdout.contains(code) || report.contains(code),
                "{to}: {code} in {stdout}{report}"
            );
        }
        let (cold_stdout, cold_report, _) = build_report(&cold, format);
        assert_eq!(stdout, cold_stdout, "{to}: stdout");
        assert_eq!(report, cold_report, "{to}: stderr");
        // From the lock this build wrote: a note's time is the build's clock, which moved.
        assert_eq!(project.outputs(), cold_outputs(&project), "{to}: out/");
    }
}
