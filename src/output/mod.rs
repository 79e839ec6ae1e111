//! Writing a build's files: the outputs of one build become visible together, with the lock.
//!
//! A build never edits `out/` in place. It assembles the next `out/` in a staging folder beside
//! it (`.cardsmith-stage-XXXXXX`): the files the user put in `out/` are hard-linked in, the new
//! outputs written, the manifest last. Then one atomic exchange of the two folders (Linux
//! `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, with an instant where `out/` is absent)
//! makes the whole new `out/` visible at once, and the old one is deleted. A reader sees the old
//! `out/` or the new one, never a mix. Outputs the last build wrote and this one does not (a
//! lesson renamed or removed) are simply not carried over, so nothing outside `out/` is ever
//! deleted, and a symlink in `out/` is kept as a link, never followed.
//!
//! `cardsmith.lock` joins the same commit: its new text is written beside it as
//! `.cardsmith-lock-<stage>-<generation>.pending` before the exchange, and renamed over it just
//! after. The new manifest names that generation (a hash of the build's outputs), so if
//! the run dies or fails in between, the next
//! build finds the pending lock and finishes the rename ([`recover`]); a pending lock whose
//! generation never reached `out/` is deleted. Staging folders and temporary files of killed
//! builds are removed the same way; each live build holds a lock on `.cardsmith-stage-XXXXXX.lock`
//! so that a concurrent build never removes its work.

mod file;

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};

pub use file::{TEMP_PREFIX, TEMP_SUFFIX, WriteError, is_temp_name, resolve_within, write_file};

use crate::artifact::{Artifact, FileStamp};
use crate::cache::CACHE_DIR;

/// Threads that write a build's files into the stage (see [`Stage::add_all`]): they mostly wait
/// for the disk, so more of them than cores.
const WRITERS: usize = 8;

/// Name of the list of files the last build wrote, inside the output folder.
pub const MANIFEST: &str = ".cardsmith-manifest";

/// Prefix of staging folders (and their lock files), beside the output folder.
const STAGE_PREFIX: &str = ".cardsmith-stage-";
/// Prefix and suffix of a lock file waiting for its generation's rename.
const PENDING_PREFIX: &str = ".cardsmith-lock-";
const PENDING_SUFFIX: &str = ".pending";
/// The manifest line naming the generation.
const GENERATION: &str = "# generation ";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written, in order.
    pub written: Vec<PathBuf>,
    /// Outputs of the previous build that this build no longer produces, now deleted.
    pub removed: Vec<PathBuf>,
}

/// The new text of `cardsmith.lock`, committed together with the outputs.
#[derive(Debug, Clone, Copy)]
pub struct LockUpdate<'a> {
    /// The project root (a symlinked lock must point inside it).
    pub root: &'a Path,
    /// `cardsmith.lock`.
    pub path: &'a Path,
    /// Its new text.
    pub bytes: &'a [u8],
}

/// Where a build's outputs go as the renderers make them.
pub trait Sink: Sync + std::fmt::Debug {
    /// Takes `artifact` and gives back what the build keeps of it: in memory, the artifact
    /// itself; in a build's [`Staging`], its path, length and SHA-256, the bytes written into
    /// the stage and let go ([`Artifact::into_staged`]), so that a build never holds every
    /// output at once.
    fn put(&self, artifact: Artifact) -> Result<Artifact, WriteError>;

    /// A folder for a renderer's temporary files (named by [`TEMP_PREFIX`] and [`TEMP_SUFFIX`],
    /// deleted before it returns): the build's stage, so that those of a killed build are
    /// removed with it ([`recover`]). `None` outside a build: the renderer keeps them in memory.
    fn scratch_dir(&self) -> Option<&Path> {
        None
    }
}

/// The outputs kept in memory, whole (a render outside a build: tests, benchmarks).
#[derive(Debug, Default)]
pub struct Memory;

impl Sink for Memory {
    fn put(&self, artifact: Artifact) -> Result<Artifact, WriteError> {
        Ok(artifact)
    }
}

impl Sink for Staging {
    fn put(&self, artifact: Artifact) -> Result<Artifact, WriteError> {
        if artifact.is_staged() {
            return Ok(artifact);
        }
        let entry = manifest_entry(&artifact.path);
        let first = self
            .staged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(entry.clone());
        if !first {
            return Err(twice(&self.out_dir, &entry));
        }
        self.stage.make_folders(&self.out_dir, &artifact, &entry)?;
        if self.carried.contains(&entry) {
            remove_file(&self.stage.dir.join(&entry))?;
        }
        self.stage.write_one(&self.out_dir, &artifact, &entry)?;
        Ok(artifact.into_staged())
    }

