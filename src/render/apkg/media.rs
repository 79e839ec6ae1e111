//! Images referenced by answers, packed as Anki media. Finding and resolving them is
//! [`crate::assets`]' job (shared with the structure check, which already reported every missing
//! or out-of-project path before a build gets here); this module reads the files and gives each a
//! flat, content-addressed name for Anki's media folder.
//!
//! A content-addressed name (`diagram-<64 hex digits>.png`, the whole SHA-256: a shorter hash
//! lets two different images share a name, and Anki then shows one of them on both notes) matters because Anki never overwrites a media
//! file that already exists under the same name: a changed image gets a new name, so the note's
//! field changes, its `mod` advances, and the import brings the new picture.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::RenderError;
use crate::assets::{self, AssetKind, AssetSource};
use crate::confine::Limit;
use crate::model::{Course, Lesson};

/// The media of a package: flat file name -> bytes, sorted by name.
pub type MediaFiles = BTreeMap<String, Vec<u8>>;

/// What one item's images became: destination as written -> packed name.
pub type ItemMedia = BTreeMap<String, String>;

/// Reads every local image of `lesson`'s questions and answers into `files`, confined to the
/// project and to `limit` bytes each; returns each item's mapping. Remote images (`https:`) and
/// absolute paths are left to Anki, as `assets` leaves them.
pub fn collect(
    course: &Course,
    lesson: &Lesson,
    asset_source: &dyn AssetSource,
    limit: Limit,
    files: &mut MediaFiles,
) -> Result<BTreeMap<String, ItemMedia>, RenderError> {
    let mut by_item = BTreeMap::new();
    for item in &lesson.items {
        let mut mapping = ItemMedia::new();
        for reference in assets::item_references(course, lesson, item) {
            // A reference without a project path was reported by the structure check.
            let (AssetKind::Image, Some(relative)) = (reference.kind, &reference.project_path)
            else {
                continue;
            };
            // The structure check refused what this read refuses; it fails here only when the file
            // changed since.
            let bytes =
                asset_source
                    .read(relative, limit)
                    .map_err(|source| RenderError::Other {
                        context: format!("failed to read image `{}`", relative.display()),
                        source: Box::new(source),
                    })?;
            let name = media_name(relative, &bytes);
            files.insert(name.clone(), bytes);
            mapping.insert(reference.url.clone(), name);
        }
        by_item.insert(item.id.clone(), mapping);
    }
    Ok(by_item)
}

/// `<stem>-<SHA-256(bytes) in hex>.<ext>`, with characters outside `[A-Za-z0-9_-]` replaced by
/// `-` (Anki's media folder is flat and shared across devices).
pub fn media_name(path: &std::path::Path, bytes: &[u8]) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let stem = path
        .file_stem()
        .map(|stem| clean(&stem.to_string_lossy()))
        .unwrap_or_default();
    let digest = Sha256::digest(bytes);
    let hash: String = super::hex(&digest);
    match path.extension() {
        Some(ext) => format!("{stem}-{hash}.{}", clean(&ext.to_string_lossy())),
        None => format!("{stem}-{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn names_are_flat_safe_and_content_addressed() {
        let a = media_name(Path::new("source/img/my diagram.v2.png"), b"one");
        let b = media_name(Path::new("source/img/my diagram.v2.png"), b"two");
        assert!(
            a.starts_with("my-diagram-v2-") && a.ends_with(".png"),
            "{a}"
        );
        assert_eq!(a.len(), "my-diagram-v2-".len() + 64 + ".png".len());
        assert_ne!(a, b);
    }
}
