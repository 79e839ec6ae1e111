//! Render stage: a checked [`Course`] in, output files out, one module per output format.
//!
//! Renderers return their files as bytes instead of writing them (unlike mdBook's renderers), so
//! that a build writes nothing until every renderer has succeeded, and a preview server can serve
//! the same bytes from memory. [`crate::output`] writes them atomically.

pub mod apkg;
pub mod markdown;
pub mod sheet;

use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lock::Lockfile;
use crate::model::Course;
use crate::templates::{TemplateError, Templates};

/// One output file, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Relative path under `out/`, with `/` separators.
    pub path: PathBuf,
    /// The exact bytes to write.
    pub bytes: Vec<u8>,
}

/// What every renderer gets.
#[derive(Debug)]
pub struct RenderContext<'a> {
    /// The checked content (no error diagnostics).
    pub course: &'a Course,
    /// The run's configuration.
    pub config: &'a Config,
    /// Embedded templates with the project's overrides.
    pub templates: &'a Templates,
    /// `cardsmith.lock` as updated by this build: note ids and modification times.
    pub lock: &'a Lockfile,
    /// The Anki notes the lock was computed from (HTML fields, media read once per build).
    pub notes: &'a apkg::NoteSet,
}

/// One output format.
pub trait Renderer {
    /// Short name: `markdown`, `apkg`, `sheet`.
    fn name(&self) -> &'static str;
    /// Produces this format's files. Must be deterministic: same context, same bytes.
    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>, RenderError>;
}

/// Why a renderer failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The content cannot be rendered in this format; the diagnostics say where and why.
    #[error("{} problem(s) in the content", .0.len())]
    Content(Vec<Diagnostic>),
    /// Anything else, with its context.
    #[error("{context}")]
    Other {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The renderers of a build, in the order they run (fixed, so output is reproducible).
pub fn default_renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(markdown::MarkdownRenderer),
        Box::new(apkg::ApkgRenderer),
        Box::new(sheet::SheetRenderer),
    ]
}
