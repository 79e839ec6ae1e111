//! The `collection.anki2` inside a package: an SQLite database in Anki's legacy schema 11 (the
//! layout of Anki 2.1.x exports, which every current Anki still imports: it upgrades the file to
//! its own schema on the fly). Built in memory and serialized, or, for a build's `all.apkg`, in a
//! temporary file in the build's stage ([`with_file`]) so that the database of every note is not
//! held in memory; the same rows inserted in the same order give the same bytes either way.
//!
//! What a package costs here, at 10,000 notes (docs/performance.md, "Fresh builds"): the tables
//! are made once per process and copied into each package's database ([`EMPTY`]), the indexes
//! are built after the rows (one sorted pass instead of a B-tree insert per row, and a smaller
//! file), and the finished database is zipped from SQLite's own buffer, never copied.

use std::borrow::Cow;
use std::sync::LazyLock;

use rusqlite::{Connection, MAIN_DB, params};
use serde_json::{Map, Value, json};

/// Anki's schema 11 (`rslib/src/storage/schema11.sql`), without its placeholder `col` row and
/// without its indexes ([`INDEXES`]).
const TABLES: &str = "
create table col (
    id integer primary key, crt integer not null, mod integer not null, scm integer not null,
    ver integer not null, dty integer not null, usn integer not null, ls integer not null,
    conf text not null, models text not null, decks text not null, dconf text not null,
    tags text not null
);
create table notes (
    id integer primary key, guid text not null, mid integer not null, mod integer not null,
    usn integer not null, tags text not null, flds text not null, sfld integer not null,
    csum integer not null, flags integer not null, data text not null
);
create table cards (
    id integer primary key, nid integer not null, did integer not null, ord integer not null,
    mod integer not null, usn integer not null, type integer not null, queue integer not null,
    due integer not null, ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null, odid integer not null,
    flags integer not null, data text not null
);
create table revlog (
    id integer primary key, cid integer not null, usn integer not null, ease integer not null,
    ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
    type integer not null
);
create table graves (usn integer not null, oid integer not null, type integer not null);
";

/// Schema 11's indexes, made once the rows are in.
const INDEXES: &str = "
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);
";

/// A note row, its text as Anki stores it: made from a note's fields and tags as it is inserted
/// ([`anki_fields`], [`anki_tags`]), or borrowed from text that holds it so already (a build's
/// notes read back from its stage).
#[derive(Debug, Clone)]
pub struct NoteRow<'a> {
    /// Note id: milliseconds since the epoch when the item was first built.
    pub id: i64,
    /// See [`super::ids::note_guid`].
    pub guid: String,
    /// Note type id.
    pub notetype_id: i64,
    /// Seconds since the epoch when the note's content last changed.
    pub modified: i64,
    /// Anki-legal tags, as [`anki_tags`] writes them.
    pub tags: Cow<'a, str>,
    /// Field values (HTML), in the note type's order, as [`anki_fields`] writes them.
    pub fields: Cow<'a, str>,
}

/// The `tags` of a note row: each tag followed by a space, and a space before the first.
pub fn anki_tags(tags: &[String]) -> String {
    format!(" {} ", tags.join(" "))
}

/// The `flds` of a note row: the fields separated by `\x1f`, which no field holds (every control
/// character but tab and line breaks is stripped from them).
pub fn anki_fields(fields: &[String]) -> String {
    fields.join("\x1f")
}

/// A card row (always new: no scheduling is exported).
#[derive(Debug, Clone)]
pub struct CardRow {
    /// Card id.
    pub id: i64,
    /// Its note.
    pub note_id: i64,
    /// Its deck.
    pub deck_id: i64,
    /// Template index (standard) or deletion number - 1 (cloze).
    pub ord: u16,
    /// Same as the note's.
    pub modified: i64,
    /// Position in the new-card queue.
    pub due: i64,
}

/// An error of writing a database, or of reading the rows it is written from.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A function handing every note row to its argument, in order, a few at a time: the rows of a
/// build's `all.apkg`, read back a lesson at a time while they are inserted rather than held
/// (their fields are most of a build's memory otherwise; docs/performance.md, "Memory").
pub type RowStream<'a> =
    &'a dyn Fn(&mut dyn FnMut(&NoteRow<'_>) -> rusqlite::Result<()>) -> Result<(), BoxError>;

