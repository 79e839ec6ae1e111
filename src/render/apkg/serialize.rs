//! A field's HTML written straight from its Markdown events in the exact bytes that
//! [`super::sanitize::clean`] would give for pulldown-cmark's HTML of the same events, so that a
//! field with nothing to remove skips `ammonia` (parsing the HTML into a tree with html5ever,
//! filtering it, serializing it again: a seventh of a fresh build).
//!
//! What `ammonia` changes in HTML it keeps whole is only how it is written: html5ever escapes
//! text as `&amp;`, `&lt;`, `&gt;` and `&nbsp;` (not `"`), attribute values as those and
//! `&quot;`, writes void elements without a slash (`<br>`), and `ammonia` writes an allowed
//! `style` as `text-align:left`. This writer follows pulldown-cmark's (`pulldown_cmark::html`,
//! same newlines, same attributes in the same order) with those rules.
//!
//! It writes only what it can prove `ammonia` keeps as it is: elements and attributes of the
//! allow-list, URLs whose scheme it allows (decided by the same `Url::parse`), text without the
//! characters html5ever's input stream rewrites (carriage returns, NUL, a byte-order mark, other
//! control characters). Anything else (raw HTML, footnotes, heading attributes, a link in a link,
//! an image whose description holds more than text) gives `None`, and the field goes through
//! `ammonia` as before. `tests::the_fast_path_gives_ammonias_bytes` holds the two to the same
//! bytes over every construct.

use pulldown_cmark::{Alignment, BlockQuoteKind, Event, LinkType, Tag, TagEnd};

use super::html::Piece;

/// The field's HTML as `sanitize::clean(&pulldown_cmark_html)` would write it, before the
/// final `trim_end`; `None` when the field holds something only `ammonia` can decide.
pub(super) fn sanitized(pieces: &[Piece<'_>]) -> Option<String> {
    let mut writer = Writer {
        out: String::new(),
        end_newline: true,
        table_alignments: Vec::new(),
        table_cell: 0,
        in_table_head: false,
        in_link: false,
        clean: true,
    };
    let mut pieces = pieces.iter();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Code(html) => writer.write(html),
            Piece::Math { open, tex, close } => {
                writer.write(open);
                writer.text(tex);
                writer.write(close);
            }
            Piece::Event(event) => writer.event(event, &mut pieces)?,
        }
    }
    writer.clean.then_some(writer.out)
}

struct Writer {
    out: String,
    /// Whether the last write ended a line (pulldown-cmark's `end_newline`).
    end_newline: bool,
    table_alignments: Vec<Alignment>,
    table_cell: usize,
    in_table_head: bool,
    in_link: bool,
    /// False once text held a character html5ever would not keep as it is.
    clean: bool,
}

