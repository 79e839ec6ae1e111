//! Line and column of byte offsets. Each file's line starts are found once (one pass over its
//! text), then every lookup is a binary search: a report of 10k diagnostics in an 11 MB lesson
//! must not rescan the file from its start for each of them.

use std::cell::OnceCell;
use std::ops::Range;

use crate::diagnostic::FileId;
use crate::model::SourceFile;

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// The byte offset where each line of one text starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// `starts[n]` is where line `n + 1` starts; `starts[0]` is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (lines end at `\n`; a `\r` before it belongs to the line).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(at, _)| at + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        // The number of line starts at or before `offset`.
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The line and column of byte `offset` in `text` (the text this index was built from),
    /// clamped to the text and to a char boundary.
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let line_start = self.starts[line - 1];
        let column = text[line_start..offset].chars().count() + 1;
        LineColumn { line, column }
    }

    /// The bytes of 1-based lines `first..=last` of a text of `len` bytes, with the newline that
    /// ends `last` (lines past the end are clamped).
    pub fn lines_range(&self, first: usize, last: usize, len: usize) -> Range<usize> {
        let start = self
            .starts
            .get(first.max(1) - 1)
            .copied()
            .unwrap_or(len)
            .min(len);
        let end = self.starts.get(last.max(first)).copied().unwrap_or(len);
        start..end.max(start)
    }
}

/// Line indexes of a course's files, each built the first time a diagnostic in it asks.
#[derive(Debug)]
pub struct Lines<'a> {
    files: &'a [SourceFile],
    indexes: Vec<OnceCell<LineIndex>>,
}

impl<'a> Lines<'a> {
    /// No file indexed yet.
    pub fn new(files: &'a [SourceFile]) -> Self {
        Lines {
            files,
            indexes: files.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// The index of one file.
    pub fn of_file(&self, file: FileId) -> &LineIndex {
        self.indexes[file.0].get_or_init(|| LineIndex::new(&self.files[file.0].text))
    }

    /// The line and column of byte `offset` in `file`.
    pub fn line_column(&self, file: FileId, offset: usize) -> LineColumn {
        self.of_file(file)
            .line_column(&self.files[file.0].text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious rescan from the start, which the index must agree with.
    fn rescan(text: &str, offset: usize) -> LineColumn {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        LineColumn {
            line: before.matches('\n').count() + 1,
            column: text[line_start..offset].chars().count() + 1,
        }
    }

    #[test]
    fn agrees_with_a_rescan_at_every_offset() {
        for text in ["", "\n", "a", "ab\ncd", "é\r\nß\n\nxyz\n", "\n\nlast"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_column(text, offset),
                    rescan(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn lines_range_covers_whole_lines() {
        let text = "one\ntwo\nthree";
        let index = LineIndex::new(text);
        assert_eq!(&text[index.lines_range(2, 2, text.len())], "two\n");
        assert_eq!(&text[index.lines_range(2, 3, text.len())], "two\nthree");
        assert_eq!(&text[index.lines_range(1, 9, text.len())], text);
        assert_eq!(index.lines_range(9, 9, text.len()), text.len()..text.len());
    }
}
