//! Markup that lessons use beyond CommonMark, read the same way by every output: math
//! (`$..$`, `$$..$$`, `\(..\)`, `\[..\]`) and Anki's cloze deletions (`{{c1::text::hint}}`).
//!
//! The parse stage keeps an answer as the author wrote it; the renderers call these functions on
//! its Markdown, each for its own target (MathJax for Anki, typst math for the PDF sheet, the
//! deletion's text for the study guide and the sheet).

pub mod cloze;
pub mod math;