impl Writer {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        if !text.is_empty() {
            self.end_newline = text.ends_with('\n');
        }
    }

    /// Element content, escaped as html5ever serializes it.
    fn text(&mut self, text: &str) {
        self.clean &= escape_into(&mut self.out, text, false);
    }

    /// An attribute value (already decoded), escaped as html5ever serializes it.
    fn attribute(&mut self, value: &str) {
        self.clean &= escape_into(&mut self.out, value, true);
    }

    /// Writes a block's start tag on a line of its own, as pulldown-cmark does.
    fn block_start(&mut self, tag: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(tag);
    }

    fn event<'a>(
        &mut self,
        event: &Event<'_>,
        rest: &mut impl Iterator<Item = &'a Piece<'a>>,
    ) -> Option<()> {
        match event {
            Event::Start(tag) => self.start(tag, rest)?,
            Event::End(tag) => self.end(*tag)?,
            Event::Text(text) => {
                self.text(text);
                self.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                self.write("<code>");
                self.text(text);
                self.write("</code>");
            }
            Event::SoftBreak => self.write("\n"),
            Event::HardBreak => self.write("<br>\n"),
            Event::Rule => self.block_start("<hr>\n"),
            Event::TaskListMarker(true) => {
                self.write("<input disabled=\"\" type=\"checkbox\" checked=\"\">\n");
            }
            Event::TaskListMarker(false) => self.write("<input disabled=\"\" type=\"checkbox\">\n"),
            // Math and code blocks came as pieces of their own; raw HTML and footnotes are
            // `ammonia`'s to judge.
            Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_) => return None,
        }
        Some(())
    }

    fn start<'a>(
        &mut self,
        tag: &Tag<'_>,
        rest: &mut impl Iterator<Item = &'a Piece<'a>>,
    ) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block_start("<p>"),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                // Attributes other than the id and classes are not on the allow-list.
                if !attrs.is_empty() {
                    return None;
                }
                self.block_start(&format!("<{level}"));
                if let Some(id) = id {
                    self.write(" id=\"");
                    self.attribute(id);
                    self.write("\"");
                }
                if !classes.is_empty() {
                    self.write(" class=\"");
                    for (index, class) in classes.iter().enumerate() {
                        if index > 0 {
                            self.write(" ");
                        }
                        self.attribute(class);
                    }
                    self.write("\"");
                }
                self.write(">");
            }
            Tag::Table(alignments) => {
                self.table_alignments.clone_from(alignments);
                self.write("<table>");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.table_cell = 0;
                self.write("<thead><tr>");
            }
            Tag::TableRow => {
                self.table_cell = 0;
                self.write("<tr>");
            }
            Tag::TableCell => {
                self.write(if self.in_table_head { "<th" } else { "<td" });
                // `ammonia` writes the style it keeps as `property:value`.
                self.write(match self.table_alignments.get(self.table_cell) {
                    Some(Alignment::Left) => " style=\"text-align:left\">",
                    Some(Alignment::Center) => " style=\"text-align:center\">",
                    Some(Alignment::Right) => " style=\"text-align:right\">",
                    _ => ">",
                });
            }
            Tag::BlockQuote(kind) => {
                let class = match kind {
                    None => "",
                    Some(BlockQuoteKind::Note) => " class=\"markdown-alert-note\"",
                    Some(BlockQuoteKind::Tip) => " class=\"markdown-alert-tip\"",
                    Some(BlockQuoteKind::Important) => " class=\"markdown-alert-important\"",
                    Some(BlockQuoteKind::Warning) => " class=\"markdown-alert-warning\"",
                    Some(BlockQuoteKind::Caution) => " class=\"markdown-alert-caution\"",
                };
                self.block_start(&format!("<blockquote{class}>\n"));
            }
            Tag::List(Some(1)) => self.block_start("<ol>\n"),
            Tag::List(Some(start)) => self.block_start(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.block_start("<ul>\n"),
            Tag::Item => self.block_start("<li>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                // A link in a link is rebuilt by html5ever (the adoption agency); CommonMark
                // makes none, but that is its parser's promise, not this writer's.
                if self.in_link {
                    return None;
                }
                self.in_link = true;
                let mut href = String::new();
                if *link_type == LinkType::Email {
                    href.push_str("mailto:");
                }
                push_href(&mut href, dest_url);
                if !kept_url(&href) {
                    return None;
                }
                self.write("<a href=\"");
                self.attribute(&href);
                self.write("\"");
                self.title(title);
                self.write(">");
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let mut src = String::new();
                push_href(&mut src, dest_url);
                if !kept_url(&src) {
                    return None;
                }
                let alt = alt_text(rest)?;
                self.write("<img src=\"");
                self.attribute(&src);
                self.write("\" alt=\"");
                self.attribute(&alt);
                self.write("\"");
                self.title(title);
                self.write(">");
            }
            // Not on the allow-list, or not made by the options cardsmith parses with: left to
            // `ammonia`.
            Tag::HtmlBlock
            | Tag::CodeBlock(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => return None,
        }
        Some(())
    }

    fn title(&mut self, title: &str) {
        if !title.is_empty() {
            self.write(" title=\"");
            self.attribute(title);
            self.write("\"");
        }
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => self.write(&format!("</{level}>\n")),
            TagEnd::Table => self.write("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.write("</tr></thead><tbody>\n");
                self.in_table_head = false;
            }
            TagEnd::TableRow => self.write("</tr>\n"),
            TagEnd::TableCell => {
                self.write(if self.in_table_head { "</th>" } else { "</td>" });
                self.table_cell += 1;
            }
            TagEnd::BlockQuote(_) => self.write("</blockquote>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => {
                self.in_link = false;
                self.write("</a>");
            }
            _ => return None,
        }
        Some(())
    }
}