    fn scratch_dir(&self) -> Option<&Path> {
        Some(&self.stage.dir)
    }
}

/// The error of two outputs of one build at `entry`: one would silently be lost.
fn twice(out_dir: &Path, entry: &str) -> WriteError {
    WriteError::at(
        out_dir.join(entry),
        std::io::Error::other("two outputs of this build have this path"),
    )
}

/// Makes `artifacts` the contents of `out_dir` (beside the files the user put there), `cache`
/// the entries of its build cache folder ([`crate::cache::CACHE_DIR`]: named by their paths,
/// listed in no manifest), and `lock` the new lock file, in one commit. See the module
/// documentation. A build opens its [`Staging`] before rendering instead, so that what it makes
/// goes to the disk as it is made; this is that, for everything at once.
pub fn write_build(
    out_dir: &Path,
    artifacts: &[Artifact],
    cache: &[Artifact],
    lock: Option<LockUpdate<'_>>,
) -> Result<Written, WriteError> {
    Staging::open(out_dir, lock.map(|lock| (lock.root, lock.path)))?.commit(artifacts, cache, lock)
}

/// The next `out/` being assembled: opened before a build renders, so that the build cache's
/// entries are written into it as they are made instead of all being held until the end, and
/// committed (swapped in whole, with the lock) once every output is there. Dropped without a
/// commit (a refused build, an error), it is removed and `out/` is as it was.
pub struct Staging {
    out_dir: PathBuf,
    lock_path: Option<PathBuf>,
    stage: Stage,
    /// Those of them found in `out_dir`, in the order seen: the stale ones are reported removed.
    seen_previous: Vec<String>,
    /// The files (and symlinks) carried over from `out_dir`, by manifest entry: an output of
    /// this build at one of these paths replaces it.
    carried: HashSet<String>,
    /// The outputs written into the stage so far ([`Sink::put`]), by manifest entry.
    staged: std::sync::Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Staging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staging")
            .field("out_dir", &self.out_dir)
            .field("stage", &self.stage.dir)
            .finish_non_exhaustive()
    }
}

impl Staging {
    /// Finishes what a killed build left (see [`recover`]; `lock` is the project root and
    /// `cardsmith.lock`), then creates the stage beside `out_dir` and links into it the files the
    /// user put in `out_dir`.
    pub fn open(out_dir: &Path, lock: Option<(&Path, &Path)>) -> Result<Staging, WriteError> {
        let out_dir = real_out_dir(out_dir)?;
        let parent = parent_of(&out_dir);
        std::fs::create_dir_all(&parent).map_err(|source| WriteError::at(&parent, source))?;
        let lock_path = match lock {
            Some((root, path)) => Some(resolve_within(root, path)?),
            None => None,
        };
        recover(&out_dir, lock_path.as_deref())?;
        let stage = Stage::create(&parent)?;
        let previous = read_manifest(&out_dir);
        let listed: HashSet<&str> = previous.entries.iter().map(String::as_str).collect();
        let (seen_previous, carried) = stage.carry_over(&out_dir, &listed)?;
        Ok(Staging {
            out_dir,
            lock_path,
            stage,
            seen_previous,
            carried,
            staged: std::sync::Mutex::default(),
        })
    }

    /// The stage's build cache folder ([`CACHE_DIR`]), created: the cache writes its entries
    /// there as they are made (see [`crate::cache::BuildCache::stage_in`]).
    pub fn cache_dir(&self) -> Result<PathBuf, WriteError> {
        let folder = self.stage.dir.join(CACHE_DIR);
        std::fs::create_dir_all(&folder).map_err(|source| WriteError::at(&folder, source))?;
        Ok(folder)
    }

