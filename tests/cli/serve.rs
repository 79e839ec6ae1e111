//! `cardsmith serve` over real HTTP on 127.0.0.1: the pages, the files of the build, the event
//! stream that announces a rebuild after a real edit, and what the server refuses. The browser's
//! side (cards rendered, reload, night mode) is tests/python/test_serve.py, in Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::Project;
use crate::watch::Watch;

/// A running `serve --port 0` and its port.
fn serve(project: &Project) -> (Watch, u16) {
    let mut server = Watch::run(project, &["serve", "--port", "0"]);
    let line = server.line("[serve] built in");
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no URL in `{line}`"));
    (server, port)
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    stream
}

/// `METHOD path` with `Host: host`; the status code and the body.
fn request(port: u16, method: &str, path: &str, host: &str) -> (u16, String) {
    let mut stream = connect(port);
    // HTTP/1.0: the body comes whole, never in chunks (a browser joins chunks; this reader
    // would not).
    write!(stream, "{method} {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").expect("request sent");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response read");
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    (status, body)
}

fn get(port: u16, path: &str) -> (u16, String) {
    request(port, "GET", path, &format!("127.0.0.1:{port}"))
}

/// Reads the event stream until a `data:` line; returns its value.
fn next_build(events: &mut BufReader<TcpStream>) -> u64 {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            events.read_line(&mut line).expect("event stream read") > 0,
            "the event stream ended"
        );
        if let Some(data) = line.trim_end().strip_prefix("data: ") {
            return data.parse().expect("a generation");
        }
    }
}

#[test]
fn serve_publishes_each_build_and_announces_it() {
    let project = Project::with_seed();
    let (mut server, port) = serve(&project);

    let (status, index) = get(port, "/");
    assert_eq!(status, 200);
    assert!(
        index.contains("href=\"&#x2f;lesson&#x2f;pipeline-probes\""),
        "{index}"
    );
    let (status, page) = get(port, "/lesson/pipeline-probes");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"item-batch-high-water-mark\""));
    assert!(page.contains("iframe class=\"card card-front\""));
    let (status, deck) = get(port, "/out/pipeline-probes.apkg");
    assert_eq!((status, deck.starts_with("PK")), (200, true));
    assert_eq!(get(port, "/out/pipeline-probes.sheet.html").0, 200);

    let mut events = BufReader::new(connect(port));
    write!(
        events.get_mut(),
        "GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .expect("request sent");
    assert_eq!(next_build(&mut events), 1);

    let lesson = "source/data-pipelines/probes.md";
    let text = std::fs::read_to_string(project.root().join(lesson)).expect("seed");
    let edited = text.replace(
        "With a **high-water mark**.",
        "With a **high-water mark** (served).",
    );
    project.write(lesson, &edited);
    let rebuilt = server.line("[serve] rebuilt in");
    assert!(rebuilt.ends_with(&format!("after a change to {lesson}; reloading open pages")));
    assert_eq!(next_build(&mut events), 2);
    assert!(get(port, "/lesson/pipeline-probes").1.contains("(served)"));

    // Errors: the page shows them and no cards; the deck of the last good build stays served.
    project.write(
        lesson,
        &edited.replace(" {#why-parquet}", " {#exactly-once}"),
    );
    server.line("build refused");
    assert_eq!(next_build(&mut events), 3);
    let (_, page) = get(port, "/lesson/pipeline-probes");
    assert!(page.contains("id=\"refused\"") && !page.contains("iframe class=\"card"));
    assert!(
        page.contains("source&#x2f;data-pipelines&#x2f;probes.md:"),
        "{page}"
    );
    assert_eq!(get(port, "/out/pipeline-probes.apkg").0, 200);
}

#[test]
fn serve_makes_again_only_what_an_edit_can_change() {
    let project = Project::with_seed();
    project.write(
        "source/other.md",
        "---\nid: other\ntitle: Other\ndeck: Other\n---\n\n### Why? {#why}\n\nBecause.\n",
    );
    let (mut server, port) = serve(&project);
    let seed = get(port, "/lesson/pipeline-probes").1;
    project.write(
        "source/other.md",
        "---\nid: other\ntitle: Other\ndeck: Other\n---\n\n### Why? {#why}\n\nBecause so.\n",
    );
    server.line("[serve] rebuilt in");
    assert!(get(port, "/lesson/other").1.contains("Because so."));
    // The other lesson's cards are the same (kept, not made again, but the same either way).
    let cards = |page: &str| {
        page.split("srcdoc=")
            .skip(1)
            .map(|side| side.split('>').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(cards(&get(port, "/lesson/pipeline-probes").1), cards(&seed));
    // A template changes every lesson's cards.
    project.write(
        "templates/anki/style.css",
        "/* served-style */ .card { color: red; }\n",
    );
    // The new folder and the file in it may come as two changes, so two rebuilds.
    server.line("[serve] rebuilt in");
    while !get(port, "/lesson/other").1.contains("served-style") {
        server.line("[serve] rebuilt in");
    }
    for lesson in ["pipeline-probes", "other"] {
        let page = get(port, &format!("/lesson/{lesson}")).1;
        assert!(page.contains("served-style"), "{lesson}");
    }
}

#[test]
fn serve_answers_only_what_it_serves() {
    let project = Project::with_seed();
    let (_server, port) = serve(&project);
    // Only files the build wrote, never a path out of out/.
    assert_eq!(get(port, "/out/../cardsmith.toml").0, 404);
    assert_eq!(get(port, "/out/%2e%2e/cardsmith.toml").0, 404);
    project.write("out/notes.txt", "mine");
    assert_eq!(get(port, "/out/notes.txt").0, 404);
    assert_eq!(get(port, "/lesson/nope").0, 404);
    assert_eq!(get(port, "/nope").0, 404);
    assert_eq!(
        request(port, "POST", "/", &format!("127.0.0.1:{port}")).0,
        405
    );
    // DNS rebinding: another name for 127.0.0.1 is refused.
    assert_eq!(
        request(port, "GET", "/", &format!("evil.example:{port}")).0,
        403
    );
    assert_eq!(
        request(port, "GET", "/", &format!("localhost:{port}")).0,
        200
    );
}

#[test]
fn a_port_in_use_is_an_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("address").port().to_string();
    let project = Project::with_seed();
    let output = project
        .cardsmith(&["serve", "--port", &port])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: failed to listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
}
