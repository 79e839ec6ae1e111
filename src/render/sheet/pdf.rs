//! Fitting a sheet onto its page budget with typst, in-process.
//!
//! For each column count in `sheet.columns` (2, 3, 4 by default) the font size is searched, in
//! tenths of a point, between the legibility floor and the ceiling (`max-font-size`): each try
//! aims where the content should just fill the budget, from how much of it the last tries filled
//! (see [`largest_fitting`]). The largest size wins, and on a tie the fewer columns. A layout fits when it has at most
//! `sheet.pages` pages and no text runs past the bottom margin (an item taller than a column is
//! not split: it would overflow). Each try is one typst compile of the whole sheet, a few
//! milliseconds in a release build; a column count that does not fit at the floor costs one.
//!
//! When nothing fits, one more layout at the floor says why: the items too tall for any column,
//! or how many pages the content needs (from where the `<cardsmith-end>` mark lands).
//!
//! typst fills columns one after the other, so a sheet that fits with room to spare would hold
//! everything in its first columns and leave the last one empty. Once the size and the column
//! count are chosen, the columns are balanced: the text area is shortened (the bottom margin
//! raised) to the shortest at which the content still fits the same pages, so every column ends
//! near the same height. That height is computed from the fitted layout's item marks (see
//! [`super::balance`]) and verified with one layout; without the marks, or when the verification
//! fails, it is bisected to 2 pt (about nine layouts).

use std::cell::RefCell;

use serde::Serialize;
use typst::WorldExt;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Label, Smart};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::model::{self, Model, Text};
use super::world::SheetWorld;
use super::{GUTTER_MM, SheetView, overflow_diagnostic};
use crate::codes;
use crate::config::SheetConfig;
use crate::diagnostic::Diagnostic;

const POINTS_PER_MM: f64 = 72.0 / 25.4;

/// A sheet that fits.
#[derive(Debug)]
pub struct FittedSheet {
    /// The PDF, byte-for-byte reproducible.
    pub pdf: Vec<u8>,
    /// Columns chosen.
    pub columns: u32,
    /// Font size chosen, in points.
    pub size: f64,
    /// Pages it takes.
    pub pages: usize,
}

/// Why a sheet could not be made.
#[derive(Debug)]
pub enum FitError {
    /// The content does not fit: diagnostics on the lesson or its items.
    Content(Vec<Diagnostic>),
    /// The template does not compile (only an override can do that): typst's messages.
    Template(String),
}

/// The layout parameters the template reads from `sheet.layout`.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Layout {
    /// typst's paper name.
    pub(super) paper: &'static str,
    pub(super) columns: u32,
    /// Font size in points.
    pub(super) size: f64,
    /// Page margin in points.
    pub(super) margin: f64,
    /// Column gap in points.
    pub(super) gutter: f64,
    /// Width of one column in points.
    pub(super) column_width: f64,
    /// Height of the text area in points.
    pub(super) column_height: f64,
    /// Bottom margin in points: `margin`, or more once the columns are balanced.
    pub(super) bottom: f64,
    /// Whether to mark items taller than a column with `<cardsmith-too-tall>`.
    pub(super) check_heights: bool,
}

/// What the template gets as `sys.inputs.sheet` (JSON).
#[derive(Serialize)]
struct Input<'a> {
    #[serde(flatten)]
    sheet: &'a SheetView,
    layout: &'a Layout,
}

