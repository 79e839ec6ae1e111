//! The cheat sheet (issue 6): `out/<lesson-id>.pdf` checked with a real renderer (poppler's
//! `pdfinfo`, `pdftotext`, `pdftoppm`, installed by `scripts/setup-test-deps`; these tests fail
//! when poppler is missing), and `out/<lesson-id>.sheet.html`.

use crate::support::{Project, seed_lesson};

fn seed_questions() -> Vec<String> {
    seed_lesson()
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .map(|heading| heading.split(" {#").next().unwrap_or(heading).to_owned())
        .collect()
}

#[cfg(feature = "pdf")]
mod pdf {
    use std::path::Path;
    use std::process::{Command, Output};

    use super::*;

    /// A lesson of `items` generated items, ten per topic, each with a question, two required points
    /// and a red flag. The question of item `n` is [`generated_question`]`(n)`.
    fn generated_lesson(id: &str, items: usize) -> String {
        let mut text = format!(
            "---\nid: {id}\ntitle: Generated lesson with {items} items\ndeck: Generated::{id}\n---\n"
        );
        for n in 1..=items {
            if n % 10 == 1 {
                text.push_str(&format!("\n## Topic {}\n", n / 10 + 1));
            }
            text.push_str(&format!(
                "\n### {} {{#item-{n}}}\n\nComponent {n} retries with backoff and relies on idempotent writes.\n\n\
                 ```card\nmust:\n  - retries with backoff\n  - idempotent writes\navoid:\n  - retries forever\n```\n",
                generated_question(n)
            ));
        }
        text
    }

    fn generated_question(n: usize) -> String {
        format!("How does component {n} recover from failure?")
    }

