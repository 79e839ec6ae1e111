//! Files that answers point at: images (`![alt](path)`) and relative links (`[text](path)`).
//!
//! One place finds and resolves them, so that the structure check (a broken path is an error at
//! its file:line:col) and the renderers that pack images (Anki media, the cheat sheet) agree on
//! what a path means: relative to the lesson file, and never outside the project: lexically here,
//! and on the file system (symlinks resolved, special files and oversized images refused) through
//! [`crate::confine`].

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;

use crate::codes;
use crate::confine::{Limit, ProjectRoot, ReadError};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Course, Item, Lesson};

/// Where the files that lessons refer to (images, linked files) are found. A build's is the
/// project on disk, confined ([`ProjectRoot`], made by the load stage); a test or an editor may
/// hold them in memory ([`MemoryAssets`]). The check and render stages see only this trait, so
/// that they never touch the disk themselves.
pub trait AssetSource: std::fmt::Debug + Send + Sync {
    /// Checks, without reading, that `path` (relative to the project root) is a regular file of
    /// the project no larger than `limit`.
    fn check(&self, path: &Path, limit: Limit) -> Result<(), ReadError>;
    /// Reads `path` (relative to the project root) under the same conditions.
    fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError>;
}

impl AssetSource for ProjectRoot {
    fn check(&self, path: &Path, limit: Limit) -> Result<(), ReadError> {
        ProjectRoot::check(self, path, limit)
    }

    fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
        ProjectRoot::read(self, path, limit)
    }
}

/// Files held in memory, by path relative to the project root (`source/img/a.png`).
#[derive(Debug, Default, Clone)]
pub struct MemoryAssets {
    /// The files.
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl AssetSource for MemoryAssets {
    fn check(&self, path: &Path, limit: Limit) -> Result<(), ReadError> {
        self.read(path, limit).map(|_| ())
    }

    fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
        let bytes = self.files.get(path).ok_or(ReadError::NotFound)?;
        if bytes.len() as u64 > limit.bytes {
            return Err(ReadError::TooLarge {
                limit: limit.bytes,
                setting: limit.setting,
            });
        }
        Ok(bytes.clone())
    }
}

/// What kind of reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetKind {
    /// `![alt](path)`: packed with the outputs.
    Image,
    /// `[text](path)` to a local file.
    Link,
}

/// A reference from an answer to a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRef {
    /// Image or link.
    pub kind: AssetKind,
    /// The destination as written.
    pub url: String,
    /// The path relative to the project root, normalized (`source/img/a.png`); `None` when it
    /// climbs out of the project.
    pub project_path: Option<PathBuf>,
    /// The whole `![...](...)` or `[...](...)` in the source.
    pub span: Span,
    /// The item whose question or answer holds it.
    pub item_id: String,
}

/// Every local reference in the question and the answer of `item` (pure: no file system access).
/// URLs with a scheme (`https:`, `mailto:`), absolute paths and in-page anchors (`#id`) are not
/// local files. Found once per item, on first use, and kept with it: the structure check, the
/// build cache's keys, the packages' media and the guides' images all read them.
pub fn item_references<'a>(course: &Course, lesson: &Lesson, item: &'a Item) -> &'a [AssetRef] {
    item.references.get_or_init(|| {
        let mut found = Vec::new();
        // The question is Markdown too (rendered into the card's front), so its images are packed.
        for range in [&item.question_span.range, &item.answer_span.range] {
            references_in(course, lesson, item, range.clone(), &mut found);
        }
        found
    })
}

fn references_in(
    course: &Course,
    lesson: &Lesson,
    item: &Item,
    answer: std::ops::Range<usize>,
    found: &mut Vec<AssetRef>,
) {
    let file = course.file(lesson.file);
    let lesson_dir = file.path.parent().unwrap_or(Path::new(""));
    let Some(markdown) = file.text.get(answer.clone()) else {
        return;
    };
    if !crate::parse::may_hold_links_or_html(markdown) {
        return;
    }
    let parser = Parser::new_ext(markdown, crate::parse::markdown_options());
    for (event, range) in parser.into_offset_iter() {
        let (kind, url) = match event {
            Event::Start(Tag::Image { dest_url, .. }) => (AssetKind::Image, dest_url),
            Event::Start(Tag::Link { dest_url, .. }) => (AssetKind::Link, dest_url),
            _ => continue,
        };
        let Some(local) = local_path(&url) else {
            continue;
        };
        found.push(AssetRef {
            kind,
            url: url.to_string(),
            // A reference is relative to the lesson; anything that resolves to an absolute path or
            // above the root is outside the project.
            project_path: normalize_lexically(&lesson_dir.join(local))
                .filter(|path| path.is_relative()),
            span: Span::new(
                lesson.file,
                answer.start + range.start..answer.start + range.end,
            ),
            item_id: item.id.clone(),
        });
    }
}

