//! The command line around the commands: `--quiet` and `--verbose`, the build's progress (drawn
//! on a terminal, never in a pipe), shell completions run by the real bash, the man page
//! rendered by the real man, and `--version` with the commit.

use std::process::Command;

use crate::support::{Project, repo_root};

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().expect("runs");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn cardsmith() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("cardsmith"))
}

#[test]
fn quiet_prints_only_diagnostics_and_errors() {
    let project = Project::with_seed();
    assert_eq!(project.run(&["build", "--quiet"], 0), "");
    assert_eq!(project.run(&["-q", "check"], 0), "");
    let lesson = "source/data-pipelines/probes.md";
    let text = std::fs::read_to_string(project.root().join(lesson)).expect("seed");
    project.write(lesson, &text.replace(" {#why-parquet}", " {#exactly-once}"));
    let stderr = project.run(&["build", "-q"], 1);
    assert!(stderr.starts_with("error["), "{stderr}");
    assert!(
        stderr.ends_with("nothing was written to `out`\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrote "));
    let stderr = project.run(&["check", "-q"], 1);
    assert!(
        stderr.starts_with("error[") && !stderr.contains("checked 1 lesson"),
        "{stderr}"
    );
    // Not both.
    let stderr = project.run(&["build", "-q", "-v"], 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn verbose_says_which_project_and_where_the_time_went() {
    let project = Project::with_seed();
    let stderr = project.run(&["build", "--verbose"], 0);
    let mut lines = stderr.lines();
    assert_eq!(lines.next(), Some("project: [ROOT]"));
    let time = lines.next().expect("a time line");
    let pattern = regex::Regex::new(r"^time: check \d+ ms, (\w+ \d+ ms, )+write \d+ ms$")
        .expect("valid regex");
    assert!(pattern.is_match(time), "{time}");
    for renderer in ["apkg", "sheet", "markdown"] {
        assert!(time.contains(&format!(" {renderer} ")), "{time}");
    }
    assert!(stderr.contains("\nwrote out/pipeline-probes.apkg\n"));
    let stderr = project.run(&["check", "-v"], 0);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines[0], "project: [ROOT]");
    assert!(
        regex::Regex::new(r"^time: check \d+ ms$")
            .expect("valid regex")
            .is_match(lines[1]),
        "{stderr}"
    );
    assert_eq!(lines[2..], ["checked 1 lesson: no problems"]);
}

#[test]
fn piped_output_has_no_progress_bytes() {
    let project = Project::with_seed();
    let output = project.cardsmith(&["build"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
        assert!(!text.contains("checking the lessons"), "{text}");
    }
}

/// `cardsmith ARGS` on a pseudo-terminal (util-linux `script`); what the terminal received.
fn on_a_terminal(project: &Project, args: &str) -> String {
    let binary = assert_cmd::cargo::cargo_bin("cardsmith");
    let line = format!(
        "{} -C {} {args}",
        binary.display(),
        project.root().display()
    );
    stdout_of(
        Command::new("script")
            .args(["-qfec", &line, "/dev/null"])
            .env("NO_COLOR", "1")
            .env("TERM", "xterm"),
    )
}

#[test]
fn a_terminal_sees_the_stages_then_a_clean_line() {
    let project = Project::with_seed();
    let screen = on_a_terminal(&project, "build");
    assert!(screen.contains("checking the lessons"), "{screen:?}");
    assert!(screen.contains("rendering apkg (1 lesson)"), "{screen:?}");
    assert!(screen.contains("writing "), "{screen:?}");
    // The spinner's line is erased before the report.
    let report = screen.rfind("\x1b[2K").expect("the line is cleared");
    assert!(
        screen[report..].contains("built 1 lesson (5 items): no problems"),
        "{screen:?}"
    );
    let quiet = on_a_terminal(&project, "build -q");
    assert!(!quiet.contains("checking the lessons"), "{quiet:?}");
}

#[test]
fn bash_completes_subcommands_and_their_flags() {
    let script = stdout_of(cardsmith().args(["completions", "bash"]));
    let complete = |words: &str| {
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _cardsmith cardsmith \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[*]}}\""
        );
        stdout_of(Command::new("bash").args(["--norc", "-c", &program]))
    };
    let subcommands = complete("cardsmith se");
    assert_eq!(subcommands.trim(), "serve");
    let kinds = complete("cardsmith new ''");
    assert!(
        kinds.contains("lesson") && kinds.contains("item"),
        "{kinds}"
    );
    let flags = complete("cardsmith serve --p");
    assert!(flags.contains("--port"), "{flags}");
    for (shell, marker) in [
        ("zsh", "#compdef cardsmith"),
        ("fish", "complete -c cardsmith"),
        ("elvish", "cardsmith"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = stdout_of(cardsmith().args(["completions", shell]));
        assert!(script.contains(marker), "{shell}: {script}");
    }
}

/// `page` as man shows it, its whitespace collapsed (man justifies lines).
fn shown_by_man(page: &std::path::Path) -> String {
    let shown = stdout_of(
        Command::new("man")
            .arg("-l")
            .arg(page)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100"),
    );
    shown.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn man_pages_render_with_man() {
    let page = stdout_of(cardsmith().arg("man"));
    assert!(page.contains(".TH cardsmith 1"), "{page}");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cardsmith.1");
    std::fs::write(&file, &page).expect("write");
    let shown = shown_by_man(&file);
    assert!(
        shown.contains("NAME cardsmith - Build study content"),
        "{shown}"
    );
    assert!(
        shown.contains("-q, --quiet Print only diagnostics and errors"),
        "{shown}"
    );
    for subcommand in ["build", "check", "serve", "new", "completions", "man"] {
        assert!(
            shown.contains(&format!("cardsmith-{subcommand}(1)")),
            "{subcommand}: {shown}"
        );
    }
    assert!(!shown.contains("cardsmith-help(1)"), "{shown}");

    // Every page the main one points to exists.
    let pages = dir.path().join("man1");
    let project = Project::new();
    let stderr = project.run(&["man", "--dir", pages.to_str().expect("UTF-8")], 0);
    assert!(stderr.contains("cardsmith-new-item.1\n"), "{stderr}");
    let item = shown_by_man(&pages.join("cardsmith-new-item.1"));
    assert!(
        item.contains("NAME cardsmith-new-item - Add a question with a fresh id"),
        "{item}"
    );
    assert!(item.contains("--topic <TOPIC>"), "{item}");
    assert_eq!(
        stdout_of(cardsmith().args(["man", "new", "item"])),
        std::fs::read_to_string(pages.join("cardsmith-new-item.1")).expect("written")
    );
    let stderr = project.run(&["man", "nope"], 2);
    assert!(stderr.contains("no subcommand `nope`"), "{stderr}");
}

#[test]
fn version_names_the_commit() {
    let version = stdout_of(cardsmith().arg("--version"));
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned());
    let package = env!("CARGO_PKG_VERSION");
    match commit {
        Some(commit) => assert_eq!(version, format!("cardsmith {package} (rev {commit})\n")),
        None => assert_eq!(version, format!("cardsmith {package}\n")),
    }
}
