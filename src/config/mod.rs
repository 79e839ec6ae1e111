//! The resolved configuration of a run: where the project is and what `cardsmith.toml` says.
//!
//! The CLI turns what was typed into a [`Config`] (see `src/cli.rs`); the library only ever sees a
//! `Config`, so an editor integration can build one without a command line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod lint;

/// Name of the optional project file at the project root.
pub const CONFIG_FILE: &str = "cardsmith.toml";

/// Name of the file the Anki renderer keeps between builds at the project root (see
/// `render::apkg::lock`). Named here, with the rest of the project's layout, so that the
/// configuration can keep outputs off it without reaching up into the renderers.
pub const LOCK_FILE: &str = "cardsmith.lock";

/// The project root for a run started in `start`: the nearest folder at or above it that holds
/// `cardsmith.toml`, as cargo finds `Cargo.toml` and ruff its `pyproject.toml`; `None` when no
/// folder up to the file system root has one.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|folder| folder.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project root (the folder holding `cardsmith.toml` and `source/`).
    pub root: PathBuf,
    /// The parsed `cardsmith.toml` (defaults when absent).
    pub project: ProjectConfig,
    /// `build --locked`: fail instead of changing `cardsmith.lock` (for CI).
    pub locked: bool,
    /// `build --keep-going`: when rendering finds errors (a sheet that does not fit), still write
    /// every output that could be made; the build still fails.
    pub keep_going: bool,
}

impl Config {
    /// Reads `cardsmith.toml` under `root`, if present.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_text(root, Some(&text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Config::from_text(root, None)
            }
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// The configuration of the project at `root` whose `cardsmith.toml` holds `text` (`None`:
    /// there is none), parsed and checked as [`Config::load`] does.
    pub fn from_text(root: &Path, text: Option<&str>) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let project = match text {
            Some(text) => ProjectConfig::parse(text).map_err(|source| ConfigError::Parse {
                path: path.clone(),
                source: Box::new(source),
            })?,
            None => ProjectConfig::default(),
        };
        project.validate(root).map_err(|error| match error {
            Invalid::Message(message) => ConfigError::Invalid {
                path: path.clone(),
                message,
            },
            Invalid::Lint(error) => ConfigError::Lint(error),
        })?;
        Ok(Config {
            root: root.to_path_buf(),
            project,
            locked: false,
            keep_going: false,
        })
    }

    /// Where lessons are read from.
    pub fn source_dir(&self) -> PathBuf {
        self.root.join(&self.project.build.source)
    }

    /// Where outputs are written.
    pub fn out_dir(&self) -> PathBuf {
        self.root.join(&self.project.build.out)
    }

    /// Where the project's template overrides live.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
}

/// The contents of `cardsmith.toml`. Every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectConfig {
    /// `[build]`: folders.
    pub build: BuildConfig,
    /// `[apkg]`: Anki packages.
    pub apkg: ApkgConfig,
    /// `[lint]`: which rules run, their severities and options, project-wide rules.
    pub lint: lint::LintConfig,
    /// `[sheet]`: the one-page cheat sheet.
    pub sheet: SheetConfig,
    /// `[limits]`: the largest files a build reads.
    pub limits: LimitsConfig,
}

impl ProjectConfig {
    /// Parses the text of a `cardsmith.toml`.
    pub fn parse(text: &str) -> Result<ProjectConfig, toml::de::Error> {
        toml::from_str(text)
    }

    /// Checks every value serde cannot, for the project at `root`: the one place, run when the
    /// configuration is loaded, so that `check` refuses what `build` would.
    fn validate(&self, root: &Path) -> Result<(), Invalid> {
        self.build.validate(root).map_err(Invalid::Message)?;
        self.apkg.validate().map_err(Invalid::Message)?;
        self.sheet.validate().map_err(Invalid::Message)?;
        crate::lint::Settings::new(self.lint.clone()).map_err(Invalid::Lint)?;
        Ok(())
    }
}

/// What [`ProjectConfig::validate`] found.
enum Invalid {
    Message(String),
    Lint(crate::lint::SettingsError),
}

/// Names at the project root that belong to cardsmith; `[build] out` may not take them.
const RESERVED_AT_ROOT: &[&str] = &[CONFIG_FILE, LOCK_FILE, "templates"];

/// A relative path made only of plain names (no `..`, `.`, root or prefix), lexically resolved.
fn plain_relative(path: &Path) -> Option<PathBuf> {
    let plain = !path.as_os_str().is_empty()
        && path
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
    plain.then(|| path.to_path_buf())
}

/// `[build]` in `cardsmith.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Lesson folder, relative to the root.
    pub source: PathBuf,
    /// Output folder, relative to the root.
    pub out: PathBuf,
}

