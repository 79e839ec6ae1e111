//! `cardsmith.toml` from text: parsed and checked as every command loads it, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let root = std::env::temp_dir().join("cardsmith-fuzz-config");
    let _ = cardsmith::config::Config::from_text(&root, Some(text));
});
