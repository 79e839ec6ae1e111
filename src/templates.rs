//! Templates: defaults embedded in the binary (so `cargo install` works anywhere), each replaced by
//! a file of the same name in the project's `templates/` folder when there is one. Overrides are
//! read through [`crate::confine`]: one that resolves outside the project, is not a regular file
//! or is larger than [`OVERRIDE_LIMIT`] is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::Environment;
use sha2::{Digest, Sha256};

use crate::confine::{Limit, ProjectRoot, ReadError};
use minijinja::syntax::SyntaxConfig;

/// Every embedded template: its name (also the override's file name) and its text.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("lesson.md", include_str!("../templates/lesson.md")),
    ("sheet.html", include_str!("../templates/sheet.html")),
];

/// Files used verbatim, never through minijinja: Anki's card templates (its own `{{Field}}`
/// syntax) and their CSS, and the typst source of the PDF cheat sheet (which gets its content as
/// data, never spliced in). Overridden the same way, by `templates/<name>`.
pub const RAW_DEFAULTS: &[(&str, &str)] = &[
    (
        "anki/forward-front.html",
        include_str!("../templates/anki/forward-front.html"),
    ),
    (
        "anki/forward-back.html",
        include_str!("../templates/anki/forward-back.html"),
    ),
    (
        "anki/reverse-front.html",
        include_str!("../templates/anki/reverse-front.html"),
    ),
    (
        "anki/reverse-back.html",
        include_str!("../templates/anki/reverse-back.html"),
    ),
    (
        "anki/cloze-front.html",
        include_str!("../templates/anki/cloze-front.html"),
    ),
    (
        "anki/cloze-back.html",
        include_str!("../templates/anki/cloze-back.html"),
    ),
    (
        "anki/style.css",
        include_str!("../templates/anki/style.css"),
    ),
    ("sheet.typ", include_str!("../templates/sheet.typ")),
];

/// The largest template override read (far above any real template; it only bounds the read).
pub const OVERRIDE_LIMIT: Limit = Limit {
    bytes: 1024 * 1024,
    setting: "",
};

/// The template set of one project.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    raw: BTreeMap<&'static str, String>,
    /// SHA-256 of every template's name and text, as loaded (see [`Templates::digest`]).
    digest: [u8; 32],
}

/// Why the templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// An override exists but cannot be read, or is refused.
    #[error("failed to read template override `{}`", path.display())]
    Read {
        /// The override file.
        path: PathBuf,
        /// Why.
        source: ReadError,
    },
    /// A template does not compile or fails while rendering.
    #[error("template `{name}` failed")]
    Render {
        /// Template name.
        name: String,
        /// minijinja's error, with the template line.
        source: minijinja::Error,
    },
}

impl Templates {
    /// The embedded defaults, each replaced by the file of the same name in `overrides_dir` if any;
    /// overrides may not resolve outside `overrides_dir`.
    pub fn load(overrides_dir: Option<&Path>) -> Result<Templates, TemplateError> {
        Templates::load_confined(overrides_dir.map(|dir| (dir, dir)))
    }

    /// The defaults with the overrides in `overrides_dir`, which may not resolve outside the
    /// project at `root`.
    pub fn for_project(root: &Path, overrides_dir: &Path) -> Result<Templates, TemplateError> {
        Templates::load_confined(Some((overrides_dir, root)))
    }

