//! The build cache: what a build made for each lesson, kept in `out/.cardsmith-cache/`, so that
//! the next build redoes only what changed (see `docs/cache.md`).
//!
//! A renderer asks [`BuildCache::get`] with a [`Key`] of everything its result for one lesson is
//! made from (the lesson's text and images, the templates, `cardsmith.toml`, the binary, and what
//! else it reads, such as the lock entries of the lesson's notes). An entry names the outputs it
//! stands for by path, length and SHA-256, and they are read back from the `out/` of the last
//! build and checked against those: a hit gives the renderer the very bytes it would make, and an
//! output the user changed or deleted is a miss. Entries are read confined to the project; an
//! entry that is truncated, corrupt, of another format or another cardsmith is a miss, never
//! trusted, and never an error: the cache only saves time.
//!
//! Nothing is written into `out/` here. A lesson's entries live in one file per lesson
//! ([`bundle`]), written into the build's stage as each is made ([`BuildCache::stage_in`]); the
//! other entries, and the lesson files to link unchanged, go to [`crate::output`] with the
//! outputs ([`BuildCache::into_entries`]). The cache folder is part of the staged `out/`,
//! swapped in with it, so it always describes the outputs beside it, and entries no build used
//! any more are not carried over. An unchanged output is linked into the new `out/`, not written
//! again (see [`crate::artifact::FileStamp`]).

mod bundle;
mod checks;
mod entry;
mod fresh;
mod key;
pub mod netstring;
mod stored;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use fresh::{Fresh, FreshRecord};
pub use key::{Key, KeyBuilder};

use crate::artifact::{Artifact, FileStamp};
use crate::assets::{self, AssetKind, AssetSource};
use crate::config::Config;
use crate::confine::{Limit, ProjectRoot};
use crate::model::Course;
use crate::templates::Templates;

/// The cache folder, inside the output folder.
pub const CACHE_DIR: &str = ".cardsmith-cache";

/// The largest entry read (far above any real one: the notes of a 10,000-item lesson).
const ENTRY_LIMIT: Limit = Limit {
    bytes: 1 << 30,
    setting: "",
};

/// The cache of one build: the last build's entries to read, and what this build uses and makes.
#[derive(Debug)]
pub struct BuildCache {
    /// Where entries and outputs are read; `None` when the cache is off.
    place: Option<Place>,
    /// The key of the project's inputs (templates, settings, binary).
    project: Option<Key>,
    /// Per lesson (by index in [`Course::lessons`]), the key of its own inputs; `None` when one
    /// of them could not be read (that lesson is then never cached).
    lessons: Vec<Option<Key>>,
    /// Per lesson, the project paths of the local files its answers link to (only checked for
    /// existence, so in no lesson key: see [`BuildCache::fresh_inputs`]).
    links: Vec<Vec<PathBuf>>,
    used: Mutex<Used>,
    /// Per lesson index, what the check stage kept and made (see [`checks`]).
    checks: Mutex<BTreeMap<usize, checks::LessonChecks>>,
    /// The lesson of every key made by [`BuildCache::lesson_key`]: its entry lives in that
    /// lesson's file (see [`bundle`]).
    lesson_of: Mutex<HashMap<Key, usize>>,
    /// The stage's cache folder, once the build has one: lesson entries are written there as
    /// they are made (see [`BuildCache::stage_in`]).
    stage: OnceLock<PathBuf>,
}

#[derive(Debug)]
struct Place {
    /// Confines every read to the project.
    root: ProjectRoot,
    /// The output folder.
    out_dir: PathBuf,
}

/// What a build did with the cache.
#[derive(Debug, Default)]
struct Used {
    /// Entries for the next `out/`: those read and those made.
    entries: BTreeMap<Key, NextEntry>,
    /// Per lesson index, per renderer: reused (`true`) or made again.
    lessons: BTreeMap<usize, BTreeMap<&'static str, bool>>,
    /// Per lesson index, what this build read from the lesson's file and wrote to the next.
    bundles: BTreeMap<usize, BundleUse>,
}

/// What a build did with one lesson's file (see [`bundle`]).
#[derive(Debug, Default)]
struct BundleUse {
    /// The last build's file, as first read: its stamp (`None` where files have none) and
    /// length.
    read: Option<(Option<FileStamp>, u64)>,
    /// Its records this build used, by key: they go into the next file.
    kept: BTreeMap<Key, bundle::Span>,
    /// Whether this build wrote records of its own into the next file.
    wrote: bool,
}

/// An entry of the next `out/`.
#[derive(Debug)]
enum NextEntry {
    /// Made by this build (or read where files have no stamps): its bytes, to write.
    Made(Vec<u8>),
    /// Read from the last `out/`, where it is the file the stamp describes: linked into the next
    /// one. Its bytes are not kept (they are most of what a rebuild reads).
    Kept(FileStamp),
}

