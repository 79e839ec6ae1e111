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
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod report;
pub mod templates;

use std::path::PathBuf;

use config::{Config, ConfigError};
use diagnostic::Diagnostic;
use load::LoadError;
use model::Course;
use output::WriteError;
use render::{RenderContext, RenderError};
use templates::{TemplateError, Templates};

/// A failure of the environment (as opposed to a problem in the content, which is a
/// [`Diagnostic`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `cardsmith.toml` is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
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
    /// Writing outputs failed.
    #[error(transparent)]
    Write(#[from] WriteError),
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
}

/// Loads and parses every lesson of the project and reports every problem.
pub fn check(config: &Config) -> Result<Checked, Error> {
    let loaded = load::load_sources(&config.root, &config.source_dir())?;
    let (course, mut diagnostics) = parse::parse_course(loaded.files);
    diagnostics.extend(loaded.diagnostics);
    diagnostics.extend(assets::check_references(&course, &config.root));
    diagnostic::sort(&mut diagnostics);
    Ok(Checked {
        course,
        diagnostics,
        io_failed: loaded.io_failed,
    })
}

/// Checks, then (if there are no errors) renders every output and writes them all atomically.
/// When anything fails, the previous outputs are left untouched.
pub fn build(config: &Config) -> Result<BuildReport, Error> {
    let mut checked = check(config)?;
    if checked.has_errors() {
        return Ok(BuildReport {
            checked,
            written: Vec::new(),
            removed: Vec::new(),
        });
    }
    let templates = Templates::load(Some(&config.templates_dir()))?;
    let ctx = RenderContext {
        course: &checked.course,
        config,
        templates: &templates,
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
            return Ok(BuildReport {
                checked,
                written: Vec::new(),
                removed: Vec::new(),
            });
        }
    }
    let output::Written { written, removed } = output::write_build(&config.out_dir(), &artifacts)?;
    Ok(BuildReport {
        checked,
        written,
        removed,
    })
}
