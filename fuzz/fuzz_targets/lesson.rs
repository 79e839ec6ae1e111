//! One lesson file, as bytes, through every check `cardsmith check` runs (decode, parse, the
//! renderers' checks, lint): no panic, and every diagnostic lies inside the file.
#![no_main]

use std::path::PathBuf;

use cardsmith::config::Config;
use cardsmith::diagnostic::FileId;
use cardsmith::lines::LineIndex;
use cardsmith::load::Loaded;
use cardsmith::model::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let (text, unreadable) = cardsmith::load::decode(FileId(0), bytes.to_vec());
    let loaded = Loaded {
        files: vec![SourceFile {
            path: PathBuf::from("source/fuzz.md"),
            text: text.clone(),
        }],
        diagnostics: unreadable.into_iter().collect(),
        ..Loaded::default()
    };
    let config = Config::from_text(&std::env::temp_dir(), None).expect("the default config");
    let checked = cardsmith::check_sources(loaded, &config).expect("no I/O in memory");
    let index = LineIndex::new(&text);
    for diagnostic in &checked.diagnostics {
        let range = &diagnostic.span.range;
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "{range:?} outside a file of {} bytes: {diagnostic:?}",
            text.len()
        );
        let _ = index.line_column(&text, range.start);
    }
});