/// What an entry gave back.
#[derive(Debug)]
pub struct Hit {
    /// The outputs, as the last build left them in `out/` (verified), in the order stored.
    pub artifacts: Vec<Artifact>,
    /// The renderer's data, as stored.
    pub data: String,
}

/// How one lesson was built, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonUse {
    /// The lesson id.
    pub lesson: String,
    /// Renderers whose result for the lesson came from the cache.
    pub reused: Vec<String>,
    /// Renderers that made it again.
    pub made: Vec<String>,
}

impl BuildCache {
    /// A cache that is off: every lookup misses, nothing is kept (a render outside a build).
    pub fn off() -> BuildCache {
        BuildCache {
            place: None,
            project: None,
            lessons: Vec::new(),
            links: Vec::new(),
            used: Mutex::new(Used::default()),
            checks: Mutex::default(),
            lesson_of: Mutex::default(),
            stage: OnceLock::new(),
        }
    }

    /// From now on, writes the entries of lessons into `folder` (the stage's cache folder, see
    /// [`crate::output::Staging::cache_dir`]) as they are made, instead of keeping them for
    /// [`BuildCache::into_entries`]. Without it (a render outside a build) they are not kept.
    pub fn stage_in(&self, folder: PathBuf) {
        let _ = self.stage.set(folder);
    }

    /// The cache of a build of `course` into `config`'s output folder. Reads every image the
    /// lessons show (for their keys), confined to the project.
    pub fn open(
        config: &Config,
        templates: &Templates,
        course: &Course,
        assets: &dyn AssetSource,
    ) -> BuildCache {
        let Ok(root) = ProjectRoot::new(&config.root) else {
            return BuildCache::off();
        };
        let mut project = KeyBuilder::new("project");
        project.add_debug(&config.project).add(&templates.digest());
        let project = project.finish();
        // On every core: finding the references (kept with each item) parses its Markdown.
        let (lessons, links) = course
            .lessons
            .par_iter()
            .map(|lesson| {
                let file = course.file(lesson.file);
                let mut key = KeyBuilder::extend(&project, "lesson");
                key.add(file.path.to_string_lossy().as_bytes())
                    .add(file.text.as_bytes());
                let mut links = Vec::new();
                let mut readable = true;
                for item in &lesson.items {
                    for reference in assets::item_references(course, lesson, item) {
                        let Some(path) = &reference.project_path else {
                            continue;
                        };
                        if reference.kind == AssetKind::Link {
                            links.push(path.clone());
                            continue;
                        }
                        match assets.read(path, config.project.limits.image()) {
                            Ok(bytes) => {
                                key.add(path.to_string_lossy().as_bytes())
                                    .add(&Sha256::digest(&bytes));
                            }
                            Err(_) => readable = false,
                        }
                    }
                }
                (readable.then(|| key.finish()), links)
            })
            .unzip();
        BuildCache {
            place: Some(Place {
                root,
                out_dir: config.out_dir(),
            }),
            project: Some(project),
            lessons,
            links,
            used: Mutex::new(Used::default()),
            checks: Mutex::default(),
            lesson_of: Mutex::default(),
            stage: OnceLock::new(),
        }
    }

