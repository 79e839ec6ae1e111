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
//! Nothing is written here. The entries a build used or made go to [`crate::output`] with its
//! outputs ([`BuildCache::into_entries`]): the cache folder is part of the staged `out/`, swapped
//! in with it, so it always describes the outputs beside it, and entries no build used any more
//! are not carried over. An unchanged output is linked into the new `out/`, not written again
//! (see [`crate::artifact::FileStamp`]).

mod checks;
mod entry;
mod fresh;
mod key;
pub mod netstring;
mod stored;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        }
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
        Some(key.finish())
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
                    len: artifact.bytes.len() as u64,
                    sha256: key::hex(&artifact.sha256()),
                })
                .collect(),
            data: data.to_owned(),
        };
        let bytes = entry::encode(key, &payload);
        self.lock()
            .entries
            .insert(key.clone(), NextEntry::Made(bytes));
    }

    /// The entries the next `out/` holds in [`CACHE_DIR`] (name and bytes; an entry read from the
    /// last `out/` has no bytes, only the stamp of the file to link or copy), and how each lesson
    /// was built.
    pub fn into_entries(self, course: &Course) -> (Vec<Artifact>, Vec<LessonUse>) {
        for (key, data) in self.check_entries() {
            self.put(Some(&key), &[], &data);
        }
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

    fn read(&self, key: &Key) -> Option<Hit> {
        let place = self.place.as_ref()?;
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