impl BuildConfig {
    /// `out` must be a folder of its own inside the project: a build replaces it as a whole, so
    /// it may not be, hold or sit inside the lesson folder, and may not be the root, the lock,
    /// `cardsmith.toml` or `templates/`.
    fn validate(&self, root: &Path) -> Result<(), String> {
        let Some(out) = plain_relative(&self.out) else {
            return Err(format!(
                "`build.out` (\"{}\") must be a folder inside the project, such as \"out\" (a build replaces it as a whole)",
                self.out.display()
            ));
        };
        if let Some(first) = out.components().next()
            && out.components().count() == 1
            && RESERVED_AT_ROOT
                .iter()
                .any(|name| first.as_os_str() == *name)
        {
            return Err(format!(
                "`build.out` (\"{}\") names a file or folder of the project itself; choose another folder, such as \"out\"",
                self.out.display()
            ));
        }
        let source =
            crate::assets::normalize_lexically(&self.source).unwrap_or_else(|| self.source.clone());
        let overlaps = |a: &Path, b: &Path| a.starts_with(b) || b.starts_with(a);
        // Lexically, and through symlinks for the folders that exist.
        let real = |path: &Path| std::fs::canonicalize(root.join(path)).ok();
        let real_overlap = match (real(&out), real(&source)) {
            (Some(out), Some(source)) => overlaps(&out, &source),
            _ => false,
        };
        if source.as_os_str().is_empty() || overlaps(&out, &source) || real_overlap {
            return Err(format!(
                "`build.out` (\"{}\") and `build.source` (\"{}\") overlap; a build would overwrite or delete lessons",
                self.out.display(),
                self.source.display()
            ));
        }
        Ok(())
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            source: PathBuf::from("source"),
            out: PathBuf::from("out"),
        }
    }
}

/// `[apkg]` in `cardsmith.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApkgConfig {
    /// File name (under `out/`) of the package holding every lesson.
    pub all: PathBuf,
    /// Whether card HTML goes through the sanitiser (`render::apkg::sanitize`); `false` keeps
    /// raw HTML (scripts included) for authors who need it.
    #[serde(rename = "sanitize-html")]
    pub sanitize_html: bool,
}

impl ApkgConfig {
    /// `all` must be an `.apkg` file inside `out/`, and not one of cardsmith's own names there
    /// (the manifest, temporary files). Which lesson packages it could collide with is known only
    /// with the lessons: the Anki renderer checks that.
    fn validate(&self) -> Result<(), String> {
        let shown = self.all.display();
        let Some(all) = plain_relative(&self.all) else {
            return Err(format!(
                "`apkg.all` (\"{shown}\") must be a file name inside the output folder, such as \"all.apkg\""
            ));
        };
        let name = all
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with(".cardsmith-") {
            return Err(format!(
                "`apkg.all` (\"{shown}\") takes a name cardsmith keeps for itself in the output folder"
            ));
        }
        if !name.ends_with(".apkg") || name == ".apkg" {
            return Err(format!(
                "`apkg.all` (\"{shown}\") must end in `.apkg`: it is an Anki package, and any other name could be another output"
            ));
        }
        Ok(())
    }
}

impl Default for ApkgConfig {
    fn default() -> Self {
        ApkgConfig {
            all: PathBuf::from("all.apkg"),
            sanitize_html: true,
        }
    }
}

/// `[limits]` in `cardsmith.toml`: the largest lesson and image a build reads. A file over its
/// limit is an error at the place that names it, never an unbounded read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct LimitsConfig {
    /// Bytes of one lesson file.
    pub lesson_bytes: u64,
    /// Bytes of one image.
    pub image_bytes: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            lesson_bytes: 2 * 1024 * 1024,
            image_bytes: 10 * 1024 * 1024,
        }
    }
}

impl LimitsConfig {
    /// The lesson limit, for [`crate::confine::ProjectRoot::read`].
    pub fn lesson(&self) -> crate::confine::Limit {
        crate::confine::Limit {
            bytes: self.lesson_bytes,
            setting: "limits.lesson-bytes",
        }
    }

    /// The image limit.
    pub fn image(&self) -> crate::confine::Limit {
        crate::confine::Limit {
            bytes: self.image_bytes,
            setting: "limits.image-bytes",
        }
    }
}

/// `[sheet]` in `cardsmith.toml`: paper, page budget and the font sizes the fit may use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct SheetConfig {
    /// Whether to make the sheet at all (`enabled = false`: no PDF, no HTML, no sheet checks).
    pub enabled: bool,
    /// Paper size of the PDF and of the HTML's print CSS.
    pub paper: Paper,
    /// How many pages a lesson's sheet may take (1 = the one-page sheet).
    pub pages: u32,
    /// The legibility floor in points: the fit never goes below it.
    pub min_font_size: f64,
    /// The largest size in points the fit may choose: a short lesson is printed at it rather
    /// than left in a corner of the page.
    pub max_font_size: f64,
    /// The column counts the fit tries.
    pub columns: Vec<u32>,
}

