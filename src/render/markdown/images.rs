//! The images of the study guides, copied into `out/` so that every image link of
//! `out/<lesson-id>.md` resolves there as it does next to the lesson.
//!
//! An image is copied at the path its link names, relative to `out/` (`img/frame.png` becomes
//! `out/img/frame.png`), so the guide keeps the author's links. Two cases cannot keep them: a link
//! that climbs out of `out/` (`../shared/frame.png`: `out/` is flat, the lesson was not), and two
//! different images at one linked path (two lessons in different folders, each with its own
//! `img/frame.png`). Those are copied to `media/<stem>-<SHA-256>.<ext>`, the content-addressed name
//! the Anki package uses, and the guide's link is rewritten to it. The files are read through the
//! build's [`AssetSource`](crate::assets::AssetSource), confined to the project and the image size
//! limit like the Anki media, and written by the one output writer inside the staged `out/`.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::assets::{self, AssetKind};
use crate::model::{Item, Lesson};
use crate::render::apkg::media::media_name;
use crate::render::{Artifact, RenderContext, RenderError};

/// The folder of `out/` for images that cannot keep their linked path.
const MEDIA_DIR: &str = "media";

/// Every image the guides of one build show: path under `out/` -> bytes.
#[derive(Debug, Default)]
pub struct GuideImages {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

/// The links of one item that must change: destination as written -> new destination.
pub type Relinks = BTreeMap<String, String>;

impl GuideImages {
    /// Reads the local images of `item`'s question and answer, places each under `out/`, and
    /// returns the links that had to move.
    pub fn collect(
        &mut self,
        ctx: &RenderContext<'_>,
        lesson: &Lesson,
        item: &Item,
    ) -> Result<Relinks, RenderError> {
        let mut relinks = Relinks::new();
        for reference in assets::item_references(ctx.course, lesson, item) {
            // A reference without a project path was reported by the structure check.
            let (AssetKind::Image, Some(source)) = (reference.kind, &reference.project_path) else {
                continue;
            };
            let bytes = ctx
                .assets
                .read(source, ctx.config.project.limits.image())
                .map_err(|error| RenderError::Other {
                    context: format!("failed to read image `{}`", source.display()),
                    source: Box::new(error),
                })?;
            let linked = assets::local_path(&reference.url).and_then(|path| inside_out(&path));
            match linked {
                Some(at) if self.files.get(&at).is_none_or(|held| *held == bytes) => {
                    self.files.insert(at, bytes);
                }
                _ => {
                    let name = format!("{MEDIA_DIR}/{}", media_name(source, &bytes));
                    self.files.insert(PathBuf::from(&name), bytes);
                    relinks.insert(reference.url.clone(), name);
                }
            }
        }
        Ok(relinks)
    }

    /// The images as output files, sorted by path.
    pub fn into_artifacts(self) -> impl Iterator<Item = Artifact> {
        self.files
            .into_iter()
            .map(|(path, bytes)| Artifact::new(path, bytes))
    }
}

/// `path` (a link relative to the guide) as a path under `out/`: normalized, and `None` when it
/// climbs out of `out/` or names no file.
fn inside_out(path: &str) -> Option<PathBuf> {
    let normalized = assets::normalize_lexically(Path::new(path))?;
    let plain = normalized
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    (plain && normalized.file_name().is_some()).then_some(normalized)
}

/// `markdown` with the destinations in `relinks` replaced, in inline links (`](dest)`,
/// `](<dest>)`, `](dest "title")`) and link reference definitions (`]: dest`).
pub fn relink(markdown: &str, relinks: &Relinks) -> String {
    let mut out = markdown.to_owned();
    for (old, new) in relinks {
        for (before, after) in [("](", ")"), ("](", " "), ("](<", ">"), ("]: ", "")] {
            out = out.replace(
                &format!("{before}{old}{after}"),
                &format!("{before}{new}{after}"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_paths_stay_inside_out() {
        assert_eq!(inside_out("img/a.png"), Some(PathBuf::from("img/a.png")));
        assert_eq!(inside_out("./img/../a.png"), Some(PathBuf::from("a.png")));
        assert_eq!(inside_out("../shared/a.png"), None);
        assert_eq!(inside_out("img/.."), None);
    }

    #[test]
    fn relink_rewrites_destinations_only() {
        let relinks = Relinks::from([("../a.png".to_owned(), "media/a-1.png".to_owned())]);
        assert_eq!(
            relink(
                "see ../a.png: ![x](../a.png) ![y](<../a.png>) ![z](../a.png \"t\")",
                &relinks
            ),
            "see ../a.png: ![x](media/a-1.png) ![y](<media/a-1.png>) ![z](media/a-1.png \"t\")"
        );
        assert_eq!(relink("[r]: ../a.png\n", &relinks), "[r]: media/a-1.png\n");
    }
}
