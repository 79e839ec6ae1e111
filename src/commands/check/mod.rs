//! `cardsmith check [PATHS]`: report every problem, writing nothing; its features `--fix`,
//! `--baseline`, `--coverage` and `--statistics` live here, beside the command they belong to.
//! Only which ids `--fix` adds is the linter's ([`crate::lint::fix`]), because the language
//! server offers the same fix.
//!
//! PATHS narrow what is reported, fixed and covered, never what is read: the whole project is
//! always checked, so that rules across files (duplicate questions, duplicate ids) still hold.

pub mod baseline;
pub mod coverage;
pub(crate) mod fix;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use self::baseline::Baseline;
use super::{Status, Streams, lesson_count, to_json, write_diagnostics};
use crate::Checked;
use crate::config::Config;
use crate::diagnostic::FileId;
use crate::report::{self, ReportFormat};

/// What `check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How diagnostics are printed (`--format`).
    pub format: ReportFormat,
    /// ANSI colors in the human format.
    pub color: bool,
    /// Lesson files or folders to report on (absolute); empty for the whole project.
    pub paths: Vec<PathBuf>,
    /// `--statistics`: counts per code instead of the diagnostics.
    pub statistics: bool,
    /// `--fix`: add missing item ids to the lessons under `paths`, then check.
    pub fix: bool,
    /// `--coverage`: which required points each answer makes.
    pub coverage: bool,
    /// `--baseline FILE` (absolute).
    pub baseline: Option<PathBuf>,
}

/// Runs `check`.
pub fn run(
    config: &Config,
    options: &Options,
    streams: &mut Streams<'_>,
) -> anyhow::Result<Status> {
    streams.detail_line(&format!("project: {}", config.root.display()))?;
    let start = std::time::Instant::now();
    let mut checked = crate::check(config)?;
    streams.detail_line(&format!("time: check {} ms", start.elapsed().as_millis()))?;
    let mut scope = Scope::new(&config.root, &options.paths, &checked)?;
    if options.fix {
        let fixed =
            crate::lint::fix::add_missing_ids(&checked.course, &checked.diagnostics, |file| {
                scope.contains(file)
            });
        for file in &fixed {
            let shown = &checked.course.file(file.file).path;
            let path = config.root.join(shown);
            self::fix::write_fixed(&config.root, &path, &file.text)?;
            streams.info_line(&format!(
                "fixed {}: added {}",
                shown.display(),
                crate::wording::plural(file.ids_added, "item id")
            ))?;
        }
        if !fixed.is_empty() {
            checked = crate::check(config)?;
            scope = Scope::new(&config.root, &options.paths, &checked)?;
        }
    }
    checked
        .diagnostics
        .retain(|diagnostic| scope.contains(diagnostic.span.file));
    if let Some(path) = &options.baseline {
        apply_baseline(config, path, &mut checked, streams)?;
    }
    let coverage = if options.coverage {
        // The same `[lint]` settings as the check (synonyms count).
        let settings = crate::lint::Settings::new(config.project.lint.clone())?;
        Some(coverage::coverage(&checked.course, &settings, |file| {
            scope.contains(file)
        }))
    } else {
        None
    };
    write_report(streams, &checked, options, coverage.as_ref())?;
    streams.info_line(&format!(
        "checked {}: {}",
        lesson_count(&checked),
        report::summary(&checked.diagnostics)
    ))?;
    let status = Status::of(&checked);
    // The process ends once the report is out: freeing the course piece by piece (every item,
    // answer and pattern, hundreds of megabytes at 100,000 items) would only delay the exit.
    std::mem::forget(checked);
    Ok(status)
}

/// The lessons PATHS name: every file when no path was given.
struct Scope {
    /// `None`: the whole project.
    files: Option<BTreeSet<FileId>>,
}

impl Scope {
    /// Fails when a path holds no lesson of the project, which is a usage error.
    fn new(root: &Path, paths: &[PathBuf], checked: &Checked) -> anyhow::Result<Scope> {
        if paths.is_empty() {
            return Ok(Scope { files: None });
        }
        let lexical =
            |path: &Path| crate::assets::normalize_lexically(path).unwrap_or_else(|| path.into());
        let mut files = BTreeSet::new();
        for path in paths {
            let wanted = lexical(path);
            let under: Vec<FileId> = (0..checked.course.files.len())
                .map(FileId)
                .filter(|&file| {
                    let absolute = root.join(&checked.course.file(file).path);
                    absolute.starts_with(path) || lexical(&absolute).starts_with(&wanted)
                })
                .collect();
            if under.is_empty() {
                anyhow::bail!(
                    "`{}` is not a lesson file or folder of the project",
                    path.display()
                );
            }
            files.extend(under);
        }
        Ok(Scope { files: Some(files) })
    }

    fn contains(&self, file: FileId) -> bool {
        self.files
            .as_ref()
            .is_none_or(|files| files.contains(&file))
    }
}

/// `--baseline FILE`: the first run records today's diagnostics, later runs drop the recorded
/// ones. Structural problems (S codes) are never recorded nor hidden: they make `build` refuse,
/// so `check` must keep failing on them.
fn apply_baseline(
    config: &Config,
    path: &Path,
    checked: &mut Checked,
    streams: &mut Streams<'_>,
) -> anyhow::Result<()> {
    match Baseline::read(path)? {
        None => {
            let recorded = Baseline::record(&checked.diagnostics, &checked.course.files);
            recorded.write(&config.root, path)?;
            let (kept, hidden): (Vec<_>, Vec<_>) = checked
                .diagnostics
                .drain(..)
                .partition(|diagnostic| !baseline::is_recorded(diagnostic));
            checked.diagnostics = kept;
            streams.info_line(&format!(
                "recorded {} in `{}`: later runs report only new ones",
                report::summary(&hidden),
                path.strip_prefix(&config.root).unwrap_or(path).display()
            ))?;
        }
        Some(known) => {
            let hidden = known.filter(&mut checked.diagnostics, &checked.course.files);
            if hidden > 0 {
                streams.info_line(&format!(
                    "{} hidden by the baseline",
                    crate::wording::plural(hidden, "known problem")
                ))?;
            }
        }
    }
    Ok(())
}

/// The report proper: the diagnostics (or their counts) and the coverage, in `format`. With
/// `--format json` everything asked for is one JSON document on stdout.
fn write_report(
    streams: &mut Streams<'_>,
    checked: &Checked,
    options: &Options,
    coverage: Option<&coverage::Coverage>,
) -> anyhow::Result<()> {
    let json = options.format == ReportFormat::Json;
    if json && (options.statistics || coverage.is_some()) {
        let mut document = serde_json::Map::new();
        if options.statistics {
            let rows = report::count_by_code(&checked.diagnostics);
            if coverage.is_none() {
                // Alone, the counts stay the bare array they always were.
                return Ok(streams.out(&to_json(&rows))?);
            }
            document.insert("statistics".to_owned(), serde_json::to_value(rows)?);
        } else {
            let diagnostics = report::json::values(&checked.diagnostics, &checked.course.files);
            document.insert("diagnostics".to_owned(), serde_json::to_value(diagnostics)?);
        }
        if let Some(coverage) = coverage {
            document.insert("coverage".to_owned(), serde_json::to_value(coverage)?);
        }
        return Ok(streams.out(&to_json(&document))?);
    }
    if options.statistics {
        streams.out(&report::statistics(&checked.diagnostics))?;
    } else {
        write_diagnostics(streams, checked, options.format, options.color)?;
    }
    if let Some(coverage) = coverage {
        streams.out(&coverage.render())?;
    }
    Ok(())
}