/// The note rows of a database: the same rows inserted in the same order give the same bytes
/// either way.
pub enum NoteRows<'a> {
    /// Every row, in order.
    Held(Vec<NoteRow<'a>>),
    /// Made as they are inserted.
    Streamed(RowStream<'a>),
}

impl std::fmt::Debug for NoteRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteRows::Held(rows) => f.debug_tuple("Held").field(rows).finish(),
            NoteRows::Streamed(_) => f.write_str("Streamed"),
        }
    }
}

/// Everything in the database.
#[derive(Debug)]
pub struct CollectionData<'a> {
    /// Collection creation, seconds.
    pub created: i64,
    /// Last change, seconds.
    pub modified: i64,
    /// Note types as schema-11 JSON.
    pub notetypes: Vec<Value>,
    /// `(id, full name)` of every deck, parents included.
    pub decks: Vec<(i64, String)>,
    /// Notes, in order.
    pub notes: NoteRows<'a>,
    /// Cards, in order.
    pub cards: Vec<CardRow>,
}

/// The database of a package with its tables and nothing in them, as SQLite serializes it:
/// parsing and running the schema for each of a build's packages was a tenth of their cost.
static EMPTY: LazyLock<Result<Vec<u8>, String>> = LazyLock::new(|| {
    let made = || -> rusqlite::Result<Vec<u8>> {
        let connection = Connection::open_in_memory()?;
        connection.execute_batch(TABLES)?;
        Ok(connection.serialize(MAIN_DB)?.to_vec())
    };
    made().map_err(|error| error.to_string())
});

/// Writes the database and hands its bytes to `consume` (zipping them), without copying them
/// out of SQLite.
pub fn with_bytes<T>(
    data: &CollectionData<'_>,
    consume: impl FnOnce(&[u8]) -> T,
) -> Result<T, BoxError> {
    let empty = EMPTY.as_ref().map_err(|error| error.clone())?;
    let mut connection = Connection::open_in_memory()?;
    // A resizable in-memory database that SQLite owns: `serialize` then lends its buffer.
    connection.deserialize_read_exact(MAIN_DB, empty.as_slice(), empty.len(), false)?;
    fill(&mut connection, data)?;
    let bytes = connection.serialize(MAIN_DB)?;
    Ok(consume(&bytes))
}

/// How much of the database SQLite keeps in memory while writing it to a file ([`with_file`]),
/// in KiB: the rest is in the file until it is read back to be zipped.
const FILE_CACHE_KIB: i64 = 8 * 1024;

