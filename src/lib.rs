//! cardsmith: a build tool for study content. Lesson sources in Markdown become structured
//! question-and-answer items, checked, then rendered as Anki decks, a cheat sheet and Markdown.
//!
//! The pipeline, one module per stage: [`load`] (find and read files) -> [`parse`] (Markdown to
//! [`model::Course`], with spans) -> lint -> [`render`] (bytes per output) -> [`output`] (atomic
//! writes). This crate never prints and never exits; `src/main.rs` does both.

pub mod artifact;
pub mod assets;
pub mod cache;
pub mod codes;
pub mod commands;
pub mod config;
pub mod confine;
pub mod diagnostic;
pub mod lang;
pub mod lines;
pub mod lint;
pub mod load;
pub mod lsp;
pub mod markup;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod report;
pub mod rule;
pub mod serve;
pub mod templates;
pub mod watch;
pub mod wording;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use config::{Config, ConfigError};
use diagnostic::Diagnostic;
use load::{LoadError, Loaded};
use model::Course;
use output::WriteError;
use render::{Artifact, Notice, RenderContext, RenderError};
use templates::{TemplateError, Templates};

/// A failure of the environment (as opposed to a problem in the content, which is a
/// [`Diagnostic`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `cardsmith.toml` is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `[lint]` in `cardsmith.toml` is invalid.
    #[error(transparent)]
    Lint(#[from] lint::SettingsError),
    /// The lesson folder is missing or empty.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A template override is unreadable or broken.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A renderer failed for a reason other than the content.
    #[error("the {renderer} renderer failed")]
    Render {
        /// Which renderer.
        renderer: &'static str,
        /// Why.
        source: RenderError,
    },
    /// A path given to `check` holds no lesson of the project.
    #[error("`{}` is not a lesson file or folder of the project", path.display())]
    NoLessonAt {
        /// As given, resolved against the project root.
        path: PathBuf,
    },
    /// Writing outputs failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// `build --locked` and the build would change a renderer's state file (`cardsmith.lock`).
    #[error("{0}")]
    Outdated(RenderError),
}

/// The content of a project after checking.
#[derive(Debug)]
pub struct Checked {
    /// Every lesson parsed (including those with errors).
    pub course: Course,
    /// Every problem found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a file could not be read for an I/O reason (exit status 2 rather than 1).
    pub io_failed: bool,
    /// Where the render stage reads the files the lessons refer to (see [`Loaded::assets`]).
    pub assets: std::sync::Arc<dyn assets::AssetSource>,
}

impl Checked {
    /// Whether any diagnostic is an error (so nothing may be built).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl Checked {
    /// Keeps only the diagnostics in files under `paths` (files or folders, absolute). Fails when
    /// a path holds no lesson of the project, which is a usage error.
    pub fn retain_paths(&mut self, root: &Path, paths: &[PathBuf]) -> Result<(), Error> {
        let wanted = |file: &model::SourceFile, path: &Path| {
            let absolute = root.join(&file.path);
            let lexical = |path: &Path| {
                assets::normalize_lexically(path).unwrap_or_else(|| path.to_path_buf())
            };
            absolute.starts_with(path) || lexical(&absolute).starts_with(lexical(path))
        };
        for path in paths {
            if !self.course.files.iter().any(|file| wanted(file, path)) {
                return Err(Error::NoLessonAt { path: path.clone() });
            }
        }
        let files = &self.course.files;
        self.diagnostics.retain(|diagnostic| {
            let file = &files[diagnostic.span.file.0];
            paths.iter().any(|path| wanted(file, path))
        });
        Ok(())
    }
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The checked content; when it has errors nothing was written.
    pub checked: Checked,
    /// Files written, in order; empty when the build was refused.
    pub written: Vec<PathBuf>,
    /// Outputs of an earlier build that this one no longer makes (a lesson renamed or removed),
    /// now deleted.
    pub removed: Vec<PathBuf>,
    /// What the renderers want the user to know (e.g. notes Anki keeps).
    pub notices: Vec<Notice>,
    /// Per lesson, what came from the build cache and what was made again (empty when the
    /// build was refused before rendering).
    pub cache: Vec<cache::LessonUse>,
    /// Whether nothing had changed since the last build, which was therefore not redone: its
    /// report is this one, and `out/` was left as it was (see [`cache::Fresh`]).
    pub fresh: bool,
}

