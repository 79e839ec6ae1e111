//! Headless Chromium (Debian's, installed by `scripts/setup-test-deps`) for screenshots of what a
//! learner sees: a card as Anki renders it, typeset by MathJax (`target/mathjax`, the npm package
//! the same script installs), and the HTML cheat sheet. The tests fail, never skip, when either
//! is missing. Screenshots go to `target/screenshots/`; with `CARDSMITH_UPDATE_SCREENSHOTS=1`
//! also to `docs/img/`, where the docs show them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::repo_root;

const CHROMIUM: &str = "chromium";

/// The MathJax 3 bundle Anki's desktop app uses too (TeX input, CommonHTML output).
pub fn mathjax_dir() -> PathBuf {
    let dir = repo_root().join("target/mathjax/node_modules/mathjax/es5");
    assert!(
        dir.join("tex-chtml.js").is_file(),
        "MathJax is missing from {}: run scripts/setup-test-deps",
        dir.display()
    );
    dir
}

/// A page showing `body` (a card side as Anki rendered it: its `<style>` and HTML) in Anki's
/// `card` container, with MathJax configured as Anki does: `\(..\)` inline, `\[..\]` display,
/// fonts from the local copy (the test machine has no network).
pub fn card_page(body: &str) -> String {
    let mathjax = mathjax_dir();
    let fonts = mathjax.join("output/chtml/fonts/woff-v2");
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<script>\nwindow.MathJax = {{\n  \
         tex: {{ inlineMath: [['\\\\(', '\\\\)']], displayMath: [['\\\\[', '\\\\]']], processEscapes: false }},\n  \
         chtml: {{ fontURL: 'file://{}' }}\n}};\n</script>\n\
         <script src=\"file://{}\"></script>\n</head>\n<body class=\"card\">{body}</body></html>\n",
        fonts.display(),
        mathjax.join("tex-chtml.js").display()
    )
}

/// Runs Chromium headless on `page` with `extra` arguments, with the flags this machine needs,
/// and a fresh profile; time is virtual, so scripts (MathJax) finish before the page is taken.
fn chromium(page: &Path, extra: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().expect("temp profile");
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--virtual-time-budget=15000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|error| {
            panic!("`{CHROMIUM}` could not run ({error}): run scripts/setup-test-deps")
        });
    assert!(
        output.status.success(),
        "chromium failed with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The page's DOM once its scripts ran.
pub fn dom_after_scripts(page: &Path) -> String {
    String::from_utf8_lossy(&chromium(page, &["--dump-dom".to_owned()]).stdout).into_owned()
}

/// Takes a `width` x `height` screenshot of `page` as `name` under `target/screenshots/` (and
/// `docs/img/` when asked); returns its path.
pub fn screenshot(page: &Path, name: &str, (width, height): (u32, u32)) -> PathBuf {
    let dir = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let png = dir.join(name);
    let _ = std::fs::remove_file(&png);
    chromium(
        page,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
        ],
    );
    assert!(png.is_file(), "chromium wrote no {}", png.display());
    if std::env::var_os("CARDSMITH_UPDATE_SCREENSHOTS").is_some() {
        std::fs::copy(&png, repo_root().join("docs/img").join(name)).expect("copy to docs/img");
    }
    png
}

/// The share of pixels of a PNG that are not near-white (0.0 for a blank page).
pub fn ink(png: &Path) -> f64 {
    let file = std::fs::File::open(png).expect("screenshot");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    let channels = frame.color_type.samples();
    let pixels = &pixels[..frame.buffer_size()];
    let total = pixels.len() / channels;
    let inked = pixels
        .chunks(channels)
        .filter(|pixel| pixel.iter().take(3).any(|&value| value < 200))
        .count();
    inked as f64 / total as f64
}