    /// The output folder this stage replaces, as [`crate::cache`] reads the last build from it.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// Writes `artifacts` and the `cache` entries the build cache did not write itself into the
    /// stage, then the manifest, and swaps the stage in with `lock` (the commit point).
    pub fn commit(
        self,
        artifacts: &[Artifact],
        cache: &[Artifact],
        lock: Option<LockUpdate<'_>>,
    ) -> Result<Written, WriteError> {
        let Staging {
            out_dir,
            lock_path,
            stage,
            seen_previous,
            carried,
            staged: _,
        } = self;
        let current: Vec<String> = artifacts
            .iter()
            .map(|artifact| manifest_entry(&artifact.path))
            .collect();
        let made: HashSet<&str> = current.iter().map(String::as_str).collect();
        if made.len() != current.len() {
            // Two renderers claiming one path would silently lose an output.
            let entry = current
                .iter()
                .find(|entry| current.iter().filter(|other| other == entry).count() > 1)
                .cloned()
                .unwrap_or_default();
            return Err(twice(&out_dir, &entry));
        }
        let removed: Vec<&String> = seen_previous
            .iter()
            .filter(|entry| !made.contains(entry.as_str()))
            .collect();

        // The outputs not written into the stage yet.
        let (unstaged, unstaged_entries): (Vec<&Artifact>, Vec<&String>) = artifacts
            .iter()
            .zip(&current)
            .filter(|(artifact, _)| !artifact.is_staged())
            .unzip();
        for entry in unstaged_entries
            .iter()
            .filter(|entry| carried.contains(entry.as_str()))
        {
            remove_file(&stage.dir.join(entry))?;
        }
        let mut written = Vec::with_capacity(artifacts.len() + 1);
        stage.add_all(&out_dir, &unstaged, &unstaged_entries)?;
        written.extend(
            artifacts
                .iter()
                .map(|artifact| out_dir.join(&artifact.path)),
        );
        stage.add_cache(&out_dir, cache)?;
        let generation = content_hash(artifacts);
        let mut manifest = format!("{GENERATION}{generation}\n");
        for entry in &current {
            manifest.push_str(entry);
            manifest.push('\n');
        }
        let manifest = Artifact::new(MANIFEST, manifest.into_bytes());
        stage.add(&out_dir, &manifest, MANIFEST)?;

        let pending = match (lock, &lock_path) {
            (Some(lock), Some(lock_path)) => {
                let pending = pending_path(lock_path, &stage.name, &generation);
                // Written in place: a pending lock is trusted only once its generation is in
                // `out/`, which happens after this write is complete and synced.
                file::write_new(&pending, lock.bytes, Some(lock_path))
                    .map_err(|source| WriteError::at(&pending, source))?;
                Some((pending, lock_path.clone()))
            }
            _ => None,
        };
        // The commit point.
        stage.swap_into(&out_dir)?;
        if let Some((pending, lock_path)) = pending {
            // On failure the pending lock stays, and the next build renames it (see `recover`).
            std::fs::rename(&pending, &lock_path)
                .map_err(|source| WriteError::at(&lock_path, source))?;
            written.push(lock.map_or(lock_path, |lock| lock.path.to_path_buf()));
        }
        stage.finish();
        Ok(Written {
            written,
            removed: removed.iter().map(|entry| out_dir.join(entry)).collect(),
        })
    }
}

/// Finishes or undoes what a build that died left behind: renames a pending lock file whose
/// generation is the one in `out/`, deletes the other pending locks, and removes staging folders
/// of builds that are no longer running. Called before a build reads `cardsmith.lock`.
pub fn recover(out_dir: &Path, lock_path: Option<&Path>) -> Result<(), WriteError> {
    let out_dir = real_out_dir(out_dir)?;
    let parent = parent_of(&out_dir);
    let generation = read_manifest(&out_dir).generation;
    if let Some(lock_path) = lock_path {
        let folder = parent_of(lock_path);
        for (path, name) in entries(&folder) {
            let Some((stage, pending)) = name
                .strip_prefix(PENDING_PREFIX)
                .and_then(|rest| rest.strip_suffix(PENDING_SUFFIX))
                .and_then(|rest| rest.split_once('-'))
            else {
                continue;
            };
            if is_live(&parent, stage) {
                continue;
            }
            if generation.as_deref() == Some(pending) {
                std::fs::rename(&path, lock_path)
                    .map_err(|source| WriteError::at(lock_path, source))?;
            } else {
                remove_file(&path)?;
            }
        }
    }
    for (path, name) in entries(&parent) {
        let Some(rest) = name.strip_prefix(STAGE_PREFIX) else {
            continue;
        };
        let stage = rest.strip_suffix(".lock").unwrap_or(rest);
        if is_live(&parent, stage) {
            continue;
        }
        let kind = std::fs::symlink_metadata(&path).map(|meta| meta.file_type());
        match kind {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path)
                .or_else(ignore_not_found)
                .map_err(|source| WriteError::at(&path, source))?,
            Ok(_) => remove_file(&path)?,
            Err(_) => {}
        }
    }
    Ok(())
}

