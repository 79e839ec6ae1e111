//! `cardsmith init [DIR]`: a new content project with a config and one example lesson that
//! builds clean, so a new author starts from something that works. In a folder that already has
//! lessons (adopting cardsmith for existing notes) the example is left out, and an existing
//! `.gitignore` gets the output folder added, as `cargo init` does.

use std::path::{Path, PathBuf};

use super::{Status, Streams};
use crate::load;

/// The project file, never overwritten.
const CONFIG: (&str, &str) = (
    "cardsmith.toml",
    include_str!("../../templates/init/cardsmith.toml"),
);
/// The example lesson, written only when `source/` has no lesson yet.
const EXAMPLE: (&str, &str) = (
    "source/example.md",
    include_str!("../../templates/init/example.md"),
);
/// What `.gitignore` must hold: build outputs are not committed.
const IGNORE: &str = "/out/";

/// Why a project could not be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder already holds a project (or a file that would be overwritten).
    #[error("`{}` already exists; cardsmith init never overwrites files (pick an empty folder)", path.display())]
    Exists {
        /// The file that is in the way.
        path: PathBuf,
    },
    /// Writing failed.
    #[error("failed to write `{}`", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What [`init`] did, for the report.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Created {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// `.gitignore`, when it existed and `/out/` was added to it.
    pub ignore_updated: Option<PathBuf>,
    /// Whether `source/` already had lessons (so no example was added).
    pub had_lessons: bool,
}

/// Runs `init`.
pub fn run(dir: &Path, streams: &mut Streams<'_>) -> anyhow::Result<Status> {
    let created = init(dir)?;
    for path in &created.written {
        streams.info_line(&format!("created {}", path.display()))?;
    }
    if let Some(path) = &created.ignore_updated {
        streams.info_line(&format!("added `{IGNORE}` to {}", path.display()))?;
    }
    if created.had_lessons {
        streams.info_line("kept the lessons already in `source/` (no example added)")?;
    }
    streams.info_line(&format!("next: cd {} && cardsmith build", dir.display()))?;
    Ok(Status::Success)
}

/// Creates the project under `dir` (created if needed).
pub fn init(dir: &Path) -> Result<Created, InitError> {
    let config = dir.join(CONFIG.0);
    if config.exists() {
        return Err(InitError::Exists { path: config });
    }
    let had_lessons = has_lessons(&dir.join("source"));
    let example = dir.join(EXAMPLE.0);
    if !had_lessons && example.exists() {
        return Err(InitError::Exists { path: example });
    }
    let mut created = Created {
        had_lessons,
        ..Created::default()
    };
    write_new(&config, CONFIG.1)?;
    created.written.push(config);
    if !had_lessons {
        write_new(&example, EXAMPLE.1)?;
        created.written.push(example);
    }
    let ignore = dir.join(".gitignore");
    match std::fs::read_to_string(&ignore) {
        Ok(text) => {
            let ignored = text
                .lines()
                .any(|line| matches!(line.trim(), "/out/" | "/out" | "out/" | "out"));
            if !ignored {
                let separator = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let updated = format!("{text}{separator}{IGNORE}\n");
                std::fs::write(&ignore, updated).map_err(|source| InitError::Write {
                    path: ignore.clone(),
                    source,
                })?;
                created.ignore_updated = Some(ignore);
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            write_new(&ignore, &format!("{IGNORE}\n"))?;
            created.written.push(ignore);
        }
        Err(source) => {
            return Err(InitError::Write {
                path: ignore,
                source,
            });
        }
    }
    Ok(created)
}

/// Whether `source` holds a lesson, as the load stage would find one. A folder that cannot be
/// listed counts as having lessons: better no example than one among the author's files.
fn has_lessons(source: &Path) -> bool {
    source.is_dir()
        && load::lesson_paths(source)
            .ok()
            .is_none_or(|paths| !paths.is_empty())
}

fn write_new(path: &Path, contents: &str) -> Result<(), InitError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| InitError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| InitError::Write {
        path: path.to_path_buf(),
        source,
    })
}
