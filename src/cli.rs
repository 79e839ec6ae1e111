//! What was typed (`Args`, clap) and what it means (`Invocation`): the only place that knows
//! about the command line. The library sees a [`cardsmith::config::Config`].

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use cardsmith::commands::{Verbosity, build, check, new, serve};
use cardsmith::config::{self, Config};
use cardsmith::report::ReportFormat;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

/// Build study content: lessons in Markdown become Anki decks, a cheat sheet and Markdown.
#[derive(Debug, Parser)]
#[command(name = "cardsmith", version = env!("CARDSMITH_VERSION"), about, long_about = None)]
pub struct Args {
    /// Print only diagnostics and errors (not what was written, summaries or hints).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print which project is used and the time each stage of a build or check took.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Run as if started in DIR. The project root is the nearest folder at or above it that holds
    /// `cardsmith.toml` (DIR itself when none does).
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
        /// When a lesson's sheet does not fit (S017), still write every other output (its decks,
        /// its study guide, the other lessons' sheets); the build still fails.
        #[arg(long)]
        keep_going: bool,
        /// How to print diagnostics (json, sarif and github go to stdout).
        #[arg(long, value_enum, default_value_t = FormatChoice::Human)]
        format: FormatChoice,
    },
    /// Check every lesson and report problems; writes nothing (except with `--fix`/`--baseline`).
    Check {
        /// Report only on these lesson files or folders (the whole project is still read, so
        /// rules across files, such as duplicate questions, still hold).
        paths: Vec<PathBuf>,
        /// How to print diagnostics (json, sarif and github go to stdout).
        #[arg(long, value_enum, default_value_t = FormatChoice::Human)]
        format: FormatChoice,
        /// Print how many diagnostics each code has instead of the diagnostics.
        #[arg(long)]
        statistics: bool,
        /// Add missing item ids (slugs of the questions) to the lesson files, then check.
        #[arg(long)]
        fix: bool,
        /// Print, per item, which required points the answer makes, and a project total.
        #[arg(long)]
        coverage: bool,
        /// Record today's diagnostics in FILE (when it does not exist), or report only those
        /// not recorded there.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Explain a rule (`cardsmith rule P001`), or list every rule (`cardsmith rule --all`).
    Rule {
        /// A code (`P001`) or name (`missing-required-point`).
        #[arg(required_unless_present = "all")]
        code: Option<String>,
        /// List every rule.
        #[arg(long, conflicts_with = "code")]
        all: bool,
        /// Text (Markdown) or JSON.
        #[arg(long, value_enum, default_value_t = RuleFormatChoice::Text)]
        output_format: RuleFormatChoice,
    },
    /// Create a new content project in DIR (a config and one example lesson).
    Init {
        /// Folder of the new project (created if missing; must not hold a project already). When
        /// it already has lessons in `source/`, no example lesson is added.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Scaffold a lesson or an item with a fresh id; the result checks clean.
    New {
        /// What to create.
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Print a completion script for SHELL on stdout
    /// (`cardsmith completions bash > /etc/bash_completion.d/cardsmith`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout (`cardsmith man > cardsmith.1`, `cardsmith man new
    /// item`), or write every page into a folder (`cardsmith man --dir man/man1`).
    Man {
        /// The subcommand whose page to print (none: cardsmith's own).
        subcommand: Vec<String>,
        /// Write every page (`cardsmith.1`, `cardsmith-build.1`, ...) into DIR instead.
        #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
        dir: Option<PathBuf>,
    },
    /// Run the language server on stdin/stdout: diagnostics while you type, for your editor
    /// (setup: docs/editors.md).
    Lsp,
    /// Build, then build again whenever a lesson, a template or `cardsmith.toml` changes
    /// (Ctrl-C stops).
    Watch,
    /// `watch` with a live preview in the browser: every card front and back as Anki shows it
    /// (light and night mode), the cheat sheet, diagnostics and coverage; pages reload on change.
    Serve {
        /// The port on 127.0.0.1 (0: any free port; the URL is printed).
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
}

/// `new lesson` and `new item`.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create `<source>/NAME.md`: front matter with a fresh lesson id, no items yet.
    Lesson {
        /// The file under the lesson folder, without `.md` (`joins`, `sql/joins`).
        name: String,
        /// The title (default: NAME's last part in words).
        #[arg(long)]
        title: Option<String>,
        /// The Anki deck (default: the title; `::` nests decks).
        #[arg(long)]
        deck: Option<String>,
    },
    /// Add a question with a fresh id (the slug of the question, unique in the project) to a
    /// lesson, at its end or at the end of a topic.
    Item {
        /// The lesson: its id, or the path of its file.
        lesson: String,
        /// The question, one line ("What does a left join keep?").
        question: String,
        /// Put the item at the end of this `##` topic (added at the end when missing).
        #[arg(long)]
        topic: Option<String>,
        /// The answer (Markdown); without it, a TODO line to replace.
        #[arg(long)]
        answer: Option<String>,
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
    /// A JSON array (fields documented in docs/lint.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
}

/// `rule --output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormatChoice {
    /// Markdown text.
    Text,
    /// JSON.
    Json,
}

impl From<FormatChoice> for ReportFormat {
    fn from(choice: FormatChoice) -> Self {
        match choice {
            FormatChoice::Human => ReportFormat::Full,
            FormatChoice::Concise => ReportFormat::Concise,
            FormatChoice::Json => ReportFormat::Json,
            FormatChoice::Sarif => ReportFormat::Sarif,
            FormatChoice::Github => ReportFormat::Github,
        }
    }
}

/// A resolved invocation.
#[derive(Debug)]
pub enum Invocation {
    /// `build`.
    Build {
        config: Config,
        options: build::Options,
    },
    /// `check`.
    Check {
        config: Config,
        options: check::Options,
    },
    /// `rule CODE` or `rule --all`.
    Rule { code: Option<String>, json: bool },
    /// `init DIR`.
    Init { dir: PathBuf },
    /// `new lesson` or `new item`.
    New {
        config: Config,
        request: new::Request,
    },
    /// `completions SHELL`: no project needed.
    Completions { shell: clap_complete::Shell },
    /// `man [SUBCOMMAND...]` or `man --dir DIR`: no project needed.
    Man {
        subcommand: Vec<String>,
        dir: Option<PathBuf>,
    },
    /// `lsp`: each document names its own project, so no config is read here.
    Lsp,
    /// `watch`.
    Watch {
        config: Config,
        options: build::Options,
    },
    /// `serve`.
    Serve {
        config: Config,
        options: serve::Options,
    },
}

impl Args {
    /// `--quiet` or `--verbose`.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

/// The completion script of `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "cardsmith", &mut script);
    script
}

/// The command as the man pages show it: built (so each subcommand has its full name,
/// `cardsmith-new-item`), without clap's `help` subcommand.
fn man_command() -> clap::Command {
    let mut command = Args::command().disable_help_subcommand(true);
    command.build();
    command
}

/// The man page of the (sub)command at `path` (empty: `cardsmith` itself; `new item`:
/// `cardsmith-new-item`), in roff.
pub fn man_page(path: &[String]) -> anyhow::Result<Vec<u8>> {
    let mut command = man_command();
    for name in path {
        command = command
            .find_subcommand(name)
            .cloned()
            .with_context(|| format!("no subcommand `{name}` (see `cardsmith --help`)"))?;
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .expect("writing to memory does not fail");
    Ok(page)
}

/// Writes every man page (`cardsmith.1`, `cardsmith-build.1`, ...) into `dir`; returns their paths.
pub fn write_man_pages(dir: &std::path::Path) -> anyhow::Result<Vec<PathBuf>> {
    fn write(
        command: &clap::Command,
        dir: &std::path::Path,
        written: &mut Vec<PathBuf>,
    ) -> anyhow::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        let path = man
            .generate_to(dir)
            .with_context(|| format!("failed to write a man page into `{}`", dir.display()))?;
        written.push(path);
        for subcommand in command.get_subcommands() {
            write(subcommand, dir, written)?;
        }
        Ok(())
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let mut written = Vec::new();
    write(&man_command(), dir, &mut written)?;
    Ok(written)
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
        let cwd = std::env::current_dir().context("failed to read the current directory")?;
        // Where the user is: paths typed on the command line are relative to it.
        let start = match &args.directory {
            Some(dir) if !cwd.join(dir).is_dir() => {
                anyhow::bail!("cannot run in `{}` (-C): no such directory", dir.display())
            }
            Some(dir) => cwd.join(dir),
            None => cwd,
        };
        let root = config::find_root(&start).unwrap_or_else(|| start.clone());
        let load_config = || {
            Config::load(&root)
                .with_context(|| format!("failed to load the project at `{}`", root.display()))
        };
        Ok(match args.command {
            Command::Build {
                locked,
                keep_going,
                format,
            } => Invocation::Build {
                config: Config {
                    locked,
                    keep_going,
                    ..load_config()?
                },
                options: build::Options {
                    format: format.into(),
                    color,
                },
            },
            Command::Check {
                paths,
                format,
                statistics,
                fix,
                coverage,
                baseline,
            } => Invocation::Check {
                config: load_config()?,
                options: check::Options {
                    format: format.into(),
                    color,
                    paths: paths.iter().map(|path| start.join(path)).collect(),
                    statistics,
                    fix,
                    coverage,
                    baseline: baseline.map(|path| start.join(path)),
                },
            },
            Command::Rule {
                code,
                all: _,
                output_format,
            } => Invocation::Rule {
                code,
                json: output_format == RuleFormatChoice::Json,
            },
            Command::Init { dir } => {
                let dir = start.join(dir);
                Invocation::Init {
                    // `init` (DIR `.`) reports `cd /path/to/here`, not `cd /path/to/here/.`.
                    dir: cardsmith::assets::normalize_lexically(&dir).unwrap_or(dir),
                }
            }
            Command::New { what } => Invocation::New {
                config: load_config()?,
                request: match what {
                    NewCommand::Lesson { name, title, deck } => {
                        new::Request::Lesson { name, title, deck }
                    }
                    NewCommand::Item {
                        lesson,
                        question,
                        topic,
                        answer,
                    } => new::Request::Item {
                        lesson_path: start.join(&lesson),
                        lesson,
                        question,
                        topic,
                        answer,
                    },
                },
            },
            Command::Completions { shell } => Invocation::Completions { shell },
            Command::Man { subcommand, dir } => Invocation::Man {
                subcommand,
                dir: dir.map(|dir| start.join(dir)),
            },
            Command::Lsp => Invocation::Lsp,
            Command::Watch => Invocation::Watch {
                config: load_config()?,
                options: build::Options {
                    format: ReportFormat::Full,
                    color,
                },
            },
            Command::Serve { port } => Invocation::Serve {
                config: load_config()?,
                options: serve::Options {
                    port,
                    build: build::Options {
                        format: ReportFormat::Full,
                        color,
                    },
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    fn resolve(args: &[&str]) -> Invocation {
        let args = Args::try_parse_from(std::iter::once("cardsmith").chain(args.iter().copied()))
            .expect("parses");
        Invocation::from_args(args).expect("resolves")
    }

    fn utf8(path: &std::path::Path) -> &str {
        path.to_str().expect("utf-8 path")
    }

    #[test]
    fn directory_flag_sets_the_project_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        match resolve(&["-C", utf8(dir.path()), "check", "--format", "concise"]) {
            Invocation::Check { config, options } => {
                assert_eq!(config.root, dir.path());
                assert_eq!(options.format, ReportFormat::Concise);
                assert!(options.paths.is_empty() && !options.fix);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_root_is_the_nearest_folder_with_a_config_above_the_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let inner = dir.path().join("course");
        std::fs::create_dir_all(inner.join("source/sql")).expect("mkdir");
        std::fs::write(dir.path().join("cardsmith.toml"), "").expect("outer config");
        std::fs::write(inner.join("cardsmith.toml"), "").expect("inner config");
        let start = inner.join("source/sql");
        match resolve(&["-C", utf8(&start), "check", "a.md", "--baseline", "b.json"]) {
            Invocation::Check { config, options } => {
                assert_eq!(config.root, inner);
                // What was typed is relative to where the user is, not to the root.
                assert_eq!(options.paths, [start.join("a.md")]);
                assert_eq!(options.baseline, Some(start.join("b.json")));
            }
            other => panic!("unexpected {other:?}"),
        }
        match resolve(&["-C", utf8(&start), "build", "--format", "github"]) {
            Invocation::Build { config, options } => {
                assert_eq!(config.root, inner);
                assert_eq!(options.format, ReportFormat::Github);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_missing_directory_is_named() {
        let args = Args::try_parse_from(["cardsmith", "-C", "/nonexistent/course", "check"])
            .expect("parses");
        let error = Invocation::from_args(args).expect_err("no such folder");
        assert!(
            error.to_string().contains("`/nonexistent/course`"),
            "{error}"
        );
    }

    #[test]
    fn check_paths_and_baseline_are_relative_to_the_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let invocation = resolve(&[
            "-C",
            utf8(dir.path()),
            "check",
            "source/a.md",
            "--baseline",
            "base.json",
            "--format",
            "sarif",
            "--statistics",
        ]);
        match invocation {
            Invocation::Check { options, .. } => {
                assert_eq!(options.format, ReportFormat::Sarif);
                assert_eq!(options.paths, [dir.path().join("source/a.md")]);
                assert_eq!(options.baseline, Some(dir.path().join("base.json")));
                assert!(options.statistics);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rule_needs_a_code_or_all() {
        assert!(Args::try_parse_from(["cardsmith", "rule"]).is_err());
        assert!(Args::try_parse_from(["cardsmith", "rule", "P001", "--all"]).is_err());
        assert!(Args::try_parse_from(["cardsmith", "rule", "--all"]).is_ok());
    }

    #[test]
    fn init_dir_is_relative_to_the_start_and_defaults_to_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        match resolve(&["-C", utf8(dir.path()), "init", "new"]) {
            Invocation::Init { dir: new } => assert_eq!(new, dir.path().join("new")),
            other => panic!("unexpected {other:?}"),
        }
        match resolve(&["-C", utf8(dir.path()), "init"]) {
            Invocation::Init { dir: new } => assert_eq!(new, dir.path()),
            other => panic!("unexpected {other:?}"),
        }
    }
}
