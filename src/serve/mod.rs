//! `cardsmith serve`'s parts: the preview site of a build ([`pages`], with card sides rendered as
//! Anki renders them by [`anki`], their formulas typeset by [`math`]) and the HTTP server that shows it and announces rebuilds
//! ([`http`]). The loop that builds, publishes and watches is the command's
//! ([`crate::commands::serve`]).

pub mod anki;
pub mod http;
pub mod math;
pub mod pages;
