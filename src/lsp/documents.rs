//! The documents the editor has open: their unsaved text, kept in step with every change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Url};

use super::position::{Encoding, LineIndex};

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's URI as the editor names it (diagnostics are published under it).
    pub uri: Url,
    /// The editor's version of the text, echoed in published diagnostics.
    pub version: i32,
    /// The whole text as the editor has it, saved or not.
    pub text: String,
}

impl Document {
    /// Applies changes in order, as the protocol says: each range is in the text left by the
    /// change before it; a change without a range replaces the whole text.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&self.text, encoding);
                    let start = index.offset(&self.text, range.start);
                    let end = index.offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.version = version;
    }
}

/// Open documents by file path (documents that are not files, such as `untitled:`, are ignored:
/// a lesson belongs to a project folder).
#[derive(Debug, Default)]
pub struct Documents {
    open: BTreeMap<PathBuf, Document>,
}

impl Documents {
    /// Starts tracking a document; returns its path, or `None` when it is not a file.
    pub fn open(&mut self, uri: Url, version: i32, text: String) -> Option<PathBuf> {
        let path = uri.to_file_path().ok()?;
        self.open
            .insert(path.clone(), Document { uri, version, text });
        Some(path)
    }

    /// The open document at `uri`, with its path.
    pub fn get_mut(&mut self, uri: &Url) -> Option<(PathBuf, &mut Document)> {
        let path = uri.to_file_path().ok()?;
        let document = self.open.get_mut(&path)?;
        Some((path, document))
    }

    /// The open document at `uri`, with its path.
    pub fn get(&self, uri: &Url) -> Option<(PathBuf, &Document)> {
        let path = uri.to_file_path().ok()?;
        let document = self.open.get(&path)?;
        Some((path, document))
    }

    /// Stops tracking a document; returns it.
    pub fn close(&mut self, uri: &Url) -> Option<(PathBuf, Document)> {
        let path = uri.to_file_path().ok()?;
        let document = self.open.remove(&path)?;
        Some((path, document))
    }

    /// The open document at `path`.
    pub fn at(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    /// Every open document under `folder`, by path.
    pub fn under<'a>(&'a self, folder: &'a Path) -> impl Iterator<Item = (&'a Path, &'a Document)> {
        self.open
            .iter()
            .filter(move |(path, _)| path.starts_with(folder))
            .map(|(path, document)| (path.as_path(), document))
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(start, end)| {
                Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri = Url::parse("file:///p/source/a.md").expect("valid uri");
        let mut document = Document {
            uri,
            version: 1,
            text: "### Q é?\nanswer\n".to_owned(),
        };
        document.apply(
            2,
            vec![
                // Insert after "é?" (UTF-16 column 8), then replace "answer" on the line below.
                change(Some(((0, 8), (0, 8))), " {#q}"),
                change(Some(((1, 0), (1, 6))), "new\nlines"),
                change(Some(((2, 5), (2, 5))), "!"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(document.text, "### Q é? {#q}\nnew\nlines!\n");
        assert_eq!(document.version, 2);
        document.apply(3, vec![change(None, "all new")], Encoding::Utf16);
        assert_eq!(document.text, "all new");
    }
}
