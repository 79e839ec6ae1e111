//! The build with nothing to do: when every input is the one the last build read and `out/` is
//! still what it wrote, a build reports what that build reported and does nothing else (as cargo
//! says "Fresh"). No rule runs, no lesson is rendered, nothing is written.
//!
//! Each build that writes leaves one more entry in the cache folder, under a name fixed for this
//! binary ([`BuildCache::fresh`]): the key of all its inputs (the project's, every lesson's, each
//! source file's text, `cardsmith.lock` as the build left it, whether each linked file exists),
//! the diagnostics and notices a build of those inputs prints, and every output by path, length
//! and SHA-256. The next build computes the same key from what it read; when it is equal, the
//! entry sound (see [`super::entry`]), every output in `out/` the one recorded and the manifest
//! listing exactly those, the build is fresh. Anything else is a miss, and the build runs as
//! always.
//!
//! What makes the stored report the one a build would print: diagnostics are a function of the
//! inputs (the lint rules, the structure checks, the renderers' content problems), and so are
//! the notices of the stateless renderers. A renderer's notices about its state file changing
//! (notes gone from `cardsmith.lock`) are printed by the build that changes it and by no build
//! after it, so they are not stored.

use serde::{Deserialize, Serialize};

use super::stored::StoredDiagnostic;
use super::{BuildCache, CACHE_DIR, ENTRY_LIMIT, Key, KeyBuilder, LessonUse, entry, key};
use crate::artifact::Artifact;
use crate::assets::AssetSource;
use crate::confine::Limit;
use crate::diagnostic::Diagnostic;
use crate::model::Course;
use crate::render::Notice;

/// What a fresh build reports, as the last build left it.
#[derive(Debug)]
pub struct Fresh {
    /// The diagnostics, sorted, as a build of these inputs prints them.
    pub diagnostics: Vec<Diagnostic>,
    /// The outputs, relative to `out/`, in the order the build wrote them.
    pub outputs: Vec<std::path::PathBuf>,
    /// The notices a build of these inputs prints.
    pub notices: Vec<Notice>,
    /// Every lesson, reused whole.
    pub lessons: Vec<LessonUse>,
}

/// What a build stores for the next one to be fresh.
#[derive(Debug)]
pub struct FreshRecord<'a> {
    /// The key of the build's inputs ([`BuildCache::fresh_inputs`]).
    pub inputs: &'a Key,
    /// Its diagnostics (none an error).
    pub diagnostics: &'a [Diagnostic],
    /// Its outputs.
    pub artifacts: &'a [Artifact],
    /// Its notices that a build after it prints again (not those about its state file changing).
    pub notices: &'a [Notice],
}

/// The entry's data.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    inputs: String,
    diagnostics: Vec<StoredDiagnostic>,
    /// `(level, message)`, as [`crate::render::notes_to_cache`] keeps them.
    notices: String,
    /// Per lesson index, the renderers that made or reused its results.
    lessons: Vec<(usize, Vec<String>)>,
}

impl BuildCache {
    /// The key of everything a build of `course` reads: the project's inputs, every lesson's,
    /// each source file's path and text, `lock` (the text of `cardsmith.lock`, `None` when
    /// absent) and whether each file a lesson links to is there. `None` when the cache is off or
    /// a lesson is not cached (an image could not be read).
    pub fn fresh_inputs(
        &self,
        course: &Course,
        lock: Option<&str>,
        assets: &dyn AssetSource,
    ) -> Option<Key> {
        self.place.as_ref()?;
        let mut key = KeyBuilder::extend(self.project.as_ref()?, "fresh");
        for lesson in &self.lessons {
            key.add(lesson.as_ref()?.as_str().as_bytes());
        }
        // The lessons' keys hold their files' paths and texts; a file without a lesson (none
        // today: every file parses as one) still has diagnostics.
        let with_lesson: std::collections::HashSet<usize> =
            course.lessons.iter().map(|lesson| lesson.file.0).collect();
        key.add(&(course.files.len() as u64).to_le_bytes());
        for (index, file) in course.files.iter().enumerate() {
            if !with_lesson.contains(&index) {
                key.add(file.path.to_string_lossy().as_bytes())
                    .add(file.text.as_bytes());
            }
        }
        match lock {
            Some(text) => key.add(b"lock").add(text.as_bytes()),
            None => key.add(b"no lock"),
        };
        // Images are in the lessons' keys (their bytes); a link is only checked for existence.
        let anything = Limit {
            bytes: u64::MAX,
            setting: "",
        };
        for path in self.links.iter().flatten() {
            let found = assets.check(path, anything).is_ok();
            key.add(path.to_string_lossy().as_bytes())
                .add(&[u8::from(found)]);
        }
        Some(key.finish())
    }

