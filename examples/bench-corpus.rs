//! `cargo run --release --example bench-corpus -- ITEMS DIR [--cards] [--config TOML]`: writes the
//! benchmark corpus of `benches/corpus/mod.rs` as a project at DIR (lessons, `cardsmith.toml`,
//! `items.json` for the peers). `scripts/bench-peers` calls it; see docs/performance.md.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut cards = false;
    let mut config = String::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cards" => cards = true,
            "--config" => match args.next() {
                Some(text) => config = text,
                None => return usage("--config needs a value"),
            },
            _ => positional.push(arg),
        }
    }
    let [items, dir] = positional.as_slice() else {
        return usage("expected ITEMS and DIR");
    };
    let Ok(items) = items.parse::<usize>() else {
        return usage("ITEMS must be a whole number");
    };
    let lessons = corpus::lessons(items);
    match corpus::write_project(&PathBuf::from(dir), &lessons, cards, &config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench-corpus: cannot write {dir}: {error}");
            ExitCode::from(2)
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("bench-corpus: {problem}\nusage: bench-corpus ITEMS DIR [--cards] [--config TOML]");
    ExitCode::from(2)
}
