//! `cardsmith serve`: `watch` with a browser preview. Builds, serves the preview site of the build
//! on 127.0.0.1, and after every change to the sources builds again, publishes the new site and
//! tells open pages to reload (server-sent events). A build that fails shows its diagnostics on
//! the page in place of cards; the server goes on.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use super::watch::{follow_change, shown};
use super::{OutputError, Status, Streams, build};
use crate::config::{CONFIG_FILE, Config};
use crate::lint::MatchMemo;
use crate::serve::http::{Server, Shared};
use crate::serve::pages::{LessonCache, Outcome, Site};
use crate::watch::{DEBOUNCE, ProjectWatcher};

/// What `serve` was asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The port on 127.0.0.1 (0: any free one; the URL is printed).
    pub port: u16,
    /// How each build reports on the terminal.
    pub build: build::Options,
}

/// Runs `serve`; returns only on an error.
pub fn run(
    mut config: Config,
    options: Options,
    streams: &mut Streams<'_>,
) -> anyhow::Result<Status> {
    let server = Server::bind(options.port)?;
    let url = format!("http://{}/", server.address());
    let mut watcher = ProjectWatcher::new(&config)?;
    let shared = Arc::new(Shared::default());
    // The server starts after the first build is published, so that no one sees an empty site.
    let mut server = Some(server);
    let mut out = BTreeMap::new();
    let mut changed = Vec::new();
    let mut cache = LessonCache::default();
    // What the check found in each answer, for the next build (the outputs are in `out/`'s
    // build cache).
    let mut memo = MatchMemo::default();
    let mut generation = 0;
    loop {
        generation += 1;
        let start = Instant::now();
        let built = build::build_reporting_progress(&config, streams, Some(&mut memo));
        let build_ms = start.elapsed().as_millis();
        let site = match built {
            Ok(report) => {
                build::write_report(&config, &report, options.build, streams)?;
                Site::new(
                    &config,
                    &Outcome::Built(&report),
                    generation,
                    build_ms,
                    out,
                    &mut cache,
                )
            }
            Err(error) if error.is::<OutputError>() => return Err(error),
            Err(error) => {
                // The environment, not the content: said on the terminal and on the page.
                streams.err_line(&format!("error: {error:#}"))?;
                Site::new(
                    &config,
                    &Outcome::Failed(&error),
                    generation,
                    build_ms,
                    out,
                    &mut cache,
                )
            }
        };
        out = site.out.clone();
        shared.publish(site);
        let total_ms = start.elapsed().as_millis();
        if let Some(server) = server.take() {
            server.spawn(Arc::clone(&shared));
            streams.err_line(&format!(
                "[serve] built in {build_ms} ms; previewing at {url} (Ctrl-C to stop)"
            ))?;
        } else {
            // From the change (after the debounce) to the new site: what an author waits for,
            // plus the debounce and the page's reload.
            streams.info_line(&format!(
                "[serve] rebuilt in {total_ms} ms (build {build_ms} ms, preview {} ms) after a \
                 change to {}; reloading open pages",
                total_ms - build_ms,
                shown(&config, &changed),
            ))?;
        }
        streams.info_line(&format!(
            "[serve] watching {}, templates/ and {CONFIG_FILE} (changes settle for {} ms)",
            config.project.build.source.display(),
            DEBOUNCE.as_millis(),
        ))?;
        streams.flush()?;
        changed = watcher.wait(None)?;
        follow_change(&mut config, &mut watcher, &changed, "serve", streams)?;
        // A lesson's own text is compared by the cache; anything else (an image, a template,
        // the config) can change every lesson's cards.
        let source = config.source_dir();
        if !changed.iter().all(|path| {
            path.starts_with(&source) && path.extension().is_some_and(|ext| ext == "md")
        }) {
            cache.clear();
        }
    }
}
