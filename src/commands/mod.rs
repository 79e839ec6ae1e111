//! The subcommands, one module each (as ruff's `crates/ruff/src/commands/` and mdBook's
//! `src/cmd/`): `build`, `check`, `rule`, `init`, `new`, `watch`, `serve`. Each takes what the command line resolved to,
//! runs the stages and writes its report into the [`Streams`] it is given: never to the process's
//! own stdout or stderr, so that `src/main.rs` alone decides what a failed write means.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
mod progress;
pub mod rule;
pub mod serve;
pub mod watch;

use std::io::{self, Write};

use crate::Checked;
use crate::report::{self, ReportFormat};

/// Where a command writes: `out` for what programs read (JSON, SARIF, `rule`), `err` for what
/// people read (diagnostics in the human formats, progress, the summary line).
pub struct Streams<'a> {
    /// The process's stdout, in the binary.
    pub out: &'a mut dyn Write,
    /// The process's stderr, in the binary.
    pub err: &'a mut dyn Write,
    /// How much to say besides the results (`--quiet`, `--verbose`).
    pub verbosity: Verbosity,
    /// Whether `err` is a terminal: only then is progress drawn (never in a pipe, a log or CI).
    pub terminal: bool,
}

/// How much a command says besides its results. Diagnostics, errors and warnings are always
/// printed; `Quiet` drops the rest (what was written, summaries, hints), `Verbose` adds where
/// the time went and which project was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// `--quiet`.
    Quiet,
    /// The default.
    #[default]
    Normal,
    /// `--verbose`.
    Verbose,
}

impl Streams<'_> {
    /// Writes `line` to `err` unless `--quiet`: what was written, a summary, a hint.
    pub fn info_line(&mut self, line: &str) -> Result<(), OutputError> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        self.err_line(line)
    }

    /// Writes `line` to `err` with `--verbose` only.
    pub fn detail_line(&mut self, line: &str) -> Result<(), OutputError> {
        if self.verbosity != Verbosity::Verbose {
            return Ok(());
        }
        self.err_line(line)
    }

    /// Writes `text` to `out`.
    pub fn out(&mut self, text: &str) -> Result<(), OutputError> {
        self.out.write_all(text.as_bytes()).map_err(OutputError)
    }

    /// Writes `text` to `err`.
    pub fn err(&mut self, text: &str) -> Result<(), OutputError> {
        self.err.write_all(text.as_bytes()).map_err(OutputError)
    }

    /// Writes `line` and a newline to `err`.
    pub fn err_line(&mut self, line: &str) -> Result<(), OutputError> {
        self.err(line)?;
        self.err("\n")
    }

    /// Flushes both streams (a full disk often shows only here).
    pub fn flush(&mut self) -> Result<(), OutputError> {
        self.out.flush().map_err(OutputError)?;
        self.err.flush().map_err(OutputError)
    }
}

/// Writing a report to stdout or stderr failed: a closed pipe (`cardsmith check | head`), a full
/// disk. Kept apart from every other I/O error so that the binary can end quietly on a closed
/// pipe, as ripgrep does.
#[derive(Debug, thiserror::Error)]
#[error("failed to write the report")]
pub struct OutputError(#[source] pub io::Error);

/// How a command ended, as the exit status reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: done (warnings allowed).
    Success,
    /// 1: errors in the content.
    ContentErrors,
    /// 2: a file could not be read.
    Failure,
}

impl Status {
    /// The status of a checked project: I/O failures first, then content errors.
    pub fn of(checked: &Checked) -> Status {
        if checked.io_failed {
            Status::Failure
        } else if checked.has_errors() {
            Status::ContentErrors
        } else {
            Status::Success
        }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::ContentErrors => 1,
            Status::Failure => 2,
        }
    }
}

/// Diagnostics in `format`: machine-readable formats on `out` (even when empty, so a program
/// always gets valid input), the human ones on `err` (nothing when there are none).
fn write_diagnostics(
    streams: &mut Streams<'_>,
    checked: &Checked,
    format: ReportFormat,
    color: bool,
) -> Result<(), OutputError> {
    let files = &checked.course.files;
    if format.is_machine_readable() {
        streams.out(&report::render(format, &checked.diagnostics, files, false))
    } else if checked.diagnostics.is_empty() {
        Ok(())
    } else {
        streams.err(&report::render(format, &checked.diagnostics, files, color))
    }
}

/// "3 lessons".
fn lesson_count(checked: &Checked) -> String {
    crate::wording::plural(checked.course.files.len(), "lesson")
}

/// `value` as pretty JSON with a final newline, as every `--format json` prints it.
pub(crate) fn to_json(value: &impl serde::Serialize) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).expect("JSON values always serialize")
    )
}
