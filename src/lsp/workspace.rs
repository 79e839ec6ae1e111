//! Which project a lesson belongs to, and checking that project with the editor's unsaved text in
//! place of what is on disk.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::FileId;
use crate::lint::MatchMemo;
use crate::load::{self, LoadError, Loaded};
use crate::model::SourceFile;
use crate::{Checked, Error};

use super::documents::Documents;

/// The project root of a file: the nearest folder above it holding `cardsmith.toml`, else (a
/// project without one) the folder above the nearest `source/`.
pub fn project_root(path: &Path) -> Option<PathBuf> {
    let mut ancestors = path.ancestors().skip(1);
    if let Some(root) = ancestors
        .clone()
        .find(|folder| folder.join(CONFIG_FILE).is_file())
    {
        return Some(root.to_path_buf());
    }
    ancestors
        .find(|folder| folder.file_name().is_some_and(|name| name == "source"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

/// A checked project: the result and the absolute path of each of its files.
#[derive(Debug)]
pub struct Snapshot {
    /// Every lesson checked, open ones with their unsaved text.
    pub checked: Checked,
    /// The absolute path of each file, indexed by [`FileId`].
    pub paths: Vec<PathBuf>,
}

impl Snapshot {
    /// The id of the file at `path`, if it is one of the project's lessons.
    pub fn file_at(&self, path: &Path) -> Option<FileId> {
        self.paths
            .iter()
            .position(|known| known == path)
            .map(FileId)
    }
}

/// Whether `path` is a lesson of the project (a visible `*.md` under its source folder), so that
/// a README or a template opened beside the lessons is left alone.
pub fn is_lesson(config: &Config, path: &Path) -> bool {
    let visible = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| !name.starts_with('.'));
    visible
        && path.extension().is_some_and(|ext| ext == "md")
        && path.starts_with(config.source_dir())
}

/// Checks the project at `root`: every lesson on disk, with open documents in place of their
/// files (and added when they are new and unsaved). `memo` keeps what the matcher found in each
/// answer from one check of the project to the next.
pub fn check(root: &Path, documents: &Documents, memo: &mut MatchMemo) -> Result<Snapshot, Error> {
    let config = Config::load(root)?;
    let source_dir = config.source_dir();
    let mut loaded = match load::load_sources(root, &source_dir, config.project.limits.lesson()) {
        Ok(loaded) => loaded,
        // The editor may hold the project's first lesson, not saved yet.
        Err(LoadError::MissingSourceDir { .. } | LoadError::NoLessons { .. }) => Loaded {
            assets: load::project_assets(root)?,
            ..Loaded::default()
        },
        Err(error) => return Err(error.into()),
    };
    let mut paths: Vec<PathBuf> = loaded
        .files
        .iter()
        .map(|file| root.join(&file.path))
        .collect();
    for (path, document) in documents.under(&source_dir) {
        if !is_lesson(&config, path) {
            continue;
        }
        match paths.iter().position(|known| known == path) {
            Some(index) => {
                loaded.files[index].text = document.text.clone();
                // What the disk said about the file (not UTF-8, unreadable) no longer holds.
                loaded
                    .diagnostics
                    .retain(|diagnostic| diagnostic.span.file != FileId(index));
                loaded.unreadable.retain(|file| *file != FileId(index));
            }
            None => {
                loaded.files.push(SourceFile {
                    path: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
                    text: document.text.clone(),
                });
                paths.push(path.to_path_buf());
            }
        }
    }
    let checked = crate::check_sources_with(loaded, &config, Some(memo))?;
    Ok(Snapshot { checked, paths })
}
