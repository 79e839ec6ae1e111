//! One snapshot per fixture of each rule of the registry: the rendered full-format report of its
//! fixture (`tests/fixtures/lint/<CODE>.md`, with an optional `<CODE>.toml` holding `[lint]`
//! settings), and of its variants `<CODE>-<case>.md` (a lesson in another language, say).
//! Each fixture holds cases that must fire (item ids `fires-...`) and cases that must not
//! (`okay-...`). The fixture goes through the same stages as `cardsmith check` (decode, parse,
//! assets, Anki checks, lint) and only the diagnostics of the code under test are kept.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::lint::registry::RULES;
use crate::lint::{Settings, lint};
use crate::load::Loaded;
use crate::model::SourceFile;
use crate::templates::Templates;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// The fixtures of `code`, by name without `.md`: `<CODE>`, then its `<CODE>-<case>` variants.
fn fixture_names(code: &str) -> Vec<String> {
    let mut variants: Vec<String> = std::fs::read_dir(fixtures())
        .expect("the fixture folder exists")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".md")?;
            stem.strip_prefix(code)?
                .starts_with('-')
                .then(|| stem.to_owned())
        })
        .collect();
    variants.sort();
    variants.insert(0, code.to_owned());
    variants
}

/// Runs the stages of `cardsmith build` on the fixture `name` of `code` (in memory, writing
/// nothing): the checks, then, for a code the checks never raise (S017, the sheet's fit), the
/// render stage. Returns its files and the diagnostics of `code`.
fn check_fixture(code: &str, name: &str) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let dir = fixtures();
    let bytes = std::fs::read(dir.join(format!("{name}.md"))).expect("fixture exists");
    let mut config = Config::load(&dir).expect("the fixture folder has no cardsmith.toml");
    if let Ok(text) = std::fs::read_to_string(dir.join(format!("{code}.toml"))) {
        config.project.lint = toml::from_str(&text).expect("fixture settings are valid");
    }
    let (text, unreadable) = crate::load::decode(FileId(0), bytes);
    let loaded = Loaded {
        files: vec![SourceFile {
            path: PathBuf::from(format!("{name}.md")),
            text,
        }],
        diagnostics: unreadable.into_iter().collect(),
        assets: crate::load::project_assets(&dir).expect("the fixture folder resolves"),
        ..Loaded::default()
    };
    let mut checked = crate::check_sources(loaded, &config).expect("fixture settings are valid");
    let raised = |checked: &crate::Checked| {
        checked
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code.code == code)
    };
    if !raised(&checked) && !checked.has_errors() {
        let templates = Templates::embedded();
        crate::render(&mut checked, &config, &templates, &BTreeMap::new(), 0)
            .expect("the fixture renders");
    }
    let mut diagnostics = checked.diagnostics;
    diagnostics.retain(|diagnostic| diagnostic.code.code == code);
    (checked.course.files, diagnostics)
}

/// The codes only the PDF sheet raises: without the `pdf` feature their fixtures cannot fire.
const NEEDS_PDF: &[&str] = &["S017", "S018", "S024"];

/// Every rule of the registry against its fixture, so that a new rule needs no line here.
#[test]
fn every_rule_fires_on_its_fixture_as_its_snapshot_shows() {
    for rule in RULES {
        let code = rule.meta.code.code;
        if !cfg!(feature = "pdf") && NEEDS_PDF.contains(&code) {
            continue;
        }
        for name in fixture_names(code) {
            let (files, diagnostics) = check_fixture(code, &name);
            assert!(!diagnostics.is_empty(), "{name}: the fixture must fire");
            let rendered = crate::report::full::render(&diagnostics, &files, false);
            insta::assert_snapshot!(name, rendered);
        }
    }
}

#[test]
fn every_rule_has_a_fixture_and_a_snapshot() {
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/snapshots");
    for rule in RULES {
        let code = rule.meta.code.code;
        assert!(
            fixtures().join(format!("{code}.md")).is_file(),
            "{code} has no fixture"
        );
        for name in fixture_names(code) {
            assert!(
                snapshots
                    .join(format!("cardsmith__lint__tests__{name}.snap"))
                    .is_file(),
                "{name} has no snapshot"
            );
        }
    }
}

/// The id of the item each diagnostic is in: the last `{#id}` heading at or before its line
/// (`None` before the first heading).
fn items_hit(file: &SourceFile, diagnostics: &[Diagnostic]) -> Vec<Option<String>> {
    let headings: Vec<(usize, String)> = file
        .text
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let start = line.find("{#")?;
            let end = start + line[start..].find('}')?;
            line.starts_with("###")
                .then(|| (index + 1, line[start + 2..end].to_owned()))
        })
        .collect();
    let index = crate::lines::LineIndex::new(&file.text);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let line = index.line_of(diagnostic.span.range.start);
            headings
                .iter()
                .rev()
                .find(|(heading, _)| *heading <= line)
                .map(|(_, id)| id.clone())
        })
        .collect()
}

#[test]
fn firing_cases_fire_and_okay_cases_do_not() {
    for rule in RULES {
        let code = rule.meta.code.code;
        if !crate::render::sheet::PDF_ENABLED && matches!(code, "S017" | "S018" | "S024") {
            // Found by the PDF sheet's layout and fonts, which this build leaves out.
            continue;
        }
        for name in fixture_names(code) {
            let (files, diagnostics) = check_fixture(code, &name);
            let hit = items_hit(&files[0], &diagnostics);
            for id in hit.iter().flatten() {
                assert!(!id.starts_with("okay"), "{name} fired on `{id}`");
            }
            for line in files[0].text.lines() {
                let Some(start) = line.find("{#fires-") else {
                    continue;
                };
                let end = start + line[start..].find('}').expect("closed id");
                let id = &line[start + 2..end];
                assert!(
                    hit.iter().any(|found| found.as_deref() == Some(id)),
                    "{name}: `{id}` did not fire"
                );
            }
        }
    }
}

/// Corrupts the seed lesson and every lint fixture (deterministically) and runs the lint stage and
/// every report format on each variant: whatever the input, they must return, never panic.
#[test]
fn mangled_lessons_never_panic_the_linter() {
    let mut sources = vec![include_str!("../../source/data-pipelines/probes.md").to_owned()];
    for rule in RULES {
        for name in fixture_names(rule.meta.code.code) {
            let path = fixtures().join(format!("{name}.md"));
            let bytes = std::fs::read(path).expect("fixture");
            sources.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let config: crate::config::ProjectConfig =
        toml::from_str(include_str!("../../cardsmith.toml")).expect("the seed's config is valid");
    let settings = Settings::new(config.lint).expect("valid");
    for source in &sources {
        for text in crate::parse::mangle::variants(source, 20, 0x2545_F491_4F6C_DD1D) {
            let files = vec![SourceFile {
                path: "mangled.md".into(),
                text,
            }];
            let (course, _) = crate::parse::parse_course(files);
            let diagnostics = lint(&course, &settings);
            let _ =
                crate::commands::check::coverage::coverage(&course, &settings, |_| true).render();
            let _ = crate::lint::fix::add_missing_ids(&course, &diagnostics, |_| true);
            for format in [
                crate::report::ReportFormat::Full,
                crate::report::ReportFormat::Concise,
                crate::report::ReportFormat::Json,
                crate::report::ReportFormat::Sarif,
                crate::report::ReportFormat::Github,
            ] {
                let _ = crate::report::render(format, &diagnostics, &course.files, false);
            }
        }
    }
}