/// The description of an image, up to its end: its text as pulldown-cmark puts it in `alt`
/// (breaks as spaces, inner elements dropped). `None` for anything whose `alt` text is not
/// plainly that text (math, raw HTML, footnotes, task markers).
fn alt_text<'a>(rest: &mut impl Iterator<Item = &'a Piece<'a>>) -> Option<String> {
    let mut alt = String::new();
    let mut nested = 0usize;
    for piece in rest {
        let Piece::Event(event) = piece else {
            return None;
        };
        match event {
            Event::Start(_) => nested += 1,
            Event::End(_) if nested == 0 => return Some(alt),
            Event::End(_) => nested -= 1,
            Event::Text(text) | Event::Code(text) => alt.push_str(text),
            Event::SoftBreak | Event::HardBreak | Event::Rule => alt.push(' '),
            _ => return None,
        }
    }
    None
}

/// Bytes pulldown-cmark writes as they are in a URL (`pulldown_cmark_escape::HREF_SAFE`); every
/// other byte is percent-encoded, except `&` and `'`, which it writes as character references,
/// which html5ever reads back as the characters.
fn href_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || b"!#$%()*+,-./:;=?@^_~&'".contains(&byte)
}

/// `url` as the attribute value html5ever reads from pulldown-cmark's `escape_href`.
fn push_href(out: &mut String, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in url.as_bytes() {
        if href_safe(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// Whether `ammonia` keeps a `href` or `src` of this value, decided as it does: an absolute URL
/// of an allowed scheme, or a relative one.
fn kept_url(value: &str) -> bool {
    match ammonia::Url::parse(value) {
        Ok(url) => super::sanitize::URL_SCHEMES.contains(&url.scheme()),
        Err(error) => error == ammonia::url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Appends `text` escaped as html5ever's serializer does (`attribute`: also `"`); false when it
/// holds a character html5ever's input stream does not keep as it is (a carriage return, NUL,
/// another control character, a byte-order mark), and the field is then left to `ammonia`.
///
/// Read byte by byte (every field's text passes here): the characters it acts on are ASCII or
/// start with the UTF-8 lead bytes `0xC2` (U+0080 to U+00BF: the C1 controls and the no-break
/// space) and `0xEF` (the byte-order mark, U+FEFF); any other byte is copied as it is.
fn escape_into(out: &mut String, text: &str, attribute: bool) -> bool {
    let bytes = text.as_bytes();
    let mut clean = true;
    let mut start = 0;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if !ESCAPE_LOOKS_AT[usize::from(byte)] {
            at += 1;
            continue;
        }
        let (replacement, width) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attribute => ("&quot;", 1),
            b'"' | b'\n' | b'\t' => {
                at += 1;
                continue;
            }
            0xC2 => match bytes.get(at + 1) {
                Some(0xA0) => ("&nbsp;", 2),
                // U+0080 to U+009F, the C1 controls.
                Some(0x80..=0x9F) => {
                    clean = false;
                    at += 2;
                    continue;
                }
                _ => {
                    at += 1;
                    continue;
                }
            },
            0xEF => {
                clean &= !bytes[at..].starts_with(BYTE_ORDER_MARK);
                at += 1;
                continue;
            }
            // The other ASCII controls (and DEL).
            _ => {
                clean = false;
                at += 1;
                continue;
            }
        };
        // `at` starts a character (an ASCII byte or a lead byte), so these are char boundaries.
        out.push_str(&text[start..at]);
        out.push_str(replacement);
        at += width;
        start = at;
    }
    out.push_str(&text[start..]);
    clean
}

/// U+FEFF in UTF-8.
const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// The bytes [`escape_into`] stops at: ASCII controls and DEL, `"`, `&`, `<`, `>`, and the lead
/// bytes of the no-break space and C1 controls (`0xC2`) and of the byte-order mark (`0xEF`).
static ESCAPE_LOOKS_AT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[0x7F] = true;
    table[b'"' as usize] = true;
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[0xC2] = true;
    table[0xEF] = true;
    table
};

/// Whether `text` holds a character html5ever's input stream does not keep as it is: a control
/// character other than a newline or a tab (ASCII, DEL or C1), or a byte-order mark. The same
/// characters as [`escape_into`] refuses, read byte by byte.
fn holds_unkept_character(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(at, &byte)| match byte {
        b'\n' | b'\t' => false,
        0..0x20 | 0x7F => true,
        0xC2 => bytes.get(at + 1).is_some_and(|next| (0x80..=0x9F).contains(next)),
        0xEF => bytes[at..].starts_with(BYTE_ORDER_MARK),
        _ => false,
    })
}

/// Syntax-highlighted HTML (`syntect`'s spans, whose text it escapes as `&lt;`, `&gt;`, `&amp;`,
/// `&quot;` and `&#39;`) with its text as html5ever writes it: quotes as they are, `&nbsp;` for
/// a no-break space. The tags are kept as they are: their only attribute is a `class` of scope
/// names (letters, digits, `-`, `+`, `_`). `None` for text html5ever would not keep as it is.
pub(super) fn highlighted(html: &str) -> Option<String> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&', '\u{a0}']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            let end = rest.find('>')? + 1;
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if let Some(after) = rest.strip_prefix("&quot;") {
            out.push('"');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("&#39;") {
            out.push('\'');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('\u{a0}') {
            out.push_str("&nbsp;");
            rest = after;
        } else {
            // `&amp;`, `&lt;`, `&gt;`: the same in both.
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    (!holds_unkept_character(&out)).then_some(out)
}

/// `text` escaped as html5ever writes element content; `None` as for [`highlighted`].
pub(super) fn text(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false).then_some(out)
}

/// `value` escaped as html5ever writes an attribute value; `None` as for [`highlighted`].
pub(super) fn attribute(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    escape_into(&mut out, value, true).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`escape_into`] as it was written first, character by character: the byte-wise one must
    /// give the same bytes and the same verdict.
    fn escape_by_chars(out: &mut String, text: &str, attribute: bool) -> bool {
        let mut clean = true;
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\u{a0}' => out.push_str("&nbsp;"),
                '"' if attribute => out.push_str("&quot;"),
                c => {
                    if (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}' {
                        clean = false;
                    }
                    out.push(c);
                }
            }
        }
        clean
    }

    /// Characters next to the ones the escaping acts on, in UTF-8 and in meaning: the C1
    /// controls' neighbours share the lead byte `0xC2`, the byte-order mark's share `0xEF`.
    const CHARACTERS: &[char] = &[
        'a', ' ', '&', '<', '>', '"', '\'', '\n', '\t', '\r', '\0', '\u{1}', '\u{1f}', '\u{7f}',
        '\u{7e}', '\u{80}', '\u{85}', '\u{9f}', '\u{a0}', '\u{a1}', '\u{bf}', '\u{c0}', '\u{feff}',
        '\u{fefe}', '\u{ff00}', '\u{efbb}', '\u{fffd}', 'é', '中', '🎉', '\u{2028}',
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn escaping_byte_by_byte_is_escaping_character_by_character(
            chars in proptest::collection::vec(proptest::sample::select(CHARACTERS), 0..40),
            attribute: bool,
        ) {
            let text: String = chars.into_iter().collect();
            let (mut bytewise, mut charwise) = (String::from("x"), String::from("x"));
            let clean = escape_into(&mut bytewise, &text, attribute);
            let expected = escape_by_chars(&mut charwise, &text, attribute);
            proptest::prop_assert_eq!(&bytewise, &charwise);
            proptest::prop_assert_eq!(clean, expected);
            proptest::prop_assert_eq!(holds_unkept_character(&text), !expected);
        }

        #[test]
        fn escaping_any_text_is_escaping_character_by_character(text in "\\PC*|.*", attribute: bool) {
            let (mut bytewise, mut charwise) = (String::new(), String::new());
            let clean = escape_into(&mut bytewise, &text, attribute);
            proptest::prop_assert_eq!(clean, escape_by_chars(&mut charwise, &text, attribute));
            proptest::prop_assert_eq!(bytewise, charwise);
        }
    }
}
