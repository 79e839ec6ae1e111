//! `cardsmith check` as a linter: the seed lesson, the issue's two editing scenarios, exit codes,
//! `path:line:column`, the machine formats, suppressions, baseline, fix, coverage, `rule`.

use serde_json::Value;

use crate::support::{Project, seed_lesson, stderr_of};

const SEED: &str = "source/data-pipelines/probes.md";

/// Runs `cardsmith <args>` and returns (exit status, stdout, stderr).
fn run(project: &Project, args: &[&str]) -> (i32, String, String) {
    let output = project.cardsmith(args).output().expect("runs");
    (
        output.status.code().expect("exited"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr_of(&output, project),
    )
}

fn json_of(project: &Project, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (status, stdout, stderr) = run(project, &all);
    let value: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (status, value.as_array().expect("an array").clone())
}

/// The seed with `old` replaced by `new` (which must be there).
fn seed_with(old: &str, new: &str) -> Project {
    let seed = seed_lesson();
    assert!(seed.contains(old), "the seed no longer holds {old:?}");
    let project = Project::with_seed();
    project.write(SEED, &seed.replacen(old, new, 1));
    project
}

/// 1-based line and column (in characters) of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle present");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |n| n + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

#[test]
fn the_seed_lesson_checks_clean() {
    let project = Project::with_seed();
    let (status, stdout, stderr) = run(&project, &["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("checked 1 lesson: no problems"), "{stderr}");
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!((status, diagnostics.len()), (0, 0));
}

#[test]
fn removing_the_weekly_full_reload_sentence_yields_one_error_naming_that_point() {
    let project = seed_with(
        "I run the incremental\nload daily and a full reload weekly as a safety net, so anything the incremental logic missed\n(late or back-dated rows, a bad mark) is corrected within a week.",
        "",
    );
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 1);
    let errors: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    let error = errors[0];
    assert_eq!(error["code"], "P001");
    assert_eq!(error["name"], "missing-required-point");
    assert_eq!(error["item_id"], "batch-high-water-mark");
    assert_eq!(error["path"], SEED);
    let message = error["message"].as_str().expect("text");
    assert!(
        message.contains("the weekly full reload as a safety net"),
        "{message}"
    );
    // Reported at the item's question; the help names the alternatives tried.
    let (line, column) = position_of(&seed_lesson(), "How does your batch pipeline");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
    let help = error["help"].as_str().expect("help");
    assert!(help.contains("`weekly full reload`"), "{help}");

    let (_, _, stderr) = run(&project, &["check"]);
    assert!(
        stderr.contains(&format!("--> {SEED}:{line}:{column}")),
        "{stderr}"
    );
    assert!(stderr.contains("required here"), "{stderr}");
}

#[test]
fn just_use_exactly_once_without_its_cost_raises_the_red_flag_at_its_column() {
    let old_answer = "Exactly-once means every event affects the result one time: none is lost and none is counted";
    let project = seed_with(
        old_answer,
        "To avoid duplicates, just use exactly-once. Exactly-once means every event affects the result one time: none is lost and none is counted",
    );
    // The rest of the answer names the cost, so make it silent about it.
    let text = std::fs::read_to_string(project.root().join(SEED)).expect("read");
    let start = text.find("To avoid duplicates").expect("inserted");
    let end = text[start..].find("```card").expect("card block") + start;
    let answer = "To avoid duplicates, just use exactly-once. Production systems run at-least-once delivery\nwith idempotent writes, so none is lost.\n\n";
    let text = format!("{}{answer}{}", &text[..start], &text[end..]);
    project.write(SEED, &text);

    let (line, column) = position_of(&text, "just use exactly-once");
    let (_, _, human) = run(&project, &["check"]);
    insta::assert_snapshot!(human);
    let (status, _, stderr) = run(&project, &["check", "--format", "concise"]);
    assert_eq!(status, 1);
    let expected = format!(
        "{SEED}:{line}:{column}: R001 answer raises the red flag `recommends exactly-once without its cost`"
    );
    assert!(stderr.contains(&expected), "{expected}\nnot in\n{stderr}");

    let (_, diagnostics) = json_of(&project, &[]);
    let flag = diagnostics
        .iter()
        .find(|d| d["code"] == "R001")
        .expect("R001 reported");
    assert_eq!(flag["line"], line);
    assert_eq!(flag["column"], column);
    assert_eq!(flag["end_line"], line);
    assert_eq!(flag["end_column"], column + "just use exactly-once".len());
    // The project-wide rules of the seed's cardsmith.toml fire too.
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"P002"), "{codes:?}");
    assert!(codes.contains(&"R002"), "{codes:?}");
}