    /// What the last build reported, when `inputs` are the ones it read and `out/` is as it left
    /// it (see the module documentation); `None` otherwise.
    pub fn fresh(&self, inputs: &Key, course: &Course) -> Option<Fresh> {
        let place = self.place.as_ref()?;
        let path = place.out_dir.join(CACHE_DIR).join(fresh_name().as_str());
        let (bytes, _) = place.root.read_with_metadata(&path, ENTRY_LIMIT).ok()?;
        let payload = entry::decode(bytes, &fresh_name())?;
        let stored: Stored = serde_json::from_str(&payload.data).ok()?;
        // The inputs first: reading every output back is the dear part.
        if stored.inputs != inputs.as_str() {
            return None;
        }
        let diagnostics = stored
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.restore(&course.files))
            .collect::<Option<Vec<_>>>()?;
        let listed = crate::output::listed_outputs(&place.out_dir);
        let same_list = listed.len() == payload.outputs.len()
            && listed
                .iter()
                .zip(&payload.outputs)
                .all(|(listed, output)| *listed == output.path);
        if !same_list {
            return None;
        }
        for output in &payload.outputs {
            place.output(output)?;
        }
        let lessons = stored
            .lessons
            .into_iter()
            .map(|(index, reused)| {
                Some(LessonUse {
                    lesson: course.lessons.get(index)?.id.clone(),
                    reused,
                    made: Vec::new(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Fresh {
            diagnostics,
            outputs: payload
                .outputs
                .iter()
                .map(|output| output.path.split('/').collect())
                .collect(),
            notices: crate::render::cached_notes(&stored.notices),
            lessons,
        })
    }

    /// Keeps `record` for the next build, which is fresh when its inputs are the same.
    pub fn put_fresh(&self, record: &FreshRecord<'_>) {
        if self.place.is_none() {
            return;
        }
        let lessons = self
            .lock()
            .lessons
            .iter()
            .map(|(&index, renderers)| {
                let names = renderers.keys().map(|name| (*name).to_owned()).collect();
                (index, names)
            })
            .collect();
        let stored = Stored {
            inputs: record.inputs.as_str().to_owned(),
            diagnostics: record
                .diagnostics
                .iter()
                .map(StoredDiagnostic::of)
                .collect(),
            notices: crate::render::notes_to_cache(record.notices),
            lessons,
        };
        let payload = entry::Payload {
            outputs: record
                .artifacts
                .iter()
                .map(|artifact| entry::OutputRecord {
                    path: super::slash_path(&artifact.path),
                    len: artifact.len(),
                    sha256: key::hex(&artifact.sha256()),
                })
                .collect(),
            // Diagnostics and strings only: serializing cannot fail.
            data: serde_json::to_string(&stored).unwrap_or_default(),
        };
        let name = fresh_name();
        let bytes = entry::encode(&name, &payload);
        self.lock()
            .entries
            .insert(name, super::NextEntry::Made(bytes));
    }
}

/// The name of the fresh entry: one per binary (its version is the key's first input).
fn fresh_name() -> Key {
    KeyBuilder::new("fresh build").finish()
}
