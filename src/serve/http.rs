//! The preview's HTTP server (tiny_http, one thread, no async runtime), bound to 127.0.0.1 only.
//! Routes: `/` and `/lesson/<id>` (the pages of the current [`Site`]), `/media/<name>` (card
//! images), `/out/<path>` (the files of the last good build: decks, sheets, guides) and
//! `/events` (server-sent events: `build` with the generation after every build). Each event
//! stream has a thread of its own, so a page left open never holds up the others.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::pages::Site;

/// How often an idle event stream sends a comment: a page closed without a goodbye is noticed
/// (the write fails) and its thread ends.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The server could not start.
#[derive(Debug, thiserror::Error)]
#[error("failed to listen on 127.0.0.1:{port}")]
pub struct BindError {
    /// The port asked for (0: any free one).
    pub port: u16,
    /// Why.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// What the server shows, replaced whole after every build.
#[derive(Default)]
pub struct Shared {
    site: RwLock<Arc<Site>>,
    streams: Mutex<Vec<Sender<u64>>>,
}

impl Shared {
    /// Shows `site` from now on and tells every open page.
    pub fn publish(&self, site: Site) {
        let generation = site.generation;
        *self
            .site
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(site);
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A stream whose page is gone has dropped its receiver.
        streams.retain(|stream| stream.send(generation).is_ok());
    }

    fn site(&self) -> Arc<Site> {
        Arc::clone(
            &self
                .site
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    fn subscribe(&self) -> Receiver<u64> {
        let (sender, receiver) = channel();
        self.streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(sender);
        receiver
    }
}

/// A listening server.
pub struct Server {
    http: tiny_http::Server,
    address: SocketAddr,
}

impl Server {
    /// Listens on 127.0.0.1:`port` (0: a free port chosen by the system).
    pub fn bind(port: u16) -> Result<Server, BindError> {
        let http = tiny_http::Server::http((Ipv4Addr::LOCALHOST, port))
            .map_err(|source| BindError { port, source })?;
        let address = http.server_addr().to_ip().ok_or_else(|| BindError {
            port,
            source: "the server did not listen on TCP".into(),
        })?;
        Ok(Server { http, address })
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Answers requests on a thread of its own, for as long as the process runs.
    pub fn spawn(self, shared: Arc<Shared>) -> JoinHandle<()> {
        std::thread::spawn(move || {
            let port = self.address.port();
            for request in self.http.incoming_requests() {
                handle(request, &shared, port);
            }
        })
    }
}

fn handle(request: Request, shared: &Arc<Shared>, port: u16) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(request, text(405, "only GET and HEAD"));
    }
    // A page elsewhere may make the browser ask 127.0.0.1 under its own name (DNS rebinding):
    // answer only to the names of this machine.
    let host_ok = request
        .headers()
        .iter()
        .find(|header| header.field.equiv("Host"))
        .is_none_or(|header| {
            let host = header.value.as_str();
            [format!("127.0.0.1:{port}"), format!("localhost:{port}")]
                .iter()
                .any(|allowed| host.eq_ignore_ascii_case(allowed))
        });
    if !host_ok {
        return respond(request, text(403, "unknown Host"));
    }
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    let Ok(path) = percent_decode_str(&url).decode_utf8() else {
        return respond(request, text(400, "the path is not UTF-8"));
    };
    let path = path.into_owned();
    if path == "/events" {
        let events = shared.subscribe();
        let generation = shared.site().generation;
        std::thread::spawn(move || stream_events(request, generation, &events));
        return;
    }
    let site = shared.site();
    let response = if let Some(page) = site.pages.get(&path) {
        Response::from_data(page.as_bytes().to_vec())
            .with_header(content_type("text/html; charset=utf-8"))
            .with_header(no_cache())
    } else if let Some(bytes) = path
        .strip_prefix("/media/")
        .and_then(|name| site.media.get(name))
    {
        Response::from_data(bytes.clone()).with_header(content_type(mime(&path)))
    } else if let Some(file) = path
        .strip_prefix("/out/")
        .and_then(|name| site.out.get(name))
    {
        // Only files the last good build wrote are listed: nothing else under out/ is served.
        match std::fs::read(file) {
            Ok(bytes) => Response::from_data(bytes)
                .with_header(content_type(mime(&path)))
                .with_header(no_cache()),
            Err(error) => text(
                500,
                &format!("failed to read `{}`: {error}", file.display()),
            ),
        }
    } else if path.starts_with("/lesson/") && site.pages.len() > 1 {
        text(404, "no lesson with that id (the index lists them)")
    } else if path.starts_with("/lesson/") {
        // A failed build has only the index, which says why.
        redirect("/")
    } else {
        text(404, "not found")
    };
    respond(request, response);
}

fn respond<R: std::io::Read>(request: Request, response: Response<R>) {
    // The browser went away: nothing to do about it.
    let _ = request.respond(response);
}

fn text(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(format!("{message}\n"))
        .with_status_code(StatusCode(status))
        .with_header(content_type("text/plain; charset=utf-8"))
}

fn redirect(to: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    text(303, "see the index").with_header(header("Location", to))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn content_type(value: &str) -> Header {
    header("Content-Type", value)
}

fn no_cache() -> Header {
    header("Cache-Control", "no-store")
}

/// The type of a file by its extension.
fn mime(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// One page's event stream: the generation now, then each new one, until the page goes. Written
/// by hand on the raw connection because tiny_http buffers a streamed body until it ends.
fn stream_events(request: Request, generation: u64, events: &Receiver<u64>) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\n";
    let mut send = |text: &str| {
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
    };
    // `retry`: how soon the browser reconnects when the server restarts.
    if send(head)
        .and_then(|()| send(&format!("retry: 500\nevent: build\ndata: {generation}\n\n")))
        .is_err()
    {
        return;
    }
    loop {
        let sent = match events.recv_timeout(KEEP_ALIVE) {
            Ok(generation) => send(&format!("event: build\ndata: {generation}\n\n")),
            Err(RecvTimeoutError::Timeout) => send(": keep-alive\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(mime("/out/a.sheet.html"), "text/html; charset=utf-8");
        assert_eq!(mime("/media/x.PNG"), "image/png");
        assert_eq!(mime("/out/all.apkg"), "application/octet-stream");
    }
}
