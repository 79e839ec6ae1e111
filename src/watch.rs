//! Watch mode's eyes: which of a project's files count (lessons and what they reference under the
//! lesson folder, `templates/`, `cardsmith.toml`), and a blocking wait for the next change to
//! them. notify's debouncer folds the several events of one save (an editor writes a temp file,
//! renames it over the lesson, then sets its mode) into one change.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::config::{CONFIG_FILE, Config};

/// How long the files must be quiet before a change is reported: long enough to fold one save's
/// events, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// The watcher cannot run.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The operating system refused to watch a folder (missing, or out of inotify watches).
    #[error("failed to watch `{}`", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: notify::Error,
    },
    /// The watcher reported an error while running.
    #[error("the file watcher failed")]
    Failed(#[source] notify::Error),
    /// The watcher's thread is gone.
    #[error("the file watcher stopped")]
    Stopped,
}

/// Watches one project's sources.
pub struct ProjectWatcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    root: PathBuf,
    /// Folders watched recursively: the lesson folder and (once it exists) `templates/`.
    folders: Vec<PathBuf>,
    source: PathBuf,
    templates: PathBuf,
}

impl ProjectWatcher {
    /// Starts watching the project of `config`. The root itself is watched without recursion,
    /// for `cardsmith.toml` and for `templates/` appearing, never for `out/` or `target/`.
    pub fn new(config: &Config) -> Result<ProjectWatcher, WatchError> {
        let (sender, events) = channel();
        let debouncer = new_debouncer(DEBOUNCE, None, sender).map_err(WatchError::Failed)?;
        let mut watcher = ProjectWatcher {
            debouncer,
            events,
            root: config.root.clone(),
            folders: Vec::new(),
            source: config.source_dir(),
            templates: config.templates_dir(),
        };
        watcher.watch(&config.root.clone(), RecursiveMode::NonRecursive)?;
        watcher.update(config)?;
        Ok(watcher)
    }

    /// Follows a changed `cardsmith.toml` (another lesson folder) and a new `templates/`.
    pub fn update(&mut self, config: &Config) -> Result<(), WatchError> {
        self.source = config.source_dir();
        self.templates = config.templates_dir();
        let wanted: Vec<PathBuf> = [self.source.clone(), self.templates.clone()]
            .into_iter()
            .filter(|folder| folder.is_dir())
            .collect();
        for folder in std::mem::take(&mut self.folders) {
            if !wanted.contains(&folder) {
                // Already gone with its folder, or still there: either way no longer wanted.
                let _ = self.debouncer.unwatch(&folder);
            } else {
                self.folders.push(folder);
            }
        }
        for folder in wanted {
            if !self.folders.contains(&folder) {
                self.watch(&folder, RecursiveMode::Recursive)?;
                self.folders.push(folder);
            }
        }
        Ok(())
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), WatchError> {
        self.debouncer
            .watch(path, mode)
            .map_err(|source| WatchError::Watch {
                path: path.to_path_buf(),
                source,
            })
    }

    /// Waits for the next change to the project's sources; returns the paths that changed
    /// (absolute, sorted, each once, a folder only when nothing in it is listed). Returns an empty list when `timeout` passes first.
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<Vec<PathBuf>, WatchError> {
        loop {
            let result = match timeout {
                None => self.events.recv().map_err(|_| WatchError::Stopped)?,
                Some(timeout) => match self.events.recv_timeout(timeout) {
                    Ok(result) => result,
                    Err(RecvTimeoutError::Timeout) => return Ok(Vec::new()),
                    Err(RecvTimeoutError::Disconnected) => return Err(WatchError::Stopped),
                },
            };
            let events = result.map_err(|mut errors| WatchError::Failed(errors.remove(0)))?;
            let mut changed: Vec<PathBuf> = events
                .iter()
                // notify also reports files being opened and read: by the build itself, too.
                .filter(|event| !event.kind.is_access())
                .flat_map(|event| event.paths.iter())
                .filter(|path| self.is_source(path))
                .cloned()
                .collect();
            changed.sort();
            changed.dedup();
            // A folder's own event (its listing changed) says nothing the files in it do not.
            let files = changed.clone();
            changed.retain(|path| {
                !files
                    .iter()
                    .any(|other| other != path && other.starts_with(path))
            });
            if !changed.is_empty() {
                return Ok(changed);
            }
        }
    }

    /// Whether a change at `path` can change a build.
    pub fn is_source(&self, path: &Path) -> bool {
        if path == self.root.join(CONFIG_FILE) || path == self.templates {
            return true;
        }
        let under = |folder: &Path| path.starts_with(folder) && path != folder;
        (under(&self.source) || under(&self.templates)) && !is_scratch_file(path)
    }
}

/// Editors' scratch files beside the file being edited: hidden files (`.probes.md.swp`), backups
/// (`probes.md~`), Emacs locks (`#probes.md#`), Vim's write test (`4913`), temporaries (`.tmp`).
fn is_scratch_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.bytes().all(|byte| byte.is_ascii_digit())
        || [".swp", ".swx", ".tmp"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_do_not_count() {
        for name in [
            ".probes.md.swp",
            "probes.md~",
            "#probes.md#",
            "4913",
            "x.tmp",
        ] {
            assert!(is_scratch_file(Path::new(name)), "{name}");
        }
        for name in ["probes.md", "diagram.png", "sql"] {
            assert!(!is_scratch_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn only_sources_templates_and_the_config_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("source")).expect("source dir");
        let config = Config::load(dir.path()).expect("default config");
        let watcher = ProjectWatcher::new(&config).expect("watcher starts");
        let root = dir.path();
        assert!(watcher.is_source(&root.join("source/a/probes.md")));
        assert!(watcher.is_source(&root.join("source/img/diagram.png")));
        assert!(watcher.is_source(&root.join("templates/card.html")));
        assert!(watcher.is_source(&root.join("templates")));
        assert!(watcher.is_source(&root.join("cardsmith.toml")));
        assert!(!watcher.is_source(&root.join("cardsmith.lock")));
        assert!(!watcher.is_source(&root.join("out/probes.md")));
        assert!(!watcher.is_source(&root.join("source/.probes.md.swp")));
        assert!(!watcher.is_source(&root.join("README.md")));
    }
}
