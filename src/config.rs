//! The resolved configuration of a run: where the project is and what `cardsmith.toml` says.
//!
//! The CLI turns what was typed into a [`Config`] (see `src/cli.rs`); the library only ever sees a
//! `Config`, so an editor integration can build one without a command line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Name of the optional project file at the project root.
pub const CONFIG_FILE: &str = "cardsmith.toml";

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project root (the folder holding `cardsmith.toml` and `source/`).
    pub root: PathBuf,
    /// The parsed `cardsmith.toml` (defaults when absent).
    pub project: ProjectConfig,
    /// `build --locked`: fail instead of changing `cardsmith.lock` (for CI).
    pub locked: bool,
}

impl Config {
    /// Reads `cardsmith.toml` under `root`, if present.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let project = match std::fs::read_to_string(&path) {
            Ok(text) => ProjectConfig::parse(&text).map_err(|source| ConfigError::Parse {
                path: path.clone(),
                source: Box::new(source),
            })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => ProjectConfig::default(),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Ok(Config {
            root: root.to_path_buf(),
            project,
            locked: false,
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

    /// The lock file: note ids and modification times for Anki.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(crate::lock::LOCK_FILE)
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
    pub lint: crate::lint::LintConfig,
}

impl ProjectConfig {
    /// Parses the text of a `cardsmith.toml`.
    pub fn parse(text: &str) -> Result<ProjectConfig, toml::de::Error> {
        toml::from_str(text)
    }
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
}

impl Default for ApkgConfig {
    fn default() -> Self {
        ApkgConfig {
            all: PathBuf::from("all.apkg"),
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
    fn unknown_keys_are_rejected_with_their_name() {
        let error = ProjectConfig::parse("[build]\nsorce = \"x\"\n").expect_err("unknown key");
        assert!(error.to_string().contains("sorce"), "{error}");
    }
}
