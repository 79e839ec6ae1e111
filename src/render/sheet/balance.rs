//! Balancing a fitted sheet's columns from its one layout, without searching.
//!
//! typst fills one column before the next, so a fitted sheet with room to spare ends early in its
//! last column. The columns are balanced by raising the bottom margin to the shortest text area at
//! which the items still fit the same pages. Bisecting that height costs about nine layouts;
//! instead the template marks where each item starts (`<cardsmith-item>`), where its last baseline
//! ends (`<cardsmith-item-end>`) and where each topic heading starts (`<cardsmith-section>`), so one
//! layout gives every item's height and the space between items. typst places items the way
//! [`fill`] does (an item that does not fit the rest of a column starts the next one; a heading
//! goes with its first item; the space between two blocks is dropped at the top of a column), so
//! the shortest height at which they fit is found on those numbers, and one layout at that height
//! verifies it.
//!
//! [`plan`] gives up (and the caller bisects as before) when the marks are missing (a template
//! override without them), or when the model does not reproduce the layout it was read from.

use typst::foundations::{Label, Selector};
use typst::introspection::Introspector;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::SheetView;
use super::pdf::Layout;

/// Room left under the last baseline of the tallest column: typst compares heights with a
/// tolerance of its own, and a point's rounding must not push the last item to another page.
const SLACK_PT: f64 = 0.5;

/// How close, in points, the balanced height is searched (on the numbers, not with layouts).
const SEARCH_PRECISION_PT: f64 = 0.01;

/// Two positions this close (in points) are the same: what typst's float arithmetic leaves over.
const SAME_PT: f64 = 0.25;

/// The balanced layout [`plan`] predicts.
#[derive(Debug, PartialEq)]
pub(super) struct Plan {
    /// The bottom margin, in points, that balances the columns.
    pub bottom: f64,
    /// The column of each item, in order, counted over the whole sheet (page by page).
    pub columns: Vec<usize>,
}

/// Where a layout placed one item.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placed {
    /// The column, counted over the whole sheet: `page * columns + column`.
    pub column: usize,
    /// The top of the item, or of its topic heading when it opens a topic.
    pub top: f64,
    /// The item's own top, below its heading.
    pub item_top: f64,
    /// Its last baseline.
    pub bottom: f64,
    /// Whether a topic heading comes with it.
    pub opens_topic: bool,
}

/// One item as [`fill`] places it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    /// From the top of its heading to its own top; 0 without a heading.
    pub lead: f64,
    /// From its top to its last baseline.
    pub height: f64,
    /// From the previous item's last baseline to this one's top (its heading's) in one column;
    /// `None` when no layout showed that space.
    pub gap: Option<f64>,
}

/// The bottom margin that balances the columns of `document`, laid out with `fitted`, and the
/// columns it puts each item in; `None` when the layout cannot be read or explained (the caller
/// then searches), or when the columns cannot be shortened at all (the bottom is `fitted`'s).
pub(super) fn plan(view: &SheetView, fitted: &Layout, document: &PagedDocument) -> Option<Plan> {
    let placed = placements(view, fitted, document)?;
    let page_height = document.pages().first()?.frame.height().to_pt();
    let pages = document.pages().len();
    let per_page = fitted.columns as usize;
    let tops = column_tops(&placed, pages, per_page)?;
    let units = units(&placed);
    // The model must give back the layout it was read from, or it is not typst's.
    let fitted_bottom = page_height - fitted.bottom;
    let (columns, _) = fill(&units, &tops, per_page, fitted_bottom)?;
    if columns != placed.iter().map(|item| item.column).collect::<Vec<_>>() {
        return None;
    }
    // Invariant: the items fit above `high`, not above `low`.
    let lowest_top = tops.iter().copied().fold(f64::INFINITY, f64::min);
    let (mut low, mut high) = (lowest_top, fitted_bottom);
    while high - low > SEARCH_PRECISION_PT {
        let middle = (low + high) / 2.0;
        if fill(&units, &tops, per_page, middle).is_some() {
            high = middle;
        } else {
            low = middle;
        }
    }
    let (columns, deepest) = fill(&units, &tops, per_page, high)?;
    let bottom = (page_height - deepest - SLACK_PT).max(fitted.bottom);
    Some(Plan { bottom, columns })
}

/// The columns `document` put the items in, if it carries the marks (see [`plan`]).
pub(super) fn columns_of(
    view: &SheetView,
    layout: &Layout,
    document: &PagedDocument,
) -> Option<Vec<usize>> {
    Some(
        placements(view, layout, document)?
            .iter()
            .map(|item| item.column)
            .collect(),
    )
}

/// Places `units` in the columns of `tops.len()` pages of `per_page` columns, each column from its
/// page's top down to `bottom` (a y in points): each item in the current column if it fits above
/// `bottom`, else at the top of the next. The column of each item and the lowest baseline, or
/// `None` when they do not fit (an item taller than a column, or more columns than the pages have).
pub(super) fn fill(units: &[Unit], tops: &[f64], per_page: usize, bottom: f64) -> Option<(Vec<usize>, f64)> {
    let mut columns = Vec::with_capacity(units.len());
    let (mut column, mut cursor, mut deepest) = (0, None::<f64>, f64::MIN);
    for unit in units {
        loop {
            let top = *tops.get(column / per_page)?;
            // The space before a block is dropped at the top of a column. A space no layout
            // showed (every topic so far opened a column) is not guessed: that item opens one.
            let start = match (cursor, unit.gap) {
                (Some(last), Some(gap)) => Some(last + gap),
                (Some(_), None) => None,
                (None, _) => Some(top),
            };
            let end = start.map(|start| start + unit.lead + unit.height);
            if let Some(end) = end.filter(|&end| end <= bottom) {
                columns.push(column);
                cursor = Some(end);
                deepest = deepest.max(end);
                break;
            }
            // typst places an item too tall for a whole column anyway, below the margin.
            cursor?;
            (column, cursor) = (column + 1, None);
        }
    }
    Some((columns, deepest))
}

