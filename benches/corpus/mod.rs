//! A deterministic benchmark corpus: `items` question-and-answer items in the project's format,
//! 50 per lesson file, with 12-word questions and 60-120-word answers made of paragraphs, a short
//! list and (every third item) a fenced code block; with `cards`, each item gets a `card` block of
//! two `must` points (phrases its answer makes) and one `avoid` flag (a phrase it never says).
//! The same items are written as JSON for the peer scripts (`scripts/bench/*.py`).
//!
//! Shared by the Criterion benches (`benches/micro.rs`), the generator binary the runner calls
//! (`examples/bench-corpus.rs`) and the runner's test (`tests/cli/bench.rs`), through `#[path]`.
//! Same arguments, same bytes: the generator draws from a fixed-seed SplitMix64, never the clock.

#![allow(dead_code)] // each includer uses a part

use std::fmt::Write as _;
use std::path::Path;

/// Items per lesson file.
pub const ITEMS_PER_LESSON: usize = 50;

/// One generated item: what both cardsmith's Markdown and the peer's JSON carry.
#[derive(Debug, Clone)]
pub struct Item {
    /// `l<lesson>-q<n>`, unique in the corpus.
    pub id: String,
    /// Twelve words ending in `?`.
    pub question: String,
    /// Markdown: paragraphs, a list, maybe a fenced code block.
    pub answer: String,
    /// The two required points (phrases the answer contains).
    pub must: [String; 2],
    /// The red flag's phrase (the answer never says it).
    pub avoid: String,
}

/// One generated lesson.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// `bench-<n>`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its Anki deck.
    pub deck: String,
    /// Its items, in order; a new topic every ten.
    pub items: Vec<Item>,
}

// Words of the generated text. Technology names are made of two syllables so that questions
// differ the way real ones do (each names its own subject); the rest is a plain technical
// vocabulary. No word here is a stop word joke, a question word or the red-flag verb below.
const NAME_HEADS: &[&str] = &[
    "kaf", "par", "dru", "flin", "spar", "hiv", "pres", "tri", "ora", "cass", "red", "mon", "elas",
    "zoo", "nif", "air", "dag", "luig", "pul", "beam", "ice", "hud", "delt", "snow", "big", "clic",
    "duck", "poly", "arro", "thri", "prot", "avr", "orc", "lak", "quar", "dremi", "sams", "vor",
    "kin", "tal",
];
const NAME_TAILS: &[&str] = &[
    "ka", "quet", "id", "ko", "kle", "ve", "to", "no", "cle", "andra", "dis", "go", "stic", "per",
    "fi", "flow", "ster", "gi", "sar", "mer", "berg", "di", "ta", "flake", "table", "house", "db",
    "lars", "row", "ft", "obuf", "ro", "co", "ehouse", "tz", "o", "za", "tex", "esis", "os",
];
const NOUNS: &[&str] = &[
    "partition",
    "offset",
    "snapshot",
    "schema",
    "column",
    "index",
    "replica",
    "shard",
    "buffer",
    "checkpoint",
    "watermark",
    "window",
    "trigger",
    "consumer",
    "producer",
    "broker",
    "topic",
    "segment",
    "manifest",
    "catalog",
    "cluster",
    "executor",
    "driver",
    "shuffle",
    "stage",
    "task",
    "queue",
    "ledger",
    "journal",
    "cursor",
    "batch",
    "record",
    "payload",
    "envelope",
    "header",
    "footer",
    "stripe",
    "page",
    "block",
    "file",
    "bucket",
    "prefix",
    "key",
    "value",
    "timestamp",
    "sequence",
    "version",
    "lineage",
    "contract",
    "quota",
    "budget",
    "latency",
    "throughput",
    "backlog",
    "lag",
    "retry",
    "timeout",
    "deadline",
    "lease",
    "lock",
    "tombstone",
    "compaction",
    "merge",
    "upsert",
    "insert",
    "delete",
    "join",
    "filter",
    "projection",
    "predicate",
    "aggregate",
    "histogram",
    "sketch",
    "sample",
    "estimate",
    "metric",
    "alert",
    "dashboard",
    "runbook",
    "incident",
    "rollback",
    "migration",
    "backfill",
    "replay",
    "dedup",
    "hash",
    "checksum",
    "codec",
    "dictionary",
    "encoding",
    "statistic",
    "bloom",
    "cache",
    "spill",
    "memory",
    "disk",
    "network",
    "socket",
    "thread",
    "process",
    "container",
    "node",
    "region",
];
const ADJECTIVES: &[&str] = &[
    "incremental",
    "idempotent",
    "durable",
    "ordered",
    "late",
    "stale",
    "fresh",
    "partial",
    "compressed",
    "sorted",
    "skewed",
    "sparse",
    "dense",
    "nested",
    "wide",
    "narrow",
    "hot",
    "cold",
    "transactional",
    "eventual",
    "strict",
    "lenient",
    "upstream",
    "downstream",
    "external",
    "internal",
    "primary",
    "secondary",
    "columnar",
    "streaming",
    "bounded",
    "unbounded",
];
const VERBS: &[&str] = &[
    "handle",
    "store",
    "split",
    "order",
    "commit",
    "track",
    "expire",
    "replicate",
    "compact",
    "rebalance",
    "serialize",
    "validate",
    "index",
    "prune",
    "route",
    "buffer",
    "flush",
    "throttle",
    "partition",
    "recover",
    "schedule",
    "measure",
    "encode",
    "cache",
];
const OPENERS: &[&str] = &[
    "How does",
    "Why does",
    "When does",
    "Where does",
    "How should",
];
/// What happens to the question's subject: the last word of every question.
const EVENTS: &[&str] = &[
    "lags",
    "grows",
    "stalls",
    "spikes",
    "fails",
    "shrinks",
    "restarts",
    "drifts",
    "overflows",
    "expires",
    "splits",
    "moves",
    "thrashes",
    "degrades",
    "recovers",
    "saturates",
];
/// The red flags' verb: it never appears in an answer, so no flag is raised.
const FLAG_VERB: &str = "skips";

