//! `cargo bench --bench matching`: what the matcher of `must`/`avoid`/project rules costs on
//! generated courses of 1,000 to 100,000 items (the seed lesson's five items repeated, with the
//! repository's `[lint]` settings: its synonyms and project rules apply to every item).
//!
//! Prints, per size, the time to compute every answer's plain text (what the lint stage did
//! before the matcher), the time of `lint::Context::new` (plain text plus matching: each answer
//! reduced once and every alternative searched), their difference (the matcher), and the
//! process's peak resident memory so far. Timing lives here, never in tests.

use std::path::Path;
use std::time::Instant;

use cardsmith::config::Config;
use cardsmith::lint::text::PlainText;
use cardsmith::lint::{Context, Settings};
use cardsmith::model::SourceFile;

mod support;
use support::repeated_lesson;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = std::fs::read_to_string(root.join("source/data-pipelines/probes.md"))
        .expect("the seed lesson is in the repository");
    let config = Config::load(root).expect("the repository's cardsmith.toml");
    let settings = Settings::new(config.project.lint.clone()).expect("valid [lint]");
    println!(
        "{:>7} {:>11} {:>11} {:>11} {:>12} {:>9}",
        "items", "plain text", "context", "matcher", "per item", "peak RSS"
    );
    for copies in [200, 2_000, 20_000] {
        let files = vec![SourceFile {
            path: "source/lesson.md".into(),
            text: repeated_lesson(&seed, copies),
        }];
        let (course, _) = cardsmith::parse::parse_course(files);
        let items = course.items().count();

        let start = Instant::now();
        let plain: usize = course
            .items()
            .map(|(lesson, item)| PlainText::of_answer(&course.file(lesson.file).text, item))
            .map(|answer| answer.text.len())
            .sum();
        let plain_time = start.elapsed();

        let start = Instant::now();
        let context = Context::new(&course, &settings);
        let context_time = start.elapsed();
        let made: usize = context
            .answers()
            .map(|(_, _, _, matches)| matches.points.iter().filter(|p| p.made.is_some()).count())
            .sum();
        drop(context);
        assert!(plain > 0 && made > 0);

        let matcher = context_time.saturating_sub(plain_time);
        println!(
            "{items:>7} {:>11} {:>11} {:>11} {:>12} {:>9}",
            format!("{plain_time:.1?}"),
            format!("{context_time:.1?}"),
            format!("{matcher:.1?}"),
            format!("{:.2?}", matcher / items as u32),
            peak_rss(),
        );
    }
}

/// `VmHWM` of /proc/self/status (Linux), or `?`.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .map(|value| value.trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}