/// Everything the renderers of a build produced, not yet written.
#[derive(Debug, Default)]
pub struct Outputs {
    /// Files under the output folder, in renderer order.
    pub artifacts: Vec<Artifact>,
    /// The new text of the state file at the project root (see [`render::state_file`]), when it
    /// changed; committed together with the outputs.
    pub state: Option<Artifact>,
    /// See [`BuildReport::notices`].
    pub notices: Vec<Notice>,
    /// The build cache's entries for the next `out/` (see [`cache::BuildCache::into_entries`]).
    pub cache_entries: Vec<Artifact>,
    /// See [`BuildReport::cache`].
    pub cache: Vec<cache::LessonUse>,
}

/// Loads, parses and lints every lesson of the project and reports every problem.
pub fn check(config: &Config) -> Result<Checked, Error> {
    check_with(config, None)
}

/// [`check`], reusing what the matcher found in unchanged answers from `memo` (see
/// [`check_sources_with`]).
fn check_with(config: &Config, memo: Option<&mut lint::MatchMemo>) -> Result<Checked, Error> {
    let loaded = load::load_sources(
        &config.root,
        &config.source_dir(),
        config.project.limits.lesson(),
    )?;
    check_sources_with(loaded, config, memo)
}

/// Every check `check` and `build` run, over lesson text already in memory (an editor's buffers,
/// a watch mode's cache, a test's fixture): parse, references, each renderer's own checks, lint.
/// Reads no lesson from disk; the one file system access is whether referenced images exist.
pub fn check_sources(loaded: Loaded, config: &Config) -> Result<Checked, Error> {
    check_sources_with(loaded, config, None)
}

/// [`check_sources`], reusing what the matcher found in answers unchanged since the run that
/// last used `memo` (a language server checking again after each keystroke).
pub fn check_sources_with(
    loaded: Loaded,
    config: &Config,
    memo: Option<&mut lint::MatchMemo>,
) -> Result<Checked, Error> {
    let settings = lint::Settings::new(config.project.lint.clone())?;
    let parsed = Parsed::of(loaded);
    Ok(parsed.check(config, &settings, memo, None))
}

/// Lesson files parsed, not yet checked: what a build needs to tell whether it has anything to
/// do (see [`cache::Fresh`]).
struct Parsed {
    course: Course,
    diagnostics: Vec<Diagnostic>,
    io_failed: bool,
    assets: std::sync::Arc<dyn assets::AssetSource>,
}

impl Parsed {
    fn of(loaded: Loaded) -> Parsed {
        let (course, mut diagnostics) = parse::parse_course(loaded.files);
        // An unreadable file was parsed as empty: "no front matter" there would only be noise.
        diagnostics.retain(|diagnostic| !loaded.unreadable.contains(&diagnostic.span.file));
        diagnostics.extend(loaded.diagnostics);
        Parsed {
            course,
            diagnostics,
            io_failed: loaded.io_failed,
            assets: loaded.assets,
        }
    }