/// SplitMix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

/// The corpus of `items` items (the last lesson may have fewer than 50).
pub fn lessons(items: usize) -> Vec<Lesson> {
    let mut rng = Rng(0x00C0_FFEE);
    let mut lessons = Vec::new();
    let mut made = 0;
    while made < items {
        let number = lessons.len() + 1;
        let count = ITEMS_PER_LESSON.min(items - made);
        let items = (1..=count)
            .map(|index| item(&mut rng, number, index))
            .collect();
        lessons.push(Lesson {
            id: format!("bench-{number:04}"),
            title: format!("Benchmark lesson {number}"),
            deck: format!("Bench::Lesson {number:04}"),
            items,
        });
        made += count;
    }
    lessons
}

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(NAME_HEADS), rng.pick(NAME_TAILS))
}

fn item(rng: &mut Rng, lesson: usize, index: usize) -> Item {
    // Twelve words: opener (2) + name + verb + the + adjective + noun + noun + when + the + noun
    // + an event.
    let question = format!(
        "{} {} {} the {} {} {} when the {} {}?",
        rng.pick(OPENERS),
        name(rng),
        rng.pick(VERBS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(NOUNS),
        rng.pick(NOUNS),
        rng.pick(EVENTS),
    );
    let must = [
        format!("{} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS)),
        format!("{} {}", rng.pick(NOUNS), rng.pick(NOUNS)),
    ];
    let avoid = format!("{FLAG_VERB} the {}", rng.pick(NOUNS));
    // Sentences may run a few words past their budget: aim below 120.
    let target = 60 + rng.below(55);
    let answer = answer(rng, &must, target, index.is_multiple_of(3));
    Item {
        id: format!("l{lesson:04}-q{index:02}"),
        question,
        answer,
        must,
        avoid,
    }
}

/// An answer of about `words` words (60 to 120): a paragraph with the first point, a list of three
/// entries, a paragraph with the second point, and maybe a code block (not counted as words).
fn answer(rng: &mut Rng, must: &[String; 2], words: usize, code: bool) -> String {
    let list_words = 3 * 4;
    let rest = words.saturating_sub(list_words);
    let first = rest / 2;
    let mut text = String::new();
    text.push_str(&sentences(rng, first, &must[0]));
    text.push_str("\n\n");
    for _ in 0..3 {
        let _ = writeln!(
            text,
            "- {} the {} {}",
            capitalized(rng.pick(VERBS)),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS)
        );
    }
    text.push('\n');
    text.push_str(&sentences(rng, rest - first, &must[1]));
    text.push('\n');
    if code {
        let _ = write!(
            text,
            "\n```sql\nSELECT {noun}, count(*)\nFROM {name}\nWHERE {noun} > :mark\nGROUP BY {noun};\n```\n",
            noun = rng.pick(NOUNS),
            name = name(rng),
        );
    }
    text
}

/// Sentences of 6 to 11 words totalling about `words`, the first containing `phrase`.
fn sentences(rng: &mut Rng, words: usize, phrase: &str) -> String {
    let mut text = String::new();
    let mut written = 0;
    let mut first = true;
    while written < words {
        let length = (6 + rng.below(6)).min((words - written).max(4));
        let mut sentence: Vec<String> = Vec::with_capacity(length);
        if first {
            sentence.push("The".to_owned());
            sentence.extend(phrase.split(' ').map(str::to_owned));
            first = false;
        }
        while sentence.len() < length {
            let word = match sentence.len() % 3 {
                0 => rng.pick(ADJECTIVES),
                1 => rng.pick(NOUNS),
                _ => rng.pick(VERBS),
            };
            sentence.push(word.to_owned());
        }
        written += sentence.len();
        if !text.is_empty() {
            text.push(' ');
        }
        let mut joined = sentence.join(" ");
        joined = capitalized(&joined);
        text.push_str(&joined);
        text.push('.');
    }
    text
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One lesson file in the project's format.
pub fn markdown(lesson: &Lesson, cards: bool) -> String {
    let mut text = format!(
        "---\nid: {}\ntitle: {}\ndeck: \"{}\"\ntags: [bench]\n---\n",
        lesson.id, lesson.title, lesson.deck
    );
    for (index, item) in lesson.items.iter().enumerate() {
        if index % 10 == 0 {
            let _ = write!(text, "\n## Topic {}\n", index / 10 + 1);
        }
        let _ = write!(
            text,
            "\n### {} {{#{}}}\n\n{}",
            item.question, item.id, item.answer
        );
        if cards {
            let _ = write!(
                text,
                "\n```card\nmust:\n  - {}\n  - {}\navoid:\n  - flag: {}\n    match: {}\n```\n",
                item.must[0], item.must[1], item.avoid, item.avoid
            );
        }
    }
    text
}

/// The corpus as JSON for the peers: `[{id, title, deck, items: [{id, question, answer}]}]`.
pub fn json(lessons: &[Lesson]) -> String {
    let mut text = String::from("[");
    for (l, lesson) in lessons.iter().enumerate() {
        if l > 0 {
            text.push(',');
        }
        let _ = write!(
            text,
            "\n{{\"id\":{},\"title\":{},\"deck\":{},\"items\":[",
            quoted(&lesson.id),
            quoted(&lesson.title),
            quoted(&lesson.deck)
        );
        for (i, item) in lesson.items.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let _ = write!(
                text,
                "\n{{\"id\":{},\"question\":{},\"answer\":{}}}",
                quoted(&item.id),
                quoted(&item.question),
                quoted(&item.answer)
            );
        }
        text.push_str("]}");
    }
    text.push_str("\n]\n");
    text
}

/// A JSON string literal (the generated text is ASCII; escape what JSON requires).
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a project at `root`: `cardsmith.toml` (`extra_config` appended), `source/<id>.md` per
/// lesson, and `items.json` for the peers.
pub fn write_project(
    root: &Path,
    lessons: &[Lesson],
    cards: bool,
    extra_config: &str,
) -> std::io::Result<()> {
    let source = root.join("source");
    std::fs::create_dir_all(&source)?;
    std::fs::write(
        root.join("cardsmith.toml"),
        format!("# Generated by benches/corpus/mod.rs.\n{extra_config}"),
    )?;
    for lesson in lessons {
        std::fs::write(
            source.join(format!("{}.md", lesson.id)),
            markdown(lesson, cards),
        )?;
    }
    std::fs::write(root.join("items.json"), json(lessons))
}
