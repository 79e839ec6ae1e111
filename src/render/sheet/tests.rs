use super::*;
use crate::diagnostic::FileId;
use crate::model::SourceFile;

fn plain(text: &str) -> Run {
    Run::plain(text)
}

fn course(text: &str) -> Course {
    let (lesson, diagnostics) = crate::parse::parse_lesson(FileId(0), text, "lesson");
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    Course {
        files: vec![SourceFile {
            path: "source/lesson.md".into(),
            text: text.to_owned(),
        }],
        lessons: vec![lesson],
    }
}

const LESSON: &str = "---\nid: demo\ntitle: Demo lesson\ndeck: Demo\n---\n\n## Topic one\n\n\
### What is **it**? {#what}\n\nIt is a thing. It has parts that matter a great deal.\n\n\
### With points? {#points}\n\nAnswer.\n\n```card\nmust:\n  - the `first` point\navoid:\n  - a flag\n```\n\n\
## Topic two\n\n### Overridden? {#override}\n\nLong answer.\n\n```card\nmust: [ignored]\nsheet: \"short *line*\"\n```\n";

#[test]
fn an_excerpt_leaves_tables_and_code_blocks_out_and_images_print_their_alt_text() {
    let answer = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```sql\nSELECT 1;\n```\n\n\
                  Window functions keep ![the rows](img/rows.png) rows.";
    let text: String = excerpt(answer, 160)
        .iter()
        .map(|run| run.text.as_str())
        .collect();
    assert_eq!(text, "Window functions keep the rows rows.");
}

#[test]
fn inline_markdown_becomes_styled_runs_and_hostile_text_stays_text() {
    assert_eq!(
        inline_runs("a **b** `c $x$` _d_"),
        vec![
            plain("a "),
            Run {
                strong: true,
                ..plain("b")
            },
            plain(" "),
            Run {
                code: true,
                ..plain("c $x$")
            },
            plain(" "),
            Run {
                emph: true,
                ..plain("d")
            },
        ]
    );
    assert_eq!(
        inline_runs("#set page(width: 1cm) $5 C:\\temp\\new <T>"),
        vec![plain("#set page(width: 1cm) $5 C:\\temp\\new <T>")]
    );
}

#[test]
fn formulas_are_runs_of_their_own_and_cloze_deletions_show_their_text() {
    let runs = inline_runs("Var \\(\\sigma^2\\) and $$E[X]$$ is {{c1::$x_1$ small::hint}}");
    let math: Vec<(&str, bool)> = runs
        .iter()
        .filter(|run| run.math)
        .map(|run| (run.text.as_str(), run.display))
        .collect();
    assert_eq!(math, [("\\sigma^2", false), ("E[X]", true), ("x_1", false)]);
    let text: String = runs.iter().map(|run| run.text.as_str()).collect();
    assert!(!text.contains("{{") && !text.contains("hint"), "{text}");
    assert!(
        runs.iter()
            .any(|run| run.strong && run.text.contains("small")),
        "{runs:?}"
    );
}

#[test]
fn the_view_has_topics_points_flags_and_sheet_overrides() {
    let course = course(LESSON);
    let view = SheetView::of(&course, &course.lessons[0]);
    assert_eq!(view.title, "Demo lesson");
    let title = &course.files[0].text[view.title_span.range.clone()];
    assert_eq!(title, "title: Demo lesson");
    let titles: Vec<_> = view.sections.iter().map(|s| s.title.as_deref()).collect();
    assert_eq!(titles, vec![Some("Topic one"), Some("Topic two")]);

    let items: Vec<_> = view.items().collect();
    // No points: the answer's first sentence.
    assert_eq!(items[0].lines.len(), 1);
    assert_eq!(items[0].lines[0].kind, LineKind::Text);
    assert_eq!(items[0].lines[0].runs, vec![plain("It is a thing.")]);
    // Points as bullets, then flags.
    let kinds: Vec<_> = items[1].lines.iter().map(|line| line.kind).collect();
    assert_eq!(kinds, vec![LineKind::Point, LineKind::Flag]);
    // `sheet:` replaces the condensed answer.
    assert_eq!(items[2].lines.len(), 1);
    assert_eq!(items[2].lines[0].kind, LineKind::Text);
    assert_eq!(
        items[2].lines[0].runs,
        vec![
            plain("short "),
            Run {
                emph: true,
                ..plain("line")
            }
        ]
    );
}