/// Finds the largest font size and its column count at which `view` fits, and renders the PDF.
pub fn fit(
    view: &SheetView,
    config: &SheetConfig,
    template: &str,
) -> Result<FittedSheet, FitError> {
    let floor = tenths(config.min_font_size);
    let ceiling = tenths(config.max_font_size).max(floor);
    let pages = f64::from(config.pages);
    // The model of the latest layout that could be read (see [`super::model`]): the one nearest
    // to the sizes still in question.
    let text = Text::of(view);
    // Before any layout of this lesson, what the last layout with this template showed of it
    // (in another fit) lets the first try aim already.
    let page_height = {
        let any = layout(config, 1, floor, false);
        any.column_height + 2.0 * any.margin
    };
    let prior = model::remembered(template)
        .and_then(|calibration| Model::prior(&text, &calibration, page_height));
    let model: RefCell<Option<Model>> = RefCell::new(prior);
    // The layouts at the floor that did not fit, kept to explain an overflow without redoing them.
    let at_floor: RefCell<Vec<(usize, u32, PagedDocument)>> = RefCell::new(Vec::new());
    let fits_at = |index: usize, columns: u32, size: u32| -> Result<Try<PagedDocument>, FitError> {
        let layout = layout(config, columns, size, false);
        let document = compile(view, template, &layout)?;
        if let Some(read) = Model::read(&text, view, &layout, &document) {
            if let Some(calibration) = read.calibration() {
                model::remember(template, calibration);
            }
            *model.borrow_mut() = Some(read);
        }
        let fit = fits(&document, config);
        if !fit && size == floor {
            at_floor.borrow_mut().push((index, columns, document.clone()));
        }
        Ok((fit, pages_needed(&document, &layout), document))
    };
    let predict = |columns: u32| {
        model
            .borrow()
            .as_ref()
            .map(|model| predicted(model, config, columns, floor, ceiling).unwrap_or(0))
    };

    // What is known of each column count: (its place in `sheet.columns`, columns, the largest
    // size known to fit with its layout, the smallest known not to, the last try).
    let mut left: Vec<Candidate> = config
        .columns
        .iter()
        .enumerate()
        .map(|(index, &columns)| Candidate {
            index,
            columns,
            fitting: None,
            high: ceiling + 1,
            last: None,
        })
        .collect();
    // Without a model yet, the first try is the first column count at the ceiling, where a short
    // lesson fits at once (then no other column count can win) and a long one is measured for
    // the model.
    let aimed = model.borrow().is_some();
    if let Some(first) = left.first_mut().filter(|_| !aimed) {
        let (fit, needed, document) = fits_at(first.index, first.columns, ceiling)?;
        first.last = Some((ceiling, needed));
        if fit {
            first.fitting = Some((ceiling, document));
        } else {
            first.high = ceiling;
        }
    }

    // (size in tenths, place in `sheet.columns`, columns, document) of the best fit so far: the
    // largest size, and on a tie the column count listed first.
    let mut best: Option<(u32, usize, u32, PagedDocument)> = None;
    while !left.is_empty() {
        // The column count predicted to fit the largest size goes first: the others then need
        // only a layout each to show that they do not beat it. The order changes the number of
        // layouts, never the answer: each column count is searched for what would beat the best.
        let next = left
            .iter()
            .enumerate()
            .max_by_key(|(place, candidate)| (predict(candidate.columns), std::cmp::Reverse(*place)))
            .map_or(0, |(place, _)| place);
        let candidate = left.remove(next);
        // The smallest size at which this column count would win.
        let low = match &best {
            None => floor,
            Some((size, index, ..)) if candidate.index < *index => *size,
            Some((size, ..)) => size + 1,
        };
        let fitting = candidate.fitting.filter(|(size, _)| *size >= low);
        let found = largest_fitting(
            fitting,
            low,
            candidate.high,
            pages,
            candidate.last,
            || predict(candidate.columns),
            |size| fits_at(candidate.index, candidate.columns, size),
        )?;
        if let Some((size, document)) = found {
            best = Some((size, candidate.index, candidate.columns, document));
        }
    }

    let Some((size, _, columns, document)) = best else {
        let mut at_floor = at_floor.into_inner();
        // In the order of `sheet.columns`, as the explanation picks the first of a tie.
        at_floor.sort_by_key(|(index, ..)| *index);
        let at_floor: Vec<(u32, PagedDocument)> = at_floor
            .into_iter()
            .map(|(_, columns, document)| (columns, document))
            .collect();
        return Err(FitError::Content(explain_overflow(
            view, config, template, &at_floor,
        )?));
    };
    let document = balance(view, template, layout(config, columns, size, false), document)?;
    let options = PdfOptions {
        // A stable identifier and no timestamp: two builds give the same bytes.
        ident: Smart::Custom(format!("cardsmith/{}", view.id)),
        creator: Smart::Custom(Some("cardsmith".to_owned())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| FitError::Template(messages(&errors, None)))?;
    Ok(FittedSheet {
        pages: document.pages().len(),
        pdf,
        columns,
        size: f64::from(size) / 10.0,
    })
}

/// What the search knows of one column count.
struct Candidate {
    /// Its place in `sheet.columns`: on a tie the column count listed first wins.
    index: usize,
    columns: u32,
    /// The largest size known to fit, in tenths, with its layout.
    fitting: Option<(u32, PagedDocument)>,
    /// The smallest size known not to fit, or one past the ceiling.
    high: u32,
    /// The last try: size and pages needed.
    last: Option<(u32, f64)>,
}

/// The largest size, in tenths, at which `model` predicts the sheet fits `columns` columns, from
/// `floor` to `ceiling`; `None` when it predicts no size does. The model's lines only multiply
/// with the size, so its answer is monotone and bisected.
fn predicted(
    model: &Model,
    config: &SheetConfig,
    columns: u32,
    floor: u32,
    ceiling: u32,
) -> Option<u32> {
    let fits_at =
        |size: u32| model.fits(&layout(config, columns, size, false), config.pages as usize);
    if !fits_at(floor) {
        return None;
    }
    // Invariant: `low` fits, `high` does not or is past the ceiling.
    let (mut low, mut high) = (floor, ceiling + 1);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if fits_at(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(low)
}

/// The fitted `document` with balanced columns: laid out again with the shortest text area (the
/// largest bottom margin) at which it keeps its pages and nothing overflows. One column needs no
/// balancing. The height comes from the one fitted layout (see [`super::balance`]) and costs one
/// layout to verify; when the layout cannot be read that way, or the verification fails, it is
/// bisected instead.
fn balance(
    view: &SheetView,
    template: &str,
    fitted: Layout,
    document: PagedDocument,
) -> Result<PagedDocument, FitError> {
    if fitted.columns < 2 {
        return Ok(document);
    }
    if let Some(plan) = super::balance::plan(view, &fitted, &document) {
        // As with the bisection, a column a point or two shorter is not worth another layout.
        if plan.bottom < fitted.bottom + BALANCE_PRECISION_PT {
            return Ok(document);
        }
        let layout = Layout {
            bottom: plan.bottom,
            ..fitted.clone()
        };
        let balanced = compile(view, template, &layout)?;
        if keeps(&balanced, &layout, document.pages().len())
            && super::balance::columns_of(view, &layout, &balanced).as_ref() == Some(&plan.columns)
        {
            return Ok(balanced);
        }
    }
    Ok(bisect_bottom(view, template, &fitted, document)?.1)
}

/// Whether a layout with a raised bottom margin keeps `pages` pages with nothing past its bottom.
pub(super) fn keeps(document: &PagedDocument, layout: &Layout, pages: usize) -> bool {
    document.pages().len() == pages && within_bottom(document, layout)
}

/// Below this the bisection stops: a column a point or two taller is not worth another layout.
const BALANCE_PRECISION_PT: f64 = 2.0;

/// Balancing by bisection, about nine layouts: how far the bottom margin can be raised (to
/// [`BALANCE_PRECISION_PT`]) while the layout [`keeps`], and that layout.
pub(super) fn bisect_bottom(
    view: &SheetView,
    template: &str,
    fitted: &Layout,
    document: PagedDocument,
) -> Result<(f64, PagedDocument), FitError> {
    let pages = document.pages().len();
    // Invariant: raising the bottom margin by `low` keeps the layout, by `high` does not.
    let (mut low, mut best) = (0.0, document);
    let mut high = fitted.column_height;
    while high - low > BALANCE_PRECISION_PT {
        let middle = (low + high) / 2.0;
        let layout = Layout {
            bottom: fitted.bottom + middle,
            ..fitted.clone()
        };
        let document = compile(view, template, &layout)?;
        if keeps(&document, &layout, pages) {
            (low, best) = (middle, document);
        } else {
            high = middle;
        }
    }
    Ok((low, best))
}

/// Why nothing fits: items too tall for the widest column, else how many pages are needed.
fn explain_overflow(
    view: &SheetView,
    config: &SheetConfig,
    template: &str,
    at_floor: &[(u32, PagedDocument)],
) -> Result<Vec<Diagnostic>, FitError> {
    let floor = tenths(config.min_font_size);
    let widest = config.columns.iter().copied().min().unwrap_or(1);
    let checked = compile(view, template, &layout(config, widest, floor, true))?;
    let too_tall = marked_items(&checked, "cardsmith-too-tall");
    if !too_tall.is_empty() {
        return Ok(view
            .items()
            .filter(|item| too_tall.contains(&item.id))
            .map(|item| {
                Diagnostic::new(
                    codes::SHEET_OVERFLOW,
                    item.question_span.clone(),
                    format!(
                        "item `{}` alone is taller than a column of the cheat sheet at {} pt",
                        item.id, config.min_font_size
                    ),
                )
                .with_item(item.id.clone())
                .with_help(
                    "give it a shorter `sheet:` text in its `card` block, or split it into several items",
                )
            })
            .collect());
    }
    // The column count that needs the fewest pages at the floor is the one worth reporting.
    let mut fewest: Option<(f64, u32)> = None;
    for (columns, document) in at_floor {
        let (columns, layout) = (*columns, layout(config, *columns, floor, false));
        let needed = pages_needed(document, &layout);
        if fewest.is_none_or(|(pages, _)| needed < pages) {
            fewest = Some((needed, columns));
        }
    }
    let (needed, columns) = fewest.unwrap_or((f64::from(config.pages) + 0.1, widest));
    // Round up, and never claim a need the budget would meet: the layout did not fit.
    let needed = ((needed * 10.0).ceil() / 10.0).max(f64::from(config.pages) + 0.1);
    Ok(vec![overflow_diagnostic(view, config, needed, columns)])
}

/// One try of the size search: whether the layout fits, how many pages its content needs (see
/// [`pages_needed`]), and the layout.
pub(super) type Try<D> = (bool, f64, D);

/// The largest size, in tenths of a point, at least `low` and below `high` (a size known not to
/// fit, or one past the ceiling), at which a layout fits, with that layout; `None` when none does.
/// `fitting` is a size known to fit, if any, `last` the last try (size, pages needed).
///
/// Each try aims at the answer: where `predict` (the model of [`super::model`], read from the
/// layouts so far) puts it, or without a model where the content should just fill the budget of
/// `pages`: the content's height grows with the size as a power (about 1 when lines are short and
/// do not wrap, more when they do), estimated from the last two tries, the first one assuming 1.
/// Two tries in a row on the same side of the answer mean the estimate is off, and the next try is
/// the bracket's middle instead, so the search never costs much more than a bisection. The answer
/// is the same either way: the size below which every size fits.
pub(super) fn largest_fitting<D, E>(
    mut fitting: Option<(u32, D)>,
    low: u32,
    mut high: u32,
    pages: f64,
    mut last: Option<(u32, f64)>,
    mut predict: impl FnMut() -> Option<u32>,
    mut try_at: impl FnMut(u32) -> Result<Try<D>, E>,
) -> Result<Option<(u32, D)>, E> {
    let mut before = None;
    let mut streak: Option<(bool, u32)> = None;
    loop {
        // The largest size known to fit, or as good as known (below `low` it is of no use).
        let known = fitting
            .as_ref()
            .map_or(low.saturating_sub(1), |(size, _)| *size);
        let bottom = known + 1;
        if bottom >= high {
            return Ok(fitting);
        }
        let size = match (streak, predict(), last) {
            (Some((_, run)), ..) if run >= 2 => known + (high - known) / 2,
            (_, Some(guess), _) => guess,
            (_, None, Some(last)) => aim(last, before, pages),
            (_, None, None) => high - 1,
        }
        .clamp(bottom, high - 1);
        let (fit, needed, document) = try_at(size)?;
        if fit {
            fitting = Some((size, document));
        } else {
            high = size;
        }
        streak = match streak {
            Some((side, run)) if side == fit => Some((side, run + 1)),
            _ => Some((fit, 1)),
        };
        (before, last) = (last, Some((size, needed)));
    }
}

/// The size (tenths of a point) at which the content should need just `pages` pages, from the
/// last try `(size, pages needed)` and the one before it, if any (for the growth's power).
fn aim(last: (u32, f64), before: Option<(u32, f64)>, pages: f64) -> u32 {
    let (size, needed) = (f64::from(last.0), last.1.max(0.01));
    let power = before
        .map(|(other_size, other_needed)| {
            (needed / other_needed.max(0.01)).ln() / (size / f64::from(other_size)).ln()
        })
        .filter(|power| power.is_finite())
        .map_or(1.0, |power| power.clamp(0.5, 3.0));
    (size * (pages / needed).powf(1.0 / power)).floor() as u32
}

pub(super) fn layout(
    config: &SheetConfig,
    columns: u32,
    size_tenths: u32,
    check_heights: bool,
) -> Layout {
    let (width, height) = config.paper.size_pt();
    let margin = super::MARGIN_MM * POINTS_PER_MM;
    let gutter = GUTTER_MM * POINTS_PER_MM;
    let text_width = width - 2.0 * margin;
    let columns_f = f64::from(columns);
    Layout {
        paper: config.paper.name(),
        columns,
        size: f64::from(size_tenths) / 10.0,
        margin,
        gutter,
        column_width: (text_width - (columns_f - 1.0) * gutter) / columns_f,
        column_height: height - 2.0 * margin,
        bottom: margin,
        check_heights,
    }
}

pub(super) fn tenths(points: f64) -> u32 {
    // Config validation keeps sizes between 4 and 24 pt.
    (points * 10.0).round() as u32
}

/// Lays the sheet out once.
pub(super) fn compile(
    view: &SheetView,
    template: &str,
    layout: &Layout,
) -> Result<PagedDocument, FitError> {
    let input = serde_json::to_string(&Input {
        sheet: view,
        layout,
    })
    .expect("the sheet view serializes: plain strings, numbers and lists");
    let world = SheetWorld::new(template, vec![("sheet", input)]);
    COMPILES.with(|compiles| compiles.set(compiles.get() + 1));
    let compiled = typst::compile::<PagedDocument>(&world);
    forget_old_layouts();
    compiled
        .output
        .map_err(|errors| FitError::Template(messages(&errors, Some(&world))))
}

thread_local! {
    /// How many layouts [`compile`] made on this thread: what a fit costs, for tests.
    static COMPILES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many layouts this thread has made so far (a fit runs on the thread that calls it).
#[cfg(test)]
pub(super) fn compiles() -> usize {
    COMPILES.with(std::cell::Cell::get)
}

/// How many compiles, on any thread, a memoized result of typst survives without being used.
const MEMO_AGE: usize = 2;

/// Empties typst's memoization caches of what the last [`MEMO_AGE`] compiles did not use.
///
/// typst memoizes every step of a compile (parsing, evaluation, the layout of each paragraph) in
/// process-wide caches that only [`typst::comemo::evict`] empties. A try reuses little of the
/// one before (another size shapes and breaks every line anew; a balancing try keeps the width and
/// reuses its paragraphs) and nothing of another lesson's (other text), so the caches are kept
/// to about one layout. Evicting once per lesson, keeping ten lessons' worth as typst's CLI does
/// between compiles, held about 24 MB per 50-item lesson, and the build's memory grew with its
/// lessons (2.6 GB for 100 lessons); per compile it stays at the largest lesson's.
fn forget_old_layouts() {
    typst::comemo::evict(MEMO_AGE);
}

/// typst's errors as text, with the template line of each.
fn messages(errors: &[SourceDiagnostic], world: Option<&SheetWorld>) -> String {
    errors
        .iter()
        .map(|error| {
            let line = world.and_then(|world| {
                let range = world.range(error.span)?;
                let lines = world.main_source().lines();
                Some(lines.byte_to_line(range.start)? + 1)
            });
            let mut text = match line {
                Some(line) => format!("sheet.typ:{line}: {}", error.message),
                None => error.message.to_string(),
            };
            for hint in &error.hints {
                text.push_str(&format!(" (hint: {})", hint.v));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a layout keeps within the page budget with nothing past the bottom margin.
pub(super) fn fits(document: &PagedDocument, config: &SheetConfig) -> bool {
    document.pages().len() <= config.pages as usize
        && document.pages().iter().all(|page| {
            let height = page.frame.height().to_pt();
            let limit = Abs::pt(height - super::MARGIN_MM * POINTS_PER_MM + 1.0);
            lowest_text(&page.frame, Point::zero()) <= limit
        })
}

/// Whether no text of `document` runs past `layout`'s bottom margin (an item too tall for the
/// shortened column is placed anyway, below it).
fn within_bottom(document: &PagedDocument, layout: &Layout) -> bool {
    document.pages().iter().all(|page| {
        let limit = Abs::pt(page.frame.height().to_pt() - layout.bottom + 1.0);
        lowest_text(&page.frame, Point::zero()) <= limit
    })
}

/// The lowest baseline of any text in `frame`. (typst fits lines by their baselines, so a last
/// line's descenders may dip into the margin; that is not an overflow.)
fn lowest_text(frame: &Frame, origin: Point) -> Abs {
    let mut lowest = Abs::zero();
    for (position, item) in frame.items() {
        let at = origin + *position;
        let bottom = match item {
            FrameItem::Group(group) => lowest_text(
                &group.frame,
                at + Point::new(group.transform.tx, group.transform.ty),
            ),
            FrameItem::Text(_) => at.y,
            _ => Abs::zero(),
        };
        lowest = lowest.max(bottom);
    }
    lowest
}

/// How many pages the content takes, fractionally: full pages, plus how far into the last page's
/// columns the `<cardsmith-end>` mark lands.
pub(super) fn pages_needed(document: &PagedDocument, layout: &Layout) -> f64 {
    let pages = document.pages().len();
    let introspector = document.introspector();
    let position = label(PicoStr::intern("cardsmith-end"))
        .and_then(|end| introspector.query_label(end).ok())
        .and_then(|content| content.location())
        .and_then(|location| introspector.position(location));
    let Some(position) = position else {
        return pages as f64;
    };
    let x = position.point.x.to_pt() - layout.margin;
    let y = position.point.y.to_pt() - layout.margin;
    // A mark at the top of a column sits exactly one column step from the previous one's start:
    // half a point of slack keeps rounding from counting it in the column before.
    let column = ((x + 0.5) / (layout.column_width + layout.gutter))
        .floor()
        .clamp(0.0, f64::from(layout.columns) - 1.0);
    let down = (y / layout.column_height).clamp(0.0, 1.0);
    (position.page.get() - 1) as f64 + (column + down) / f64::from(layout.columns)
}

/// The string values of every `metadata` marked with `name`.
fn marked_items(document: &PagedDocument, name: &str) -> Vec<String> {
    let Some(mark) = label(PicoStr::intern(name)) else {
        return Vec::new();
    };
    document
        .introspector()
        .query(&typst::foundations::Selector::Label(mark))
        .iter()
        .filter_map(|content| content.to_packed::<MetadataElem>())
        .filter_map(|metadata| match &metadata.value {
            typst::foundations::Value::Str(id) => Some(id.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

fn label(name: PicoStr) -> Option<Label> {
    Label::new(name)
}
