//! What was typed (`Args`, clap) and what it means (`Invocation`): the only place that knows
//! about the command line. The library sees a [`cardsmith::config::Config`].

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use cardsmith::config::Config;
use cardsmith::report::ReportFormat;
use clap::{Parser, Subcommand, ValueEnum};

/// Build study content: lessons in Markdown become Anki decks, a cheat sheet and Markdown.
#[derive(Debug, Parser)]
#[command(name = "cardsmith", version, about, long_about = None)]
pub struct Args {
    /// Run as if started in DIR (the project root).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// When to color diagnostics (NO_COLOR in the environment turns `auto` off).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every lesson, then write every output under `out/` (nothing is written on errors).
    Build {
        /// Fail instead of updating `cardsmith.lock` (for CI: the committed lock must be current).
        #[arg(long)]
        locked: bool,
    },
    /// Check every lesson and report problems; writes nothing.
    Check {
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = FormatChoice::Human)]
        format: FormatChoice,
    },
    /// Create a new content project in DIR (a config and one example lesson).
    Init {
        /// Folder of the new project (created if missing; must not hold a project already).
        dir: PathBuf,
    },
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    /// Code frames with the words underlined (rustc style).
    Human,
    /// One line per problem: `path:line:column: CODE message`.
    Concise,
}

/// A resolved invocation.
#[derive(Debug)]
pub enum Invocation {
    /// `build`.
    Build { config: Config, color: bool },
    /// `check`.
    Check {
        config: Config,
        color: bool,
        format: ReportFormat,
    },
    /// `init DIR`.
    Init { dir: PathBuf },
}

impl Invocation {
    /// Resolves the project root and reads its config.
    pub fn from_args(args: Args) -> anyhow::Result<Invocation> {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        let root = match &args.directory {
            Some(dir) => dir.clone(),
            None => std::env::current_dir().context("failed to read the current directory")?,
        };
        let load_config = || {
            Config::load(&root)
                .with_context(|| format!("failed to load the project at `{}`", root.display()))
        };
        Ok(match args.command {
            Command::Build { locked } => Invocation::Build {
                config: Config {
                    locked,
                    ..load_config()?
                },
                color,
            },
            Command::Check { format } => Invocation::Check {
                config: load_config()?,
                color,
                format: match format {
                    FormatChoice::Human => ReportFormat::Full,
                    FormatChoice::Concise => ReportFormat::Concise,
                },
            },
            Command::Init { dir } => Invocation::Init {
                dir: root.join(dir),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn directory_flag_sets_the_project_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let args = Args::try_parse_from([
            "cardsmith",
            "-C",
            dir.path().to_str().expect("utf-8 path"),
            "check",
            "--format",
            "concise",
        ])
        .expect("parses");
        match Invocation::from_args(args).expect("resolves") {
            Invocation::Check { config, format, .. } => {
                assert_eq!(config.root, dir.path());
                assert_eq!(format, ReportFormat::Concise);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn init_dir_is_relative_to_the_root() {
        let args =
            Args::try_parse_from(["cardsmith", "-C", "/tmp/base", "init", "new"]).expect("parses");
        match Invocation::from_args(args).expect("resolves") {
            Invocation::Init { dir } => assert_eq!(dir, PathBuf::from("/tmp/base/new")),
            other => panic!("unexpected {other:?}"),
        }
    }
}
