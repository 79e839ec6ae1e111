//! `cardsmith watch`: a build, then one more after every change to the project's sources, until
//! interrupted. A failed build (bad content, a broken `cardsmith.toml`) is reported and the watch
//! goes on; only a failed write to the terminal ends it.

use std::path::PathBuf;
use std::time::Instant;

use super::{OutputError, Status, Streams, build};
use crate::config::{CONFIG_FILE, Config};
use crate::lint::MatchMemo;
use crate::watch::ProjectWatcher;

/// Runs `watch`; returns only on an error.
pub fn run(
    mut config: Config,
    options: build::Options,
    streams: &mut Streams<'_>,
) -> anyhow::Result<Status> {
    let mut watcher = ProjectWatcher::new(&config)?;
    // What the check found in each answer, for the next build (the outputs are in `out/`'s
    // build cache).
    let mut memo = MatchMemo::default();
    loop {
        let start = Instant::now();
        if let Err(error) = build::run_with(&config, options, streams, Some(&mut memo)) {
            if error.is::<OutputError>() {
                return Err(error);
            }
            streams.err_line(&format!("error: {error:#}"))?;
        }
        streams.info_line(&format!(
            "[watch] built in {} ms; watching {}, templates/ and {CONFIG_FILE} for changes \
             (Ctrl-C to stop)",
            start.elapsed().as_millis(),
            config.project.build.source.display(),
        ))?;
        streams.flush()?;
        let changed = watcher.wait(None)?;
        follow_change(&mut config, &mut watcher, &changed, "watch", streams)?;
    }
}

/// After a change: names what changed (`[tag] changed: ...`), reloads `cardsmith.toml` (keeping
/// the last good one when the new one is broken, and saying so) and follows it with the watcher.
pub(crate) fn follow_change(
    config: &mut Config,
    watcher: &mut ProjectWatcher,
    changed: &[PathBuf],
    tag: &str,
    streams: &mut Streams<'_>,
) -> anyhow::Result<()> {
    streams.info_line(&format!("[{tag}] changed: {}", shown(config, changed)))?;
    match Config::load(&config.root) {
        Ok(reloaded) => *config = reloaded,
        Err(error) => streams.err_line(&format!(
            "error: {:#}; building with the last good `{CONFIG_FILE}`",
            anyhow::Error::from(error)
        ))?,
    }
    watcher.update(config)?;
    Ok(())
}

/// `paths` relative to the project root, comma-separated.
pub(crate) fn shown(config: &Config, paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| {
            let shown = path.strip_prefix(&config.root).unwrap_or(path);
            shown.display().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}