impl Default for SheetConfig {
    fn default() -> Self {
        SheetConfig {
            enabled: true,
            paper: Paper::A4,
            pages: 1,
            min_font_size: 6.5,
            max_font_size: 16.0,
            columns: vec![2, 3, 4],
        }
    }
}

impl SheetConfig {
    /// Checks the values serde cannot: ranges and consistency. Returns what is wrong, in words.
    pub fn validate(&self) -> Result<(), String> {
        if self.pages == 0 {
            return Err("`sheet.pages` must be at least 1".to_owned());
        }
        if !(self.min_font_size >= 4.0 && self.min_font_size <= self.max_font_size) {
            return Err(format!(
                "`sheet.min-font-size` ({}) must be at least 4 and at most `sheet.max-font-size` ({})",
                self.min_font_size, self.max_font_size
            ));
        }
        if self.max_font_size > 24.0 {
            return Err(format!(
                "`sheet.max-font-size` ({}) must be at most 24",
                self.max_font_size
            ));
        }
        if self.columns.is_empty() || self.columns.iter().any(|&n| !(1..=6).contains(&n)) {
            return Err("`sheet.columns` must list column counts from 1 to 6".to_owned());
        }
        Ok(())
    }
}

/// A paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A4, 210 x 297 mm.
    A4,
    /// US Letter, 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// The name typst and CSS `@page { size }` both use.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }

    /// The CSS `@page { size }` keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }

    /// Width and height in points.
    pub fn size_pt(self) -> (f64, f64) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// Why a configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("failed to read `{}`", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A value is out of range.
    #[error("invalid `{}`: {message}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// `[lint]` is well-formed but means nothing sensible.
    #[error(transparent)]
    Lint(crate::lint::SettingsError),
    /// The file is not valid TOML or has unknown keys.
    #[error("invalid `{}`", path.display())]
    Parse {
        /// The config file.
        path: PathBuf,
        /// toml's message, with line, column and the offending line.
        source: Box<toml::de::Error>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let config = ProjectConfig::parse("").expect("empty TOML is valid");
        assert_eq!(config.build.source, PathBuf::from("source"));
        assert_eq!(config.build.out, PathBuf::from("out"));
        assert_eq!(config.apkg.all, PathBuf::from("all.apkg"));
    }

    #[test]
    fn apkg_all_is_configurable() {
        let config = ProjectConfig::parse("[apkg]\nall = \"course.apkg\"\n").expect("valid");
        assert_eq!(config.apkg.all, PathBuf::from("course.apkg"));
    }

    #[test]
    fn sheet_defaults_to_one_a4_page_with_a_6_5_pt_floor() {
        let config = ProjectConfig::parse("").expect("empty TOML is valid");
        assert_eq!(config.sheet, SheetConfig::default());
        assert_eq!(config.sheet.paper, Paper::A4);
        assert_eq!(config.sheet.pages, 1);
        assert_eq!(config.sheet.min_font_size, 6.5);
    }

    #[test]
    fn sheet_settings_are_read_and_checked() {
        let config = ProjectConfig::parse(
            "[sheet]\npaper = \"letter\"\npages = 2\nmin-font-size = 7\ncolumns = [3]\n",
        )
        .expect("valid");
        assert_eq!(config.sheet.paper, Paper::Letter);
        assert_eq!(config.sheet.pages, 2);
        assert_eq!(config.sheet.columns, vec![3]);
        assert!(config.sheet.validate().is_ok());
        let bad = ProjectConfig::parse("[sheet]\nmin-font-size = 12\nmax-font-size = 9\n")
            .expect("valid TOML");
        assert!(bad.sheet.validate().is_err());
        assert!(ProjectConfig::parse("[sheet]\npaper = \"a3\"\n").is_err());
    }

    #[test]
    fn limits_default_and_are_configurable() {
        let config = ProjectConfig::parse("").expect("empty TOML is valid");
        assert_eq!(config.limits.lesson_bytes, 2 * 1024 * 1024);
        assert_eq!(config.limits.image_bytes, 10 * 1024 * 1024);
        let config = ProjectConfig::parse("[limits]\nlesson-bytes = 100\nimage-bytes = 200\n")
            .expect("valid");
        assert_eq!(config.limits.lesson().bytes, 100);
        assert_eq!(config.limits.image().bytes, 200);
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let error = ProjectConfig::parse("[build]\nsorce = \"x\"\n").expect_err("unknown key");
        assert!(error.to_string().contains("sorce"), "{error}");
    }
}