/// [`with_bytes`], the database written to a temporary file in `folder` instead of memory, and
/// the file handed to `consume` (at its start) to read: the same bytes, the database of every
/// note (a few hundred MB at 100,000 notes) never in memory whole. The file is deleted when
/// done; `folder` is the build's stage, so that one left by a killed build goes with it.
pub fn with_file<T>(
    data: &CollectionData<'_>,
    folder: &std::path::Path,
    consume: impl FnOnce(&mut std::fs::File) -> T,
) -> Result<T, BoxError> {
    use std::io::{Seek, Write};
    let empty = EMPTY.as_ref().map_err(|error| error.clone())?;
    let mut file = tempfile::Builder::new()
        .prefix(crate::output::TEMP_PREFIX)
        .suffix(crate::output::TEMP_SUFFIX)
        .tempfile_in(folder)?;
    file.write_all(empty)?;
    file.flush()?;
    {
        let mut connection = Connection::open_with_flags(
            file.path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // No journal (a failed build deletes the file: there is nothing to roll back), no
        // syncs (the file is read back, never kept), and a bounded cache: pages past it are
        // written to the file. None of these is recorded in the database's bytes.
        connection.execute_batch(&format!(
            "pragma journal_mode = off; pragma synchronous = off; \
             pragma locking_mode = exclusive; pragma cache_size = -{FILE_CACHE_KIB};"
        ))?;
        fill(&mut connection, data)?;
        connection.close().map_err(|(_, error)| error)?;
    }
    let file = file.as_file_mut();
    file.rewind()?;
    Ok(consume(file))
}

/// Writes the database and returns its bytes.
pub fn to_bytes(data: &CollectionData<'_>) -> Result<Vec<u8>, BoxError> {
    with_bytes(data, <[u8]>::to_vec)
}

/// Inserts every row of `data`, then builds the indexes, in one transaction.
fn fill(connection: &mut Connection, data: &CollectionData<'_>) -> Result<(), BoxError> {
    let transaction = connection.transaction()?;
    transaction.execute(
        "insert into col values (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            data.created,
            data.modified.saturating_mul(1000),
            json_text(&collection_config(data)),
            json_text(&keyed_by_id(&data.notetypes)),
            json_text(&decks_json(data)),
            json_text(&deck_configs_json()),
        ],
    )?;
    {
        let mut insert = transaction
            .prepare("insert into notes values (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?;
        let mut insert_note = |note: &NoteRow<'_>| {
            // The first field: no field holds the separator.
            let first = note.fields.split('\x1f').next().unwrap_or_default();
            let sort_field = strip_html(first);
            insert
                .execute(params![
                    note.id,
                    note.guid,
                    note.notetype_id,
                    note.modified,
                    note.tags,
                    note.fields,
                    sort_field,
                    checksum(&sort_field),
                ])
                .map(drop)
        };
        match &data.notes {
            NoteRows::Held(rows) => rows.iter().try_for_each(&mut insert_note)?,
            NoteRows::Streamed(stream) => stream(&mut insert_note)?,
        }
        let mut insert = transaction.prepare(
            "insert into cards values (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        )?;
        for card in &data.cards {
            insert.execute(params![
                card.id,
                card.note_id,
                card.deck_id,
                card.ord,
                card.modified,
                card.due
            ])?;
        }
    }
    transaction.execute_batch(INDEXES)?;
    Ok(transaction.commit()?)
}

/// serde_json keeps map keys sorted (no `preserve_order`), so this text is stable.
fn json_text(value: &Value) -> String {
    value.to_string()
}

fn keyed_by_id(values: &[Value]) -> Value {
    let mut map = Map::new();
    for value in values {
        map.insert(value["id"].to_string(), value.clone());
    }
    Value::Object(map)
}

fn collection_config(data: &CollectionData) -> Value {
    json!({
        "activeDecks": [1],
        "curDeck": 1,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": true,
        "dueCounts": true,
        "curModel": null,
        "nextPos": data.cards.len() + 1,
        "sortType": "noteFld",
        "sortBackwards": false,
        "addToCur": true,
        "schedVer": 2,
    })
}

fn decks_json(data: &CollectionData) -> Value {
    let deck = |id: i64, name: &str| {
        json!({
            "id": id, "name": name, "mod": data.modified, "usn": -1, "conf": 1,
            "desc": "", "dyn": 0, "collapsed": false, "browserCollapsed": false,
            "extendNew": 0, "extendRev": 0,
            "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
        })
    };
    let mut decks = vec![deck(1, "Default")];
    decks.extend(data.decks.iter().map(|(id, name)| deck(*id, name)));
    keyed_by_id(&decks)
}

/// Anki's default options group; only read when a package is imported with its deck options.
fn deck_configs_json() -> Value {
    json!({
        "1": {
            "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true,
            "timer": 0, "replayq": true, "dyn": false,
            "new": {
                "bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
                "order": 1, "perDay": 20,
            },
            "rev": {
                "bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                "hardFactor": 1.2,
            },
            "lapse": {
                "delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0,
            },
        }
    })
}

/// The sort field as Anki stores it: text without tags (Anki recomputes it on import; this only
/// keeps the package itself consistent).
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Anki's duplicate-check checksum: the first 8 hex digits of SHA-1 of the sort field.
fn checksum(sort_field: &str) -> i64 {
    use sha1::{Digest, Sha1};
    let digest = Sha1::digest(sort_field.as_bytes());
    i64::from(u32::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3],
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    static TAGS: LazyLock<Vec<String>> =
        LazyLock::new(|| vec!["x".to_owned(), "topic::y".to_owned()]);
    static FIELDS: LazyLock<Vec<String>> =
        LazyLock::new(|| vec!["<b>Q</b> &amp; R".to_owned(), "A".to_owned()]);

    fn sample() -> CollectionData<'static> {
        CollectionData {
            created: 1_700_000_000,
            modified: 1_700_000_100,
            notetypes: vec![json!({"id": 5, "name": "t"})],
            decks: vec![(7, "A".to_owned()), (8, "A::B".to_owned())],
            notes: NoteRows::Held(vec![NoteRow {
                id: 1_700_000_000_000,
                guid: "abc".to_owned(),
                notetype_id: 5,
                modified: 1_700_000_100,
                tags: anki_tags(&TAGS).into(),
                fields: anki_fields(&FIELDS).into(),
            }]),
            cards: vec![CardRow {
                id: 1_700_000_000_000,
                note_id: 1_700_000_000_000,
                deck_id: 8,
                ord: 0,
                modified: 1_700_000_100,
                due: 1,
            }],
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let first = to_bytes(&sample()).expect("writes");
        assert_eq!(first, to_bytes(&sample()).expect("writes"));
        assert!(first.starts_with(b"SQLite format 3\0"));
    }

    #[test]
    fn a_database_written_to_a_file_is_the_same_bytes() {
        use std::io::Read;
        // Enough notes that the rows and the index sorts spill past a small page cache.
        let fields: Vec<Vec<String>> = (0..3_000)
            .map(|index| vec![format!("<p>question {index}</p>"), "x".repeat(index % 700)])
            .collect();
        let mut data = sample();
        let row = |index: usize, fields: &[String]| NoteRow {
            id: 1_700_000_000_000 + index as i64,
            guid: format!("g{index}"),
            notetype_id: 5,
            modified: 1_700_000_100,
            tags: anki_tags(&TAGS).into(),
            fields: anki_fields(fields).into(),
        };
        data.notes = NoteRows::Held(
            fields
                .iter()
                .enumerate()
                .map(|(index, fields)| row(index, fields))
                .collect(),
        );
        let in_memory = to_bytes(&data).expect("writes");
        let folder = tempfile::tempdir().expect("temp dir");
        let from_file = with_file(&data, folder.path(), |file| {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map(|_| bytes)
        })
        .expect("writes")
        .expect("reads");
        // The header too: file format versions (bytes 18-19: not WAL), the change counter.
        assert_eq!(&from_file[18..20], &[1, 1]);
        assert_eq!(from_file[..100], in_memory[..100]);
        assert!(from_file == in_memory, "same database bytes");
        // The temporary file is gone, and nothing else was left in the folder.
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 0);

        // The same rows handed over as they are inserted: the same bytes.
        let stream = |visit: &mut dyn FnMut(&NoteRow<'_>) -> rusqlite::Result<()>| -> Result<(), BoxError> {
            for (index, fields) in fields.iter().enumerate() {
                visit(&row(index, fields))?;
            }
            Ok(())
        };
        data.notes = NoteRows::Streamed(&stream);
        let streamed = with_file(&data, folder.path(), |file| {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map(|_| bytes)
        })
        .expect("writes")
        .expect("reads");
        assert!(streamed == in_memory, "same database bytes, streamed");
        assert!(to_bytes(&data).expect("writes") == in_memory);

        // A stream that fails fails the database, and leaves nothing behind.
        let failing = |visit: &mut dyn FnMut(&NoteRow<'_>) -> rusqlite::Result<()>| -> Result<(), BoxError> {
            visit(&row(0, &fields[0]))?;
            Err("the notes could not be read back".into())
        };
        data.notes = NoteRows::Streamed(&failing);
        let failed = with_file(&data, folder.path(), |_| ()).expect_err("fails");
        assert!(failed.to_string().contains("read back"), "{failed}");
        assert_eq!(std::fs::read_dir(folder.path()).expect("lists").count(), 0);
    }

    #[test]
    fn rows_read_back() {
        let bytes = to_bytes(&sample()).expect("writes");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.anki2");
        std::fs::write(&path, bytes).expect("write");
        let connection = Connection::open(&path).expect("opens");
        let (tags, flds, sfld, ver): (String, String, String, i64) = connection
            .query_row(
                "select notes.tags, flds, sfld, ver from notes, col",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .expect("one note");
        assert_eq!(tags, " x topic::y ");
        assert_eq!(flds, "<b>Q</b> &amp; R\x1fA");
        assert_eq!(sfld, "Q & R");
        assert_eq!(ver, 11);
        let decks: String = connection
            .query_row("select decks from col", [], |row| row.get(0))
            .expect("decks");
        assert!(decks.contains("\"A::B\""), "{decks}");
        // Every index of schema 11, made after the rows.
        let indexes: i64 = connection
            .query_row(
                "select count(*) from sqlite_master where type = 'index' and name like 'ix_%'",
                [],
                |row| row.get(0),
            )
            .expect("indexes");
        assert_eq!(indexes, 7);
        let integrity: String = connection
            .query_row("pragma integrity_check", [], |row| row.get(0))
            .expect("integrity");
        assert_eq!(integrity, "ok");
    }

    #[test]
    fn checksum_matches_anki() {
        // sha1("") = da39a3ee...
        assert_eq!(checksum(""), 0xda39a3ee);
    }
}