#[test]
fn long_answers_are_cut_at_a_word_with_an_ellipsis() {
    let answer = "word ".repeat(60);
    let runs = excerpt(&answer, 40);
    let text: String = runs.iter().map(|run| run.text.as_str()).collect();
    assert!(text.ends_with("word…"), "{text}");
    assert!(text.chars().count() <= 41, "{text}");
}

#[test]
fn the_html_sheet_escapes_text_and_marks_flags() {
    let course = course(&LESSON.replace("a flag", "a <b>flag</b> & more"));
    let view = SheetView::of(&course, &course.lessons[0]);
    let config = SheetConfig::default();
    let html = crate::templates::Templates::embedded()
        .render(
            "sheet.html",
            HtmlContext {
                sheet: &view,
                layout: HtmlLayout::new(&config, 3, 8.5),
            },
        )
        .expect("renders");
    assert!(html.contains("a &lt;b&gt;flag&lt;"), "{html}");
    assert!(html.contains("&amp; more"), "{html}");
    assert!(html.contains(r#"<li class="flag">"#), "{html}");
    assert!(
        html.contains(r#"<li class="point">the <code>first</code> point</li>"#),
        "{html}"
    );
    assert!(html.contains("column-count: 3;"), "{html}");
    assert!(html.contains("size: A4;"), "{html}");
}

#[cfg(feature = "pdf")]
#[test]
fn a_small_lesson_fits_at_the_largest_size_and_reproducibly() {
    let course = course(LESSON);
    let view = SheetView::of(&course, &course.lessons[0]);
    let config = SheetConfig::default();
    let template = crate::templates::Templates::embedded()
        .raw("sheet.typ")
        .to_owned();
    let first = pdf::fit(&view, &config, &template).expect("fits");
    assert_eq!((first.columns, first.size), (2, config.max_font_size));
    assert!(first.pdf.starts_with(b"%PDF-"));
    let second = pdf::fit(&view, &config, &template).expect("fits");
    assert!(first.pdf == second.pdf, "two fits give different bytes");
}

#[cfg(feature = "pdf")]
#[test]
fn a_broken_template_override_is_a_template_error_with_its_line() {
    let course = course(LESSON);
    let view = SheetView::of(&course, &course.lessons[0]);
    match pdf::fit(&view, &SheetConfig::default(), "\n#let x = (\n") {
        Err(pdf::FitError::Template(message)) => {
            assert!(message.contains("sheet.typ:2"), "{message}")
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// A lesson of `items` items, ten per topic, each with two required points and a red flag.
#[cfg(feature = "pdf")]
fn generated_lesson(items: usize) -> String {
    let mut text = format!("---\nid: gen\ntitle: {items} items\ndeck: Gen\n---\n");
    for n in 1..=items {
        if n % 10 == 1 {
            text.push_str(&format!("\n## Topic {}\n", n / 10 + 1));
        }
        text.push_str(&format!(
            "\n### How does component {n} recover from failure? {{#item-{n}}}\n\n\
             It retries.\n\n```card\nmust:\n  - retries with backoff ({n})\n  - idempotent writes\n\
             avoid:\n  - retries forever\n```\n"
        ));
    }
    text
}

/// The size search as it was before the first guess: the ceiling, then bisection.
#[cfg(feature = "pdf")]
fn bisection(
    fitting: u32,
    ceiling: u32,
    mut fits_at: impl FnMut(u32) -> bool,
) -> u32 {
    let (mut low, mut high) = (fitting, ceiling + 1);
    if low < ceiling {
        if fits_at(ceiling) {
            low = ceiling;
        } else {
            high = ceiling;
        }
    }
    while high - low > 1 && low < ceiling {
        let middle = low + (high - low) / 2;
        if fits_at(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    low
}

#[cfg(feature = "pdf")]
#[test]
fn the_aimed_search_finds_the_bisections_size_in_fewer_layouts() {
    use std::cell::Cell;
    let config = SheetConfig::default();
    let template = crate::templates::Templates::embedded()
        .raw("sheet.typ")
        .to_owned();
    let floor = pdf::tenths(config.min_font_size);
    let ceiling = pdf::tenths(config.max_font_size);
    let (mut guessed_total, mut bisected_total, mut searches) = (0, 0, 0);
    for items in [12, 30, 55] {
        let course = course(&generated_lesson(items));
        let view = SheetView::of(&course, &course.lessons[0]);
        for &columns in &config.columns {
            let layout_at = |size: u32| pdf::layout(&config, columns, size, false);
            let at_floor = pdf::compile(&view, &template, &layout_at(floor)).expect("compiles");
            if !pdf::fits(&at_floor, &config) {
                continue;
            }
            let layouts = Cell::new(0);
            let try_at = |size: u32| {
                layouts.set(layouts.get() + 1);
                let layout = layout_at(size);
                let document = pdf::compile(&view, &template, &layout).expect("compiles");
                (pdf::fits(&document, &config), pdf::pages_needed(&document, &layout))
            };
            let needed = pdf::pages_needed(&at_floor, &layout_at(floor));
            let (guessed, ()) = pdf::largest_fitting::<(), ()>(
                Some((floor, ())),
                floor,
                ceiling + 1,
                f64::from(config.pages),
                Some((floor, needed)),
                || None,
                |size| {
                    let (fit, needed) = try_at(size);
                    Ok((fit, needed, ()))
                },
            )
            .expect("no errors")
            .expect("the floor fits");
            let guessed_layouts = layouts.replace(0);
            let bisected = bisection(floor, ceiling, |size| try_at(size).0);
            let bisected_layouts = layouts.get();
            assert_eq!(
                guessed, bisected,
                "{items} items in {columns} columns: the guess chose another size"
            );
            guessed_total += guessed_layouts;
            bisected_total += bisected_layouts;
            searches += 1;
        }
    }
    assert!(searches >= 6, "only {searches} searches had a fitting floor");
    // One search may take a layout more than the bisection (an estimate twice on the wrong side),
    // but together they take a fifth fewer: 32 layouts against 41 when this was written.
    assert!(
        guessed_total * 5 <= bisected_total * 4,
        "{guessed_total} layouts with the guess, {bisected_total} bisecting"
    );
}


/// The layout fitted at `size` tenths in `columns` columns, before balancing, if it fits.
#[cfg(feature = "pdf")]
fn fitted_layout(
    view: &SheetView,
    template: &str,
    columns: u32,
    size: u32,
) -> Option<(pdf::Layout, typst_layout::PagedDocument)> {
    let config = SheetConfig::default();
    let layout = pdf::layout(&config, columns, size, false);
    let document = pdf::compile(view, template, &layout).expect("compiles");
    pdf::fits(&document, &config).then_some((layout, document))
}

#[cfg(feature = "pdf")]
#[test]
fn columns_balanced_from_one_layout_are_as_short_as_bisected_ones() {
    let template = crate::templates::Templates::embedded()
        .raw("sheet.typ")
        .to_owned();
    let mut planned = 0;
    for (items, columns, size) in [(5, 2, 160), (12, 2, 120), (30, 3, 90), (30, 4, 85), (55, 4, 70)] {
        let course = course(&generated_lesson(items));
        let view = SheetView::of(&course, &course.lessons[0]);
        let Some((fitted, document)) = fitted_layout(&view, &template, columns, size) else {
            panic!("{items} items do not fit {columns} columns at {size} tenths");
        };
        let pages = document.pages().len();
        let plan = balance::plan(&view, &fitted, &document)
            .unwrap_or_else(|| panic!("{items} items, {columns} columns: no plan"));
        let (raised, _) =
            pdf::bisect_bottom(&view, &template, &fitted, document).expect("bisects");
        let at = |bottom: f64| pdf::Layout {
            bottom,
            ..fitted.clone()
        };
        // The planned height keeps the layout, with the columns it predicted...
        let balanced = pdf::compile(&view, &template, &at(plan.bottom)).expect("compiles");
        assert!(
            pdf::keeps(&balanced, &at(plan.bottom), pages),
            "{items} items, {columns} columns: the planned bottom {} overflows",
            plan.bottom
        );
        assert_eq!(
            balance::columns_of(&view, &at(plan.bottom), &balanced),
            Some(plan.columns.clone())
        );
        // ...is at least as short as the bisection's (to its 2 pt, less the plan's slack)...
        assert!(
            plan.bottom >= fitted.bottom + raised - 0.5,
            "{items} items, {columns} columns: planned bottom {}, bisected {}",
            plan.bottom,
            fitted.bottom + raised
        );
        // ...and a point shorter no longer keeps it: no shorter height does.
        if plan.bottom > fitted.bottom + 2.0 {
            let shorter = at(plan.bottom + 1.0);
            let document = pdf::compile(&view, &template, &shorter).expect("compiles");
            assert!(
                !pdf::keeps(&document, &shorter, pages),
                "{items} items, {columns} columns: the bottom could be raised past {}",
                plan.bottom
            );
            planned += 1;
        }
    }
    assert!(planned >= 4, "only {planned} sheets needed balancing");
}

#[cfg(feature = "pdf")]
#[test]
fn a_template_without_the_item_marks_is_balanced_by_bisection() {
    let template = crate::templates::Templates::embedded()
        .raw("sheet.typ")
        .replace("<cardsmith-item-end>", "<elsewhere>");
    let course = course(&generated_lesson(12));
    let view = SheetView::of(&course, &course.lessons[0]);
    let (fitted, document) = fitted_layout(&view, &template, 2, 120).expect("fits");
    assert!(balance::plan(&view, &fitted, &document).is_none());
    let config = SheetConfig::default();
    let before = pdf::compiles();
    let fitted = pdf::fit(&view, &config, &template).expect("fits");
    let bisected = pdf::compiles() - before;
    let before = pdf::compiles();
    let templates = crate::templates::Templates::embedded();
    let planned = pdf::fit(&view, &config, templates.raw("sheet.typ")).expect("fits");
    let planned_layouts = pdf::compiles() - before;
    assert_eq!((fitted.columns, fitted.size), (planned.columns, planned.size));
    assert!(
        planned_layouts + 7 <= bisected,
        "{planned_layouts} layouts from the marks, {bisected} bisecting"
    );
}

#[cfg(feature = "pdf")]
#[test]
fn a_fit_of_30_items_costs_a_bounded_number_of_layouts() {
    let course = course(&generated_lesson(30));
    let view = SheetView::of(&course, &course.lessons[0]);
    let config = SheetConfig::default();
    let templates = crate::templates::Templates::embedded();
    let template = templates.raw("sheet.typ");
    let before = pdf::compiles();
    let started = std::time::Instant::now();
    let fitted = pdf::fit(&view, &config, template).expect("fits");
    let layouts = pdf::compiles() - before;
    eprintln!(
        "30 items: {} columns at {} pt in {layouts} layouts, {:?}",
        fitted.columns,
        fitted.size,
        started.elapsed()
    );
    assert_eq!((fitted.columns, fitted.size, fitted.pages), (3, 13.2, 1));
    // 2 columns at the ceiling (the first try, read for the model), 3 columns at 13.2 and 13.3
    // (the predicted answer and the size above it), 4 at 13.3 and 2 at 13.2 (neither beats it),
    // and none to balance: the marks show the columns end level already. The plain search took
    // 14 (5, 8 and 1 for 2, 3 and 4 columns), 23 when balancing bisected. (4 when another fit
    // with this template came first, as below.)
    assert!(layouts <= 5, "{layouts} layouts");

    // The next lesson's first try aims at once, from what the template showed in this fit: at
    // the predicted answer rather than at the ceiling.
    let other = self::course(&generated_lesson(30).replace("recover from", "come back after"));
    let view = SheetView::of(&other, &other.lessons[0]);
    let before = pdf::compiles();
    let fitted = pdf::fit(&view, &config, template).expect("fits");
    let warm = pdf::compiles() - before;
    eprintln!(
        "30 other items: {} columns at {} pt in {warm} layouts",
        fitted.columns, fitted.size
    );
    assert!(warm <= 4, "{warm} layouts");
}

/// A lesson of `items` items of uneven shape: questions of one to four clauses, one to four
/// required points (some long enough to wrap), some items with a `sheet:` text or an answer
/// excerpt only, topics of seven items with long names.
#[cfg(feature = "pdf")]
fn uneven_lesson(items: usize) -> String {
    let mut text = format!("---\nid: uneven\ntitle: An uneven lesson of {items} items\ndeck: Gen\n---\n");
    for n in 1..=items {
        if n % 7 == 1 {
            text.push_str(&format!("\n## Failure handling in distributed stage {}\n", n / 7 + 1));
        }
        let clauses = ["when the broker restarts", "under back-pressure", "with exactly-once sinks"];
        let question: Vec<&str> = clauses.iter().copied().take(n % 4).collect();
        text.push_str(&format!(
            "\n### How does component {n} recover {}? {{#item-{n}}}\n\n\
             It retries with a bounded exponential backoff. Then it gives up and alerts.\n\n",
            question.join(" and ")
        ));
        match n % 5 {
            0 => {}
            1 => text.push_str(&format!(
                "```card\nsheet: \"**retry** with backoff ({n}); then *alert* the on-call\"\n```\n"
            )),
            _ => {
                text.push_str("```card\nmust:\n");
                for point in 0..(n % 4 + 1) {
                    let words = "idempotent writes keyed by the message offset and partition";
                    let cut = 2 + (n + point) % 8;
                    let point: Vec<&str> = words.split(' ').take(cut).collect();
                    text.push_str(&format!("  - {} ({n})\n", point.join(" ")));
                }
                text.push_str("avoid:\n  - retries forever without a dead-letter queue\n```\n");
            }
        }
    }
    text
}

/// The size search as it was before the model (each column count in order, from the floor or
/// just above the best so far, aimed from the page fraction): its columns and size, or `None`
/// when nothing fits, and how many layouts it took.
#[cfg(feature = "pdf")]
fn plain_search(view: &SheetView, config: &SheetConfig, template: &str) -> (Option<(u32, u32)>, usize) {
    use std::cell::Cell;
    let floor = pdf::tenths(config.min_font_size);
    let ceiling = pdf::tenths(config.max_font_size).max(floor);
    let layouts = Cell::new(0);
    let try_at = |columns: u32, size: u32| {
        layouts.set(layouts.get() + 1);
        let layout = pdf::layout(config, columns, size, false);
        let document = pdf::compile(view, template, &layout).expect("compiles");
        (pdf::fits(&document, config), pdf::pages_needed(&document, &layout), ())
    };
    let mut best: Option<(u32, u32)> = None;
    for &columns in &config.columns {
        let low_start = best.map_or(floor, |(_, size)| size + 1);
        if low_start > ceiling {
            break;
        }
        let (fit, needed, ()) = try_at(columns, low_start);
        if !fit {
            continue;
        }
        let (size, ()) = pdf::largest_fitting::<(), ()>(
            Some((low_start, ())),
            low_start,
            ceiling + 1,
            f64::from(config.pages),
            Some((low_start, needed)),
            || None,
            |size| Ok(try_at(columns, size)),
        )
        .expect("no errors")
        .expect("the first size fits");
        best = Some((columns, size));
    }
    (best, layouts.get())
}

#[cfg(feature = "pdf")]
#[test]
fn the_model_guided_search_chooses_what_the_plain_search_chooses_in_fewer_layouts() {
    let templates = crate::templates::Templates::embedded();
    let template = templates.raw("sheet.typ");
    let compact = SheetConfig {
        max_font_size: 10.0,
        ..SheetConfig::default()
    };
    let two_pages = SheetConfig {
        pages: 2,
        ..SheetConfig::default()
    };
    let cases = [
        ("5 items", generated_lesson(5), SheetConfig::default()),
        ("15 items", generated_lesson(15), SheetConfig::default()),
        ("30 items", generated_lesson(30), SheetConfig::default()),
        ("55 items", generated_lesson(55), SheetConfig::default()),
        ("12 uneven", uneven_lesson(12), SheetConfig::default()),
        ("30 uneven", uneven_lesson(30), SheetConfig::default()),
        ("45 uneven", uneven_lesson(45), SheetConfig::default()),
        ("30 items, 10 pt ceiling", generated_lesson(30), compact),
        ("90 items, 2 pages", generated_lesson(90), two_pages),
        ("150 items (overflow)", generated_lesson(150), SheetConfig::default()),
    ];
    let (mut guided_total, mut plain_total) = (0, 0);
    for (name, lesson, config) in cases {
        let course = course(&lesson);
        let view = SheetView::of(&course, &course.lessons[0]);
        let before = pdf::compiles();
        let fitted = pdf::fit(&view, &config, template);
        let guided = pdf::compiles() - before;
        let (plain, plain_layouts) = plain_search(&view, &config, template);
        let chosen = fitted
            .as_ref()
            .ok()
            .map(|fitted| (fitted.columns, pdf::tenths(fitted.size)));
        eprintln!(
            "{name}: {chosen:?} in {guided} layouts (balancing included); plain search {plain:?} in {plain_layouts}"
        );
        assert_eq!(chosen, plain, "{name}: the model-guided search chose another size");
        // The first try, the answer and the size above it, one try per other column count, one
        // to balance or to explain an overflow, and one more where the model was a tenth off.
        assert!(guided <= 2 + config.columns.len() + 2, "{name}: {guided} layouts");
        guided_total += guided;
        plain_total += plain_layouts;
    }
    eprintln!("in all: {guided_total} layouts guided, {plain_total} plain");
    // Balancing and the overflow's explanation are counted on the guided side only: 42 layouts
    // against 78 when this was written.
    assert!(
        guided_total * 5 <= plain_total * 3,
        "{guided_total} layouts guided, {plain_total} plain"
    );
}

/// [`Runs::finish`]'s whitespace collapsing as it was first written, character by character.
fn collapsed_by_chars(runs: &[Run]) -> Vec<(String, bool)> {
    let mut texts = Vec::new();
    let mut after_space = true;
    for run in runs {
        if !run.code && !run.math {
            let mut collapsed = String::new();
            for c in run.text.chars() {
                if c.is_whitespace() {
                    if !after_space {
                        collapsed.push(' ');
                    }
                    after_space = true;
                } else {
                    collapsed.push(c);
                    after_space = false;
                }
            }
            texts.push((collapsed, true));
        } else {
            after_space = false;
            texts.push((run.text.clone(), false));
        }
    }
    texts
}

proptest::proptest! {
    /// Runs collapse their whitespace as they did character by character (a run of it, across
    /// runs too, is one space; none at the start or the end).
    #[test]
    fn runs_collapse_whitespace_as_they_did(
        texts in proptest::collection::vec(
            (
                proptest::collection::vec(
                    proptest::sample::select(&["a", "bc", " ", "  ", "\n", "\t", "\u{a0}", "\u{2003}", "é"][..]),
                    0..6,
                ),
                proptest::bool::ANY,
            ),
            0..5,
        ),
    ) {
        let runs: Vec<Run> = texts
            .iter()
            .map(|(parts, code)| Run { code: *code, ..plain(&parts.concat()) })
            .collect();
        let mut expected: Vec<(String, bool)> = collapsed_by_chars(&runs)
            .into_iter()
            .filter(|(text, _)| !text.is_empty())
            .collect();
        // The last run, when it is text, is trimmed at its end; empty runs are dropped.
        if let Some((last, true)) = expected.last_mut() {
            let trimmed = last.trim_end().len();
            last.truncate(trimmed);
        }
        let expected: Vec<String> = expected
            .into_iter()
            .map(|(text, _)| text)
            .filter(|text| !text.is_empty())
            .collect();
        let finished = Runs { runs, ..Runs::default() }.finish();
        let texts: Vec<String> = finished.into_iter().map(|run| run.text).collect();
        proptest::prop_assert_eq!(texts, expected);
    }
}
