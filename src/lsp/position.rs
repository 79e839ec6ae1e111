//! Byte offsets (what cardsmith's spans hold) to LSP positions and back.
//!
//! An LSP position is a 0-based line and a column counted in the negotiated encoding: UTF-16 code
//! units unless the client offers UTF-8 (LSP 3.17 `general.positionEncodings`). Lines end at
//! `\n`; a `\r` before it belongs to the line's end, so a column past the text clamps before it.

use lsp_types::{Position, PositionEncodingKind, Range};

/// How a column counts the characters before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes, when the client accepts them (no conversion at all).
    Utf8,
    /// UTF-16 code units: the protocol's default, which every client supports.
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it, else the protocol's UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name the server announces in its capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Where each line of a text starts, for conversions in both directions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    /// Indexes `text`'s lines.
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts, encoding }
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let before = &text[self.starts[line]..offset];
        let column = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(to_u32(line), to_u32(column))
    }

    /// The range of a byte range.
    pub fn range(&self, text: &str, range: &std::ops::Range<usize>) -> Range {
        Range::new(
            self.position(text, range.start),
            self.position(text, range.end),
        )
    }

    /// The byte offset of a position. A line past the end gives the end of the text; a column
    /// past the end of its line gives the end of that line (before its `\r\n`), as LSP asks.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, character) in line.char_indices() {
            if counted >= wanted {
                return start + at;
            }
            counted += match self.encoding {
                Encoding::Utf8 => character.len_utf8(),
                Encoding::Utf16 => character.len_utf16(),
            };
        }
        start + line.len()
    }
}

/// LSP numbers are `u32`; a text of 4 GiB is out of reach of an editor anyway.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "ab\r\nçé𝄞x\n\nlast";

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let index = LineIndex::new(TEXT, Encoding::Utf16);
        let x = TEXT.find('x').expect("x is there");
        assert_eq!(index.position(TEXT, x), Position::new(1, 4));
        assert_eq!(index.offset(TEXT, Position::new(1, 4)), x);
        assert_eq!(index.position(TEXT, TEXT.len()), Position::new(3, 4));
    }

    #[test]
    fn utf8_columns_are_bytes() {
        let index = LineIndex::new(TEXT, Encoding::Utf8);
        let x = TEXT.find('x').expect("x is there");
        assert_eq!(index.position(TEXT, x), Position::new(1, 8));
        assert_eq!(index.offset(TEXT, Position::new(1, 8)), x);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new(TEXT, Encoding::Utf16);
        assert_eq!(index.offset(TEXT, Position::new(0, 99)), 2, "before \\r\\n");
        assert_eq!(index.offset(TEXT, Position::new(9, 0)), TEXT.len());
        assert_eq!(
            index.offset(TEXT, Position::new(2, 5)),
            TEXT.find("\n\n").expect("blank") + 1
        );
        // Inside a character (between the halves of a surrogate pair): the character's start.
        let clef = TEXT.find('𝄞').expect("clef");
        assert_eq!(index.position(TEXT, clef + 1), index.position(TEXT, clef));
    }

    #[test]
    fn round_trips_every_boundary() {
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let index = LineIndex::new(TEXT, encoding);
            for (offset, _) in TEXT.char_indices() {
                if TEXT[offset..].starts_with('\n') && TEXT[..offset].ends_with('\r') {
                    continue; // between \r and \n: not a place a cursor can be
                }
                assert_eq!(index.offset(TEXT, index.position(TEXT, offset)), offset);
            }
        }
    }
}
