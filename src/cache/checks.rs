//! What the check stage found in each lesson, kept under the lesson's key so that a build checks
//! again only the lessons that changed: the diagnostics of the lint rules that read one lesson
//! alone ([`crate::lint::run_rules_by_lesson`]), those of the renderers' own per-lesson checks
//! (the Anki renderer's, [`crate::render::Renderer::check_cached`]), and the lesson's questions
//! as Q006 compares them (it compares across lessons, so its verdicts are made afresh, but
//! reducing each question is most of its work).
//!
//! One entry per lesson holds every part (a file per part and lesson would be hundreds more
//! files to read and link in each build): a part is read from the entry the last build left,
//! and a part made again is written with the others into the lesson's next entry. `--verbose`
//! reports the whole under `lint`: reused when every part asked for was there.
//!
//! Diagnostics are stored with spans relative to the lesson's own file (its index in the project
//! moves when a file is added before it), and restored only when their code is known and every
//! span lies inside that file.

use std::collections::BTreeMap;

use super::netstring::{Reader, Writer};
use super::stored::StoredDiagnostic;
use super::{BuildCache, Key};
use crate::diagnostic::{Diagnostic, FileId};
use crate::lint::KeptQuestions;
use crate::lint::rules::duplicate_question::DuplicateQuestion;
use crate::model::Course;

/// The name of the entry's kind in keys, and of the result in `--verbose`.
const LINT: &str = "lint";

/// The part holding the per-lesson lint rules' diagnostics.
const LINT_PART: &str = "lint";

/// The part holding the lesson's questions as Q006 reduced them.
const QUESTIONS_PART: &str = "questions";

/// One lesson's parts: as the last build left them, and as this build made them.
#[derive(Debug, Default)]
pub(super) struct LessonChecks {
    /// The last build's parts, once read (`Some(None)`: there was no sound entry).
    kept: Option<Option<BTreeMap<String, String>>>,
    /// The parts this build made, to write with the kept ones.
    made: BTreeMap<&'static str, String>,
}

impl BuildCache {
    /// The per-lesson rules' diagnostics of the lesson at `index` of `course`, as the build that
    /// last checked the same lesson left them; `None` when there are none to trust.
    pub fn lint_of(&self, course: &Course, index: usize) -> Option<Vec<Diagnostic>> {
        let mut groups = self.lesson_diagnostics(course, index, LINT_PART, 1)?;
        groups.pop()
    }

    /// Keeps `diagnostics`, the per-lesson rules' findings in the lesson at `index` of `course`,
    /// for the next build. Nothing is kept when one points outside the lesson's file.
    pub fn put_lint(&self, course: &Course, index: usize, diagnostics: &[Diagnostic]) {
        self.put_lesson_diagnostics(course, index, LINT_PART, &[diagnostics.to_vec()]);
    }

    /// Each lesson's questions as Q006 reduced them in the last build that checked it, for a
    /// check of `course` under `settings`; `None` when Q006 does not run.
    pub fn kept_questions(
        &self,
        course: &Course,
        settings: &crate::lint::Settings,
    ) -> Option<KeptQuestions> {
        if !settings.is_enabled(DuplicateQuestion::META.code.code) {
            return None;
        }
        let kept = (0..course.lessons.len())
            .filter_map(|index| Some((index, self.check_part(index, QUESTIONS_PART)?)));
        Some(KeptQuestions::new(kept))
    }

    /// Keeps the questions Q006 reduced anew in `kept`, for the next build.
    pub fn put_kept_questions(&self, kept: &KeptQuestions) {
        for (index, text) in kept.take_made() {
            self.put_check_part(index, QUESTIONS_PART, text);
        }
    }

    /// Diagnostics a check found in the lesson at `index` of `course`, kept in `groups` groups
    /// under `part` by [`BuildCache::put_lesson_diagnostics`] in a build of the same lesson;
    /// `None` when there are none to trust.
    pub fn lesson_diagnostics(
        &self,
        course: &Course,
        index: usize,
        part: &'static str,
        groups: usize,
    ) -> Option<Vec<Vec<Diagnostic>>> {
        let data = self.check_part(index, part)?;
        let restored = restore(course, index, &data).filter(|found| found.len() == groups);
        if restored.is_none() {
            self.note_check_use(index, false);
        }
        restored
    }

