//! Predicting where a sheet fits from one layout, so that the size search lays out only the
//! sizes that decide it.
//!
//! A layout of the sheet is the same at every size once lengths are counted in ems: the template
//! sizes everything in ems, and a glyph's advance is its size times a fixed number. What changes
//! with the size is only how the lines break, since the columns keep their width in points: at a
//! size `s` a column `w` points wide is `w / s` ems wide. So one layout, read through the
//! template's marks (see [`super::balance`]), gives every item's height, the space between items
//! and the top of the columns in ems, and the model adds what another width does to each
//! paragraph's lines: it breaks the item's text as typst does (first fit, at spaces, hyphens and
//! slashes) with the advances of the embedded fonts, and moves the item's height by a baseline
//! step per line gained or lost. The items are then placed in the columns as
//! [`super::balance::fill`] places them.
//!
//! What a layout shows of the template rather than of the lesson (the baseline step, an item's
//! first line, the spaces, the title's height) is kept as a [`Calibration`] for the next fit with
//! the same template, whose first try then aims from a [`Model::prior`] without a layout of its
//! own.
//!
//! The model is a guess, never an answer: it has no kerning and no ligatures, a formula is
//! measured by its length, and a template override may use other fonts. The search only uses it
//! to choose which layouts to make, and decides on the layouts alone.

use std::hash::{Hash, Hasher};
use std::sync::{LazyLock, Mutex};

use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::text::{FontInstance, FontStretch, FontStyle, FontVariant, FontVariations, FontWeight};
use typst_layout::PagedDocument;

use super::balance::{self, Placed, Unit};
use super::pdf::Layout;
use super::world::FONTS;
use super::{LineKind, Run, SheetView};

/// The template's indent of a point's or flag's marker and of its lines after the first, in ems.
const MARKER_EM: f64 = 0.75;

/// The title's size, in the item text's size (the template's `1.55 * size`).
const TITLE_SCALE: f64 = 1.55;

/// The width, in ems, a formula is guessed to take per character of its LaTeX.
const FORMULA_EM_PER_CHAR: f64 = 0.45;

/// The width, in ems, of a character no embedded font has.
const MISSING_EM: f64 = 0.5;

/// The text of a sheet as the model breaks it: per item its paragraphs, and the title. Measured
/// once per fit, whatever the number of layouts read.
#[derive(Debug)]
pub(super) struct Text {
    items: Vec<Vec<Paragraph>>,
    /// Per item, whether a topic heading comes before it.
    opens_topic: Vec<bool>,
    title: Paragraph,
}

impl Text {
    pub(super) fn of(view: &SheetView) -> Text {
        let opens_topic = view
            .sections
            .iter()
            .flat_map(|section| {
                (0..section.items.len()).map(move |index| index == 0 && section.title.is_some())
            })
            .collect();
        Text {
            items: view.items().map(paragraphs).collect(),
            opens_topic,
            title: Paragraph::of(&[Run::plain(&view.title)], Style::Bold, 0.0),
        }
    }
}

/// What a layout shows of the template rather than of the lesson, in ems: the same for every
/// lesson laid out with that template, so the first try of the next fit can aim at once.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Calibration {
    pitch: f64,
    /// From an item's top to its first baseline.
    first_line: f64,
    /// The space before an item in the same column, and before a topic heading.
    gap: f64,
    topic_gap: Option<f64>,
    /// From a topic heading's top to its first item's top.
    lead: Option<f64>,
    /// How far below the top margin the columns start under a one-line title, and on the pages
    /// after the first.
    title_top: f64,
    later_top: f64,
}

/// The calibration last read with each template, by a hash of its text: one entry, as a build
/// uses one template (the embedded one or the project's).
static CALIBRATION: Mutex<Option<(u64, Calibration)>> = Mutex::new(None);

fn template_key(template: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    template.hash(&mut hasher);
    hasher.finish()
}