    /// Every check after parsing: references, each renderer's own checks, lint. With a build's
    /// `cache`, the rules that read one lesson alone run only on lessons it has no results for.
    fn check(
        self,
        config: &Config,
        settings: &lint::Settings,
        memo: Option<&mut lint::MatchMemo>,
        cache: Option<&cache::BuildCache>,
    ) -> Checked {
        let Parsed {
            course,
            mut diagnostics,
            io_failed,
            assets,
        } = self;
        diagnostics.extend(assets::check_references(
            &course,
            assets.as_ref(),
            config.project.limits.image(),
        ));
        for renderer in render::renderers() {
            diagnostics.extend(match cache {
                Some(cache) => renderer.check_cached(&course, config, cache),
                None => renderer.check(&course, config),
            });
        }
        diagnostics.extend(match cache {
            None => lint::run_rules_with(&course, settings, memo),
            Some(cache) => {
                let reused = (0..course.lessons.len())
                    .map(|index| cache.lint_of(&course, index))
                    .collect();
                let kept = cache.kept_questions(&course, settings);
                let (found, made) =
                    lint::run_rules_by_lesson(&course, settings, memo, kept.as_ref(), reused);
                for lesson in made {
                    cache.put_lint(&course, lesson.lesson, &lesson.diagnostics);
                }
                if let Some(kept) = kept {
                    cache.put_kept_questions(&kept);
                }
                found
            }
        });
        // Severity, select/ignore and suppressions, the same for every family.
        let diagnostics = lint::settle(&course, settings, diagnostics);
        Checked {
            course,
            diagnostics,
            io_failed,
            assets,
        }
    }
}

/// The render stage over checked content without errors: every renderer in order, each given the
/// text of its state file from `states` (by file name; absent when the file does not exist).
/// Writes nothing. Problems only rendering finds (the sheet does not fit its page) are added to
/// `checked`; when any is an error the result is `None`, and nothing may be written, unless
/// `config.keep_going`: then the result holds every output the renderers could make.
pub fn render(
    checked: &mut Checked,
    config: &Config,
    templates: &Templates,
    states: &BTreeMap<&'static str, String>,
    now_millis: i64,
) -> Result<Option<Outputs>, Error> {
    let cache = cache::BuildCache::off();
    render_with_progress(
        checked,
        config,
        templates,
        states,
        now_millis,
        RenderTarget {
            cache,
            sink: &output::Memory,
        },
        &mut |_| {},
    )
}

/// Where a render's results go: the build cache it reads and fills, and the sink its outputs
/// are handed to as they are made (a build's stage, or memory).
struct RenderTarget<'a> {
    cache: cache::BuildCache,
    sink: &'a dyn output::Sink,
}

