//! `cargo bench --bench micro`: Criterion micro-benchmarks of the build's stages, on the
//! benchmark corpus (`benches/corpus/mod.rs`, with card blocks): parse, match (the `must`/`avoid`
//! matcher), the whole lint, Q006 alone on 10,000 items, Markdown to card HTML, writing the Anki packages, and fitting one
//! sheet of 30 items (typst; with the `pdf` feature, else the HTML sheet alone).
//!
//! Under `cargo bench` the stages run on 1,000 items (20 lessons); under `cargo test --bench
//! micro` (what the test suite runs) Criterion runs each routine once, on 60 items, to prove the
//! benchmarks work without timing anything. Whole builds against the peers:
//! `scripts/bench-peers` (docs/performance.md).

#[path = "corpus/mod.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;

use cardsmith::assets::MemoryAssets;
use cardsmith::cache::BuildCache;
use cardsmith::config::Config;
use cardsmith::lint::{Context, Settings};
use cardsmith::model::{Course, SourceFile};
use cardsmith::render::apkg::ApkgRenderer;
use cardsmith::render::sheet::SheetRenderer;
use cardsmith::render::{RenderContext, Renderer};
use cardsmith::templates::Templates;
use criterion::{Criterion, criterion_group, criterion_main};

/// Items of the corpus the stages run on when benchmarking.
const ITEMS: usize = 1_000;
/// Items when the suite only proves the benchmarks run.
const TEST_ITEMS: usize = 60;
/// Items Q006 is benchmarked on.
const DUPLICATE_ITEMS: usize = 10_000;
/// Items of the one sheet fitted: the "one sheet of 30 items".
const SHEET_ITEMS: usize = 30;

/// Whether this run measures: `cargo bench` passes `--bench`; `cargo test --bench micro` does
/// not, and `--test` asks for the test mode either way (as Criterion reads them).
fn measuring() -> bool {
    let has = |flag: &str| std::env::args().any(|arg| arg == flag);
    has("--bench") && !has("--test")
}

/// The corpus's lesson files, as `load` would read them.
fn files(items: usize) -> Vec<SourceFile> {
    corpus::lessons(items)
        .iter()
        .map(|lesson| SourceFile {
            path: PathBuf::from(format!("source/{}.md", lesson.id)),
            text: corpus::markdown(lesson, true),
        })
        .collect()
}

/// The corpus parsed; it is clean by construction (`tests/cli/bench.rs` checks it).
fn course(items: usize) -> Course {
    let (course, diagnostics) = cardsmith::parse::parse_course(files(items));
    assert!(diagnostics.is_empty(), "the corpus parses: {diagnostics:?}");
    course
}

/// A render context with the embedded templates, no earlier state and no cache (every
/// iteration does the work), at a fixed clock.
fn context<'a>(
    course: &'a Course,
    config: &'a Config,
    templates: &'a Templates,
    assets: &'a MemoryAssets,
    cache: &'a BuildCache,
) -> RenderContext<'a> {
    RenderContext {
        course,
        config,
        templates,
        now_millis: 1_700_000_000_000,
        assets,
        state: None,
        cache,
        sink: &cardsmith::output::Memory,
    }
}

fn stages(c: &mut Criterion) {
    let items = if measuring() { ITEMS } else { TEST_ITEMS };
    let sources = files(items);
    c.bench_function("parse", |b| {
        b.iter(|| cardsmith::parse::parse_course(black_box(sources.clone())))
    });

    let course = course(items);
    let settings = Settings::default();
    c.bench_function("match", |b| {
        b.iter(|| Context::new(black_box(&course), &settings))
    });
    c.bench_function("lint", |b| {
        b.iter(|| cardsmith::lint::lint(black_box(&course), &settings))
    });

    // Q006 alone: it compares questions across the whole project, so it runs on ten times the
    // items (the matcher's work is done once, outside the timing).
    let many = self::course(if measuring() {
        DUPLICATE_ITEMS
    } else {
        TEST_ITEMS
    });
    let many_context = Context::new(&many, &settings);
    let duplicate_question = cardsmith::lint::rules::LINT_RULES
        .iter()
        .find(|rule| rule.meta.code.code == "Q006")
        .and_then(|rule| rule.check())
        .expect("Q006 is a lint rule");
    c.bench_function("Q006 duplicate-question", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            duplicate_question(black_box(&many_context), &mut out);
            out
        })
    });

    let no_media = BTreeMap::new();
    c.bench_function("markdown to html", |b| {
        b.iter(|| {
            for (_, item) in course.items() {
                black_box(cardsmith::render::apkg::html::block(
                    &item.answer,
                    &no_media,
                ));
            }
        })
    });

    let project = tempfile::tempdir().expect("a temp dir");
    let config = Config::load(project.path()).expect("the default config");
    let templates = Templates::embedded();
    let assets = MemoryAssets::default();
    let cache = BuildCache::off();
    c.bench_function("apkg write", |b| {
        b.iter(|| {
            let rendered = ApkgRenderer
                .render(&context(&course, &config, &templates, &assets, &cache))
                .expect("the packages render");
            assert!(rendered.problems.is_empty());
            rendered
        })
    });

    let one_sheet = self::course(SHEET_ITEMS);
    c.bench_function("sheet fit of 30 items", |b| {
        b.iter(|| {
            let rendered = SheetRenderer
                .render(&context(&one_sheet, &config, &templates, &assets, &cache))
                .expect("the sheet renders");
            assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);
            rendered
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = stages
}
criterion_main!(benches);