/// Whether a build would find nothing to tidy or finish: no pending lock file beside `lock_path`,
/// no staging folder beside `out_dir` (of a dead build or of one running now), no temporary
/// file in `out_dir`. A build with nothing changed does nothing only then (see
/// [`crate::cache::Fresh`]); otherwise it runs, and [`recover`] and the stage clean up.
pub fn is_tidy(out_dir: &Path, lock_path: Option<&Path>) -> bool {
    let Ok(out_dir) = real_out_dir(out_dir) else {
        return false;
    };
    let pending = lock_path.is_some_and(|lock_path| {
        entries(&parent_of(lock_path))
            .iter()
            .any(|(_, name)| name.starts_with(PENDING_PREFIX) && name.ends_with(PENDING_SUFFIX))
    });
    let staging = entries(&parent_of(&out_dir))
        .iter()
        .any(|(_, name)| name.starts_with(STAGE_PREFIX));
    let temporary = walkdir::WalkDir::new(&out_dir)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| entry.depth() != 1 || entry.file_name() != CACHE_DIR)
        .any(|entry| {
            entry.map_or(true, |entry| {
                is_temp_name(&entry.file_name().to_string_lossy())
            })
        });
    !(pending || staging || temporary)
}

/// A staging folder and the lock that marks it as in use.
struct Stage {
    /// Deleted on drop: the half-built stage on failure, the old `out/` after the exchange.
    dir: PathBuf,
    /// Held (an exclusive `flock`) while the build runs; deleted on drop.
    _lock: File,
    lock_path: PathBuf,
    /// The random part of the names.
    name: String,
}

impl Drop for Stage {
    fn drop(&mut self) {
        // The cache folder (a thousand entries in a rebuild of 10,000 items) is emptied on a
        // thread of its own beside the rest: each folder's unlinks wait for one another.
        let cache = self.dir.join(CACHE_DIR);
        if cache.is_dir() {
            std::thread::scope(|scope| {
                scope.spawn(|| {
                    let _ = std::fs::remove_dir_all(&cache);
                });
                for (path, name) in entries(&self.dir) {
                    if name == CACHE_DIR {
                        continue;
                    }
                    let _ = match std::fs::symlink_metadata(&path) {
                        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
                        _ => std::fs::remove_file(&path),
                    };
                }
            });
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.lock_path);
        // `self._lock` is released after this, when the field drops.
    }
}

impl Stage {
    /// The lock file first, then the folder of the same name, so that a concurrent build never
    /// sees the folder without its lock.
    fn create(parent: &Path) -> Result<Stage, WriteError> {
        let lock_file = tempfile::Builder::new()
            .prefix(STAGE_PREFIX)
            .suffix(".lock")
            .tempfile_in(parent)
            .map_err(|source| WriteError::at(parent, source))?;
        let (file, lock_path) = lock_file
            .keep()
            .map_err(|error| WriteError::at(parent, error.error))?;
        file.lock()
            .map_err(|source| WriteError::at(&lock_path, source))?;
        let name = lock_path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = name
            .strip_prefix(STAGE_PREFIX)
            .and_then(|rest| rest.strip_suffix(".lock"))
            .unwrap_or_default()
            .to_owned();
        let dir_path = parent.join(format!("{STAGE_PREFIX}{name}"));
        let created =
            std::fs::create_dir(&dir_path).map_err(|source| WriteError::at(&dir_path, source));
        if let Err(error) = created {
            let _ = std::fs::remove_file(&lock_path);
            return Err(error);
        }
        Ok(Stage {
            dir: dir_path,
            _lock: file,
            lock_path,
            name,
        })
    }