    /// The key of `kind` of results for the lesson at `index`, from its inputs and `extra` (what
    /// else the result is made from); `None` when the cache is off or the lesson is not cached.
    pub fn lesson_key(&self, index: usize, kind: &str, extra: &[&[u8]]) -> Option<Key> {
        self.place.as_ref()?;
        let base = self.lessons.get(index)?.as_ref()?;
        let mut key = KeyBuilder::extend(base, kind);
        for input in extra {
            key.add(input);
        }
        let key = key.finish();
        self.lesson_of
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.clone(), index);
        Some(key)
    }

    /// The key of `kind` of results made from `parts` (keys of other results, in order) and
    /// `extra`; `None` when the cache is off or any part is `None`.
    pub fn combined_key(&self, kind: &str, parts: &[Option<Key>], extra: &[&[u8]]) -> Option<Key> {
        self.place.as_ref()?;
        let mut key = KeyBuilder::extend(self.project.as_ref()?, kind);
        for part in parts {
            key.add(part.as_ref()?.as_str().as_bytes());
        }
        for input in extra {
            key.add(input);
        }
        Some(key.finish())
    }

    /// The key of the one result named `name` that a build keeps whatever its inputs (they are
    /// then in its data, as for `all.apkg`, whose last package is read for the pieces it shares
    /// with the next one); `None` when the cache is off.
    pub fn named_key(&self, name: &str) -> Option<Key> {
        self.place.as_ref()?;
        Some(KeyBuilder::new(name).finish())
    }

    /// The entry under `key`, with its outputs read back from `out/`, when every part is sound.
    /// `lesson`: which lesson and renderer asked, for the report of what was reused.
    pub fn get(&self, key: Option<&Key>, lesson: Option<(usize, &'static str)>) -> Option<Hit> {
        let hit = key.and_then(|key| self.read(key));
        if let Some((index, renderer)) = lesson {
            self.lock()
                .lessons
                .entry(index)
                .or_default()
                .insert(renderer, hit.is_some());
        }
        hit
    }

    /// Records that the result `renderer` found for the lesson at `index` was made again after
    /// all (its entry was sound but its data was not what the renderer reads).
    pub fn made_again(&self, index: usize, renderer: &'static str) {
        if self.place.is_some() {
            self.lock()
                .lessons
                .entry(index)
                .or_default()
                .insert(renderer, false);
        }
    }

    /// Keeps `artifacts` and `data` under `key` for the next build (nothing when `key` is `None`).
    pub fn put(&self, key: Option<&Key>, artifacts: &[Artifact], data: &str) {
        let Some(key) = key else {
            return;
        };
        let payload = entry::Payload {
            outputs: artifacts
                .iter()
                .map(|artifact| entry::OutputRecord {
                    path: slash_path(&artifact.path),
                    len: artifact.len(),
                    sha256: key::hex(&artifact.sha256()),
                })
                .collect(),
            data: data.to_owned(),
        };
        let bytes = entry::encode(key, &payload);
        if let Some(index) = self.lesson_index(key) {
            self.append(index, key, &bytes);
            return;
        }
        self.lock()
            .entries
            .insert(key.clone(), NextEntry::Made(bytes));
    }

    /// The lesson whose file holds the entry `key`, if any.
    fn lesson_index(&self, key: &Key) -> Option<usize> {
        self.lesson_of
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .copied()
    }

    /// The name of the lesson file of the lesson at `index` (the key of its inputs).
    fn bundle_name(&self, index: usize) -> Option<&str> {
        Some(self.lessons.get(index)?.as_ref()?.as_str())
    }

    /// Appends the entry `bytes` under `key` to the next file of the lesson at `index`, in the
    /// stage. A record that cannot be written is only a miss for the next build: the records
    /// after a short one are not found, and a damaged one is never trusted.
    fn append(&self, index: usize, key: &Key, bytes: &[u8]) {
        let (Some(folder), Some(name)) = (self.stage.get(), self.bundle_name(index)) else {
            return;
        };
        let record = bundle::record(bytes);
        // Under the lock: two renderers' records of one lesson never interleave.
        let mut used = self.lock();
        let file = used.bundles.entry(index).or_default();
        // The record read back for this key was not used after all: this one replaces it.
        file.kept.remove(key);
        file.wrote = true;
        let _ = bundle::append(&folder.join(name), &record);
    }

    /// The entries the next `out/` holds in [`CACHE_DIR`] (name and bytes; an entry read from the
    /// last `out/` has no bytes, only the stamp of the file to link or copy), and how each lesson
    /// was built.
    pub fn into_entries(self, course: &Course) -> (Vec<Artifact>, Vec<LessonUse>) {
        for (key, data) in self.check_entries() {
            self.put(Some(&key), &[], &data);
        }
        let bundles = std::mem::take(&mut self.lock().bundles);
        let lesson_files: Vec<Artifact> = bundles
            .into_iter()
            .filter_map(|(index, file)| self.finish_bundle(index, file))
            .collect();
        let used = self
            .used
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entries = used
            .entries
            .into_iter()
            .map(|(key, next)| match next {
                NextEntry::Made(bytes) => Artifact::new(PathBuf::from(key.as_str()), bytes),
                NextEntry::Kept(stamp) => {
                    let mut entry = Artifact::new(PathBuf::from(key.as_str()), Vec::new());
                    entry.previous = Some(stamp);
                    entry
                }
            })
            .chain(lesson_files)
            .collect();
        let lessons = used
            .lessons
            .into_iter()
            .filter_map(|(index, renderers)| {
                let lesson = course.lessons.get(index)?;
                let (reused, made): (Vec<_>, Vec<_>) =
                    renderers.into_iter().partition(|(_, reused)| *reused);
                Some(LessonUse {
                    lesson: lesson.id.clone(),
                    reused: reused
                        .into_iter()
                        .map(|(name, _)| name.to_owned())
                        .collect(),
                    made: made.into_iter().map(|(name, _)| name.to_owned()).collect(),
                })
            })
            .collect();
        (entries, lessons)
    }

    /// Completes the next file of the lesson at `index`: when this build used every record of
    /// the last one and wrote none, that file is linked (returned as an entry to link, as an
    /// unchanged output is); otherwise the records it used are copied after the new ones.
    fn finish_bundle(&self, index: usize, file: BundleUse) -> Option<Artifact> {
        let name = self.bundle_name(index)?;
        let (stamp, len) = file.read?;
        if !file.wrote && stamp.is_some() && bundle::covers(file.kept.values().copied(), len) {
            let mut entry = Artifact::new(PathBuf::from(name), Vec::new());
            entry.previous = stamp;
            return Some(entry);
        }
        if file.kept.is_empty() {
            return None;
        }
        let (place, folder) = (self.place.as_ref()?, self.stage.get()?);
        let last = place.out_dir.join(CACHE_DIR).join(name);
        let (opened, metadata) = place.root.open(&last, ENTRY_LIMIT).ok()?;
        // Only from the very file read (records of another are only misses, but no need).
        if FileStamp::of(&metadata) != stamp {
            return None;
        }
        let mut spans: Vec<bundle::Span> = file.kept.into_values().collect();
        spans.sort_unstable();
        let _ = bundle::copy_records(&opened, &spans, &folder.join(name));
        None
    }

    /// The entry under `key` from the lesson file of the lesson at `index`, with its record's
    /// place and the file's stamp and length.
    fn read_bundle(
        &self,
        place: &Place,
        index: usize,
        key: &Key,
    ) -> Option<(Vec<u8>, bundle::Span, Option<FileStamp>, u64)> {
        let path = place.out_dir.join(CACHE_DIR).join(self.bundle_name(index)?);
        let (file, metadata) = place.root.open(&path, ENTRY_LIMIT).ok()?;
        let (bytes, span) = bundle::find(&file, metadata.len(), key, ENTRY_LIMIT.bytes)?;
        Some((bytes, span, FileStamp::of(&metadata), metadata.len()))
    }

    fn read(&self, key: &Key) -> Option<Hit> {
        let place = self.place.as_ref()?;
        if let Some(index) = self.lesson_index(key) {
            let (bytes, span, stamp, len) = self.read_bundle(place, index, key)?;
            let payload = entry::decode(bytes, key)?;
            let mut artifacts = Vec::with_capacity(payload.outputs.len());
            for output in &payload.outputs {
                artifacts.push(place.output(output)?);
            }
            let mut used = self.lock();
            let file = used.bundles.entry(index).or_default();
            let read = *file.read.get_or_insert((stamp, len));
            // Records of one file only: the file may have been replaced between two reads.
            if read == (stamp, len) && !file.kept.contains_key(key) {
                file.kept.insert(key.clone(), span);
            }
            return Some(Hit {
                artifacts,
                data: payload.data,
            });
        }
        let path = place.out_dir.join(CACHE_DIR).join(key.as_str());
        let (bytes, metadata) = place.root.read_with_metadata(&path, ENTRY_LIMIT).ok()?;
        let next = match FileStamp::of(&metadata) {
            Some(stamp) => NextEntry::Kept(stamp),
            None => NextEntry::Made(bytes.clone()),
        };
        let payload = entry::decode(bytes, key)?;
        let mut artifacts = Vec::with_capacity(payload.outputs.len());
        for output in &payload.outputs {
            artifacts.push(place.output(output)?);
        }
        self.lock().entries.insert(key.clone(), next);
        Some(Hit {
            artifacts,
            data: payload.data,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Used> {
        // A poisoned lock only means a renderer thread panicked; the maps are still whole.
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Place {
    /// The output the last build left at `record.path`, when it is still the one recorded.
    fn output(&self, record: &entry::OutputRecord) -> Option<Artifact> {
        let relative = Path::new(&record.path);
        // Only plain names: an entry never points out of `out/`, whoever wrote it.
        let plain = relative
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
        if !plain || record.path.is_empty() {
            return None;
        }
        let limit = Limit {
            bytes: record.len,
            setting: "",
        };
        let path = self.out_dir.join(relative);
        // Outputs are regular files; one the user replaced by a link is not the recorded one.
        if std::fs::symlink_metadata(&path)
            .ok()?
            .file_type()
            .is_symlink()
        {
            return None;
        }
        let (bytes, metadata) = self.root.read_with_metadata(&path, limit).ok()?;
        if bytes.len() as u64 != record.len {
            return None;
        }
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        (key::hex(&sha256) == record.sha256)
            .then(|| Artifact::read_back(relative, bytes, FileStamp::of(&metadata), sha256))
    }
}

/// `path` with `/` separators, as entries record it.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