    /// `overrides`: the folder of overrides and the root they must stay inside.
    fn load_confined(overrides: Option<(&Path, &Path)>) -> Result<Templates, TemplateError> {
        let overrides = match overrides {
            // A missing folder has no overrides, and nothing to confine.
            Some((dir, root)) if dir.exists() => Some((
                dir,
                ProjectRoot::new(root).map_err(|source| TemplateError::Read {
                    path: dir.to_path_buf(),
                    source: ReadError::Io(source),
                })?,
            )),
            _ => None,
        };
        let overrides = overrides.as_ref().map(|(dir, root)| (*dir, root));
        let mut env = Environment::new();
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are a valid syntax"),
        );
        let mut digest = Sha256::new();
        let mut digest_of = |name: &str, source: &str| {
            for part in [name, source] {
                digest.update((part.len() as u64).to_le_bytes());
                digest.update(part.as_bytes());
            }
        };
        for (name, default) in DEFAULTS {
            let source = read_override(overrides, name, default)?;
            digest_of(name, &source);
            env.add_template_owned(*name, source)
                .map_err(|source| TemplateError::Render {
                    name: (*name).to_owned(),
                    source,
                })?;
        }
        let mut raw = BTreeMap::new();
        for (name, default) in RAW_DEFAULTS {
            let source = read_override(overrides, name, default)?;
            digest_of(name, &source);
            raw.insert(*name, source);
        }
        Ok(Templates {
            env,
            raw,
            digest: digest.finalize().into(),
        })
    }

    /// A SHA-256 of every template as loaded (defaults and the project's overrides): the build
    /// cache's key changes with any template.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// A verbatim file of [`RAW_DEFAULTS`] (the project's override if any).
    ///
    /// # Panics
    /// When `name` is not listed in [`RAW_DEFAULTS`]: callers name them with constants.
    pub fn raw(&self, name: &str) -> &str {
        self.raw
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` is not a raw template"))
    }

    /// The embedded defaults only.
    pub fn embedded() -> Templates {
        Templates::load(None).expect("embedded templates compile: tested in templates::tests")
    }

    /// Renders template `name` with `context`.
    pub fn render(
        &self,
        name: &str,
        context: impl serde::Serialize,
    ) -> Result<String, TemplateError> {
        let error = |source| TemplateError::Render {
            name: name.to_owned(),
            source,
        };
        self.env
            .get_template(name)
            .map_err(error)?
            .render(minijinja::value::Serde(context))
            .map_err(error)
    }
}

/// The override of `name` under `overrides_dir` when it exists, else `default`.
fn read_override(
    overrides: Option<(&Path, &ProjectRoot)>,
    name: &str,
    default: &str,
) -> Result<String, TemplateError> {
    let Some((dir, root)) = overrides else {
        return Ok(default.to_owned());
    };
    let path = dir.join(name);
    match root.read(&path, OVERRIDE_LIMIT) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|error| TemplateError::Read {
            path,
            source: ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, error)),
        }),
        Err(ReadError::NotFound) => Ok(default.to_owned()),
        Err(source) => Err(TemplateError::Read { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo install` copies only the binary: every file of `templates/` must be compiled in
    /// (by an `include_str!` naming it), or an installed cardsmith would miss it.
    #[test]
    fn every_template_file_is_compiled_in() {
        let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let sources: String = walkdir::WalkDir::new(crate_root.join("src"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
            .map(|entry| std::fs::read_to_string(entry.path()).expect("source is UTF-8"))
            .collect();
        let templates = crate_root.join("templates");
        for entry in walkdir::WalkDir::new(&templates) {
            let entry = entry.expect("templates/ is readable");
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(crate_root)
                .expect("under the crate");
            let name = relative.to_str().expect("UTF-8 name").replace('\\', "/");
            assert!(
                sources.contains(&format!("include_str!(\"../{name}\")"))
                    || sources.contains(&format!("include_str!(\"../../{name}\")"))
                    || sources.contains(&format!("include_str!(\"../../../{name}\")")),
                "`{name}` is not compiled in"
            );
        }
    }

    #[test]
    fn embedded_templates_compile() {
        let templates = Templates::embedded();
        for (name, _) in DEFAULTS {
            assert!(templates.env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_project_file_overrides_the_default() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("lesson.md"), "custom {{ lesson.title }}").expect("write");
        let templates = Templates::load(Some(dir.path())).expect("loads");
        let text = templates
            .render(
                "lesson.md",
                minijinja::context! { lesson => minijinja::context! { title => "T" } },
            )
            .expect("renders");
        assert_eq!(text, "custom T");
    }

    #[test]
    fn raw_files_are_kept_verbatim_and_overridable() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("anki")).expect("mkdir");
        std::fs::write(dir.path().join("anki/style.css"), ".card {}").expect("write");
        let templates = Templates::load(Some(dir.path())).expect("loads");
        assert_eq!(templates.raw("anki/style.css"), ".card {}");
        assert!(
            templates
                .raw("anki/forward-front.html")
                .contains("{{Question}}")
        );
    }
}