#[test]
fn json_objects_have_exactly_the_documented_fields() {
    let project = Project::new();
    project.write(
        "source/fixture.md",
        &std::fs::read_to_string(crate::support::repo_root().join("tests/fixtures/lint/R001.md"))
            .expect("fixture"),
    );
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 1);
    assert!(!diagnostics.is_empty());
    let mut keys: Vec<&str> = diagnostics[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "help",
            "item_id",
            "line",
            "message",
            "name",
            "path",
            "severity"
        ]
    );
    let first = &diagnostics[0];
    assert_eq!(first["path"], "source/fixture.md");
    assert_eq!(first["code"], "R001");
    assert_eq!(first["name"], "raised-red-flag");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(9), Some(7))
    );
    assert_eq!(first["item_id"], "fires-at-the-words");
}

#[test]
fn exit_status_is_0_with_warnings_1_with_errors_2_on_usage_errors() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: A\ndeck: D\n---\n\n### Is Parquet columnar? {#parquet}\n\nYes.\n",
    );
    let (status, _, stderr) = run(&project, &["check"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("warning[Q005]"), "{stderr}");
    // Warnings do not block a build.
    project.cardsmith(&["build"]).assert().success();

    project.write("cardsmith.toml", "[lint.severity]\nQ005 = \"error\"\n");
    let (status, _, _) = run(&project, &["check"]);
    assert_eq!(status, 1);
    let (status, _, stderr) = run(&project, &["build"]);
    assert_eq!(status, 1);
    assert!(stderr.contains("build refused"), "{stderr}");

    project.write("cardsmith.toml", "[lint]\nignore = [\"Q005\"]\n");
    let (status, _, stderr) = run(&project, &["check"]);
    assert_eq!(status, 0);
    assert!(stderr.contains("no problems"), "{stderr}");

    project.write("cardsmith.toml", "[lint]\nselect = [\"X1\"]\n");
    let (status, _, stderr) = run(&project, &["check"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("`X1` selects no rule"), "{stderr}");

    project.write("cardsmith.toml", "");
    assert_eq!(run(&project, &["check", "--format", "xml"]).0, 2);
    assert_eq!(run(&project, &["check", "source/missing.md"]).0, 2);
    assert_eq!(run(&project, &["rule", "Z999"]).0, 2);
}

#[test]
fn check_paths_limit_the_report_but_not_what_is_read() {
    let project = Project::new();
    let lesson = |id: &str| {
        format!(
            "---\nid: {id}\ntitle: T\ndeck: D\n---\n\n### Why Parquet? {{#{id}-parquet}}\n\nColumnar.\n"
        )
    };
    project.write("source/a.md", &lesson("a"));
    project.write("source/b/b.md", &lesson("b"));
    let (_, all) = json_of(&project, &[]);
    assert_eq!(all.len(), 1, "{all:#?}"); // b's question duplicates a's
    assert_eq!(all[0]["path"], "source/b/b.md");
    let (_, only_a) = json_of(&project, &["source/a.md"]);
    assert!(only_a.is_empty());
    let (_, only_b) = json_of(&project, &["source/b"]);
    assert_eq!(only_b.len(), 1);
}

#[test]
fn suppressions_by_item_and_by_line_and_unused_ones() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n\
         ### Is Parquet columnar? {#allowed}\n\nYes.\n\n```card\nallow: [Q005]\n```\n\n\
         <!-- cardsmith: allow not-a-question -->\n### Parquet {#commented}\n\nColumnar.\n\n\
         ### Why Avro? {#stale}\n\nRow-oriented.\n\n```card\nallow: [Q001]\n```\n",
    );
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 0);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "L001");
    assert_eq!(diagnostics[0]["item_id"], "stale");
    assert_eq!(diagnostics[0]["message"], "unused suppression of `Q001`");
}