/// [`render`], telling `progress` as each renderer starts.
fn render_with_progress(
    checked: &mut Checked,
    config: &Config,
    templates: &Templates,
    states: &BTreeMap<&'static str, String>,
    now_millis: i64,
    target: RenderTarget<'_>,
    progress: &mut dyn FnMut(Stage<'_>),
) -> Result<Option<Outputs>, Error> {
    let RenderTarget { cache, sink } = target;
    let mut outputs = Outputs::default();
    let mut content_problems = Vec::new();
    // The notices a build after this one prints again (see `cache::Fresh`).
    let mut lasting_notices = Vec::new();
    let mut settled = true;
    for renderer in render::renderers() {
        progress(Stage::Rendering {
            renderer: renderer.name(),
            lessons: checked.course.lessons.len(),
        });
        let ctx = RenderContext {
            course: &checked.course,
            config,
            templates,
            now_millis,
            assets: checked.assets.as_ref(),
            state: renderer
                .state_file()
                .and_then(|file| states.get(file))
                .map(String::as_str),
            cache: &cache,
            sink,
        };
        match renderer.render(&ctx) {
            Ok(mut rendered) => {
                // What the renderer did not hand over as it went goes now.
                for artifact in rendered.artifacts.drain(..) {
                    outputs.artifacts.push(sink.put(artifact)?);
                }
                settled &= !rendered.kept_state;
                if renderer.state_file().is_none() || rendered.state.is_none() {
                    lasting_notices.extend(rendered.notices.iter().cloned());
                }
                outputs.notices.append(&mut rendered.notices);
                content_problems.append(&mut rendered.problems);
                if let (Some(file), Some(text)) = (renderer.state_file(), rendered.state) {
                    outputs.state = Some(Artifact::new(file, text.into_bytes()));
                }
            }
            Err(RenderError::Content(mut found)) => content_problems.append(&mut found),
            Err(error @ RenderError::Outdated { .. }) => return Err(Error::Outdated(error)),
            Err(RenderError::Write(error)) => return Err(Error::Write(error)),
            Err(source) => {
                return Err(Error::Render {
                    renderer: renderer.name(),
                    source,
                });
            }
        }
    }
    if !content_problems.is_empty() {
        checked.diagnostics.append(&mut content_problems);
        diagnostic::sort(&mut checked.diagnostics);
        // The check stage found no error (or nothing would be rendered), so every error here is
        // a renderer's; `--keep-going` writes what the renderers could make despite them.
        if checked.has_errors() && !config.keep_going {
            return Ok(None);
        }
    }
    if settled && !checked.has_errors() {
        // The lock as this build leaves it, which the next build reads.
        let lock = match &outputs.state {
            Some(state) => std::str::from_utf8(&state.bytes).ok(),
            None => render::state_file()
                .and_then(|file| states.get(file))
                .map(String::as_str),
        };
        if let Some(inputs) = cache.fresh_inputs(&checked.course, lock, checked.assets.as_ref()) {
            cache.put_fresh(&cache::FreshRecord {
                inputs: &inputs,
                diagnostics: &checked.diagnostics,
                artifacts: &outputs.artifacts,
                notices: &lasting_notices,
            });
        }
    }
    (outputs.cache_entries, outputs.cache) = cache.into_entries(&checked.course);
    Ok(Some(outputs))
}

/// Checks, then (if there are no errors) renders every output and writes them all atomically,
/// together with the renderers' state file (`cardsmith.lock`) when it changed. When anything
/// fails, the previous outputs are left untouched.
pub fn build(config: &Config) -> Result<BuildReport, Error> {
    build_with_progress(config, &mut |_| {})
}

/// A stage of a build, as [`build_with_progress`] announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage<'a> {
    /// Parsing and linting every lesson.
    Checking,
    /// One renderer at work (`apkg`, `sheet`, `markdown`): the lessons it renders.
    Rendering {
        /// The renderer's name.
        renderer: &'a str,
        /// How many lessons.
        lessons: usize,
    },
    /// Writing `out/` and the lock.
    Writing {
        /// How many files.
        files: usize,
    },
}

