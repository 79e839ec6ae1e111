//! The `cardsmith` binary: parse arguments, call the library, print, choose the exit status.
//!
//! Exit status: 0 success (warnings allowed), 1 errors in the content, 2 usage or I/O error.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use cardsmith::report::{self, ReportFormat};
use cardsmith::{Checked, config::Config};
use clap::Parser;
use cli::{Args, Invocation};

const EXIT_CONTENT_ERRORS: u8 = 1;
const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(EXIT_FAILURE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    match Invocation::from_args(args)? {
        Invocation::Build { config, color } => build(&config, color),
        Invocation::Check {
            config,
            color,
            format,
        } => {
            let checked = cardsmith::check(&config)?;
            print_diagnostics(&checked, format, color);
            eprintln!(
                "checked {}: {}",
                lesson_count(&checked),
                report::summary(&checked.diagnostics)
            );
            Ok(exit_code(&checked))
        }
        Invocation::Init { dir } => {
            let written = cardsmith::init::init(&dir)?;
            for path in &written {
                eprintln!("created {}", path.display());
            }
            eprintln!("next: cd {} && cardsmith build", dir.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn build(config: &Config, color: bool) -> anyhow::Result<ExitCode> {
    let report = cardsmith::build(config)?;
    print_diagnostics(&report.checked, ReportFormat::Full, color);
    if report.written.is_empty() {
        eprintln!(
            "build refused: {}; nothing was written to `{}`",
            report::summary(&report.checked.diagnostics),
            config.project.build.out.display()
        );
        return Ok(exit_code(&report.checked));
    }
    let mut stderr = std::io::stderr().lock();
    for path in &report.written {
        let shown = path.strip_prefix(&config.root).unwrap_or(path);
        let _ = writeln!(stderr, "wrote {}", shown.display());
    }
    for path in &report.removed {
        let shown = path.strip_prefix(&config.root).unwrap_or(path);
        let _ = writeln!(stderr, "removed {} (its lesson is gone)", shown.display());
    }
    if !report.removed_items.is_empty() {
        let count = report.removed_items.len();
        let _ = writeln!(
            stderr,
            "note: {count} item{} left the source since `cardsmith.lock` was written: {}\n  \
             Anki never deletes notes on import; find them in Anki's browser with: {}",
            if count == 1 { "" } else { "s" },
            report.removed_items.join(", "),
            cardsmith::lock::anki_search(&report.removed_items)
        );
    }
    for id in &report.switched_notetype {
        let _ = writeln!(
            stderr,
            "warning: item `{id}` switched between `kind: cloze` and another kind, which changes \
             its Anki note type: Anki will not update the note it already has (it reports it as \
             conflicting). Give the item a new id, or delete the old note in Anki ({}) before \
             importing",
            cardsmith::lock::anki_search(std::slice::from_ref(id))
        );
    }
    let items = report.checked.course.items().count();
    let _ = writeln!(
        stderr,
        "built {} ({items} item{}): {}",
        lesson_count(&report.checked),
        if items == 1 { "" } else { "s" },
        report::summary(&report.checked.diagnostics)
    );
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(checked: &Checked, format: ReportFormat, color: bool) {
    if checked.diagnostics.is_empty() {
        return;
    }
    let text = report::render(format, &checked.diagnostics, &checked.course.files, color);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn exit_code(checked: &Checked) -> ExitCode {
    if checked.io_failed {
        ExitCode::from(EXIT_FAILURE)
    } else if checked.has_errors() {
        ExitCode::from(EXIT_CONTENT_ERRORS)
    } else {
        ExitCode::SUCCESS
    }
}

fn lesson_count(checked: &Checked) -> String {
    let count = checked.course.files.len();
    format!("{count} lesson{}", if count == 1 { "" } else { "s" })
}