/// What the last layout read with `template`, on any thread, showed of it.
pub(super) fn remembered(template: &str) -> Option<Calibration> {
    let key = template_key(template);
    let kept = CALIBRATION.lock().ok()?;
    kept.as_ref()
        .filter(|(kept_key, _)| *kept_key == key)
        .map(|(_, calibration)| calibration.clone())
}

/// Keeps what a layout read with `template` showed of it, for the next fit; the space before a
/// topic and its heading's lead from an earlier layout when this one had no topic within a column.
pub(super) fn remember(template: &str, mut calibration: Calibration) {
    let key = template_key(template);
    if let Ok(mut kept) = CALIBRATION.lock() {
        if let Some((_, earlier)) = kept.as_ref().filter(|(kept_key, _)| *kept_key == key) {
            calibration.topic_gap = calibration.topic_gap.or(earlier.topic_gap);
            calibration.lead = calibration.lead.or(earlier.lead);
        }
        *kept = Some((key, calibration));
    }
}

/// The middle of `values`, if any.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// The sheet as one layout showed it, in ems, and the text of every paragraph to break anew.
#[derive(Debug)]
pub(super) struct Model<'text> {
    text: &'text Text,
    /// The height of a page, in points.
    page_height: f64,
    /// The distance from one baseline to the next, in ems.
    pitch: f64,
    /// Per page, how far below the top margin the columns start, in ems (the title on the first).
    tops: Vec<f64>,
    /// Per item, its heading's lead, its height and the space before it, in ems.
    units: Vec<Unit>,
    /// Per item, how many lines the model breaks its paragraphs into at the layout's column
    /// width.
    lines: Vec<usize>,
    /// The title's lines at the layout's text width.
    title_lines: usize,
}