    /// Links into the stage everything in `out_dir` that the user put there: not the outputs
    /// the last build `listed` in its manifest (this build makes each again or drops it), not
    /// the manifest, not temporary files. Symlinks are copied as links and never followed. An
    /// output of this build at the path of a file carried over replaces it. Returns the
    /// `listed` files seen, in the order seen, and the files carried over.
    fn carry_over(
        &self,
        out_dir: &Path,
        listed: &HashSet<&str>,
    ) -> Result<(Vec<String>, HashSet<String>), WriteError> {
        let mut removed = Vec::new();
        let mut carried = HashSet::new();
        if !out_dir.is_dir() {
            return Ok((removed, carried));
        }
        // The cache folder is not the user's: this build passes the entries it keeps.
        let walk = walkdir::WalkDir::new(out_dir)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() != 1 || entry.file_name() != CACHE_DIR);
        for entry in walk {
            let entry = entry.map_err(|error| {
                let path = error.path().unwrap_or(out_dir).to_path_buf();
                WriteError::at(path, error.into())
            })?;
            let Ok(relative) = entry.path().strip_prefix(out_dir) else {
                continue;
            };
            let key = manifest_entry(relative);
            let name = entry.file_name().to_string_lossy();
            let kind = entry.file_type();
            if !kind.is_dir() && (key == MANIFEST || is_temp_name(&name)) {
                continue;
            }
            if !kind.is_dir() && listed.contains(key.as_str()) {
                removed.push(key);
                continue;
            }
            let target = self.dir.as_path().join(relative);
            let result = if kind.is_dir() {
                std::fs::create_dir(&target).and_then(|()| {
                    let permissions = entry
                        .metadata()
                        .map_err(std::io::Error::from)?
                        .permissions();
                    std::fs::set_permissions(&target, permissions)
                })
            } else if kind.is_symlink() {
                std::fs::read_link(entry.path()).and_then(|link| symlink(&link, &target))
            } else if kind.is_file() {
                std::fs::hard_link(entry.path(), &target)
                    .or_else(|_| std::fs::copy(entry.path(), &target).map(|_| ()))
            } else {
                // FIFOs, sockets and devices are not carried into a build's output.
                Ok(())
            };
            result.map_err(|source| WriteError::at(entry.path(), source))?;
            if !kind.is_dir() {
                carried.insert(key);
            }
        }
        Ok((removed, carried))
    }

    /// Writes one file into the stage, refusing to write through a symlink the user put in
    /// `out/` (`out/sub -> elsewhere`): outputs stay inside `out/`. An artifact read back from
    /// the last `out/` (see [`Artifact::previous`]) is linked instead, when that file is still
    /// the one read.
    fn add(&self, out_dir: &Path, artifact: &Artifact, entry: &str) -> Result<(), WriteError> {
        self.make_folders(out_dir, artifact, entry)?;
        self.write_one(out_dir, artifact, entry)
    }

    /// [`Stage::add`] for every artifact (`entries` are their manifest entries), the folders
    /// first, one after the other, then the files from [`WRITERS`] threads ([`on_writers`]).
    fn add_all(
        &self,
        out_dir: &Path,
        artifacts: &[&Artifact],
        entries: &[&String],
    ) -> Result<(), WriteError> {
        for (artifact, entry) in artifacts.iter().zip(entries) {
            self.make_folders(out_dir, artifact, entry)?;
        }
        on_writers(artifacts.len(), |index| {
            self.write_one(out_dir, artifacts[index], entries[index])
        })
    }

    /// The folders above `artifact` in the stage, made where missing; an error where one is a
    /// symlink or a file.
    fn make_folders(
        &self,
        out_dir: &Path,
        artifact: &Artifact,
        entry: &str,
    ) -> Result<(), WriteError> {
        let relative = artifact.path.as_path();
        let mut folder = self.dir.as_path().to_path_buf();
        let parts: Vec<_> = relative.components().collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            folder.push(part);
            match std::fs::symlink_metadata(&folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    let shown =
                        out_dir.join(folder.strip_prefix(self.dir.as_path()).unwrap_or(&folder));
                    return Err(WriteError::at(
                        out_dir.join(entry),
                        std::io::Error::other(format!(
                            "`{}` is not a folder (a symlink or a file); outputs are never written through it",
                            shown.display()
                        )),
                    ));
                }
                // Another output's writer may make the same folder at the same time.
                Err(_) => std::fs::create_dir(&folder)
                    .or_else(|error| {
                        if error.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() {
                            Ok(())
                        } else {
                            Err(error)
                        }
                    })
                    .map_err(|source| WriteError::at(out_dir.join(entry), source))?,
            }
        }
        Ok(())
    }

    /// Writes (or links) `artifact` into the stage, whose folders [`Stage::make_folders`] made.
    fn write_one(
        &self,
        out_dir: &Path,
        artifact: &Artifact,
        entry: &str,
    ) -> Result<(), WriteError> {
        let relative = artifact.path.as_path();
        let destination = self.dir.as_path().join(relative);
        let previous = out_dir.join(relative);
        if let Some(stamp) = artifact.previous
            && link_unchanged(&previous, &destination, stamp)
        {
            return Ok(());
        }
        let previous_is_file =
            std::fs::symlink_metadata(&previous).is_ok_and(|meta| meta.is_file());
        // Straight to its name, synced: nothing reads the stage before the commit point, so a
        // temporary file and a rename per output would protect nothing (a killed build leaves
        // a stage that the next one removes).
        file::write_new(
            &destination,
            &artifact.bytes,
            previous_is_file.then_some(previous.as_path()),
        )
        .map_err(|source| WriteError::at(out_dir.join(entry), source))
    }

    /// Writes the build cache's entries into the stage's cache folder, from [`WRITERS`] threads
    /// (a rebuild links a thousand): linked when unchanged, else written without a sync (an
    /// entry a crash cut short fails its checksum and is ignored; it is never an output). An
    /// entry kept from the last build without its bytes (see [`crate::cache`]) that cannot be
    /// linked is copied, or left out when it cannot be: an entry is checked whenever it is read
    /// (its checksum, its binary, its name), and one missing is only made again.
    fn add_cache(&self, out_dir: &Path, entries: &[Artifact]) -> Result<(), WriteError> {
        if entries.is_empty() {
            return Ok(());
        }
        let folder = self.dir.as_path().join(CACHE_DIR);
        std::fs::create_dir_all(&folder).map_err(|source| WriteError::at(&folder, source))?;
        let previous = out_dir.join(CACHE_DIR);
        on_writers(entries.len(), |index| {
            let entry = &entries[index];
            let destination = folder.join(&entry.path);
            if let Some(stamp) = entry.previous {
                let last = previous.join(&entry.path);
                if link_unchanged(&last, &destination, stamp) {
                    return Ok(());
                }
                if entry.bytes.is_empty() {
                    let _ = std::fs::copy(&last, &destination);
                    return Ok(());
                }
            }
            std::fs::write(&destination, &entry.bytes)
                .map_err(|source| WriteError::at(&destination, source))
        })
    }

    /// The commit point: the stage becomes `out_dir`, and the old `out_dir` takes the stage's
    /// place (deleted when the stage is dropped).
    fn swap_into(&self, out_dir: &Path) -> Result<(), WriteError> {
        let stage = self.dir.as_path();
        sync_dir(stage);
        if !out_dir.exists() {
            std::fs::rename(stage, out_dir).map_err(|source| WriteError::at(out_dir, source))?;
            // Something must stand at the stage's path for the drop to remove.
            std::fs::create_dir(stage).map_err(|source| WriteError::at(stage, source))?;
        } else {
            exchange(stage, out_dir).map_err(|source| WriteError::at(out_dir, source))?;
        }
        sync_dir(&parent_of(out_dir));
        Ok(())
    }

    /// Deletes the old `out/` and releases the lock.
    fn finish(self) {
        drop(self);
    }
}