/// Every local reference in the course, in build order; found on every core the first time.
pub fn references(course: &Course) -> impl Iterator<Item = &AssetRef> {
    course.lessons.par_iter().for_each(|lesson| {
        for item in &lesson.items {
            item_references(course, lesson, item);
        }
    });
    course
        .items()
        .flat_map(|(lesson, item)| item_references(course, lesson, item))
}

/// Reports references that leave the project (lexically or through a symlink), point at no
/// regular file of `assets`, or at an image larger than `image_limit`.
pub fn check_references(
    course: &Course,
    assets: &dyn AssetSource,
    image_limit: Limit,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for reference in references(course) {
        let (what, limit) = match reference.kind {
            AssetKind::Image => ("image", image_limit),
            // A link is only checked, never read: its size does not matter.
            AssetKind::Link => (
                "link",
                Limit {
                    bytes: u64::MAX,
                    setting: "",
                },
            ),
        };
        let outside = "keep images and linked files inside the project (e.g. next to the lesson) and use a relative path";
        let problem = match &reference.project_path {
            None => Some((
                format!("{what} `{}` points outside the project", reference.url),
                outside,
            )),
            Some(path) => match assets.check(path, limit) {
                Ok(()) => None,
                Err(ReadError::NotFound) => Some((
                    format!(
                        "{what} `{}` not found (looked for `{}`)",
                        reference.url,
                        path.display()
                    ),
                    "paths are relative to the lesson file; fix the path or add the file",
                )),
                Err(error @ ReadError::Outside { .. }) => Some((
                    format!("{what} `{}` is refused: {error}", reference.url),
                    "a symlink may not lead out of the project: copy the file in instead",
                )),
                Err(error @ ReadError::TooLarge { .. }) => Some((
                    format!("{what} `{}` is refused: {error}", reference.url),
                    "shrink the image, or raise `limits.image-bytes` in cardsmith.toml",
                )),
                Err(error) => Some((
                    format!("{what} `{}` cannot be used: {error}", reference.url),
                    "point at a regular file inside the project",
                )),
            },
        };
        if let Some((message, help)) = problem {
            diagnostics.push(
                Diagnostic::new(codes::BROKEN_REFERENCE, reference.span.clone(), message)
                    .with_help(help)
                    .with_item(reference.item_id.clone()),
            );
        }
    }
    diagnostics
}

/// The local file part of a destination, percent-decoded, without `?query` or `#fragment`; `None`
/// for URLs with a scheme, absolute paths, and pure anchors.
pub fn local_path(url: &str) -> Option<String> {
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || url.starts_with('/') || url.starts_with('#') || url.is_empty() {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    Some(percent_decode(path))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let decoded = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves `.` and `..` lexically, without touching the file system (so it works for files
/// that do not exist yet); `None` when a `..` would climb above the path's start (its root, for an
/// absolute path).
pub fn normalize_lexically(path: &Path) -> Option<PathBuf> {
    let mut base = PathBuf::new();
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => base.push(component),
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
        }
    }
    base.extend(parts);
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_exclude_urls_anchors_and_absolute_paths() {
        assert_eq!(
            local_path("img/a%20b.png?x=1#top"),
            Some("img/a b.png".to_owned())
        );
        assert_eq!(local_path("https://example.com/a.png"), None);
        assert_eq!(local_path("mailto:someone@example.com"), None);
        assert_eq!(local_path("#exactly-once"), None);
        assert_eq!(local_path("/etc/passwd"), None);
    }

    #[test]
    fn normalize_refuses_to_climb_out() {
        assert_eq!(
            normalize_lexically(Path::new("source/a/../img/x.png")),
            Some(PathBuf::from("source/img/x.png"))
        );
        assert_eq!(normalize_lexically(Path::new("source/../../x.png")), None);
        assert_eq!(
            normalize_lexically(Path::new("/work/a/./b/../c")),
            Some(PathBuf::from("/work/a/c"))
        );
        assert_eq!(normalize_lexically(Path::new("/..")), None);
    }
}
