//! Formulas on the PDF sheet: the author's LaTeX converted to typst math by mitex (the
//! maintained LaTeX-to-typst converter), then checked by laying it out once with cardsmith's
//! math scope (`math_scope.typ`). What mitex cannot read, or what the scope lacks, is `None`:
//! the sheet prints the LaTeX as code, and [`check`] warns (S024).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use typst_layout::PagedDocument;

use super::world::SheetWorld;
use super::{Run, SheetView};
use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::Course;

/// The scope, served to typst as `/cardsmith-math.typ`.
pub const SCOPE_SOURCE: &str = include_str!("math_scope.typ");

/// Converted formulas, by LaTeX source: converting and checking one costs a typst compile, and
/// the fit lays the same sheet out several times.
static CONVERTED: LazyLock<Mutex<HashMap<String, Option<String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// `tex` as typst math that lays out, or `None`.
pub fn to_typst(tex: &str) -> Option<String> {
    if let Some(known) = CONVERTED
        .lock()
        .ok()
        .and_then(|cache| cache.get(tex).cloned())
    {
        return known;
    }
    let converted = mitex::convert_math(tex, None)
        .ok()
        .filter(|typst| lays_out(typst));
    if let Ok(mut cache) = CONVERTED.lock() {
        cache.insert(tex.to_owned(), converted.clone());
    }
    converted
}

/// Whether `typst` (math source) evaluates and lays out with the scope.
fn lays_out(typst: &str) -> bool {
    const PROBE: &str = "#import \"/cardsmith-math.typ\": math-scope\n\
        #set page(width: auto, height: auto)\n\
        $ #eval(sys.inputs.formula, mode: \"math\", scope: math-scope) $\n";
    let world = SheetWorld::new(PROBE, vec![("formula", typst.to_owned())]);
    typst::compile::<PagedDocument>(&world).output.is_ok()
}

/// One S024 warning per formula of the sheet that cannot be typeset, at the formula.
pub fn check(course: &Course, view: &SheetView) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut check_runs = |runs: &[Run], span: &Span, item: &str| {
        for run in runs.iter().filter(|run| run.math && run.typst.is_none()) {
            found.push(
                Diagnostic::new(
                    codes::UNTYPESET_MATH,
                    locate(course, span, &run.text),
                    format!(
                        "the cheat sheet cannot typeset the formula `{}`: it prints as LaTeX code",
                        run.text
                    ),
                )
                .with_label("not converted to typst math")
                .with_help("write it with common LaTeX commands (\\frac, \\sqrt, ^, _, Greek letters, \\mathbb, matrices), or give the item a `sheet:` text; Anki shows it with MathJax either way")
                .with_item(item),
            );
        }
    };
    for item in view.items() {
        check_runs(&item.question, &item.question_span, &item.id);
        for line in &item.lines {
            check_runs(&line.runs, &line.span, &item.id);
        }
    }
    found
}

/// Where `tex` is written inside `span`, or `span` itself when it is not there literally.
fn locate(course: &Course, span: &Span, tex: &str) -> Span {
    let text = &course.file(span.file).text;
    text.get(span.range.clone())
        .and_then(|inside| inside.find(tex))
        .map_or_else(
            || span.clone(),
            |offset| {
                let start = span.range.start + offset;
                Span::new(span.file, start..start + tex.len())
            },
        )
}

#[cfg(test)]
mod tests {
    use super::to_typst;

    #[test]
    fn common_latex_converts_and_lays_out() {
        for tex in [
            r"\sigma^2",
            r"E[X^2] - (E[X])^2",
            r"\frac{1}{2}",
            r"\dfrac{a}{b}",
            r"\sqrt{x}",
            r"\sqrt[3]{x}",
            r"\sum_{i=1}^{n} x_i",
            r"\int_0^\infty e^{-x}\,dx",
            r"\mathbb{R}",
            r"\mathbf{v}",
            r"\mathcal{O}(n \log n)",
            r"\text{if } x > 0",
            r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
            r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}",
            r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
            r"\operatorname{softmax}(z)_i",
            r"\hat{\theta} \approx \bar{x}",
            r"\lvert x \rvert \le \epsilon",
            r"\binom{n}{k}",
            r"\lim_{n \to \infty} a_n",
            r"\alpha \beta \gamma \Delta \nabla \partial",
        ] {
            assert!(
                to_typst(tex).is_some(),
                "{tex} -> {:?}",
                mitex::convert_math(tex, None)
            );
        }
    }

    #[test]
    fn unknown_commands_do_not_convert() {
        for tex in [r"\foo{x}", r"\myvariance(X) + 1"] {
            assert_eq!(to_typst(tex), None, "{tex}");
        }
    }
}
