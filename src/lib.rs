//! cardsmith: a build tool for study content. Lesson sources in Markdown become structured
//! question-and-answer items, checked, then rendered as Anki decks, a cheat sheet and Markdown.
//!
//! The pipeline, one module per stage: [`load`] (find and read files) -> [`parse`] (Markdown to
//! [`model::Course`], with spans) -> lint -> [`render`] (bytes per output) -> [`output`] (atomic
//! writes). This crate never prints and never exits; `src/main.rs` does both.

pub mod assets;
pub mod codes;
pub mod config;
pub mod diagnostic;
pub mod init;
pub mod lang;
pub mod lines;
pub mod lint;
pub mod load;
pub mod lock;
#[cfg(test)]
mod mangle;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod report;
pub mod templates;

use std::path::{Path, PathBuf};

use config::{Config, ConfigError};
use diagnostic::Diagnostic;
use load::LoadError;
use lock::{LockChanges, LockError, Lockfile};
use model::Course;
use output::WriteError;
use render::apkg::NoteSet;
use render::{RenderContext, RenderError};
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
    /// `cardsmith.lock` is unreadable or invalid.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// `build --locked` and the build would change `cardsmith.lock`.
    #[error(
        "`cardsmith.lock` is out of date ({changes}); run `cardsmith build` and commit the lock"
    )]
    LockOutdated {
        /// What the build would change.
        changes: LockChanges,
    },
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
    /// Items in `cardsmith.lock` that are no longer in the source: Anki keeps their notes.
    pub removed_items: Vec<String>,
    /// Items that switched between `cloze` and another kind: Anki will not update their notes.
    pub switched_notetype: Vec<String>,
}

/// Loads, parses and lints every lesson of the project and reports every problem.
pub fn check(config: &Config) -> Result<Checked, Error> {
    let loaded = load::load_sources(&config.root, &config.source_dir())?;
    let (course, mut diagnostics) = parse::parse_course(loaded.files);
    diagnostics.extend(loaded.diagnostics);
    diagnostics.extend(assets::check_references(&course, &config.root));
    diagnostics.extend(render::apkg::check(&course));
    diagnostics.extend(render::sheet::check(&course));
    let settings = lint::Settings::new(config.project.lint.clone())?;
    diagnostics.extend(lint::lint(&course, &settings));
    diagnostic::sort(&mut diagnostics);
    Ok(Checked {
        course,
        diagnostics,
        io_failed: loaded.io_failed,
    })
}

/// Checks, then (if there are no errors) renders every output and writes them all atomically,
/// then `cardsmith.lock` when it changed. When anything fails, the previous outputs are left
/// untouched.
pub fn build(config: &Config) -> Result<BuildReport, Error> {
    let mut checked = check(config)?;
    let refused = |checked| BuildReport {
        checked,
        written: Vec::new(),
        removed: Vec::new(),
        removed_items: Vec::new(),
        switched_notetype: Vec::new(),
    };
    if checked.has_errors() {
        return Ok(refused(checked));
    }
    let templates = Templates::load(Some(&config.templates_dir()))?;

    // A build killed between its commit and its lock rename left the lock pending: finish that
    // before the lock is read (see `output`).
    output::recover(&config.out_dir(), Some(&config.lock_path()))?;
    // The lock stage: note hashes in, note ids and modification times out (see `lock`).
    let previous = Lockfile::read(&config.lock_path())?;
    let notes = match NoteSet::collect(&checked.course, &config.root, &templates) {
        Ok(notes) => notes,
        Err(RenderError::Content(mut found)) => {
            checked.diagnostics.append(&mut found);
            diagnostic::sort(&mut checked.diagnostics);
            return Ok(refused(checked));
        }
        Err(source) => {
            return Err(Error::Render {
                renderer: "apkg",
                source,
            });
        }
    };
    let lock = previous.updated(&notes.note_states(), &notes.notetype_hashes(), now_millis());
    let changes = previous.changes_to(&lock);
    if config.locked && !changes.is_empty() {
        return Err(Error::LockOutdated { changes });
    }

    let ctx = RenderContext {
        course: &checked.course,
        config,
        templates: &templates,
        lock: &lock,
        notes: &notes,
    };
    let mut artifacts = Vec::new();
    let mut content_problems = Vec::new();
    for renderer in render::default_renderers() {
        match renderer.render(&ctx) {
            Ok(mut produced) => artifacts.append(&mut produced),
            Err(RenderError::Content(mut found)) => content_problems.append(&mut found),
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
        if checked.has_errors() {
            return Ok(refused(checked));
        }
    }
    let lock_text = lock.to_text();
    let lock_path = config.lock_path();
    let lock_update = (lock != previous).then(|| output::LockUpdate {
        root: &config.root,
        path: &lock_path,
        bytes: lock_text.as_bytes(),
    });
    let output::Written { written, removed } =
        output::write_build(&config.out_dir(), &artifacts, lock_update)?;
    Ok(BuildReport {
        checked,
        written,
        removed,
        removed_items: changes.removed,
        switched_notetype: changes.switched_notetype,
    })
}

/// The wall clock, in milliseconds since the epoch. Only new or changed notes take it (see
/// [`Lockfile::updated`]); a clock before 1970 counts as 0.
fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
