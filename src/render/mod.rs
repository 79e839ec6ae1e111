//! Render stage: a checked [`Course`] in, output files out, one module per output format.
//!
//! Renderers hand their files over as bytes instead of writing them (unlike mdBook's renderers):
//! [`RenderContext::emit`] gives each to the build's stage as soon as it is made (a build never
//! holds every output at once, and nothing in `out/` changes until every renderer has succeeded
//! and the stage is swapped in), or keeps it in memory (tests, benchmarks).
//! [`crate::output`] commits them atomically.

/// Declares each output format's module and lists its renderer, in the order they run (fixed,
/// so output is reproducible): adding an output format is its module and one line here.
macro_rules! renderers {
    ($($module:ident :: $renderer:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every renderer, in the order they run.
        pub fn renderers() -> Vec<Box<dyn Renderer>> {
            vec![$(Box::new($module::$renderer)),*]
        }
    };
}

renderers! {
    markdown::MarkdownRenderer,
    apkg::ApkgRenderer,
    sheet::SheetRenderer,
}

pub use crate::artifact::Artifact;
use crate::assets::AssetSource;
use crate::cache::BuildCache;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Course;
use crate::output::{Sink, WriteError};
use crate::templates::{TemplateError, Templates};

/// What every renderer gets. Nothing in it belongs to one output format: a renderer that keeps
/// state between builds (the Anki lock) gets its own file back as [`RenderContext::state`].
#[derive(Debug)]
pub struct RenderContext<'a> {
    /// The checked content (no error diagnostics).
    pub course: &'a Course,
    /// The run's configuration.
    pub config: &'a Config,
    /// Embedded templates with the project's overrides.
    pub templates: &'a Templates,
    /// The wall clock of this build, in milliseconds since the epoch (a renderer never reads the
    /// clock itself: same context, same bytes).
    pub now_millis: i64,
    /// Where the files the lessons refer to are read (never the disk directly).
    pub assets: &'a dyn AssetSource,
    /// The text of this renderer's [`Renderer::state_file`] as the previous build left it; `None`
    /// when it has none or the file does not exist yet.
    pub state: Option<&'a str>,
    /// What the last build made, to reuse for the lessons that did not change (a renderer asks
    /// it per lesson; [`BuildCache::off`] outside a build).
    pub cache: &'a BuildCache,
    /// Where outputs go as they are made ([`RenderContext::emit`]): a build's stage, or memory.
    pub sink: &'a dyn Sink,
}

impl RenderContext<'_> {
    /// Hands `artifact` to the build as soon as it is made, and gives back what the renderer
    /// returns in [`Rendered::artifacts`] for it (in a build: its path, length and SHA-256, the
    /// bytes already in the stage), so that outputs are not all held until the end.
    pub fn emit(&self, artifact: Artifact) -> Result<Artifact, RenderError> {
        Ok(self.sink.put(artifact)?)
    }
}

/// What a renderer produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Output files, under `out/`.
    pub artifacts: Vec<Artifact>,
    /// The new text of the renderer's [`Renderer::state_file`], when it changed.
    pub state: Option<String>,
    /// Things the user should know that are not about a place in a lesson (printed after the
    /// build, e.g. notes Anki keeps although their item is gone).
    pub notices: Vec<Notice>,
    /// Problems in the content found while rendering (a sheet that does not fit). `artifacts`
    /// then holds what could be made without the lessons concerned; the build writes it only
    /// with `--keep-going`.
    pub problems: Vec<Diagnostic>,
    /// Whether `--locked` kept the state file as it is although a build without it would
    /// rewrite it (a lock in an older shape): the next build is then not one with nothing to do.
    pub kept_state: bool,
}

impl From<Vec<Artifact>> for Rendered {
    /// The output of a stateless renderer with nothing to say.
    fn from(artifacts: Vec<Artifact>) -> Self {
        Rendered {
            artifacts,
            ..Rendered::default()
        }
    }
}

/// A message about a build as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How much it matters.
    pub level: NoticeLevel,
    /// The text, without a `note:`/`warning:` prefix.
    pub message: String,
}

