//! `cargo bench --bench build`: wall time of a whole `cardsmith::build` (load, parse, lint,
//! Markdown, Anki packages, and the cheat sheet's fit loop when the `pdf` feature is on) on
//! generated lessons of growing size. Prints the median of several runs per size.
//!
//! Timing lives here, never in tests. The lessons are the seed lesson's five items repeated under
//! fresh ids, so questions, answers and card blocks are realistic. Sizes stay within what fits
//! one page, so every run renders every output.

use std::path::Path;
use std::time::{Duration, Instant};

use cardsmith::config::Config;

mod support;
use support::repeated_lesson;

const RUNS: usize = 7;

fn main() {
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("source/data-pipelines/probes.md"),
    )
    .expect("the seed lesson is in the repository");
    println!(
        "{:>6} {:>12} {:>14}  outputs",
        "items", "median", "per item"
    );
    for copies in [1, 3, 6] {
        let project = tempfile::tempdir().expect("temp dir");
        let lesson = repeated_lesson(&seed, copies);
        std::fs::create_dir_all(project.path().join("source")).expect("source dir");
        std::fs::write(project.path().join("source/lesson.md"), lesson).expect("write lesson");
        let config = Config::load(project.path()).expect("default config");
        let mut times = Vec::with_capacity(RUNS);
        let mut written = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let report = cardsmith::build(&config).expect("the build runs");
            times.push(start.elapsed());
            assert!(
                !report.checked.has_errors(),
                "generated lesson is clean: {:?}",
                report.checked.diagnostics
            );
            written = report.written.len();
        }
        times.sort();
        let median = times[RUNS / 2];
        let items = copies * 5;
        println!(
            "{items:>6} {:>12} {:>14}  {written} files",
            format!("{median:.1?}"),
            format!("{:.2?}", median / items as u32),
        );
        let _: Duration = median;
    }
}
