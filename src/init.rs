//! `cardsmith init DIR`: a new content project with a config and one example lesson that builds
//! clean, so a new author starts from something that works.

use std::path::{Path, PathBuf};

/// Files of a new project: path relative to the project folder, and contents.
const SCAFFOLD: &[(&str, &str)] = &[
    (
        "cardsmith.toml",
        include_str!("../templates/init/cardsmith.toml"),
    ),
    (
        "source/example.md",
        include_str!("../templates/init/example.md"),
    ),
    (".gitignore", "/out/\n"),
];

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

/// Creates the scaffold under `dir` (created if needed); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    for (relative, _) in SCAFFOLD {
        let path = dir.join(relative);
        if path.exists() {
            return Err(InitError::Exists { path });
        }
    }
    let mut written = Vec::new();
    for (relative, contents) in SCAFFOLD {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| InitError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, contents).map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