#[test]
fn concise_sarif_github_and_statistics() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Is it columnar? {#one}\n\nYes.\n\n### Parquet {#two}\n\nColumnar.\n\n### Parquet, again {#three}\n\nStill.\n",
    );
    let (_, _, concise) = run(&project, &["check", "--format", "concise"]);
    assert!(
        concise.contains("source/a.md:7:5: Q005 yes/no question\n"),
        "{concise}"
    );

    let (status, github, _) = run(&project, &["check", "--format", "github"]);
    assert_eq!(status, 0);
    assert!(
        github.contains("::warning file=source/a.md,line=7,col=5,endLine=7,endColumn=7,title=Q005 (yes-no-question)::yes/no question%0Ahelp: "),
        "{github}"
    );

    let (_, sarif, _) = run(&project, &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let sarif_run = &sarif["runs"][0];
    assert_eq!(sarif_run["tool"]["driver"]["name"], "cardsmith");
    let rules = sarif_run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let result = &sarif_run["results"][0];
    assert_eq!(result["ruleId"], "Q005");
    assert_eq!(result["level"], "warning");
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "Q005");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(7), Some(5))
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "source/a.md"
    );

    let (_, statistics, _) = run(&project, &["check", "--statistics"]);
    assert_eq!(
        statistics,
        "2  Q007  not-a-question   warning\n1  Q005  yes-no-question  warning\n"
    );
    let (_, statistics, _) = run(&project, &["check", "--statistics", "--format", "json"]);
    let rows: Value = serde_json::from_str(&statistics).expect("JSON");
    assert_eq!(rows[0]["code"], "Q007");
    assert_eq!(rows[0]["count"], 2);
}

#[test]
fn colors_only_when_asked_or_on_a_terminal() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Is it columnar? {#one}\n\nYes.\n",
    );
    // Not a terminal, NO_COLOR set (by the helper): plain.
    let (_, _, plain) = run(&project, &["check"]);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let (_, _, colored) = run(&project, &["--color", "always", "check"]);
    assert!(colored.contains('\u{1b}'), "{colored}");
}