/// Runs `work` for every index below `count` from [`WRITERS`] threads: the outputs' syncs
/// issued together share the file system's journal commits (600 files took 2.4 s synced one
/// after the other on this machine's disk, 0.13 s from 8 threads), and the cache's links and
/// unsynced writes overlap their waits. The error reported is the lowest index's that failed,
/// as in a sequential run.
fn on_writers(
    count: usize,
    work: impl Fn(usize) -> Result<(), WriteError> + Sync,
) -> Result<(), WriteError> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WRITERS.min(count) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if index >= count {
                        break;
                    }
                    if let Err(error) = work(index) {
                        failed
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push((index, error));
                    }
                }
            });
        }
    });
    let failed = failed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match failed.into_iter().min_by_key(|(index, _)| *index) {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// Hard-links `previous` at `destination` when it is still the file `stamp` describes; `false`
/// (and nothing left at `destination`) otherwise, and the caller writes the bytes.
fn link_unchanged(previous: &Path, destination: &Path, stamp: FileStamp) -> bool {
    if std::fs::hard_link(previous, destination).is_err() {
        return false;
    }
    // The link is checked, not the path before it: nothing can swap the file in between.
    let same = std::fs::symlink_metadata(destination)
        .is_ok_and(|meta| meta.is_file() && FileStamp::of(&meta) == Some(stamp));
    if !same {
        let _ = std::fs::remove_file(destination);
    }
    same
}

/// Swaps two folders atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Swaps two folders with two renames (no atomic exchange here): `b` is absent for an instant.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_file(link, at)
}

