//! Integration tests: they drive the real `cardsmith` binary on projects made in temp folders.
//! One binary with a module per area (mdBook's tests/testsuite, ripgrep's tests/).

mod support;

mod apkg;
mod bench;
mod browser;
mod build;
mod cache;
mod commands;
mod confinement;
mod errors;
mod fidelity;
mod fresh;
mod lint;
mod new;
mod properties;
mod serve;
mod sheet;
mod sheet_cost;
mod terminal;
mod watch;
mod writes;
