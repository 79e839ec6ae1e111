//! `cargo bench --no-default-features --bench lsp`: how long `cardsmith lsp` takes to publish
//! diagnostics after an unsaved edit, measured the way an editor sees it: a small LSP client
//! drives the real binary over its stdio, sends `didChange` (one character typed into an answer,
//! as an incremental change) and waits for the `publishDiagnostics` carrying that version.
//!
//! Projects: the seed lesson (5 items), one lesson of 1,000 benchmark items with card blocks,
//! and the benchmark corpus of 1,000 items in 20 files with one of them open. Prints the median
//! and the spread of [`EDITS`] edits per project, after one warm-up edit. Timing lives here,
//! never in tests (tests/python checks what the server publishes). The numbers are in
//! docs/performance.md.

#[path = "corpus/mod.rs"]
mod corpus;

use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// Timed edits per project.
const EDITS: usize = 21;

fn main() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_cardsmith"));
    println!(
        "{:<34} {:>6} {:>10} {:>10} {:>10}",
        "project", "items", "min", "median", "max"
    );
    for case in cases() {
        let times = measure(&binary, &case);
        let mut sorted = times.clone();
        sorted.sort();
        println!(
            "{:<34} {:>6} {:>10} {:>10} {:>10}",
            case.name,
            case.items,
            format!("{:.1?}", sorted[0]),
            format!("{:.1?}", sorted[sorted.len() / 2]),
            format!("{:.1?}", sorted[sorted.len() - 1]),
        );
    }
}

/// A project in a temporary folder and the lesson the editor has open.
struct Case {
    name: &'static str,
    items: usize,
    dir: tempfile::TempDir,
    open: PathBuf,
}

fn cases() -> Vec<Case> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = tempfile::tempdir().expect("temp dir");
    let seed_lesson = seed.path().join("source/data-pipelines/probes.md");
    std::fs::create_dir_all(seed_lesson.parent().expect("a folder")).expect("source dir");
    std::fs::copy(
        repository.join("cardsmith.toml"),
        seed.path().join("cardsmith.toml"),
    )
    .expect("copy the config");
    std::fs::copy(
        repository.join("source/data-pipelines/probes.md"),
        &seed_lesson,
    )
    .expect("copy the seed lesson");

    // The corpus' 1,000 items as one lesson file.
    let big = tempfile::tempdir().expect("temp dir");
    let mut lessons = corpus::lessons(1000);
    let mut one = lessons[0].clone();
    one.items = lessons.iter().flat_map(|l| l.items.clone()).collect();
    corpus::write_project(big.path(), std::slice::from_ref(&one), true, "").expect("write corpus");
    let big_lesson = big.path().join(format!("source/{}.md", one.id));

    let spread = tempfile::tempdir().expect("temp dir");
    lessons.truncate(20);
    corpus::write_project(spread.path(), &lessons, true, "").expect("write corpus");
    let spread_lesson = spread.path().join(format!("source/{}.md", lessons[0].id));

    vec![
        Case {
            name: "seed lesson",
            items: 5,
            dir: seed,
            open: seed_lesson,
        },
        Case {
            name: "one lesson of 1,000 items (cards)",
            items: 1000,
            dir: big,
            open: big_lesson,
        },
        Case {
            name: "20 lessons of 50 items (cards)",
            items: 1000,
            dir: spread,
            open: spread_lesson,
        },
    ]
}

/// The time from each `didChange` to the diagnostics of its version.
fn measure(binary: &Path, case: &Case) -> Vec<Duration> {
    let mut server = Server::start(binary, case.dir.path());
    let text = std::fs::read_to_string(&case.open).expect("read the lesson");
    let uri = url(&case.open);
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text,
        }}),
    );
    server.diagnostics_of(&uri, 1);
    // Type into the first answer: the line after the first question's blank line.
    let line = text
        .lines()
        .position(|line| line.starts_with("### "))
        .expect("a question")
        + 2;
    let mut times = Vec::with_capacity(EDITS);
    for version in 2..=(EDITS as i32 + 2) {
        let start = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": line, "character": 0 },
                        "end": { "line": line, "character": 0 },
                    },
                    "text": "x",
                }],
            }),
        );
        server.diagnostics_of(&uri, version);
        // The first edit warms caches; it is not what an author waits for while typing.
        if version > 2 {
            times.push(start.elapsed());
        }
    }
    server.stop();
    times
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `cardsmith lsp` as a child process, spoken to over its stdio.
struct Server {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Server {
    fn start(binary: &Path, root: &Path) -> Server {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start cardsmith lsp");
        let input = BufWriter::new(child.stdin.take().expect("piped stdin"));
        let output = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut server = Server {
            child,
            input,
            output,
        };
        server.send(Message::Request(Request::new(
            RequestId::from(1),
            "initialize".to_owned(),
            json!({
                "processId": null,
                "rootUri": url(root),
                "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
            }),
        )));
        loop {
            if let Message::Response(response) = server.receive() {
                assert!(
                    response.response_result.is_ok(),
                    "initialize failed: {response:?}"
                );
                break;
            }
        }
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.input).expect("write to the server");
        self.input.flush().expect("flush to the server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )));
    }

    fn receive(&mut self) -> Message {
        Message::read(&mut self.output)
            .expect("read from the server")
            .expect("the server answers")
    }

    /// Waits for the diagnostics published for `uri` at `version`.
    fn diagnostics_of(&mut self, uri: &str, version: i32) {
        loop {
            if let Message::Notification(notification) = self.receive()
                && notification.method == "textDocument/publishDiagnostics"
                && notification.params["uri"] == uri
                && notification.params["version"] == version
            {
                return;
            }
        }
    }

    fn stop(mut self) {
        self.send(Message::Request(Request::new(
            RequestId::from(2),
            "shutdown".to_owned(),
            Value::Null,
        )));
        loop {
            if let Message::Response(_) = self.receive() {
                break;
            }
        }
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}