/// Makes a folder's entries durable (best effort: not every system can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// Whether the build of the stage named `stage` is running (holds its lock).
fn is_live(parent: &Path, stage: &str) -> bool {
    let lock = parent.join(format!("{STAGE_PREFIX}{stage}.lock"));
    match File::open(&lock) {
        Ok(file) => match file.try_lock() {
            Ok(()) => false,
            Err(std::fs::TryLockError::WouldBlock) => true,
            Err(std::fs::TryLockError::Error(_)) => false,
        },
        Err(_) => false,
    }
}

/// `out_dir`, or the folder it links to when it is a symlink (which the build then fills, and
/// where the paths of [`Written::written`] are).
pub fn real_out_dir(out_dir: &Path) -> Result<PathBuf, WriteError> {
    match std::fs::symlink_metadata(out_dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(out_dir).map_err(|source| WriteError::at(out_dir, source))
        }
        _ => Ok(out_dir.to_path_buf()),
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.cardsmith-lock-<stage>-<generation>.pending` beside the lock.
fn pending_path(lock_path: &Path, stage: &str, generation: &str) -> PathBuf {
    parent_of(lock_path).join(format!(
        "{PENDING_PREFIX}{stage}-{generation}{PENDING_SUFFIX}"
    ))
}

/// The generation of a build: a hash of its outputs, so that the same input gives the same
/// manifest (two builds give identical bytes) and a pending lock names the outputs it goes with.
/// Each output enters by its SHA-256, which the build has already (see [`Artifact::sha256`]):
/// hashing every byte again here was a tenth of the hashing of a rebuild.
fn content_hash(artifacts: &[Artifact]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for artifact in artifacts {
        let path = manifest_entry(&artifact.path);
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update(artifact.len().to_le_bytes());
        hasher.update(artifact.sha256());
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The entries of a folder with their names (none when it cannot be listed).
fn entries(folder: &Path) -> Vec<(PathBuf, String)> {
    std::fs::read_dir(folder)
        .map(|list| {
            list.filter_map(Result::ok)
                .map(|entry| {
                    (
                        entry.path(),
                        entry.file_name().to_string_lossy().into_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn remove_file(path: &Path) -> Result<(), WriteError> {
    std::fs::remove_file(path)
        .or_else(ignore_not_found)
        .map_err(|source| WriteError::at(path, source))
}

fn ignore_not_found(error: std::io::Error) -> std::io::Result<()> {
    if error.kind() == std::io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(error)
    }
}

/// What the manifest of the last build says.
#[derive(Debug, Default)]
struct Manifest {
    /// The generation that wrote it (absent in manifests of older versions).
    generation: Option<String>,
    /// Outputs, `/`-separated, relative to `out/`.
    entries: Vec<String>,
}

/// The outputs the last build's manifest lists, in its order (`/`-separated, relative to
/// `out_dir`); none when there is no manifest.
pub fn listed_outputs(out_dir: &Path) -> Vec<String> {
    read_manifest(out_dir).entries
}

/// A missing or unreadable manifest lists nothing (so nothing is deleted).
fn read_manifest(out_dir: &Path) -> Manifest {
    let Ok(text) = std::fs::read_to_string(out_dir.join(MANIFEST)) else {
        return Manifest::default();
    };
    let mut manifest = Manifest::default();
    for line in text.lines().map(str::trim) {
        if let Some(generation) = line.strip_prefix(GENERATION) {
            manifest.generation = Some(generation.trim().to_owned());
        } else if !line.is_empty()
            && !line.starts_with('#')
            // Never follow an entry out of the output folder, whoever edited the manifest.
            && !line.split('/').any(|part| part == ".." || part.is_empty())
        {
            manifest.entries.push(line.to_owned());
        }
    }
    manifest
}

fn manifest_entry(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
