//! The smallest typst [`World`] that lays out a sheet: the template and the math scope it imports
//! (`/cardsmith-math.typ`), the sheet as `sys.inputs`, the fonts embedded in the binary, no files, no packages, no clock.
//!
//! Keeping the world this closed is what makes the PDF the same on every machine: no system font
//! can change the layout, and no date can change the bytes.

use std::cell::RefCell;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The fonts compiled into the binary (typst-assets): Libertinus Serif, New Computer Modern,
/// DejaVu Sans Mono. Loaded once per process.
pub static FONTS: LazyLock<FontStore> = LazyLock::new(|| {
    let mut fonts = FontStore::new();
    fonts.extend(typst_kit::fonts::embedded());
    fonts
});

/// A world holding the sheet template and one lesson's data.
pub struct SheetWorld {
    library: LazyHash<Library>,
    main: Source,
    /// `/cardsmith-math.typ`: the scope formulas are evaluated with (see `math.rs`).
    math_scope: Source,
}

impl SheetWorld {
    /// A world whose main file is `template`, with `inputs` as `sys.inputs`.
    pub fn new(template: &str, inputs: Vec<(&str, String)>) -> SheetWorld {
        let mut dict = Dict::new();
        for (key, value) in inputs {
            dict.insert(key.into(), value.into_value());
        }
        SheetWorld {
            library: LazyHash::new(Library::builder().with_inputs(dict).build()),
            main: parsed(template),
            math_scope: MATH_SCOPE.clone(),
        }
    }

    /// The template as typst parsed it (to place its errors).
    pub fn main_source(&self) -> &Source {
        &self.main
    }
}

impl World for SheetWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        FONTS.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.math_scope.id() {
            Ok(self.math_scope.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id).map(Bytes::from_string)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// `/cardsmith-math.typ`, parsed once per process.
static MATH_SCOPE: LazyLock<Source> = LazyLock::new(|| {
    let path = VirtualPath::new("/cardsmith-math.typ")
        .expect("`/cardsmith-math.typ` is a valid virtual path");
    let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    Source::new(id, super::math::SCOPE_SOURCE.to_owned())
});

thread_local! {
    /// The template last parsed on this thread: a fit lays the same one out several times.
    static TEMPLATE: RefCell<Option<Source>> = const { RefCell::new(None) };
}

/// `template` as `/sheet.typ`, parsed, or the same source again when it is the last one parsed on
/// this thread.
fn parsed(template: &str) -> Source {
    TEMPLATE.with(|last| {
        let mut last = last.borrow_mut();
        if let Some(source) = last.as_ref().filter(|source| source.text() == template) {
            return source.clone();
        }
        let path = VirtualPath::new("/sheet.typ").expect("`/sheet.typ` is a valid virtual path");
        let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
        let source = Source::new(id, template.to_owned());
        *last = Some(source.clone());
        source
    })
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