/// [`build`], telling `progress` each stage as it starts (for a progress display; the stages
/// are the same whatever the display does).
pub fn build_with_progress(
    config: &Config,
    progress: &mut dyn FnMut(Stage<'_>),
) -> Result<BuildReport, Error> {
    build_with(config, progress, None)
}

/// [`build_with_progress`] for a process that builds again and again (`watch`, `serve`): the
/// check reuses what the matcher found in answers unchanged since the last build that used
/// `memo`, as the render stage reuses the outputs of unchanged lessons (see [`cache`]).
pub fn build_with(
    config: &Config,
    progress: &mut dyn FnMut(Stage<'_>),
    memo: Option<&mut lint::MatchMemo>,
) -> Result<BuildReport, Error> {
    progress(Stage::Checking);
    let loaded = load::load_sources(
        &config.root,
        &config.source_dir(),
        config.project.limits.lesson(),
    )?;
    let settings = lint::Settings::new(config.project.lint.clone())?;
    let parsed = Parsed::of(loaded);
    // Read before the check to tell whether there is anything to do; a failure here is
    // reported where the build has always reported it, after the check.
    let templates = Templates::for_project(&config.root, &config.templates_dir());
    let state_file = render::state_file();
    let state_path = state_file.map(|file| config.root.join(file));
    let mut opened = None;
    if let Ok(templates) = &templates
        && !parsed.io_failed
    {
        let cache =
            cache::BuildCache::open(config, templates, &parsed.course, parsed.assets.as_ref());
        if let Some(report) = fresh_build(config, &parsed, &cache, state_file) {
            return Ok(report.into_report(parsed));
        }
        opened = Some(cache);
    }
    let mut checked = parsed.check(config, &settings, memo, opened.as_ref());
    let refused = |checked| BuildReport {
        checked,
        written: Vec::new(),
        removed: Vec::new(),
        notices: Vec::new(),
        cache: Vec::new(),
        fresh: false,
    };
    if checked.has_errors() {
        return Ok(refused(checked));
    }
    let templates = templates?;
    // A build killed between its commit and its state rename left the state file pending: finish
    // that before it is read (see `output`).
    output::recover(&config.out_dir(), state_path.as_deref())?;
    let mut states = BTreeMap::new();
    if let Some(file) = state_file
        && let Some(text) = load::read_state(&config.root, file)?
    {
        states.insert(file, text);
    }
    let cache = opened.unwrap_or_else(|| {
        cache::BuildCache::open(config, &templates, &checked.course, checked.assets.as_ref())
    });
    // The next `out/` is staged before rendering, so that the cache's entries go there as they
    // are made; a build that stops before its commit leaves no stage and `out/` as it was.
    let staging = output::Staging::open(
        &config.out_dir(),
        state_path
            .as_deref()
            .map(|path| (config.root.as_path(), path)),
    )?;
    cache.stage_in(staging.cache_dir()?);
    let Some(outputs) = render_with_progress(
        &mut checked,
        config,
        &templates,
        &states,
        now_millis(),
        RenderTarget {
            cache,
            sink: &staging,
        },
        progress,
    )?
    else {
        return Ok(refused(checked));
    };
    progress(Stage::Writing {
        files: outputs.artifacts.len(),
    });
    let state_update = match (&state_path, &outputs.state) {
        (Some(path), Some(state)) => Some(output::LockUpdate {
            root: &config.root,
            path,
            bytes: &state.bytes,
        }),
        _ => None,
    };
    let output::Written { written, removed } =
        staging.commit(&outputs.artifacts, &outputs.cache_entries, state_update)?;
    Ok(BuildReport {
        checked,
        written,
        removed,
        notices: outputs.notices,
        cache: outputs.cache,
        fresh: false,
    })
}

/// What the last build reported, when nothing changed since (see [`cache::Fresh`]). A pending
/// state file of a killed build is not finished here: the lock then differs from the one the
/// entry names, and the build runs as always, recovering first.
fn fresh_build(
    config: &Config,
    parsed: &Parsed,
    cache: &cache::BuildCache,
    state_file: Option<&'static str>,
) -> Option<FreshBuild> {
    let lock_path = state_file.map(|file| config.root.join(file));
    if !output::is_tidy(&config.out_dir(), lock_path.as_deref()) {
        return None;
    }
    let lock = match state_file {
        Some(file) => load::read_state(&config.root, file).ok()?,
        None => None,
    };
    let inputs = cache.fresh_inputs(&parsed.course, lock.as_deref(), parsed.assets.as_ref())?;
    let fresh = cache.fresh(&inputs, &parsed.course)?;
    let out_dir = output::real_out_dir(&config.out_dir()).ok()?;
    Some(FreshBuild { fresh, out_dir })
}

/// A build found fresh, and where its outputs are.
struct FreshBuild {
    fresh: cache::Fresh,
    out_dir: PathBuf,
}

impl FreshBuild {
    fn into_report(self, parsed: Parsed) -> BuildReport {
        let FreshBuild { fresh, out_dir } = self;
        BuildReport {
            checked: Checked {
                course: parsed.course,
                diagnostics: fresh.diagnostics,
                io_failed: parsed.io_failed,
                assets: parsed.assets,
            },
            written: fresh
                .outputs
                .iter()
                .map(|path| out_dir.join(path))
                .collect(),
            removed: Vec::new(),
            notices: fresh.notices,
            cache: fresh.lessons,
            fresh: true,
        }
    }
}

/// The wall clock, in milliseconds since the epoch. Only new or changed notes take it (see
/// [`render::apkg::lock::Lockfile::updated`]); a clock before 1970 counts as 0.
fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