    /// Runs a poppler tool; fails the test (never skips) when it is missing or fails.
    fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> Output {
        let output = Command::new(tool)
            .args(args)
            .output()
            .unwrap_or_else(|error| {
                panic!(
                    "`{tool}` could not run ({error}): install poppler-utils (scripts/setup-test-deps)"
                )
            });
        assert!(
            output.status.success(),
            "`{tool}` failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// `pdfinfo`'s output. Its exit status is what counts: poppler prints warnings about typst's
    /// tagged-PDF marks on stderr even for good files.
    fn pdfinfo(pdf: &Path) -> String {
        String::from_utf8_lossy(&poppler("pdfinfo", &[pdf.as_os_str()]).stdout).into_owned()
    }

    fn pages(pdf: &Path) -> usize {
        let info = pdfinfo(pdf);
        info.lines()
            .find_map(|line| line.strip_prefix("Pages:"))
            .and_then(|count| count.trim().parse().ok())
            .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
    }

    /// Width and height in points, from `pdfinfo`'s `Page size:` line.
    fn page_size(pdf: &Path) -> (f64, f64) {
        let info = pdfinfo(pdf);
        let numbers: Vec<f64> = info
            .lines()
            .find_map(|line| line.strip_prefix("Page size:"))
            .unwrap_or_else(|| panic!("no page size in pdfinfo output:\n{info}"))
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        match numbers[..] {
            [width, height, ..] => (width, height),
            _ => panic!("unreadable page size in:\n{info}"),
        }
    }

    fn assert_page_size(pdf: &Path, expected: (f64, f64)) {
        let (width, height) = page_size(pdf);
        assert!(
            (width - expected.0).abs() < 0.5 && (height - expected.1).abs() < 0.5,
            "page is {width} x {height} pt, expected {expected:?}"
        );
    }

    const A4: (f64, f64) = (595.28, 841.89);
    const LETTER: (f64, f64) = (612.0, 792.0);

    /// Text for comparing with `pdftotext` output: no whitespace and no hyphens, because the PDF
    /// breaks lines anywhere and pdftotext drops a hyphen that ends a line ("third-" + "party" gives
    /// "thirdparty").
    fn comparable(text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect()
    }

    /// The PDF's text with every run of whitespace made one space.
    fn pdf_text(pdf: &Path) -> String {
        let output = poppler("pdftotext", &[pdf.as_os_str(), "-".as_ref()]);
        squash(&String::from_utf8_lossy(&output.stdout))
    }

    fn squash(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Renders every page to PNG at 60 dpi; returns the PNGs written.
    fn pngs(pdf: &Path, dir: &Path) -> Vec<std::path::PathBuf> {
        let prefix = dir.join("page");
        poppler(
            "pdftoppm",
            &[
                "-png".as_ref(),
                "-r".as_ref(),
                "60".as_ref(),
                pdf.as_os_str(),
                prefix.as_os_str(),
            ],
        );
        let mut found: Vec<_> = std::fs::read_dir(dir)
            .expect("read png dir")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn seed_lesson_prints_on_one_page_with_every_question() {
        let project = Project::with_seed();
        project.cardsmith(&["build"]).assert().success();
        let pdf = project.root().join("out/pipeline-probes.pdf");
        assert_eq!(pages(&pdf), 1);
        let text = pdf_text(&pdf);
        let questions = seed_questions();
        assert_eq!(questions.len(), 5);
        for question in questions {
            assert!(
                comparable(&text).contains(&comparable(&question)),
                "{question:?} not in:\n{text}"
            );
        }
        assert!(text.contains("Survive the follow-up probes"), "{text}");
        assert!(text.contains("high-water mark"), "{text}");
        assert!(
            text.contains("re-reads the whole table on every run"),
            "{text}"
        );
        assert_page_size(&pdf, A4);
    }

    #[test]
    fn sixty_items_fit_on_one_page_and_render_to_one_png() {
        let project = Project::new();
        project.write("source/sixty.md", &generated_lesson("sixty", 60));
        project.cardsmith(&["build"]).assert().success();
        let pdf = project.root().join("out/sixty.pdf");
        assert_eq!(pages(&pdf), 1);
        let text = pdf_text(&pdf);
        for n in 1..=60 {
            let question = generated_question(n);
            assert!(
                comparable(&text).contains(&comparable(&question)),
                "{question:?} not in:\n{text}"
            );
        }
        let images = tempfile::tempdir().expect("temp dir");
        let rendered = pngs(&pdf, images.path());
        assert_eq!(rendered.len(), 1, "{rendered:?}");
        let png = std::fs::read(&rendered[0]).expect("read png");
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    }

    #[test]
    fn three_hundred_items_fail_with_the_overflow_and_what_to_do() {
        let project = Project::new();
        project.write("source/big.md", &generated_lesson("big", 300));
        let stderr = project.run(&["build"], 1);
        assert!(stderr.contains("S017"), "{stderr}");
        assert!(
            stderr.contains("the cheat sheet of lesson `big` does not fit on 1 page: it needs "),
            "{stderr}"
        );
        assert!(stderr.contains(" pages at 6.5 pt ("), "{stderr}");
        let needed: f64 = stderr
            .split("it needs ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("no page count in {stderr}"));
        assert!((2.0..8.0).contains(&needed), "needs {needed} pages?");
        // Points at the title line of the front matter.
        assert!(stderr.contains("source/big.md:3:1"), "{stderr}");
        assert!(stderr.contains("split the lesson"), "{stderr}");
        // The page budget suggested is one the content would fit.
        assert!(
            stderr.contains(&format!("`pages = {}` under `[sheet]`", needed.ceil())),
            "{stderr}"
        );
        assert!(
            !project.root().join("out").exists(),
            "a failed build wrote outputs"
        );
    }

    #[test]
    fn an_item_taller_than_a_column_is_named() {
        let project = Project::new();
        let long: String = (1..=300)
            .map(|n| format!("  line {n} of a cheat sheet text that never ends\n"))
            .collect();
        project.write(
            "source/tall.md",
            &format!(
                "---\nid: tall\ntitle: Tall\ndeck: Tall\n---\n\n### Short? {{#short}}\n\nYes.\n\n\
                 ### Huge? {{#huge}}\n\nYes.\n\n```card\nsheet: |\n{long}```\n"
            ),
        );
        let stderr = project.run(&["build"], 1);
        assert!(
            stderr
                .contains("item `huge` alone is taller than a column of the cheat sheet at 6.5 pt"),
            "{stderr}"
        );
        assert!(stderr.contains("source/tall.md:11:5"), "{stderr}");
        assert!(!stderr.contains("`short`"), "{stderr}");
    }

    #[test]
    fn two_projects_give_byte_identical_pdfs() {
        let first = Project::with_seed();
        let second = Project::with_seed();
        first.cardsmith(&["build"]).assert().success();
        second.cardsmith(&["build"]).assert().success();
        let read = |project: &Project| {
            std::fs::read(project.root().join("out/pipeline-probes.pdf")).expect("pdf")
        };
        assert!(read(&first) == read(&second), "the PDFs differ");
    }

    #[test]
    fn hostile_text_prints_literally() {
        let project = Project::new();
        project.write(
            "source/hostile.md",
            "---\nid: hostile\ntitle: \"#set text(size: 40pt) $title$\"\ndeck: Hostile\n---\n\n\
             ## Topic with #show: none\n\n\
             ### Does #set page(width: 1cm) break it? {#set-page}\n\nNo.\n\n\
             ```card\nallow: [P001]\nmust:\n  - '\\$x\\$ stays \\$x\\$'\n  - 'C:\\temp\\new and \\d+ and <T> and *not bold*'\n\
             avoid:\n  - '#pagebreak() ] ) \" #{'\n```\n\n\
             ### What about a sheet line? {#sheet-line}\n\nYes.\n\n\
             ```card\nsheet: '`#let x = 1` and #x and \\\\ twice'\n```\n",
        );
        project.cardsmith(&["build"]).assert().success();
        let pdf = project.root().join("out/hostile.pdf");
        assert_eq!(pages(&pdf), 1);
        assert_page_size(&pdf, A4);
        let text = pdf_text(&pdf);
        for expected in [
            "#set text(size: 40pt) $title$",
            "Does #set page(width: 1cm) break it?",
            "$x$ stays $x$",
            "C:\\temp\\new and \\d+ and <T> and",
            "#pagebreak() ] ) \" #{",
            "#let x = 1",
            "and #x and \\ twice",
        ] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
    }

    #[test]
    fn formulas_are_typeset_and_cloze_deletions_print_as_their_text() {
        let project = Project::new();
        project.write(
            "source/math.md",
            "---\nid: math\ntitle: Math\ndeck: Math\n---\n\n\
             ### What is the variance \\(\\sigma^2\\)? {#variance}\n\nA moment.\n\n\
             ```card\nallow: [P001]\nmust:\n  - $\\sum_{i=1}^{n} (x_i - \\mu)^2 / n$\n  - $\\myunknown{x}$ as written\n```\n\n\
             ### Parquet's layout {#layout}\n\nParquet is {{c1::columnar::how?}} on disk.\n\n\
             ```card\nkind: cloze\n```\n",
        );
        let stderr = project.run(&["build"], 0);
        assert!(stderr.contains("warning[S024]"), "{stderr}");
        assert!(stderr.contains("source/math.md:15:6"), "{stderr}");
        let text = pdf_text(&project.root().join("out/math.pdf"));
        // Math italic letters (U+1D70E, U+1D707): typeset, not the LaTeX.
        for expected in ["𝜎", "∑", "𝜇", "Parquet is columnar on disk."] {
            assert!(text.contains(expected), "{expected:?} not in:\n{text}");
        }
        for unexpected in ["\\sigma", "\\sum", "{{", "c1::", "how?"] {
            assert!(!text.contains(unexpected), "{unexpected:?} in:\n{text}");
        }
        assert!(
            text.contains("\\myunknown{x}"),
            "the LaTeX it could not convert:\n{text}"
        );
    }

    #[test]
    fn a_character_the_fonts_lack_is_a_warning_at_its_place() {
        let project = Project::new();
        project.write(
            "source/cjk.md",
            "---\nid: cjk\ntitle: Glyphs\ndeck: Glyphs\n---\n\n### What is 字? {#char}\n\nA character.\n",
        );
        let stderr = project.run(&["build"], 0);
        assert!(stderr.contains("S018"), "{stderr}");
        assert!(stderr.contains("source/cjk.md:7:13"), "{stderr}");
        assert!(stderr.contains("U+5B57"), "{stderr}");
        assert_eq!(pages(&project.root().join("out/cjk.pdf")), 1);
    }

    #[test]
    fn letter_paper_and_a_page_budget_come_from_the_config() {
        let project = Project::new();
        project
            .write("source/eighty.md", &generated_lesson("eighty", 80))
            .write(
                "cardsmith.toml",
                "[sheet]\npaper = \"letter\"\npages = 2\nmin-font-size = 7\n",
            );
        project.cardsmith(&["build"]).assert().success();
        let pdf = project.root().join("out/eighty.pdf");
        assert_page_size(&pdf, LETTER);
        assert_eq!(pages(&pdf), 2);
        let html = std::fs::read_to_string(project.root().join("out/eighty.sheet.html"))
            .expect("html sheet");
        assert!(html.contains("size: letter;"), "{html}");
    }

    /// The number of non-space characters `pdftotext` finds in a crop of page 1, in points.
    fn chars_in(pdf: &Path, x: f64, y: f64, width: f64, height: f64) -> usize {
        let [x, y, width, height] = [x, y, width, height].map(|value| value.round().to_string());
        let output = poppler(
            "pdftotext",
            &[
                "-f".as_ref(),
                "1".as_ref(),
                "-l".as_ref(),
                "1".as_ref(),
                "-x".as_ref(),
                x.as_ref(),
                "-y".as_ref(),
                y.as_ref(),
                "-W".as_ref(),
                width.as_ref(),
                "-H".as_ref(),
                height.as_ref(),
                pdf.as_os_str(),
                "-".as_ref(),
            ],
        );
        String::from_utf8_lossy(&output.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }

    /// The text of one page.
    fn page_text(pdf: &Path, page: usize) -> String {
        let page = page.to_string();
        let args = ["-f", &page, "-l", &page];
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|arg| arg.as_ref()).collect();
        all.extend([pdf.as_os_str(), "-".as_ref()]);
        squash(&String::from_utf8_lossy(&poppler("pdftotext", &all).stdout))
    }

    // See: issue 10, "the sheet wastes half the page" (1,628 characters in the left half, 11 in
    // the right).
    #[test]
    fn a_twelve_item_lesson_fills_both_columns_and_most_of_the_page() {
        let project = Project::new();
        project.write("source/twelve.md", &generated_lesson("twelve", 12));
        let stderr = project.run(&["build"], 0);
        let pdf = project.root().join("out/twelve.pdf");
        assert_eq!(pages(&pdf), 1);
        let (width, height) = A4;
        let left = chars_in(&pdf, 0.0, 0.0, width / 2.0, height);
        let right = chars_in(&pdf, width / 2.0, 0.0, width / 2.0, height);
        assert!(
            left > 400 && right > 400 && left.abs_diff(right) * 4 < left + right,
            "columns unbalanced: {left} characters left, {right} right"
        );
        // Mostly filled: both columns still hold text in the lower third of the page.
        let low = height * 2.0 / 3.0;
        for (name, x) in [("left", 0.0), ("right", width / 2.0)] {
            let below = chars_in(&pdf, x, low, width / 2.0, height - low);
            assert!(
                below > 40,
                "the {name} column ends above the last third ({below})"
            );
        }
        let chosen = stderr
            .lines()
            .find(|line| line.starts_with("note: sheet of `twelve`: 2 columns at "))
            .unwrap_or_else(|| panic!("build does not say what the fit chose: {stderr}"));
        assert!(chosen.ends_with(" pt, 1 page (a4)"), "{chosen}");
    }

    #[test]
    fn every_page_of_a_longer_sheet_is_numbered_and_page_two_has_the_title() {
        let project = Project::new();
        project
            .write("source/eighty.md", &generated_lesson("eighty", 80))
            .write(
                "cardsmith.toml",
                "[sheet]
pages = 2
min-font-size = 7
",
            );
        let stderr = project.run(&["build"], 0);
        assert!(stderr.contains(" pt, 2 pages (a4)"), "{stderr}");
        let pdf = project.root().join("out/eighty.pdf");
        assert_eq!(pages(&pdf), 2);
        let first = page_text(&pdf, 1);
        let second = page_text(&pdf, 2);
        // pdftotext joins `1 / 2` into `1/2`.
        assert!(
            first.starts_with("1/2 Generated lesson with 80 items"),
            "{first}"
        );
        assert!(
            second.starts_with("Generated lesson with 80 items 2/2"),
            "page 2 has no title or number: {second}"
        );
    }

    // See: issue 10, "one lesson blocks every deck".
    #[test]
    fn keep_going_writes_every_output_but_the_sheet_that_does_not_fit() {
        let project = Project::new();
        project
            .write("source/big.md", &generated_lesson("big", 300))
            .write(
                "source/small.md",
                "---\nid: small\ntitle: Small\ndeck: Small\n---\n\n### Why Parquet? {#parquet}\n\nColumnar.\n",
            );
        let refused = project.run(&["build"], 1);
        assert!(refused.contains("error[S017]"), "{refused}");
        assert!(!project.root().join("out").exists());

        let stderr = project.run(&["build", "--keep-going"], 1);
        assert!(stderr.contains("error[S017]"), "{stderr}");
        assert!(stderr.contains("build incomplete: 1 error"), "{stderr}");
        let out = project.root().join("out");
        for made in [
            "big.apkg",
            "big.md",
            "small.apkg",
            "small.md",
            "small.pdf",
            "small.sheet.html",
            "all.apkg",
        ] {
            assert!(out.join(made).is_file(), "{made} missing: {stderr}");
        }
        assert!(!out.join("big.pdf").exists() && !out.join("big.sheet.html").exists());
        assert!(project.root().join("cardsmith.lock").is_file());
    }

    #[test]
    fn a_lesson_with_sheet_false_builds_without_a_sheet_even_when_it_would_not_fit() {
        let project = Project::new();
        let big = generated_lesson("big", 300).replacen("deck:", "sheet: false\ndeck:", 1);
        project.write("source/big.md", &big);
        let stderr = project.run(&["build"], 0);
        assert!(
            !stderr.contains("S017") && !stderr.contains("sheet of `big`"),
            "{stderr}"
        );
        let out = project.root().join("out");
        assert!(out.join("big.apkg").is_file() && out.join("big.md").is_file());
        assert!(!out.join("big.pdf").exists() && !out.join("big.sheet.html").exists());

        project.write(
            "source/big.md",
            &big.replacen("sheet: false", "sheet: maybe", 1),
        );
        let stderr = project.run(&["check"], 1);
        assert!(
            stderr.contains("error[S001]: `sheet` must be true or false"),
            "{stderr}"
        );
    }

    // See: issue 10, "one Japanese heading gives 17 S018 warnings".
    #[test]
    fn a_run_of_missing_glyphs_is_one_warning_per_item() {
        let project = Project::new();
        project.write(
            "source/ja.md",
            "---\nid: ja\ntitle: Cache\ndeck: Ja\n---\n\n### キャッシュとは何ですか? {#what}\n\nA copy.\n\n\
             ```card\nsheet: \"キャッシュとは何ですか: a copy of 字\"\n```\n",
        );
        let stderr = project.run(&["build"], 0);
        assert_eq!(stderr.matches("warning[S018]").count(), 2, "{stderr}");
        assert!(stderr.contains("source/ja.md:7:5"), "{stderr}");
        assert!(
            stderr.contains("none of `キャッシュとは何ですか`"),
            "{stderr}"
        );
        assert!(stderr.contains("`字` (U+5B57)"), "{stderr}");
    }

    #[test]
    fn a_broken_template_override_fails_the_build_naming_the_template() {
        let project = Project::with_seed();
        project.write("templates/sheet.typ", "#let broken = (\n");
        let stderr = project.run(&["build"], 2);
        assert!(stderr.contains("sheet.typ"), "{stderr}");
        assert!(!project.root().join("out").exists());
    }
}

#[test]
fn the_html_sheet_has_print_css_and_every_question() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let html = std::fs::read_to_string(project.root().join("out/pipeline-probes.sheet.html"))
        .expect("html sheet");
    assert!(html.contains("@page { size: A4;"), "{html}");
    assert!(html.contains("break-inside: avoid"), "{html}");
    for question in seed_questions() {
        assert!(html.contains(&question), "{question:?}");
    }
}

#[cfg(not(feature = "pdf"))]
#[test]
fn without_the_pdf_feature_the_cli_says_the_sheet_is_html_only() {
    let project = Project::with_seed();
    let stderr = project.run(&["build"], 0);
    assert!(stderr.contains("without the `pdf` feature"), "{stderr}");
    assert!(!project.root().join("out/pipeline-probes.pdf").exists());
}

// See: issue 10, "a headless-browser screenshot of the sheet".
#[test]
fn the_html_sheet_renders_in_a_browser() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let page = project.root().join("out/pipeline-probes.sheet.html");
    let dom = crate::browser::dom_after_scripts(&page);
    for question in seed_questions() {
        let first_words: String = question
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(dom.contains(&first_words), "{first_words} not in {dom}");
    }
    // A4 at 96 dpi.
    let png = crate::browser::screenshot(&page, "sheet-html.png", (794, 1123));
    let ink = crate::browser::ink(&png);
    assert!(ink > 0.01, "the screenshot looks blank ({ink})");
}
