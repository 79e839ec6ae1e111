//! The `cardsmith` binary: parse arguments, run the command, choose the exit status. The commands
//! themselves are in the library (`cardsmith::commands`); this file only connects them to the
//! process's streams and maps how they ended to an exit status.
//!
//! Exit status: 0 success (warnings allowed), 1 errors in the content, 2 usage or I/O error. As in
//! ripgrep (`crates/core/main.rs`), a closed stdout or stderr (`cardsmith check | head`) ends the
//! program quietly with 0, and any other failed write (a full disk) is an error with 2: a report
//! cut short never passes for a complete one.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use cardsmith::commands::{self, OutputError, Status, Streams};
use clap::Parser;
use cli::{Args, Invocation};

const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            // `--help` and `--version` come here too, and succeed.
            let status = if error.use_stderr() { EXIT_FAILURE } else { 0 };
            return match error.print() {
                Ok(()) => ExitCode::from(status),
                Err(failed) if failed.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(EXIT_FAILURE),
            };
        }
    };
    let verbosity = args.verbosity();
    let invocation = match Invocation::from_args(args) {
        Ok(invocation) => invocation,
        Err(error) => return fail(&error, &mut io::stderr().lock()),
    };
    if let Invocation::Lsp = invocation {
        // The server owns stdin and stdout (its protocol's channel); nothing else may lock them.
        return match lsp() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(&error, &mut io::stderr().lock()),
        };
    }
    let (stdout, stderr) = (io::stdout(), io::stderr());
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let mut streams = Streams {
        out: &mut out,
        err: &mut err,
        verbosity,
        terminal: io::stderr().is_terminal(),
    };
    let ended = run(invocation, &mut streams).and_then(|status| {
        streams.flush()?;
        Ok(status)
    });
    match ended {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => fail(&error, streams.err),
    }
}

fn run(invocation: Invocation, streams: &mut Streams<'_>) -> anyhow::Result<Status> {
    match invocation {
        Invocation::Build { config, options } => commands::build::run(&config, options, streams),
        Invocation::Check { config, options } => commands::check::run(&config, &options, streams),
        Invocation::Rule { code, json } => commands::rule::run(code.as_deref(), json, streams),
        Invocation::Init { dir } => commands::init::run(&dir, streams),
        Invocation::New { config, request } => commands::new::run(&config, &request, streams),
        Invocation::Watch { config, options } => commands::watch::run(config, options, streams),
        Invocation::Serve { config, options } => commands::serve::run(config, options, streams),
        Invocation::Completions { shell } => {
            streams
                .out
                .write_all(&cli::completions(shell))
                .map_err(OutputError)?;
            Ok(Status::Success)
        }
        Invocation::Man {
            subcommand,
            dir: None,
        } => {
            streams
                .out
                .write_all(&cli::man_page(&subcommand)?)
                .map_err(OutputError)?;
            Ok(Status::Success)
        }
        Invocation::Man { dir: Some(dir), .. } => {
            for path in cli::write_man_pages(&dir)? {
                streams.info_line(&format!("wrote {}", path.display()))?;
            }
            Ok(Status::Success)
        }
        Invocation::Lsp => unreachable!("the language server runs without the report streams"),
    }
}

/// `cardsmith lsp`: the language server on stdio until the editor shuts it down.
fn lsp() -> anyhow::Result<()> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    cardsmith::lsp::run(&connection)?;
    drop(connection);
    io_threads
        .join()
        .context("the language server's stdio failed")?;
    Ok(())
}

/// Reports `error` and gives exit status 2, or 0 without a word when a pipe was closed.
fn fail(error: &anyhow::Error, err: &mut dyn Write) -> ExitCode {
    let closed_pipe = error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    });
    if closed_pipe {
        return ExitCode::SUCCESS;
    }
    // When stderr itself is what failed, nothing more can be said: the status still says it.
    writeln!(err, "error: {error:#}")
        .and_then(|()| err.flush())
        .ok();
    ExitCode::from(EXIT_FAILURE)
}
