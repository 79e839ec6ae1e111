//! `cardsmith build`: check, then write every output (nothing at all when there are errors).

use super::progress::{BuildProgress, timings};
use super::{Status, Streams, lesson_count, write_diagnostics};
use crate::BuildReport;
use crate::cache::LessonUse;
use crate::config::Config;
use crate::lint::MatchMemo;
use crate::render::NoticeLevel;
use crate::report::{self, ReportFormat};
use crate::wording::plural;

/// How `build` reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// How diagnostics are printed (`--format`).
    pub format: ReportFormat,
    /// ANSI colors in the human format.
    pub color: bool,
}

/// Runs `build`.
pub fn run(config: &Config, options: Options, streams: &mut Streams<'_>) -> anyhow::Result<Status> {
    run_with(config, options, streams, None)
}

/// [`run`], keeping what the check found in `memo` for the next build (`watch`).
pub fn run_with(
    config: &Config,
    options: Options,
    streams: &mut Streams<'_>,
    memo: Option<&mut MatchMemo>,
) -> anyhow::Result<Status> {
    let report = build_reporting_progress(config, streams, memo)?;
    write_report(config, &report, options, streams)
}

/// [`crate::build_with`] with its progress on the terminal, and with `--verbose` where the time
/// went and what the build cache gave.
pub fn build_reporting_progress(
    config: &Config,
    streams: &mut Streams<'_>,
    mut memo: Option<&mut MatchMemo>,
) -> anyhow::Result<BuildReport> {
    streams.detail_line(&format!("project: {}", config.root.display()))?;
    let mut progress = BuildProgress::new(streams);
    let built = crate::build_with(
        config,
        &mut |stage| progress.stage(stage),
        memo.as_deref_mut(),
    );
    let stages = progress.finish();
    streams.detail_line(&format!("time: {}", timings(&stages)))?;
    let built = built?;
    if built.fresh {
        streams.detail_line(&format!(
            "fresh: nothing changed since the last build, whose {} in `{}` are current; \
             nothing was checked, rendered or written",
            plural(built.written.len(), "output"),
            config.project.build.out.display()
        ))?;
    } else if let Some(memo) = memo {
        streams.detail_line(&format!(
            "check: the matches of {} of {} reused",
            memo.reused(),
            plural(memo.len(), "answer")
        ))?;
    }
    for line in cache_lines(&built.cache) {
        streams.detail_line(&line)?;
    }
    Ok(built)
}

/// What `--verbose` says of the build cache: how many lessons came from it whole, which were
/// made again and by which renderers, which were reused.
fn cache_lines(lessons: &[LessonUse]) -> Vec<String> {
    if lessons.is_empty() {
        return Vec::new();
    }
    let (reused, made): (Vec<&LessonUse>, Vec<&LessonUse>) =
        lessons.iter().partition(|lesson| lesson.made.is_empty());
    let mut lines = vec![format!(
        "cache: {} of {} reused, {} made again",
        reused.len(),
        plural(lessons.len(), "lesson"),
        made.len()
    )];
    if !made.is_empty() {
        let shown: Vec<String> = made
            .iter()
            .map(|lesson| format!("{} ({})", lesson.lesson, lesson.made.join(", ")))
            .collect();
        lines.push(format!("cache: made again: {}", shown.join(", ")));
    }
    if !reused.is_empty() {
        let shown: Vec<&str> = reused.iter().map(|lesson| lesson.lesson.as_str()).collect();
        lines.push(format!("cache: reused: {}", shown.join(", ")));
    }
    lines
}

/// Reports a build that ran: its diagnostics, what it wrote or why it wrote nothing, and a summary.
pub fn write_report(
    config: &Config,
    report: &BuildReport,
    options: Options,
    streams: &mut Streams<'_>,
) -> anyhow::Result<Status> {
    write_diagnostics(streams, &report.checked, options.format, options.color)?;
    if report.written.is_empty() {
        streams.err_line(&format!(
            "build refused: {}; nothing was written to `{}`",
            report::summary(&report.checked.diagnostics),
            config.project.build.out.display()
        ))?;
        return Ok(Status::of(&report.checked));
    }
    for path in &report.written {
        let shown = path.strip_prefix(&config.root).unwrap_or(path);
        streams.info_line(&format!("wrote {}", shown.display()))?;
    }
    for path in &report.removed {
        let shown = path.strip_prefix(&config.root).unwrap_or(path);
        streams.info_line(&format!("removed {} (its lesson is gone)", shown.display()))?;
    }
    for notice in &report.notices {
        let line = format!("{}: {}", notice.level.as_str(), notice.message);
        match notice.level {
            NoticeLevel::Note => streams.info_line(&line)?,
            NoticeLevel::Warning => streams.err_line(&line)?,
        }
    }
    if report.checked.has_errors() {
        // Only `--keep-going` writes despite errors: the outputs they concern are missing.
        streams.err_line(&format!(
            "build incomplete: {}; every other output was written (--keep-going)",
            report::summary(&report.checked.diagnostics)
        ))?;
        return Ok(Status::of(&report.checked));
    }
    let items = report.checked.course.items().count();
    streams.info_line(&format!(
        "built {} ({}): {}",
        lesson_count(&report.checked),
        crate::wording::plural(items, "item"),
        report::summary(&report.checked.diagnostics)
    ))?;
    if !crate::render::sheet::PDF_ENABLED {
        streams.info_line(
            "note: this cardsmith was built without the `pdf` feature: cheat sheets are HTML only \
             (`<lesson-id>.sheet.html`); install it with default features for the PDF",
        )?;
    }
    Ok(Status::Success)
}
