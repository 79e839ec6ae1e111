//! The `cardsmith` binary: parse arguments, call the library, print, choose the exit status.
//!
//! Exit status: 0 success (warnings allowed), 1 errors in the content, 2 usage or I/O error.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use cardsmith::lint::{self, baseline::Baseline, registry, registry::RuleEntry};
use cardsmith::report::{self, ReportFormat};
use cardsmith::{Checked, config::Config};
use clap::Parser;
use cli::{Args, CheckOptions, Invocation};

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
            options,
        } => check(&config, color, format, &options),
        Invocation::Rule { code, json } => {
            print!("{}", explain_rules(code.as_deref(), json)?);
            Ok(ExitCode::SUCCESS)
        }
        Invocation::Init { dir } => {
            let written = cardsmith::init::init(&dir)?;
            for path in &written {
                eprintln!("created {}", path.display());
            }
            eprintln!("next: cd {} && cardsmith build", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Invocation::Lsp => {
            let (connection, io_threads) = lsp_server::Connection::stdio();
            cardsmith::lsp::run(&connection)?;
            drop(connection);
            io_threads
                .join()
                .context("the language server's stdio failed")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(
    config: &Config,
    color: bool,
    format: ReportFormat,
    options: &CheckOptions,
) -> anyhow::Result<ExitCode> {
    if options.fix {
        let checked = cardsmith::check(config)?;
        for fixed in lint::fix::add_missing_ids(&checked.course, &checked.diagnostics) {
            let shown = &checked.course.file(fixed.file).path;
            let path = config.root.join(shown);
            lint::fix::write_fixed(&config.root, &path, &fixed.text)?;
            eprintln!(
                "fixed {}: added {}",
                shown.display(),
                report::plural(fixed.ids_added, "item id")
            );
        }
    }
    let mut checked = cardsmith::check(config)?;
    if !options.paths.is_empty() {
        checked.retain_paths(&config.root, &options.paths)?;
    }
    if let Some(path) = &options.baseline {
        match Baseline::read(path)? {
            None => {
                let baseline = Baseline::record(&checked.diagnostics, &checked.course.files);
                baseline.write(&config.root, path)?;
                eprintln!(
                    "recorded {} in `{}`: later runs report only new ones",
                    report::summary(&checked.diagnostics),
                    path.strip_prefix(&config.root).unwrap_or(path).display()
                );
                checked.diagnostics.clear();
            }
            Some(baseline) => {
                let known = baseline.filter(&mut checked.diagnostics, &checked.course.files);
                if known > 0 {
                    eprintln!(
                        "{} hidden by the baseline",
                        report::plural(known, "known problem")
                    );
                }
            }
        }
    }
    let coverage = options.coverage.then(|| {
        // `check` validated `[lint]` already; coverage counts the same synonyms.
        let settings = lint::Settings::new(config.project.lint.clone()).unwrap_or_default();
        lint::coverage::coverage(&checked.course, &settings)
    });
    let mut stdout = std::io::stdout().lock();
    if options.statistics && format == ReportFormat::Json {
        let rows = report::count_by_code(&checked.diagnostics);
        let text = serde_json::to_string_pretty(&rows).expect("always serializes");
        let _ = writeln!(stdout, "{text}");
    } else if options.statistics {
        let _ = stdout.write_all(report::statistics(&checked.diagnostics).as_bytes());
    } else if format == ReportFormat::Json
        && let Some(coverage) = &coverage
    {
        let value = serde_json::json!({
            "diagnostics": report::json::values(&checked.diagnostics, &checked.course.files),
            "coverage": coverage,
        });
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&value).expect("always serializes")
        );
    } else if format.is_machine_readable() {
        let text = report::render(format, &checked.diagnostics, &checked.course.files, false);
        let _ = stdout.write_all(text.as_bytes());
    } else {
        print_diagnostics(&checked, format, color);
    }
    if let Some(coverage) = &coverage
        && format != ReportFormat::Json
    {
        let _ = stdout.write_all(coverage.render().as_bytes());
    }
    drop(stdout);
    eprintln!(
        "checked {}: {}",
        lesson_count(&checked),
        report::summary(&checked.diagnostics)
    );
    Ok(exit_code(&checked))
}

/// `cardsmith rule CODE` (the rule's documentation) or `rule --all` (one line per rule).
fn explain_rules(code: Option<&str>, json: bool) -> anyhow::Result<String> {
    let describe = |rule: &RuleEntry| {
        serde_json::json!({
            "code": rule.meta.code.code,
            "name": rule.meta.code.name,
            "severity": rule.meta.default_severity.as_str(),
            "summary": rule.meta.summary(),
            "explanation": rule.meta.explanation(),
            "suppressible": !rule.is_parse_stage(),
        })
    };
    let Some(code) = code else {
        if json {
            let all: Vec<_> = registry::RULES.iter().map(describe).collect();
            return Ok(format!(
                "{}\n",
                serde_json::to_string_pretty(&all).expect("always serializes")
            ));
        }
        let width = registry::RULES
            .iter()
            .map(|rule| rule.meta.code.name.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for rule in registry::RULES {
            out.push_str(&format!(
                "{}  {:<width$}  {:<7}  {}\n",
                rule.meta.code.code,
                rule.meta.code.name,
                rule.meta.default_severity.as_str(),
                rule.meta.summary()
            ));
        }
        return Ok(out);
    };
    let rule = registry::find(code)
        .with_context(|| format!("unknown rule `{code}` (`cardsmith rule --all` lists them)"))?;
    if json {
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&describe(rule)).expect("always serializes")
        ));
    }
    Ok(rule.documentation())
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
    for notice in &report.notices {
        let _ = writeln!(stderr, "{}: {}", notice.level.as_str(), notice.message);
    }
    let items = report.checked.course.items().count();
    let _ = writeln!(
        stderr,
        "built {} ({}): {}",
        lesson_count(&report.checked),
        report::plural(items, "item"),
        report::summary(&report.checked.diagnostics)
    );
    if !cardsmith::render::sheet::PDF_ENABLED {
        let _ = writeln!(
            stderr,
            "note: this cardsmith was built without the `pdf` feature: cheat sheets are HTML only \
             (`<lesson-id>.sheet.html`); install it with default features for the PDF"
        );
    }
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
    report::plural(checked.course.files.len(), "lesson")
}
