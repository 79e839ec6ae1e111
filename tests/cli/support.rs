//! Shared test helpers: temp projects, running the binary, reading outputs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A project in a temp folder, removed on drop.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// An empty project folder with an empty `source/`.
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("source")).expect("source dir");
        Project { dir }
    }

    /// A project holding a copy of the repository's seed lesson and config.
    pub fn with_seed() -> Project {
        let project = Project::new();
        project.write("source/data-pipelines/probes.md", &seed_lesson());
        project.write("cardsmith.toml", &read(&repo_root().join("cardsmith.toml")));
        project
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) under the root.
    pub fn write(&self, relative: &str, contents: &str) -> &Project {
        self.write_bytes(relative, contents.as_bytes())
    }

    /// Writes raw bytes under the root.
    pub fn write_bytes(&self, relative: &str, contents: &[u8]) -> &Project {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        self
    }

    /// `cardsmith -C <root> <args>` with colors off.
    pub fn cardsmith(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("cardsmith").expect("binary built");
        command
            .arg("-C")
            .arg(self.dir.path())
            .args(args)
            .env("NO_COLOR", "1");
        command
    }

    /// Runs `cardsmith <args>`, asserts its exit status (showing stderr when it differs) and
    /// returns its stderr with the temp root replaced by `[ROOT]`.
    pub fn run(&self, args: &[&str], expected_status: i32) -> String {
        let output = self.cardsmith(args).output().expect("the binary runs");
        let stderr = stderr_of(&output, self);
        assert_eq!(
            output.status.code(),
            Some(expected_status),
            "cardsmith {args:?}: {stderr}"
        );
        stderr
    }

    /// Replaces the first `from` in the file at `relative` with `to`; `from` must be there.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = read(&self.root().join(relative));
        assert!(text.contains(from), "{from:?} in {relative}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// A copy of the project's sources, settings and lock without `out/`: what a build that
    /// never had a cache starts from.
    pub fn copy_without_out(&self) -> Project {
        let copy = Project::new();
        for entry in walkdir::WalkDir::new(self.root()) {
            let entry = entry.expect("walk");
            let relative = entry.path().strip_prefix(self.root()).expect("inside");
            if relative.starts_with("out") || !entry.file_type().is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path()).expect("read");
            copy.write_bytes(relative.to_str().expect("utf-8"), &bytes);
        }
        copy
    }

    /// Every output under `out/` with its bytes, the build cache left out.
    pub fn outputs(&self) -> Vec<(PathBuf, Vec<u8>)> {
        self.out_files()
            .into_iter()
            .filter(|(path, _)| !path.starts_with(".cardsmith-cache"))
            .collect()
    }

    /// Every file under `out/` with its bytes, sorted by path.
    pub fn out_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let out = self.dir.path().join("out");
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let relative = entry
                    .path()
                    .strip_prefix(&out)
                    .expect("under out")
                    .to_path_buf();
                (relative, std::fs::read(entry.path()).expect("read output"))
            })
            .collect();
        files.sort();
        files
    }
}

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed lesson's text.
pub fn seed_lesson() -> String {
    read(&repo_root().join("source/data-pipelines/probes.md"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// stderr of a finished command as text, with the temp root replaced by `[ROOT]`.
pub fn stderr_of(output: &std::process::Output, project: &Project) -> String {
    String::from_utf8_lossy(&output.stderr).replace(&project.root().display().to_string(), "[ROOT]")
}

/// The first line of a lesson's file in the build cache (src/cache/bundle.rs).
const LESSON_FILE: &[u8] = b"cardsmith-lesson-cache 1\n";

/// A build cache file's `bytes` as another cardsmith would have written them: each entry with
/// the same payload and checksum under another binary's header line (in a lesson's file, every
/// record's entry, its length adjusted).
pub fn under_another_binary(bytes: &mut Vec<u8>) {
    let Some(mut records) = bytes.strip_prefix(LESSON_FILE) else {
        return entry_under_another_binary(bytes);
    };
    let mut rewritten = LESSON_FILE.to_vec();
    while let Some((size, rest)) = records.split_first_chunk::<8>() {
        let size = usize::try_from(u64::from_le_bytes(*size)).expect("a record's length");
        let mut entry = rest[..size].to_vec();
        entry_under_another_binary(&mut entry);
        rewritten.extend_from_slice(&(entry.len() as u64).to_le_bytes());
        rewritten.extend_from_slice(&entry);
        records = &rest[size..];
    }
    *bytes = rewritten;
}

fn entry_under_another_binary(bytes: &mut Vec<u8>) {
    let text = bytes.clone();
    let second_line = text.iter().position(|&b| b == b'\n').expect("header") + 1;
    let end = second_line
        + text[second_line..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("binary");
    bytes.clear();
    bytes.extend_from_slice(&text[..second_line]);
    bytes.extend_from_slice(b"cardsmith 0.0.1 (rev 000000000000) +pdf");
    bytes.extend_from_slice(&text[end..]);
}
