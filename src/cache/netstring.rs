//! A text format cheap to read back: each string as its length in bytes, `:`, and the string as
//! it is (a netstring without the trailing comma), each number as decimal digits and `,`.
//! Nothing is escaped, so reading a string is one copy of it; the whole stays UTF-8. Every read
//! of text that is not exactly what was written gives `None`.

/// Writes strings and numbers into a `String`.
pub struct Writer<'a>(pub &'a mut String);

impl Writer<'_> {
    /// A number: digits and `,`.
    pub fn number(&mut self, number: usize) {
        use std::fmt::Write;
        // Writing into a `String` cannot fail.
        let _ = write!(self.0, "{number},");
    }

    /// A string: its length, `:`, the string.
    pub fn string(&mut self, text: &str) {
        self.string_length(text.len());
        self.0.push_str(text);
    }

    /// The length and `:` of a string of `len` bytes that the caller writes next, in pieces.
    pub fn string_length(&mut self, len: usize) {
        use std::fmt::Write;
        let _ = write!(self.0, "{len}:");
    }

    /// A list of strings: how many, then each.
    pub fn strings<'s, I>(&mut self, texts: I)
    where
        I: IntoIterator<Item = &'s String>,
        I::IntoIter: ExactSizeIterator,
    {
        let texts = texts.into_iter();
        self.number(texts.len());
        for text in texts {
            self.string(text);
        }
    }
}

/// Reads what [`Writer`] wrote, from the front of a text.
pub struct Reader<'a>(pub &'a str);

impl<'a> Reader<'a> {
    /// Decimal digits up to `end`, which is consumed.
    fn digits(&mut self, end: char) -> Option<usize> {
        let (digits, rest) = self.0.split_once(end)?;
        // `parse` takes a sign, which a length or a count never has.
        let plain = !digits.is_empty()
            && digits.len() <= 19
            && digits.bytes().all(|byte| byte.is_ascii_digit());
        if !plain {
            return None;
        }
        self.0 = rest;
        digits.parse().ok()
    }

    /// A number.
    pub fn number(&mut self) -> Option<usize> {
        self.digits(',')
    }

    /// A string, borrowed from the text.
    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.digits(':')?;
        // `get` is `None` past the end and inside a character.
        let text = self.0.get(..len)?;
        self.0 = &self.0[len..];
        Some(text)
    }

    /// A string.
    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    /// A list of strings.
    pub fn strings(&mut self) -> Option<Vec<String>> {
        let count = self.number()?;
        // A count beyond the text left is no count of strings (each takes two bytes at least).
        let mut texts = Vec::with_capacity(count.min(self.0.len() / 2));
        for _ in 0..count {
            texts.push(self.string()?);
        }
        Some(texts)
    }

    /// Whether everything was read.
    pub fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_nothing_else_does() {
        let mut text = String::new();
        let mut writer = Writer(&mut text);
        writer.number(3);
        writer.string("a:b,\"é\"");
        writer.strings(&["".to_owned(), "12:".to_owned()]);
        assert_eq!(text, "3,8:a:b,\"é\"2,0:3:12:");
        let mut reader = Reader(&text);
        assert_eq!(reader.number(), Some(3));
        assert_eq!(reader.str(), Some("a:b,\"é\""));
        assert_eq!(
            reader.strings(),
            Some(vec![String::new(), "12:".to_owned()])
        );
        assert!(reader.is_done());
        assert_eq!(Reader("-1,").number(), None, "a sign");
        assert_eq!(Reader("+1,").number(), None, "a sign");
        assert_eq!(Reader(",").number(), None, "no digits");
        assert_eq!(Reader("5:abc").str(), None, "past the end");
        assert_eq!(Reader("1:é").str(), None, "inside a character");
        assert_eq!(
            Reader("99999999999999999999:").str(),
            None,
            "too long a length"
        );
    }
}