impl<'text> Model<'text> {
    /// The model of `document`, laid out with `layout`, for `text` (the view's); `None` when the
    /// template's marks are missing or the layout cannot be read (see [`balance::placements`]).
    pub(super) fn read(
        text: &'text Text,
        view: &SheetView,
        layout: &Layout,
        document: &PagedDocument,
    ) -> Option<Model<'text>> {
        let size = layout.size;
        let placed = balance::placements(view, layout, document)?;
        let pages = document.pages().len();
        let tops = balance::column_tops(&placed, pages, layout.columns as usize)?;
        let page_height = document.pages().first()?.frame.height().to_pt();
        let pitch = baseline_step(document, layout, &placed)? / size;
        let column_em = layout.column_width / size;
        let lines = text
            .items
            .iter()
            .map(|paragraphs| lines_of(paragraphs, column_em))
            .collect();
        let title_lines = text
            .title
            .lines(text_width(layout) / (TITLE_SCALE * size));
        let em = |points: f64| points / size;
        Some(Model {
            text,
            page_height,
            pitch,
            tops: tops.iter().map(|top| em(top - layout.margin)).collect(),
            units: balance::units(&placed)
                .into_iter()
                .map(|unit| Unit {
                    lead: em(unit.lead),
                    height: em(unit.height),
                    gap: unit.gap.map(em),
                })
                .collect(),
            lines,
            title_lines,
        })
    }

    /// What this model shows of its template; `None` when the layout showed no space between two
    /// items in one column.
    pub(super) fn calibration(&self) -> Option<Calibration> {
        let units = || self.units.iter().zip(&self.text.opens_topic);
        let first_line = median(
            self.units
                .iter()
                .zip(&self.lines)
                .map(|(unit, lines)| unit.height - self.pitch * (*lines as f64 - 1.0))
                .collect(),
        )?;
        let gap = |topic: bool| {
            median(
                units()
                    .skip(1)
                    .filter(|(_, opens)| **opens == topic)
                    .filter_map(|(unit, _)| unit.gap)
                    .collect(),
            )
        };
        let title_extra = TITLE_SCALE * self.pitch * (self.title_lines as f64 - 1.0);
        Some(Calibration {
            pitch: self.pitch,
            first_line,
            gap: gap(false)?,
            topic_gap: gap(true),
            lead: median(
                units()
                    .filter(|(_, opens)| **opens)
                    .map(|(unit, _)| unit.lead)
                    .collect(),
            ),
            title_top: self.tops.first()? - title_extra,
            later_top: self.tops.get(1).copied().unwrap_or(0.0),
        })
    }

    /// A model of `text` before any layout of it, from what another lesson's layout showed of
    /// the template: every item one line high at the reference, the lines added by [`Self::fits`].
    /// `None` when the calibration lacks a space this lesson needs (a topic heading's).
    pub(super) fn prior(
        text: &'text Text,
        calibration: &Calibration,
        page_height: f64,
    ) -> Option<Model<'text>> {
        let units = text
            .opens_topic
            .iter()
            .enumerate()
            .map(|(index, &opens)| {
                Some(Unit {
                    lead: if opens { calibration.lead? } else { 0.0 },
                    height: calibration.first_line,
                    gap: match (index, opens) {
                        (0, _) => None,
                        (_, true) => Some(calibration.topic_gap?),
                        (_, false) => Some(calibration.gap),
                    },
                })
            })
            .collect::<Option<Vec<Unit>>>()?;
        Some(Model {
            text,
            page_height,
            pitch: calibration.pitch,
            tops: vec![calibration.title_top, calibration.later_top],
            units,
            lines: vec![1; text.items.len()],
            title_lines: 1,
        })
    }

    /// Whether the sheet should fit `pages` pages laid out with `layout`.
    pub(super) fn fits(&self, layout: &Layout, pages: usize) -> bool {
        let size = layout.size;
        let column_em = layout.column_width / size;
        // A space between items no layout showed (every topic opened a column, say) is taken to be
        // the widest seen: a guess, like everything here.
        let widest_gap = self
            .units
            .iter()
            .filter_map(|unit| unit.gap)
            .reduce(f64::max);
        let units: Vec<Unit> = self
            .units
            .iter()
            .zip(self.text.items.iter().zip(&self.lines))
            .map(|(unit, (paragraphs, lines))| {
                let now = lines_of(paragraphs, column_em);
                let height = unit.height + self.pitch * (now as f64 - *lines as f64);
                Unit {
                    lead: unit.lead * size,
                    height: height * size,
                    gap: unit.gap.or(widest_gap).map(|gap| gap * size),
                }
            })
            .collect();
        let title_now = self.text.title.lines(text_width(layout) / (TITLE_SCALE * size));
        let title_change = TITLE_SCALE * self.pitch * (title_now as f64 - self.title_lines as f64);
        let tops: Vec<f64> = (0..pages)
            .map(|page| {
                let below = self.tops.get(page).copied().unwrap_or(0.0);
                let title = if page == 0 { title_change } else { 0.0 };
                layout.margin + (below + title) * size
            })
            .collect();
        let bottom = self.page_height - layout.bottom;
        balance::fill(&units, &tops, layout.columns as usize, bottom).is_some()
    }
}

/// How many lines an item's paragraphs take in a column `width` ems wide.
fn lines_of(paragraphs: &[Paragraph], width: f64) -> usize {
    paragraphs.iter().map(|paragraph| paragraph.lines(width)).sum()
}

/// The width of the text area, in points.
fn text_width(layout: &Layout) -> f64 {
    let columns = f64::from(layout.columns);
    columns * layout.column_width + (columns - 1.0) * layout.gutter
}