#[test]
fn fix_adds_unique_ids_and_rewrites_the_file() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why Parquet? {#why-parquet}\n\nColumnar.\n\n### Why Parquet?\n\nStill columnar.\n\n### What does a high-water mark store?\n\nThe last timestamp.\n",
    );
    let (status, _, stderr) = run(&project, &["check"]);
    assert_eq!(status, 1);
    assert_eq!(stderr.matches("error[S004]").count(), 2, "{stderr}");
    let (_, _, stderr) = run(&project, &["check", "--fix"]);
    assert!(
        stderr.contains("fixed source/a.md: added 2 item ids"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(project.root().join("source/a.md")).expect("read");
    assert!(
        text.contains("### Why Parquet? {#why-parquet-2}\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "### What does a high-water mark store? {#what-does-a-high-water-mark-store}\n"
        ),
        "{text}"
    );
    // Only the duplicate question is left (a warning): the ids are fixed.
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 0, "{diagnostics:#?}");
    assert!(
        diagnostics.iter().all(|d| d["code"] == "Q006"),
        "{diagnostics:#?}"
    );
    // No temporary files are left next to the lesson.
    let entries: Vec<_> = std::fs::read_dir(project.root().join("source"))
        .expect("dir")
        .collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn coverage_per_item_and_in_total_in_text_and_json() {
    let project = seed_with(" and a full reload weekly", "");
    let (status, stdout, _) = run(&project, &["check", "--coverage"]);
    assert_eq!(status, 1);
    assert!(
        stdout.contains("batch-high-water-mark 2/3 points"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  - the weekly full reload as a safety net\n"),
        "{stdout}"
    );
    // Why: the sentence that comes closest, where it is, and the words it lacks.
    assert!(
        stdout.contains("      closest 17:75: I run the incremental load daily as a safety net,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      lacks `full`, `reload`\n"),
        "{stdout}"
    );
    // What made a point: the sentence and each word with its line and column.
    assert!(stdout.contains("  + high-water mark\n      12:1: With a high-water mark.\n      by `high` 12:10, `water` 12:15, `mark` 12:21\n"), "{stdout}");
    assert!(
        stdout.contains("coverage: 18/19 required points made (94.7%) in 5 items"),
        "{stdout}"
    );

    let (_, stdout, _) = run(&project, &["check", "--coverage", "--format", "json"]);
    let value: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(value["coverage"]["points"], 19);
    assert_eq!(value["coverage"]["made"], 18);
    assert_eq!(
        value["coverage"]["items"][0]["item_id"],
        "batch-high-water-mark"
    );
    let missing = &value["coverage"]["items"][0]["missing"][0];
    assert_eq!(missing["point"], "the weekly full reload as a safety net");
    assert_eq!(missing["lacking"], serde_json::json!(["full", "reload"]));
    assert_eq!(missing["closest"]["line"], 17);
    let made = &value["coverage"]["items"][0]["made"][0];
    assert_eq!(made["point"], "high-water mark");
    assert_eq!(made["words"][0]["text"], "high");
    assert_eq!(made["words"][0]["line"], 12);
    assert_eq!(made["words"][0]["column"], 10);
    assert_eq!(value["diagnostics"][0]["code"], "P001");
}

#[test]
fn a_point_said_short_of_one_word_is_made_and_coverage_says_which() {
    let project = Project::new();
    let lesson = "---\nid: a\ntitle: T\ndeck: D\n---\n\n### What may a browser do with a no-cache response? {#no-cache}\n\nA browser may keep the response, but it must revalidate it with the origin before reuse.\n\n```card\nmust:\n  - the browser stores the response\n  - revalidate with the origin server\n  - the browser stores the response forever\n```\n";
    project.write("source/a.md", lesson);
    let (status, stdout, _) = run(&project, &["check", "--coverage"]);
    assert_eq!(status, 1, "{stdout}");
    // `stores` said as "keep", `server` left out: each made short of one word, and said so.
    assert!(
        stdout.contains("  + the browser stores the response\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      `stores` in other words\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      `server` in other words\n"),
        "{stdout}"
    );
    // Two words short is still a point missed.
    assert!(
        stdout.contains("  - the browser stores the response forever\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("coverage: 2/3 required points made"),
        "{stdout}"
    );
    let (_, stdout, _) = run(&project, &["check", "--coverage", "--format", "json"]);
    let value: Value = serde_json::from_str(&stdout).expect("JSON");
    let made = &value["coverage"]["items"][0]["made"][0];
    assert_eq!(made["said_otherwise"], serde_json::json!(["stores"]));
    let diagnostics = value["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(
        diagnostics.iter().filter(|d| d["code"] == "P001").count(),
        1,
        "{diagnostics:#?}"
    );
}

#[test]
fn baseline_records_then_reports_only_new_problems() {
    let project = Project::new();
    let lesson = "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Parquet {#one}\n\nColumnar.\n\n```card\nmust: [compressed]\n```\n";
    project.write("source/a.md", lesson);
    let (status, _, stderr) = run(&project, &["check", "--baseline", "lint-baseline.json"]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("recorded 1 error, 1 warning in `lint-baseline.json`"),
        "{stderr}"
    );
    let recorded =
        std::fs::read_to_string(project.root().join("lint-baseline.json")).expect("written");
    assert!(recorded.contains("\"code\": \"P001\""), "{recorded}");

    // Moving the item down does not resurrect it; a new problem is reported.
    project.write(
        "source/a.md",
        &lesson
            .replace("### Parquet", "\n\n### Parquet")
            .replace("Columnar.", "Columnar. Just use it."),
    );
    project.write("cardsmith.toml", "[[lint.rules]]\nname = \"just-use\"\nextends = \"existence\"\nmessage = \"no\"\ntokens = [\"just use\"]\n");
    let (status, diagnostics) = json_of(&project, &["--baseline", "lint-baseline.json"]);
    assert_eq!(status, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "R002");
}

#[test]
fn rule_explains_one_rule_or_lists_all() {
    let project = Project::new();
    let (status, stdout, _) = run(&project, &["rule", "P001"]);
    assert_eq!(status, 0);
    assert!(
        stdout.starts_with("# missing-required-point (P001)\n"),
        "{stdout}"
    );
    for heading in ["## What it does", "## Why is this bad?", "## Example"] {
        assert!(stdout.contains(heading), "{stdout}");
    }
    let (_, by_name, _) = run(&project, &["rule", "missing-required-point"]);
    assert_eq!(by_name, stdout);
    let (status, stdout, _) = run(&project, &["rule", "S005"]);
    assert_eq!(status, 0);
    assert!(stdout.contains("cannot be suppressed"), "{stdout}");

    let (_, all, _) = run(&project, &["rule", "--all"]);
    for code in [
        "S001", "S014", "P001", "P002", "R001", "R002", "Q001", "Q007", "L001",
    ] {
        assert!(
            all.lines().any(|line| line.starts_with(code)),
            "{code} missing:\n{all}"
        );
    }
    let (_, json, _) = run(&project, &["rule", "--all", "--output-format", "json"]);
    let rules: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(rules.as_array().map(Vec::len), Some(all.lines().count()));
}

/// A lesson with one item per `(answer, card block)`, ids `q1`, `q2`, ...
fn lesson_of(items: &[(&str, &str)]) -> String {
    let mut text = String::from("---\nid: matching\ntitle: Matching\ndeck: Tests\n---\n");
    for (index, (answer, card)) in items.iter().enumerate() {
        let n = index + 1;
        text.push_str(&format!(
            "\n### Which point does answer {n} make? {{#q{n}}}\n\n{answer}\n\n```card\n{card}\n```\n"
        ));
    }
    text
}

/// The item, code and message of each matching diagnostic (P and R codes), one line each.
fn messages_of(project: &Project) -> Vec<String> {
    let (_, diagnostics) = json_of(project, &[]);
    diagnostics
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .is_some_and(|code| code.starts_with(['P', 'R']))
        })
        .map(|d| {
            format!(
                "{} {} {}",
                d["item_id"].as_str().unwrap_or("-"),
                d["code"],
                d["message"]
            )
        })
        .collect()
}

#[test]
fn points_are_made_by_paraphrase_and_flags_are_not_raised_by_negation() {
    let project = Project::new();
    project.write(
        "source/matching.md",
        &lesson_of(&[
            // Stems, any order, compounds: made.
            (
                "The queue is persisted, and compaction removes the older duplicate keys.",
                "must: [compacts duplicate keys]",
            ),
            (
                "The planner pushes the filter down into the scan.",
                "must: [filter push-down]",
            ),
            // Negated: not made, and the message says so.
            (
                "We never enable write-ahead logging here.",
                "must: [write-ahead logging]",
            ),
            // Negated red flags raise nothing; the un-negated one does.
            (
                "Never retry a payment without an idempotency key. Don't poll the API.",
                "avoid: [poll the API, retry a payment]",
            ),
            ("We poll the API every minute.", "avoid: [poll the API]"),
            // Inline Markdown in a phrase, and a phrase in a script without spaces.
            (
                "Set `max-age=0` with **stale-while-revalidate**.",
                "must: [\"`max-age=0`\", \"**stale-while-revalidate**\"]",
            ),
            (
                "ノードは過半数の合意で書き込みを確定します。",
                "must: [過半数の合意]",
            ),
        ]),
    );
    let messages = messages_of(&project);
    assert_eq!(
        messages,
        [
            "q3 \"P001\" \"answer omits the required point `write-ahead logging`: `write-ahead logging` is said only under the negation `never`\"",
            "q5 \"R001\" \"answer raises the red flag `poll the API`\"",
        ],
        "{messages:#?}"
    );
}

#[test]
fn a_missed_point_names_the_words_the_closest_sentence_lacks() {
    let project = Project::new();
    project.write(
        "source/matching.md",
        &lesson_of(&[(
            "Raft elects a leader by majority vote. Entries are replicated to the followers.",
            "must: [entries committed by a majority]",
        )]),
    );
    let stderr = project.run(&["check"], 1);
    assert!(
        stderr.contains(
            "answer omits the required point `entries committed by a majority`: the closest sentence lacks `committed`, `majority`"
        ) || stderr.contains("the closest sentence lacks `entries`, `committed`"),
        "{stderr}"
    );
    assert!(stderr.contains("closest sentence: lacks"), "{stderr}");
}

#[test]
fn a_case_sensitive_regex_that_would_match_ignoring_case_gets_a_hint() {
    let project = Project::new();
    project.write(
        "source/matching.md",
        &lesson_of(&[(
            "Store each raw response before parsing it.",
            "must: [{point: keeps raw responses, match: [\"/store (each|the) raw/\"]}]",
        )]),
    );
    let stderr = project.run(&["check"], 1);
    assert!(
        stderr.contains("`/store (each|the) raw/` would match ignoring case: regexes are case-sensitive; write `/(?i)store (each|the) raw/`"),
        "{stderr}"
    );
}

/// The S008 messages of `check` on a lesson of `count` items, item `n` matching `regex(n)`.
fn regex_errors(project: &Project, count: usize, regex: impl Fn(usize) -> String) -> Vec<String> {
    let cards: Vec<String> = (0..count)
        .map(|n| format!("must: [{{point: p, match: [\"{}\"]}}]", regex(n)))
        .collect();
    let items: Vec<(&str, &str)> = cards
        .iter()
        .map(|card| ("Some answer text here.", card.as_str()))
        .collect();
    let lesson = lesson_of(&items);
    assert!(lesson.len() > 50_000, "{} bytes", lesson.len());
    project.write("source/matching.md", &lesson);
    let output = project
        .cardsmith(&["check", "--format", "json"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    value
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["code"] == "S008")
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect()
}

/// Issue 11, finding 4: a thousand costly regexes in a 50 KB lesson took 54 s and 5.7 GB. Each
/// distinct alternative is now compiled once, a regex is refused past a compiled size limit, and
/// one run compiles a bounded number of distinct regexes.
#[test]
fn a_thousand_costly_regexes_are_refused_quickly() {
    let project = Project::new();
    let same = regex_errors(&project, 1000, |_| "/\\\\w{100}x/".to_owned());
    assert_eq!(same.len(), 1000);
    assert!(
        same.iter().all(|m| m.contains("compiles to more than")),
        "{:?}",
        same[0]
    );
    // A thousand distinct ones: past the cap, each is refused without compiling.
    let distinct = regex_errors(&project, 1000, |n| format!("/\\\\w{{100}}x{n}/"));
    assert_eq!(distinct.len(), 1000);
    let capped = distinct
        .iter()
        .filter(|m| m.contains("distinct regexes"))
        .count();
    assert_eq!(capped, 1000 - 256, "{:?}", &distinct[250..260]);
}

/// Severity, `select`/`ignore` and suppressions behave alike for every family; a structure error
/// cannot be silenced, by configuration or by a suppression.
#[test]
fn structure_errors_cannot_be_silenced_and_say_why() {
    let project = Project::new();
    project.write(
        "source/a.md",
        "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why Parquet?\n\nColumnar.\n\n```card\nallow: [S004]\n```\n",
    );
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 1, "{diagnostics:#?}");
    assert!(
        diagnostics.iter().any(|d| d["code"] == "S004"),
        "{diagnostics:#?}"
    );
    let unused = diagnostics
        .iter()
        .find(|d| d["code"] == "L001")
        .expect("the suppression is reported");
    assert!(
        unused["message"]
            .as_str()
            .is_some_and(|m| m.contains("stops an output from being built")),
        "{unused:#?}"
    );
    for config in [
        "[lint]\nignore = [\"S004\"]\n",
        "[lint.severity]\nS004 = \"warning\"\n",
    ] {
        project.write("cardsmith.toml", config);
        let (status, _, stderr) = run(&project, &["check"]);
        assert_eq!(status, 2, "{config}: {stderr}");
        assert!(
            stderr.contains("stops an output from being built"),
            "{config}: {stderr}"
        );
    }
    // A prefix turns off only what can be turned off.
    project.write("cardsmith.toml", "[lint]\nignore = [\"S\"]\n");
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 1);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "S004"),
        "{diagnostics:#?}"
    );
}

