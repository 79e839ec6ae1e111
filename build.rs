//! Puts the git commit in `cardsmith --version` (`cardsmith 0.1.0 (rev 1abff59c2d3e)`), as
//! ripgrep does. Without git, or outside a checkout (a crate tarball), the version is the
//! package's alone. Reruns only when the checked-out commit changes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let shown = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => format!("{version} (rev {commit})"),
        None => version.to_owned(),
    };
    println!("cargo:rustc-env=CARDSMITH_VERSION={shown}");
    println!("cargo:rerun-if-changed=build.rs");
    watch_head();
}

/// `git ARGS` in the package's folder: its output's first line, or `None` when git is missing or
/// fails (not a checkout).
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let line = text.lines().next()?.trim().to_owned();
    (output.status.success() && !line.is_empty()).then_some(line)
}

/// Reruns when HEAD moves: HEAD itself (another branch checked out) and the branch it names (a
/// commit), loose or packed. In a worktree HEAD is the worktree's, the branches the repository's.
fn watch_head() {
    let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]).map(PathBuf::from) else {
        return;
    };
    let common = git(&["rev-parse", "--git-common-dir"])
        .map(|dir| absolute(&dir))
        .unwrap_or_else(|| git_dir.clone());
    let head = git_dir.join("HEAD");
    println!("cargo:rerun-if-changed={}", head.display());
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        // Only paths that exist: cargo counts a missing one as changed on every build, which
        // reran this script and rebuilt the crate on every `cargo` call. A fresh clone keeps
        // its branch in packed-refs; the first commit writes the loose ref into its folder.
        let loose = common.join(&branch);
        let watched = [
            Some(loose.clone()),
            loose.parent().map(Path::to_path_buf),
            Some(common.join("packed-refs")),
        ];
        for path in watched.into_iter().flatten().filter(|path| path.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// `dir` as git printed it, relative to the package's folder when not absolute.
fn absolute(dir: &str) -> PathBuf {
    let path = Path::new(dir);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
    }
}
