//! The message loop: open documents in, diagnostics out, hover and code actions on request.
//!
//! Synchronous, like rust-analyzer's scaffold: every message waiting in the queue is handled
//! before a project is checked again, so a burst of keystrokes costs one check, not one per key.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, MarkupContent,
    MarkupKind, PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use serde::de::DeserializeOwned;

use crate::diagnostic::FileId;
use crate::lint::MatchMemo;

use super::documents::Documents;
use super::position::{Encoding, LineIndex};
use super::workspace::{self, Snapshot};
use super::{LspError, actions, convert, hover};

/// Runs the server on `connection` until the client shuts it down.
pub fn run(connection: &Connection) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).map_err(LspError::Params)?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref()),
    );
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    };
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": { "name": "cardsmith", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let watch_files = params
        .capabilities
        .workspace
        .and_then(|workspace| workspace.did_change_watched_files)
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server {
        connection,
        encoding,
        documents: Documents::default(),
        snapshots: HashMap::new(),
        memos: HashMap::new(),
        dirty: BTreeSet::new(),
        shown: HashMap::new(),
        next_request: 0,
    };
    if watch_files {
        server.watch_files();
    }
    server.run()
}

struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    documents: Documents,
    /// The last check of each project with open documents, or why it could not be checked.
    snapshots: HashMap<PathBuf, Result<Snapshot, String>>,
    /// Per project, what the matcher found in each answer at its last check.
    memos: HashMap<PathBuf, MatchMemo>,
    /// Projects whose documents changed since their last check.
    dirty: BTreeSet<PathBuf>,
    /// Per project, the documents whose last published diagnostics were not empty.
    shown: HashMap<PathBuf, HashSet<Url>>,
    next_request: i32,
}

