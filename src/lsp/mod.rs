//! `cardsmith lsp`: a Language Server that shows the linter's diagnostics in the editor while a
//! lesson is written, before it is saved.
//!
//! What it offers: diagnostics for every open lesson (the whole project is checked, with open
//! documents' unsaved text in place of their files, so rules across files such as duplicate ids
//! hold); hover on a rule code or name showing `cardsmith rule CODE`; and a code action for the
//! one safe fix, adding a missing item id. ruff keeps its server as a library beside its command
//! line (`ruff_server`); so does cardsmith: `main.rs` only hands it the stdio connection.

mod actions;
mod convert;
mod documents;
mod hover;
mod position;
mod server;
mod workspace;

pub use position::Encoding;
pub use server::run;

/// Why the server stopped before the client asked it to.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The client broke the protocol (or went away during the handshake).
    #[error("language server protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// `initialize` carried parameters that are not LSP's.
    #[error("invalid `initialize` parameters")]
    Params(#[source] serde_json::Error),
}