/// Per page, where its columns' content starts (below the title on the first): the top of the
/// first item (or heading) of each column, the same in every column of a page.
pub(super) fn column_tops(placed: &[Placed], pages: usize, per_page: usize) -> Option<Vec<f64>> {
    let mut tops: Vec<Option<f64>> = vec![None; pages];
    let mut previous = None;
    for item in placed {
        if previous != Some(item.column) {
            let top = tops.get_mut(item.column / per_page)?;
            match *top {
                Some(known) if (known - item.top).abs() > SAME_PT => return None,
                Some(_) => {}
                None => *top = Some(item.top),
            }
        }
        previous = Some(item.column);
    }
    tops.into_iter().collect()
}

/// The items' heights and the spaces between them, as `placed` shows them. A space between two
/// items that the layout put in different columns is the widest of its kind (before a topic or
/// not) seen within a column.
pub(super) fn units(placed: &[Placed]) -> Vec<Unit> {
    let gap = |pair: &[Placed]| (pair[0].column == pair[1].column).then(|| pair[1].top - pair[0].bottom);
    let widest = |opens_topic: bool| {
        placed
            .windows(2)
            .filter(|pair| pair[1].opens_topic == opens_topic)
            .filter_map(gap)
            .reduce(f64::max)
    };
    let (plain, topic) = (widest(false), widest(true));
    placed
        .iter()
        .enumerate()
        .map(|(index, item)| Unit {
            lead: item.item_top - item.top,
            height: item.bottom - item.item_top,
            gap: match index {
                0 => None,
                _ => gap(&placed[index - 1..=index])
                    .or(if item.opens_topic { topic } else { plain }),
            },
        })
        .collect()
}

/// Every item's place in `document`, from the template's marks; `None` without them.
pub(super) fn placements(view: &SheetView, layout: &Layout, document: &PagedDocument) -> Option<Vec<Placed>> {
    let starts = marks(document, layout, "cardsmith-item")?;
    let ends = marks(document, layout, "cardsmith-item-end")?;
    let mut headings = marks(document, layout, "cardsmith-section")?.into_iter();
    let items = view.items().count();
    let topics = view.sections.iter().filter(|section| section.title.is_some()).count();
    if items == 0 || starts.len() != items || ends.len() != items || headings.len() != topics {
        return None;
    }
    let mut placed = Vec::with_capacity(items);
    let mut marks = starts.into_iter().zip(ends);
    for section in &view.sections {
        let mut heading = if section.title.is_some() { headings.next() } else { None };
        for _ in &section.items {
            let ((column, item_top), (end_column, bottom)) = marks.next()?;
            let (top, opens_topic) = match heading.take() {
                Some((heading_column, top)) if heading_column == column => (top, true),
                Some(_) => return None,
                None => (item_top, false),
            };
            if end_column != column {
                return None;
            }
            placed.push(Placed { column, top, item_top, bottom, opens_topic });
        }
    }
    Some(placed)
}

/// Where each `metadata` marked `name` landed: (column over the sheet, y in points), in order.
fn marks(document: &PagedDocument, layout: &Layout, name: &str) -> Option<Vec<(usize, f64)>> {
    let label = Label::new(PicoStr::intern(name))?;
    let introspector = document.introspector();
    let step = layout.column_width + layout.gutter;
    introspector
        .query(&Selector::Label(label))
        .iter()
        .map(|content| {
            let position = introspector.position(content.location()?)?;
            let x = position.point.x.to_pt() - layout.margin;
            // Half a point of slack keeps rounding from counting a column's start in the one before.
            let column = ((x + 0.5) / step).floor().clamp(0.0, f64::from(layout.columns) - 1.0);
            let page = position.page.get() - 1;
            Some((page * layout.columns as usize + column as usize, position.point.y.to_pt()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Unit, fill};

    fn unit(height: f64) -> Unit {
        Unit { lead: 0.0, height, gap: Some(2.0) }
    }

    #[test]
    fn items_go_to_the_next_column_when_they_do_not_fit_and_the_space_is_dropped_there() {
        let units = [unit(10.0), unit(10.0), unit(10.0)];
        // 0..10, 12..22 in the first column; the third starts the second column at its top.
        let (columns, deepest) = fill(&units, &[0.0], 2, 25.0).expect("fits");
        assert_eq!(columns, [0, 0, 1]);
        assert_eq!(deepest, 22.0);
    }

    #[test]
    fn too_many_columns_or_an_item_taller_than_a_column_do_not_fit() {
        let units = [unit(10.0), unit(10.0), unit(10.0)];
        assert_eq!(fill(&units, &[0.0], 2, 10.5).map(|(columns, _)| columns), None);
        assert_eq!(fill(&[unit(30.0)], &[0.0], 2, 20.0), None);
        // A second page has columns of its own, from its own top.
        let (columns, _) = fill(&units, &[5.0, 0.0], 1, 22.5).expect("fits on two pages");
        assert_eq!(columns, [0, 1, 1]);
        assert_eq!(fill(&units, &[5.0, 0.0], 1, 16.0), None);
    }

    #[test]
    fn a_space_no_layout_showed_is_not_guessed_the_item_opens_a_column() {
        let units = [unit(10.0), Unit { gap: None, ..unit(10.0) }];
        let (columns, _) = fill(&units, &[0.0], 2, 30.0).expect("fits");
        assert_eq!(columns, [0, 1]);
        assert_eq!(fill(&units, &[0.0], 1, 30.0), None);
    }
}