/// S018 (a character the sheet's fonts lack) is a structure warning: configured and suppressed
/// like any lint rule, at the severity `cardsmith rule S018` states.
#[cfg(feature = "pdf")]
#[test]
fn a_structure_warning_is_configured_and_suppressed_like_a_lint_rule() {
    let project = Project::new();
    let lesson = |card: &str| {
        format!(
            "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why is Kafka fast? 🚀 {{#fast}}\n\nSequential disk writes.\n{card}"
        )
    };
    project.write("source/a.md", &lesson(""));
    let s018 = |diagnostics: &[Value]| -> Vec<String> {
        diagnostics
            .iter()
            .filter(|d| d["code"] == "S018")
            .map(|d| d["severity"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(
        (status, s018(&diagnostics)),
        (0, vec!["warning".to_owned()])
    );

    project.write("cardsmith.toml", "[lint.severity]\nS018 = \"error\"\n");
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!((status, s018(&diagnostics)), (1, vec!["error".to_owned()]));
    let (status, _, stderr) = run(&project, &["build"]);
    assert_eq!(
        status, 1,
        "build refuses what check reports as an error: {stderr}"
    );

    project.write("cardsmith.toml", "[lint]\nignore = [\"S018\"]\n");
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!((status, s018(&diagnostics)), (0, Vec::<String>::new()));

    project.write("cardsmith.toml", "");
    project.write("source/a.md", &lesson("\n```card\nallow: [S018]\n```\n"));
    let (status, diagnostics) = json_of(&project, &[]);
    assert_eq!(status, 0, "{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "S018" && d["code"] != "L001"),
        "{diagnostics:#?}"
    );
}

/// Issue 11: S019 took `&#31;` in a code span for a control character, but CommonMark keeps it
/// literal there (and in code blocks, after a backslash, in YAML): it reaches Anki as the text
/// `&#31;`. A reference in plain text is still refused, at its position.
#[test]
fn r11_character_references_in_code_are_literal_text() {
    let literal = "---\nid: refs\ntitle: \"&#31; in YAML\"\ndeck: Refs\n---\n\n\
                   ### How is the unit separator written? {#unit-separator}\n\n\
                   The unit separator: `&#31;` or ``&#x1F;``, escaped as \\&#31;, or in a block:\n\n\
                   ```html\n<b>&#31;</b>\n```\n\n    &#x1f; indented\n\n\
                   ```card\nmust:\n  - \"the unit separator &#31;\"\n```\n";
    let project = Project::new();
    project.write("source/refs.md", literal);
    let (status, stdout, stderr) = run(&project, &["check"]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(!stderr.contains("S019"), "{stderr}");
    project.run(&["build"], 0);
    let decoded = literal.replace("escaped as \\&#31;", "plain &#31; text");
    project.write("source/refs.md", &decoded);
    let (status, _, stderr) = run(&project, &["check", "--format", "concise"]);
    assert_eq!(status, 1, "{stderr}");
    let (line, column) = position_of(&decoded, "&#31; text");
    assert_eq!(
        stderr.matches("S019").count(),
        1,
        "only the plain one: {stderr}"
    );
    assert!(
        stderr.contains(&format!("source/refs.md:{line}:{column}: S019")),
        "{stderr}"
    );
}

/// Issue 11: a required point with no word once decoded (`"&#31;"`, `"&amp;"`) made the matcher index an
/// empty list and panic. It is a point no answer can make: P001, exit status 1.
#[test]
fn r11_a_point_without_words_is_never_made_and_never_panics() {
    let project = Project::new();
    for point in ["&#31;", "&amp;", "&nbsp;"] {
        project.write(
            "source/p.md",
            &format!(
                "---\nid: p\ntitle: P\ndeck: P\n---\n\n### Q? {{#q}}\n\nAn answer.\n\n\
                 ```card\nmust:\n  - \"{point}\"\n```\n"
            ),
        );
        let (status, _, stderr) = run(&project, &["check", "--format", "concise"]);
        assert!(!stderr.contains("panicked"), "{point}: {stderr}");
        assert_eq!(status, 1, "{point}: {stderr}");
        assert!(stderr.contains("P001"), "{point}: {stderr}");
    }
}

/// Issue 11: a code block over the highlighting cap, or in a language no grammar knows, reached
/// Anki as plain text with no word to the author. S025 warns at its fence, saying why.
#[test]
fn r11_a_code_block_shown_plain_is_a_warning_at_its_fence() {
    let long = "x = 1\n".repeat(70 * 1024 / 6);
    let lesson = format!(
        "---\nid: code\ntitle: Code\ndeck: Code\n---\n\n\
         ### How long may a block be? {{#long}}\n\n```python\n{long}```\n\n\
         ### Which languages? {{#languages}}\n\n```golang\nfunc main() {{}}\n```\n\n\
         ```text\n{long}```\n\n```rust\nfn main() {{}}\n```\n"
    );
    let project = Project::new();
    project.write("source/code.md", &lesson);
    let (status, _, stderr) = run(&project, &["check", "--format", "concise"]);
    assert_eq!(status, 0, "warnings only: {stderr}");
    assert_eq!(stderr.matches("S025").count(), 2, "{stderr}");
    let (line, column) = position_of(&lesson, "```python");
    assert!(
        stderr.contains(&format!(
            "source/code.md:{line}:{column}: S025 this `python` block is {} bytes, over the 64 KiB",
            long.len()
        )),
        "{stderr}"
    );
    let (line, column) = position_of(&lesson, "```golang");
    assert!(
        stderr.contains(&format!(
            "source/code.md:{line}:{column}: S025 no grammar for `golang`"
        )),
        "{stderr}"
    );
    project.run(&["build"], 0);
}

/// Issue 11 (found by the property tests): `\(` before a character of several bytes (`\(é`)
/// made the search for the closing `\)` slice inside the character: `check` panicked.
#[test]
fn r11_an_open_formula_before_a_wide_character_never_panics() {
    let project = Project::new();
    for answer in ["\\(é", "\\(𞋀 and more", "\\[ü\\]", "$x$ \\(中文 \\)"] {
        project.write(
            "source/m.md",
            &format!("---\nid: m\ntitle: M\ndeck: M\n---\n\n### Q? {{#q}}\n\n{answer}\n"),
        );
        let (status, _, stderr) = run(&project, &["check"]);
        assert!(!stderr.contains("panicked"), "{answer}: {stderr}");
        assert_eq!(status, 0, "{answer}: {stderr}");
    }
}

#[test]
fn near_duplicate_questions_share_their_words_across_lessons() {
    let project = Project::new();
    let lesson = |id: &str, questions: &[(&str, &str)]| {
        let mut text = format!("---\nid: {id}\ntitle: T\ndeck: D\n---\n");
        for (question, item) in questions {
            text.push_str(&format!("\n### {question} {{#{item}}}\n\nAn answer.\n"));
        }
        text
    };
    project.write(
        "source/a.md",
        &lesson(
            "a",
            &[
                (
                    "Why is Parquet faster than CSV for analytical queries?",
                    "parquet",
                ),
                (
                    "When should a streaming job emit results for late events?",
                    "late",
                ),
                ("Why does a backfill need idempotent writes?", "backfill"),
            ],
        ),
    );
    project.write(
        "source/b.md",
        &lesson(
            "b",
            &[
                // The comparison turned round, and a negation: other questions.
                (
                    "Why is CSV faster than Parquet for analytical queries?",
                    "csv",
                ),
                (
                    "Why does a backfill not need idempotent writes?",
                    "no-backfill",
                ),
                // Inflected, and a clause moved: the same questions.
                (
                    "Why are Parquet files faster than CSV files for analytical queries?",
                    "files",
                ),
                (
                    "When should late events make a streaming job emit results?",
                    "moved",
                ),
                ("Why do backfills need idempotent writes?", "backfills"),
            ],
        ),
    );
    let found = |project: &Project| {
        let (_, diagnostics) = json_of(project, &[]);
        diagnostics
            .iter()
            .filter(|d| d["code"] == "Q006")
            .map(|d| format!("{} {}", d["item_id"].as_str().unwrap_or("-"), d["message"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(&project),
        [
            "files \"question nearly duplicates `parquet` (86% alike)\"",
            "moved \"question nearly duplicates `late` (88% alike)\"",
            "backfills \"question duplicates `backfill`\"",
        ]
    );
    // A stricter threshold keeps the duplicate only.
    project.write(
        "cardsmith.toml",
        "[lint]\nnear-duplicate-similarity = 0.9\n",
    );
    assert_eq!(
        found(&project),
        ["backfills \"question duplicates `backfill`\""]
    );
}