    /// Keeps `groups` of diagnostics that a check found in the lesson at `index` of `course`
    /// under `part`, for the next build. Nothing is kept when one points outside the lesson's
    /// file.
    pub fn put_lesson_diagnostics(
        &self,
        course: &Course,
        index: usize,
        part: &'static str,
        groups: &[Vec<Diagnostic>],
    ) {
        let Some(lesson) = course.lessons.get(index) else {
            return;
        };
        let inside = groups.iter().flatten().all(|diagnostic| {
            diagnostic.span.file == lesson.file
                && (diagnostic.related.iter()).all(|label| label.span.file == lesson.file)
        });
        if !inside {
            return;
        }
        let stored: Vec<Vec<StoredDiagnostic>> = groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|diagnostic| StoredDiagnostic::of(&in_file(diagnostic.clone(), FileId(0))))
                    .collect()
            })
            .collect();
        // Strings and numbers only: serializing cannot fail.
        let data = serde_json::to_string(&stored).unwrap_or_default();
        self.put_check_part(index, part, data);
    }

    /// The text kept under `part` for the lesson at `index` by the last build that checked the
    /// same lesson; `None` when the cache is off, the lesson is not cached, or there is none.
    pub fn check_part(&self, index: usize, part: &'static str) -> Option<String> {
        let loaded = self
            .checks()
            .get(&index)
            .is_some_and(|checks| checks.kept.is_some());
        if !loaded {
            // Read outside the lock: lessons are checked on several threads.
            let kept = self.checks_key(index).and_then(|key| {
                let hit = self.get(Some(&key), None)?;
                parts_of(&hit.data)
            });
            self.checks()
                .entry(index)
                .or_default()
                .kept
                .get_or_insert(kept);
        }
        let found = self
            .checks()
            .get(&index)
            .and_then(|checks| checks.kept.as_ref()?.as_ref()?.get(part).cloned());
        self.note_check_use(index, found.is_some());
        found
    }

    /// Keeps `data` under `part` for the lesson at `index`, for the next build (nothing when the
    /// cache is off or the lesson is not cached).
    pub fn put_check_part(&self, index: usize, part: &'static str, data: String) {
        if self.checks_key(index).is_none() {
            return;
        }
        self.checks()
            .entry(index)
            .or_default()
            .made
            .insert(part, data);
    }

    /// The entries of the lessons that this build checked anew, made from the parts kept and
    /// made, to join [`BuildCache::into_entries`].
    pub(super) fn check_entries(&self) -> Vec<(Key, String)> {
        let checks = std::mem::take(&mut *self.checks());
        checks
            .into_iter()
            .filter(|(_, checks)| !checks.made.is_empty())
            .filter_map(|(index, checks)| {
                let key = self.checks_key(index)?;
                let mut parts = checks.kept.flatten().unwrap_or_default();
                for (part, data) in checks.made {
                    parts.insert(part.to_owned(), data);
                }
                let mut data = String::new();
                let mut writer = Writer(&mut data);
                writer.number(parts.len());
                for (part, text) in &parts {
                    writer.string(part);
                    writer.string(text);
                }
                Some((key, data))
            })
            .collect()
    }

    fn checks_key(&self, index: usize) -> Option<Key> {
        self.lesson_key(index, LINT, &[])
    }

    /// Records for `--verbose` whether a part of the lesson's checks came from the cache: the
    /// lesson's `lint` is reused only when every part was.
    fn note_check_use(&self, index: usize, reused: bool) {
        let mut used = self.lock();
        let slot = used
            .lessons
            .entry(index)
            .or_default()
            .entry(LINT)
            .or_insert(true);
        *slot &= reused;
    }

    fn checks(&self) -> std::sync::MutexGuard<'_, BTreeMap<usize, LessonChecks>> {
        // A poisoned lock only means a thread panicked; the map is still whole.
        self.checks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The parts of an entry's data; `None` when it is not such data.
fn parts_of(data: &str) -> Option<BTreeMap<String, String>> {
    let mut reader = Reader(data);
    let mut parts = BTreeMap::new();
    for _ in 0..reader.number()? {
        let part = reader.string()?;
        let text = reader.string()?;
        parts.insert(part, text);
    }
    reader.is_done().then_some(parts)
}

/// Groups of diagnostics as [`BuildCache::put_lesson_diagnostics`] stored them for the lesson at
/// `index`, in its file; `None` unless every one is sound.
fn restore(course: &Course, index: usize, data: &str) -> Option<Vec<Vec<Diagnostic>>> {
    let file = course.lessons.get(index)?.file;
    let own = std::slice::from_ref(course.files.get(file.0)?);
    let stored: Vec<Vec<StoredDiagnostic>> = serde_json::from_str(data).ok()?;
    stored
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|diagnostic| Some(in_file(diagnostic.restore(own)?, file)))
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

/// `diagnostic` with every span in `file`.
fn in_file(mut diagnostic: Diagnostic, file: FileId) -> Diagnostic {
    diagnostic.span.file = file;
    for label in &mut diagnostic.related {
        label.span.file = file;
    }
    diagnostic
}
