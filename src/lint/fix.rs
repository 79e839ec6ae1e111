//! `cardsmith check --fix`: the one fix applied automatically, adding missing item ids. Every
//! other fix is a help line: rewording an answer is the author's call.

use std::collections::HashSet;

use crate::diagnostic::FileId;
use crate::model::Course;
use crate::parse::slugify;

/// A file's new text after fixing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    /// Which file.
    pub file: FileId,
    /// Its whole new text.
    pub text: String,
    /// How many ids were added.
    pub ids_added: usize,
}

/// Adds ` {#slug}` to every question heading without an id: the slug of the question, made unique
/// in the project with `-2`, `-3`, ... Returns only the files that change.
pub fn add_missing_ids(course: &Course) -> Vec<FixedFile> {
    let mut taken: HashSet<String> = course
        .items()
        .filter(|(_, item)| item.id_span.is_some())
        .map(|(_, item)| item.id.clone())
        .collect();
    let mut fixed = Vec::new();
    for lesson in &course.lessons {
        let mut inserts: Vec<(usize, String)> = Vec::new();
        for item in lesson.items.iter().filter(|item| item.id_span.is_none()) {
            let base = slugify(&item.question);
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(slug.clone());
            inserts.push((item.heading_span.range.end, format!(" {{#{slug}}}")));
        }
        if inserts.is_empty() {
            continue;
        }
        let mut text = course.file(lesson.file).text.clone();
        for (at, insert) in inserts.iter().rev() {
            text.insert_str(*at, insert);
        }
        fixed.push(FixedFile {
            file: lesson.file,
            text,
            ids_added: inserts.len(),
        });
    }
    fixed
}