/// What the loop does after a message.
enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), LspError> {
        while let Ok(message) = self.connection.receiver.recv() {
            if let Flow::Exit = self.handle(message)? {
                return Ok(());
            }
            while let Ok(message) = self.connection.receiver.try_recv() {
                if let Flow::Exit = self.handle(message)? {
                    return Ok(());
                }
            }
            self.check_dirty();
        }
        // The client went away without `shutdown`; nothing is left to do.
        Ok(())
    }

    fn handle(&mut self, message: Message) -> Result<Flow, LspError> {
        match message {
            Message::Request(request) => {
                if self.connection.handle_shutdown(&request)? {
                    return Ok(Flow::Exit);
                }
                self.request(request);
            }
            Message::Notification(notification) => self.notification(notification),
            // Answers to our own requests (the file watcher registration): nothing to do.
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        let response = match method.as_str() {
            HoverRequest::METHOD => match parse::<HoverParams>(params) {
                Ok(params) => Response::new_ok(id, self.hover(&params)),
                Err(error) => invalid_params(id, &error),
            },
            CodeActionRequest::METHOD => match parse::<CodeActionParams>(params) {
                Ok(params) => Response::new_ok(id, self.code_actions(&params)),
                Err(error) => invalid_params(id, &error),
            },
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("cardsmith does not handle `{method}`"),
            ),
        };
        self.send(response);
    }

    fn notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        match method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(DidOpenTextDocumentParams { text_document }) = parse(params)
                    && let Some(path) = self.documents.open(
                        text_document.uri,
                        text_document.version,
                        text_document.text,
                    )
                {
                    self.touch(&path);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(DidChangeTextDocumentParams {
                    text_document,
                    content_changes,
                }) = parse(params)
                    && let Some((path, document)) = self.documents.get_mut(&text_document.uri)
                {
                    document.apply(text_document.version, content_changes, self.encoding);
                    self.touch(&path);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(DidCloseTextDocumentParams { text_document }) = parse(params)
                    && let Some((path, _)) = self.documents.close(&text_document.uri)
                {
                    // The project is checked again with the file as it is on disk, which
                    // publishes its diagnostics without a version (or clears them).
                    self.touch(&path);
                }
            }
            // A save or an outside change (a `git checkout`, another editor) changes what the
            // open lessons are checked against.
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                self.dirty.extend(self.snapshots.keys().cloned());
            }
            _ => {}
        }
    }

    /// Marks the project of `path` for checking.
    fn touch(&mut self, path: &Path) {
        if let Some(root) = workspace::project_root(path) {
            self.dirty.insert(root);
        }
    }

    /// Checks every project that changed and publishes the diagnostics of its open lessons.
    fn check_dirty(&mut self) {
        for root in std::mem::take(&mut self.dirty) {
            self.check(&root);
        }
    }

    /// Checks the project at `root` and publishes the diagnostics of every lesson in it, open or
    /// not: a problem across files (a duplicate id) is often reported on the other file, and
    /// the editor's problem list then shows what `cardsmith check` would.
    fn check(&mut self, root: &Path) {
        self.dirty.remove(root);
        if self.documents.under(root).next().is_none() {
            // The last lesson of the project was closed: forget the project.
            for uri in self.shown.remove(root).unwrap_or_default() {
                self.send(publish_diagnostics(uri, None, Vec::new()));
            }
            self.snapshots.remove(root);
            self.memos.remove(root);
            return;
        }
        let memo = self.memos.entry(root.to_path_buf()).or_default();
        let snapshot = workspace::check(root, &self.documents, memo).map_err(|error| chain(&error));
        let mut publish = Vec::new();
        match &snapshot {
            Ok(snapshot) => {
                for (index, path) in snapshot.paths.iter().enumerate() {
                    let open = self.documents.at(path);
                    let Some(uri) = open
                        .map(|document| document.uri.clone())
                        .or_else(|| Url::from_file_path(path).ok())
                    else {
                        continue;
                    };
                    let diagnostics = convert::diagnostics(snapshot, FileId(index), self.encoding);
                    publish.push((uri, open.map(|document| document.version), diagnostics));
                }
            }
            Err(message) => {
                for (path, document) in self.documents.under(root) {
                    if path.extension().is_some_and(|ext| ext == "md") {
                        let diagnostics = vec![project_error(message)];
                        publish.push((document.uri.clone(), Some(document.version), diagnostics));
                    }
                }
            }
        }
        let before = self.shown.remove(root).unwrap_or_default();
        let mut shown = HashSet::new();
        for (uri, version, diagnostics) in &publish {
            if !diagnostics.is_empty() {
                shown.insert(uri.clone());
            }
            // An open document always gets an answer for its version; a closed one only news.
            if version.is_some() || !diagnostics.is_empty() || before.contains(uri) {
                self.send(publish_diagnostics(
                    uri.clone(),
                    *version,
                    diagnostics.clone(),
                ));
            }
        }
        // Lessons that are gone, or no longer checkable: clear what the editor still shows.
        for uri in before {
            if !publish.iter().any(|(published, _, _)| *published == uri) {
                self.send(publish_diagnostics(uri, None, Vec::new()));
            }
        }
        self.shown.insert(root.to_path_buf(), shown);
        self.snapshots.insert(root.to_path_buf(), snapshot);
    }

    /// The snapshot of the project of `uri`, checked again first if it changed.
    fn snapshot_of(&mut self, uri: &Url) -> Option<(&Snapshot, PathBuf)> {
        let path = uri.to_file_path().ok()?;
        let root = workspace::project_root(&path)?;
        if self.dirty.contains(&root) || !self.snapshots.contains_key(&root) {
            self.check(&root);
        }
        let snapshot = self.snapshots.get(&root)?.as_ref().ok()?;
        Some((snapshot, path))
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let position = &params.text_document_position_params;
        let (_, document) = self.documents.get(&position.text_document.uri)?;
        let index = LineIndex::new(&document.text, self.encoding);
        let offset = index.offset(&document.text, position.position);
        let (documentation, range) = hover::rule_at(&document.text, offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: documentation,
            }),
            range: Some(index.range(&document.text, &range)),
        })
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let encoding = self.encoding;
        let uri = &params.text_document.uri;
        let Some((snapshot, path)) = self.snapshot_of(uri) else {
            return Vec::new();
        };
        let Some(file) = snapshot.file_at(&path) else {
            return Vec::new();
        };
        let text = &snapshot.checked.course.file(file).text;
        let index = LineIndex::new(text, encoding);
        let requested =
            index.offset(text, params.range.start)..index.offset(text, params.range.end);
        actions::actions(
            snapshot,
            file,
            uri,
            requested,
            params.context.only.as_deref(),
            encoding,
        )
    }

    /// Asks the client to report changes to lessons and settings made outside the editor.
    fn watch_files(&mut self) {
        let watchers = ["**/*.md", "**/cardsmith.toml"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_owned()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "cardsmith-watch".to_owned(),
            method: DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(self.next_request),
            RegisterCapability::METHOD.to_owned(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(request);
    }

    fn send(&self, message: impl Into<Message>) {
        // A send fails only once the client is gone; the loop then ends on its own.
        let _ = self.connection.sender.send(message.into());
    }
}

fn publish_diagnostics(
    uri: Url,
    version: Option<i32>,
    diagnostics: Vec<lsp_types::Diagnostic>,
) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_owned(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

fn parse<T: DeserializeOwned>(params: serde_json::Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(params)
}

fn invalid_params(id: RequestId, error: &serde_json::Error) -> Response {
    Response::new_err(id, ErrorCode::InvalidParams as i32, error.to_string())
}

/// A project that cannot be checked at all (a broken `cardsmith.toml`), shown on the first line
/// of each of its open lessons: the editor has no better place for it.
fn project_error(message: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
        source: Some(convert::SOURCE.to_owned()),
        message: format!("cannot check this project: {message}"),
        ..lsp_types::Diagnostic::default()
    }
}

/// An error with its causes, as `cardsmith` prints them (`{:#}` in anyhow).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