/// The most common distance between two baselines inside an item, in points: the step a line
/// more or less moves the item's end by. `None` when no item has two lines.
fn baseline_step(document: &PagedDocument, layout: &Layout, placed: &[Placed]) -> Option<f64> {
    let per_page = layout.columns as usize;
    let step = layout.column_width + layout.gutter;
    let mut baselines: Vec<Vec<(f64, f64)>> = Vec::new();
    for page in document.pages() {
        let mut found = Vec::new();
        collect_baselines(&page.frame, Point::zero(), &mut found);
        baselines.push(found);
    }
    let mut steps = Vec::new();
    for item in placed {
        let (page, column) = (item.column / per_page, item.column % per_page);
        let left = layout.margin + column as f64 * step - 0.5;
        let right = left + layout.column_width + 1.0;
        let mut ys: Vec<f64> = baselines
            .get(page)?
            .iter()
            .filter(|(x, y)| (left..right).contains(x) && *y > item.item_top && *y <= item.bottom + 0.25)
            .map(|&(_, y)| y)
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 0.25);
        steps.extend(ys.windows(2).map(|pair| pair[1] - pair[0]));
    }
    steps.sort_by(f64::total_cmp);
    steps.get(steps.len() / 2).copied()
}

/// Where every text baseline of `frame` starts: (x, y) in points.
fn collect_baselines(frame: &Frame, origin: Point, found: &mut Vec<(f64, f64)>) {
    for (position, item) in frame.items() {
        let at = origin + *position;
        match item {
            FrameItem::Group(group) => collect_baselines(
                &group.frame,
                at + Point::new(group.transform.tx, group.transform.ty),
                found,
            ),
            FrameItem::Text(_) => found.push((at.x.to_pt(), at.y.to_pt())),
            _ => {}
        }
    }
}

/// The paragraphs of an item as the embedded template sets them: the question in bold, then
/// each line, a point's and a flag's after a marker with its further lines indented.
fn paragraphs(item: &super::SheetItem) -> Vec<Paragraph> {
    let mut paragraphs = vec![Paragraph::of(&item.question, Style::Bold, 0.0)];
    for line in &item.lines {
        let (style, indent) = match line.kind {
            LineKind::Point => (Style::Regular, MARKER_EM),
            LineKind::Flag => (Style::Italic, MARKER_EM),
            LineKind::Text => (Style::Regular, 0.0),
        };
        paragraphs.push(Paragraph::of(&line.runs, style, indent));
    }
    paragraphs
}

/// A paragraph as the pieces a line can break between.
#[derive(Debug)]
struct Paragraph {
    /// Each piece's width and the width of the space after it, in ems.
    pieces: Vec<(f64, f64)>,
    /// The marker before the first line and the indent of the others, in ems.
    indent: f64,
}

impl Paragraph {
    fn of(runs: &[Run], base: Style, indent: f64) -> Paragraph {
        let mut pieces = Vec::new();
        let (mut width, mut space) = (indent, 0.0);
        let mut close = |width: &mut f64, space: &mut f64| {
            if *width > 0.0 || *space > 0.0 {
                pieces.push((*width, *space));
            }
            (*width, *space) = (0.0, 0.0);
        };
        for run in runs {
            if run.math {
                // A formula does not break: one piece, measured by its length.
                if space > 0.0 {
                    close(&mut width, &mut space);
                }
                width += FORMULA_EM_PER_CHAR * run.text.chars().count() as f64;
                continue;
            }
            let face = base.with(run).face();
            for c in run.text.chars() {
                let advance = advance(face, c);
                if c == ' ' {
                    space += advance;
                    continue;
                }
                if space > 0.0 {
                    close(&mut width, &mut space);
                }
                width += advance;
                // typst may break after a hyphen or a slash inside a word.
                if matches!(c, '-' | '/' | '–' | '—') {
                    close(&mut width, &mut space);
                }
            }
        }
        close(&mut width, &mut space);
        Paragraph { pieces, indent }
    }

    /// How many lines typst's first-fit breaking gives in a column `width` ems wide: each line
    /// takes pieces while they fit (a space at the end of a line takes no room), the lines after
    /// the first are indented, and a piece wider than a line has a line of its own.
    fn lines(&self, width: f64) -> usize {
        let mut lines = 1;
        let (mut used, mut space, mut empty, mut room) = (0.0, 0.0, true, width);
        for &(piece, after) in &self.pieces {
            if !empty && used + space + piece > room + 1e-6 {
                lines += 1;
                room = width - self.indent;
                (used, empty) = (0.0, true);
            }
            used += if empty { piece } else { space + piece };
            (space, empty) = (after, false);
        }
        lines
    }
}