/// How much a [`Notice`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    /// For information.
    Note,
    /// Something will not behave as the author may expect.
    Warning,
}

impl NoticeLevel {
    /// `note` or `warning`, as printed before the message.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeLevel::Note => "note",
            NoticeLevel::Warning => "warning",
        }
    }
}

/// `notices` as a cache entry keeps them (see [`cached_notes`]).
pub(crate) fn notes_to_cache(notices: &[Notice]) -> String {
    let pairs: Vec<(&str, &str)> = notices
        .iter()
        .map(|notice| (notice.level.as_str(), notice.message.as_str()))
        .collect();
    serde_json::to_string(&pairs).unwrap_or_default()
}

/// The notices a cache entry kept with [`notes_to_cache`] (none from anything else).
pub(crate) fn cached_notes(data: &str) -> Vec<Notice> {
    let pairs: Vec<(String, String)> = serde_json::from_str(data).unwrap_or_default();
    pairs
        .into_iter()
        .map(|(level, message)| Notice {
            level: if level == NoticeLevel::Warning.as_str() {
                NoticeLevel::Warning
            } else {
                NoticeLevel::Note
            },
            message,
        })
        .collect()
}

/// One output format: its checks, its state and its files.
pub trait Renderer {
    /// Short name: `markdown`, `apkg`, `sheet`.
    fn name(&self) -> &'static str;
    /// Problems only this format has, found without rendering, so that `check` reports them as
    /// `build` would.
    fn check(&self, course: &Course, config: &Config) -> Vec<Diagnostic> {
        let _ = (course, config);
        Vec::new()
    }
    /// [`Renderer::check`] in a build: the same diagnostics, in the same order, but what the
    /// checks find in each lesson may be kept in `cache` and taken from there for the lessons
    /// that did not change.
    fn check_cached(
        &self,
        course: &Course,
        config: &Config,
        cache: &BuildCache,
    ) -> Vec<Diagnostic> {
        let _ = cache;
        self.check(course, config)
    }
    /// A file at the project root that this renderer keeps between builds and that is committed
    /// with the lessons (`cardsmith.lock`); `None` for a stateless format.
    fn state_file(&self) -> Option<&'static str> {
        None
    }
    /// Produces this format's files. Must be deterministic: same context, same bytes.
    fn render(&self, ctx: &RenderContext<'_>) -> Result<Rendered, RenderError>;
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
    /// `build --locked` and the build would change the renderer's state file.
    #[error("`{file}` is out of date ({changes}); run `cardsmith build` and commit it")]
    Outdated {
        /// The state file.
        file: &'static str,
        /// What the build would change.
        changes: String,
    },
    /// An output could not be written into the build's stage.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// Anything else, with its context.
    #[error("{context}")]
    Other {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The state file of the renderer list (`cardsmith.lock`), if a renderer keeps one. [`crate::output`]
/// commits one state file together with the outputs, so at most one renderer may keep state
/// (tested below); a second would need `output` to commit several.
pub fn state_file() -> Option<&'static str> {
    renderers()
        .iter()
        .find_map(|renderer| renderer.state_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_survive_the_cache_and_anything_else_is_none() {
        let notices = vec![
            Notice {
                level: NoticeLevel::Note,
                message: "sheet of `a`: 2 columns".to_owned(),
            },
            Notice {
                level: NoticeLevel::Warning,
                message: "careful".to_owned(),
            },
        ];
        assert_eq!(cached_notes(&notes_to_cache(&notices)), notices);
        assert!(cached_notes("").is_empty());
        assert!(cached_notes("{\"not\": \"a list\"}").is_empty());
    }

    #[test]
    fn renderer_names_are_unique_and_at_most_one_keeps_state() {
        let renderers = renderers();
        let mut names: Vec<&str> = renderers.iter().map(|renderer| renderer.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), renderers.len());
        let stateful = renderers
            .iter()
            .filter(|r| r.state_file().is_some())
            .count();
        assert!(
            stateful <= 1,
            "output commits one state file with the outputs"
        );
        assert_eq!(state_file(), Some("cardsmith.lock"));
    }
}
