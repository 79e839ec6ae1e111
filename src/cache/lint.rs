//! Each lesson's lint results: what the rules that read one lesson alone reported for it (see
//! [`crate::lint::run_rules_by_lesson`]), kept under the lesson's key, so that a build checks
//! again only the lessons that changed. Spans are stored relative to the lesson's own file (its
//! index in the project moves when a file is added before it).

use super::BuildCache;
use super::stored::StoredDiagnostic;
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::Course;

/// The name of the result in keys and in `--verbose`.
const LINT: &str = "lint";

impl BuildCache {
    /// The per-lesson rules' diagnostics of the lesson at `index` of `course`, as the build that
    /// last checked the same lesson left them; `None` when there are none to trust.
    pub fn lint_of(&self, course: &Course, index: usize) -> Option<Vec<Diagnostic>> {
        let key = self.lesson_key(index, LINT, &[]);
        let hit = self.get(key.as_ref(), Some((index, LINT)))?;
        let file = course.lessons.get(index)?.file;
        let restored = serde_json::from_str::<Vec<StoredDiagnostic>>(&hit.data)
            .ok()
            .and_then(|stored| {
                let own = std::slice::from_ref(course.files.get(file.0)?);
                stored
                    .iter()
                    .map(|diagnostic| Some(in_file(diagnostic.restore(own)?, file)))
                    .collect::<Option<Vec<_>>>()
            });
        if restored.is_none() {
            self.made_again(index, LINT);
        }
        restored
    }

    /// Keeps `diagnostics`, the per-lesson rules' findings in the lesson at `index` of `course`,
    /// for the next build. Nothing is kept when one points outside the lesson's file.
    pub fn put_lint(&self, course: &Course, index: usize, diagnostics: &[Diagnostic]) {
        let Some(lesson) = course.lessons.get(index) else {
            return;
        };
        let inside = diagnostics.iter().all(|diagnostic| {
            diagnostic.span.file == lesson.file
                && (diagnostic.related.iter()).all(|label| label.span.file == lesson.file)
        });
        if !inside {
            return;
        }
        let stored: Vec<StoredDiagnostic> = diagnostics
            .iter()
            .map(|diagnostic| StoredDiagnostic::of(&in_file(diagnostic.clone(), FileId(0))))
            .collect();
        // Strings and numbers only: serializing cannot fail.
        let data = serde_json::to_string(&stored).unwrap_or_default();
        let key = self.lesson_key(index, LINT, &[]);
        self.put(key.as_ref(), &[], &data);
    }
}

/// `diagnostic` with every span in `file`.
fn in_file(mut diagnostic: Diagnostic, file: FileId) -> Diagnostic {
    diagnostic.span.file = file;
    for label in &mut diagnostic.related {
        label.span.file = file;
    }
    diagnostic
}