/// The styles the template sets text in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    Code,
}

impl Style {
    /// This style with a run's own emphasis on top.
    fn with(self, run: &Run) -> Style {
        if run.code {
            return Style::Code;
        }
        let bold = run.strong || matches!(self, Style::Bold | Style::BoldItalic);
        let italic = run.emph || matches!(self, Style::Italic | Style::BoldItalic);
        match (bold, italic) {
            (false, false) => Style::Regular,
            (true, false) => Style::Bold,
            (false, true) => Style::Italic,
            (true, true) => Style::BoldItalic,
        }
    }

    fn face(self) -> Option<&'static FontInstance> {
        let faces = &*FACES;
        match self {
            Style::Regular => faces.regular.as_ref(),
            Style::Bold => faces.bold.as_ref(),
            Style::Italic => faces.italic.as_ref(),
            Style::BoldItalic => faces.bold_italic.as_ref(),
            Style::Code => faces.code.as_ref(),
        }
    }
}

/// The embedded faces the template uses.
struct Faces {
    regular: Option<FontInstance>,
    bold: Option<FontInstance>,
    italic: Option<FontInstance>,
    bold_italic: Option<FontInstance>,
    code: Option<FontInstance>,
}

static FACES: LazyLock<Faces> = LazyLock::new(|| {
    let face = |family: &str, style: FontStyle, weight: FontWeight| {
        let variant = FontVariant::new(style, weight, FontStretch::NORMAL);
        let index = FONTS.book().select(family, variant)?;
        let font = FONTS.font(index)?;
        Some(font.instantiate(variant, Abs::pt(10.0), &FontVariations::default()))
    };
    let serif = "libertinus serif";
    Faces {
        regular: face(serif, FontStyle::Normal, FontWeight::REGULAR),
        bold: face(serif, FontStyle::Normal, FontWeight::BOLD),
        italic: face(serif, FontStyle::Italic, FontWeight::REGULAR),
        bold_italic: face(serif, FontStyle::Italic, FontWeight::BOLD),
        code: face("dejavu sans mono", FontStyle::Normal, FontWeight::REGULAR),
    }
});

/// The advance of `c` in `face`, in ems.
fn advance(face: Option<&FontInstance>, c: char) -> f64 {
    face.and_then(|face| {
        let glyph = face.ttf().glyph_index(c)?;
        face.x_advance(glyph.0)
    })
    .map_or(MISSING_EM, |advance| advance.get())
}

#[cfg(test)]
mod tests {
    use super::Paragraph;

    fn paragraph(pieces: &[f64], indent: f64) -> Paragraph {
        Paragraph {
            pieces: pieces.iter().map(|&width| (width, 0.25)).collect(),
            indent,
        }
    }

    #[test]
    fn lines_break_first_fit_and_a_trailing_space_takes_no_room() {
        // 2 + .25 + 2 = 4.25 fits 4.25; the third piece starts a line.
        let text = paragraph(&[2.0, 2.0, 2.0], 0.0);
        assert_eq!(text.lines(4.25), 2);
        assert_eq!(text.lines(6.5), 1);
        assert_eq!(text.lines(4.2), 3);
        // A piece wider than the line still takes one line.
        assert_eq!(paragraph(&[9.0, 1.0], 0.0).lines(4.0), 2);
    }

    #[test]
    fn lines_after_the_first_are_indented() {
        // 3 and 0.5 share a line 4 wide (3.75), not one indented to 3.25.
        assert_eq!(paragraph(&[3.0, 3.0, 0.5], 0.0).lines(4.0), 2);
        assert_eq!(paragraph(&[3.0, 3.0, 0.5], 0.75).lines(4.0), 3);
    }
}
