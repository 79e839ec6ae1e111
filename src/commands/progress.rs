//! A build's progress: a one-line spinner naming the stage, drawn on a terminal only and cleared
//! before the report, and the time each stage took (for `--verbose`). Drawn from the building
//! thread when a stage starts, never from a timer thread: the binary holds stderr's lock while a
//! command runs, and a thread of indicatif's own would wait on it.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Streams, Verbosity};
use crate::Stage;

/// The progress of one build.
pub(crate) struct BuildProgress {
    bar: Option<ProgressBar>,
    /// Each stage's name and start.
    stages: Vec<(String, Instant)>,
}

impl BuildProgress {
    /// A spinner when `streams` goes to a terminal and is not `--quiet`; timing only otherwise.
    pub(crate) fn new(streams: &Streams<'_>) -> BuildProgress {
        let bar = (streams.terminal && streams.verbosity != Verbosity::Quiet).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("a valid template"),
            );
            bar
        });
        BuildProgress {
            bar,
            stages: Vec::new(),
        }
    }

    /// A stage starts.
    pub(crate) fn stage(&mut self, stage: Stage<'_>) {
        let (name, message) = match stage {
            Stage::Checking => ("check".to_owned(), "checking the lessons".to_owned()),
            Stage::Rendering { renderer, lessons } => (
                renderer.to_owned(),
                format!(
                    "rendering {renderer} ({})",
                    crate::wording::plural(lessons, "lesson")
                ),
            ),
            Stage::Writing { files } => (
                "write".to_owned(),
                format!("writing {}", crate::wording::plural(files, "file")),
            ),
        };
        if let Some(bar) = &self.bar {
            bar.set_message(message);
            bar.tick();
        }
        self.stages.push((name, Instant::now()));
    }

    /// The build is over: clears the spinner and returns each stage's time, in order.
    pub(crate) fn finish(self) -> Vec<(String, Duration)> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let end = Instant::now();
        let starts: Vec<Instant> = self.stages.iter().map(|(_, start)| *start).collect();
        self.stages
            .into_iter()
            .enumerate()
            .map(|(index, (name, start))| {
                let until = starts.get(index + 1).copied().unwrap_or(end);
                (name, until.duration_since(start))
            })
            .collect()
    }
}

/// `check 12 ms, apkg 20 ms, ...`.
pub(crate) fn timings(stages: &[(String, Duration)]) -> String {
    stages
        .iter()
        .map(|(name, took)| format!("{name} {} ms", took.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}
