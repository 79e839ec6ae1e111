//! `out/<lesson-id>.apkg` per lesson and `out/all.apkg` (name set by `[apkg] all`): Anki packages
//! that import, update in place on re-import, and never duplicate. The format and what Anki keys
//! on are documented in `docs/anki.md`.
//!
//! Three steps, all in [`ApkgRenderer::render`]: [`NoteSet::collect`] turns the course into notes
//! (fields as HTML, tags, card ordinals, media) and hashes them; the lock stage records the hashes
//! in `cardsmith.lock` ([`lock`]), which gives each note its id and `mod`; then the packages are
//! written from both. Written with rusqlite and zip: see the issue for why not genanki-rs.

pub mod cached;
pub mod collection;
mod combined;
pub mod decks;
pub mod deflate;
pub mod highlight;
pub mod html;
pub mod ids;
pub mod lock;
mod lock_memo;
pub mod media;
pub mod notetype;
pub mod package;
pub mod sanitize;
mod serialize;
mod spill;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use self::collection::{
    BoxError, CardRow, CollectionData, NoteRow, NoteRows, anki_fields, anki_tags,
};
use self::lock::{LOCK_FILE, Lockfile, NoteState};
use self::media::MediaFiles;
use self::notetype::{Notetype, NotetypeKind, NotetypeSpec};
use self::spill::Spill;
use super::{Artifact, Notice, NoticeLevel, RenderContext, RenderError, Rendered, Renderer};
use crate::assets::AssetSource;
use crate::cache::BuildCache;
use crate::codes;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{CardKind, Course, Item, Lesson};
use crate::templates::Templates;
use crate::wording::plural;

/// Writes the Anki packages.
#[derive(Debug, Default)]
pub struct ApkgRenderer;

impl Renderer for ApkgRenderer {
    fn name(&self) -> &'static str {
        "apkg"
    }

    /// A `cloze` item whose answer has no deletion (S016), judged on the answer's HTML as the
    /// package holds it, so that `check` and `build` agree (a `{{c1::` in a code block is split by
    /// the highlighter and is no deletion for Anki); a deletion number Anki ignores (S022); a deck
    /// name Anki would change (S020); raw HTML the sanitiser removes (S021, unless it is off); a
    /// deletion in an item that is not `kind: cloze` (S023, a warning), judged on the HTML too;
    /// a code block that names a language and is shown plain (S025, a warning).
    fn check(&self, course: &Course, config: &Config) -> Vec<Diagnostic> {
        let found = course
            .lessons
            .par_iter()
            .map(|lesson| lesson_checks(course, lesson, config))
            .collect();
        in_check_order(course, found)
    }

    /// [`Renderer::check`], each lesson's findings kept in `cache` (all but the deck names',
    /// which compare lessons): a lesson that did not change is not checked again.
    fn check_cached(&self, course: &Course, config: &Config, cache: &BuildCache) -> Vec<Diagnostic> {
        let found = (0..course.lessons.len())
            .into_par_iter()
            .map(|index| {
                if let Some(kept) = cache.lesson_diagnostics(course, index, self.name(), CHECK_GROUPS) {
                    return kept;
                }
                let found = lesson_checks(course, &course.lessons[index], config);
                cache.put_lesson_diagnostics(course, index, self.name(), &found);
                found
            })
            .collect();
        in_check_order(course, found)
    }

    fn state_file(&self) -> Option<&'static str> {
        Some(LOCK_FILE)
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Rendered, RenderError> {
        let all_path = &ctx.config.project.apkg.all;
        check_all_path(all_path, ctx.course)?;
        // In a build, each lesson's notes wait for the lock stage in a file of the stage, not
        // in memory (see `spill`).
        let spill = ctx
            .sink
            .scratch_dir()
            .map(|folder| Spill::create(folder, ctx.course.lessons.len()))
            .transpose()
            .map_err(spill_failed)?;
        let set = NoteSet::collect_into(
            ctx.course,
            ctx.config,
            ctx.templates,
            ctx.assets,
            ctx.cache,
            spill.as_ref(),
        )?;

        // The lock stage: note hashes in, note ids and modification times out (see `lock`).
        let lock_path = ctx.config.root.join(LOCK_FILE);
        let previous =
            lock_memo::parse(ctx.state, &lock_path, ctx.cache).map_err(|error| RenderError::Other {
                context: "cannot use the lock file".to_owned(),
                source: Box::new(error),
            })?;
        let lock = previous.updated(&set.note_states(), &set.notetype_hashes(), ctx.now_millis);
        let changes = previous.changes_to(&lock);
        if ctx.config.locked && !changes.is_empty() {
            return Err(RenderError::Outdated {
                file: LOCK_FILE,
                changes: changes.to_string(),
            });
        }

        // Captured by the threads below (the context as a whole is not `Sync`).
        let (cache, course, sink) = (ctx.cache, ctx.course, ctx.sink);
        let by_lesson = set.by_lesson(course.lessons.len());
        // The lessons' packages and the one of them all are independent: made on rayon's
        // threads, each lesson's from the cache when its notes and their lock entries are the
        // same (a package is its notes with their ids and times).
        let keys: Vec<_> = by_lesson
            .par_iter()
            .enumerate()
            .map(|(index, notes)| {
                let stamps = lock_inputs(notes, &lock);
                cache
                    .lesson_key(index, "apkg", &[stamps.as_bytes()])
            })
            .collect();
        // Every lesson's package unchanged: so is the one that holds them all.
        let inputs = cache.combined_key("all.apkg", &keys, &[all_path.to_string_lossy().as_bytes()]);
        let spilled = spill.as_ref();
        let all_package = || combined::render(ctx, &set, spilled, &lock, all_path, inputs);
        let lesson_packages = || {
            course
                .lessons
                .par_iter()
                .zip(&by_lesson)
                .zip(&keys)
                .enumerate()
                .map(|(index, ((lesson, notes), key))| {
                    // Each package handed to the build as soon as it is made.
                    match cache.get(key.as_ref(), Some((index, "apkg"))) {
                        Some(hit) => Ok(hit
                            .artifacts
                            .into_iter()
                            .map(|package| sink.put(package))
                            .collect::<Result<_, _>>()?),
                        None => {
                            let made = Artifact::new(
                                format!("{}.apkg", lesson.id),
                                set.package(notes, spilled, &lock)?,
                            );
                            cache.put(key.as_ref(), std::slice::from_ref(&made), "");
                            Ok(vec![sink.put(made)?])
                        }
                    }
                })
                .collect::<Result<Vec<_>, RenderError>>()
        };
        let (lessons, all) = rayon::join(lesson_packages, all_package);
        let mut artifacts: Vec<Artifact> = lessons?.into_iter().flatten().collect();
        artifacts.push(sink.put(all?)?);
        drop(by_lesson);
        drop((set, spill));
        // `--locked` never rewrites the lock, not even for what is no change (entries sorted,
        // the decks and cards an older lock did not record). Its text, and the lock kept
        // parsed for the next build, once the packages and the notes are gone: made beside
        // the packages they were some 40 MB more at a 100,000-item build's peak.
        let state = (lock != previous && !ctx.config.locked).then(|| {
            let text = lock.to_text();
            lock_memo::keep(ctx.cache, &text, &lock);
            text
        });
        Ok(Rendered {
            artifacts,
            state,
            notices: notices(&changes),
            problems: Vec::new(),
            kept_state: lock != previous && ctx.config.locked,
        })
    }
}

/// How many groups [`lesson_checks`] finds in a lesson.
const CHECK_GROUPS: usize = 5;

/// What [`ApkgRenderer::check`] finds in one lesson, in [`CHECK_GROUPS`] groups: cloze items
/// without a deletion, deletion numbers Anki ignores, code shown plain, raw HTML the sanitiser
/// removes (none when it is off), deletions outside cloze items.
fn lesson_checks(course: &Course, lesson: &Lesson, config: &Config) -> Vec<Vec<Diagnostic>> {
    vec![
        lesson
            .items
            .iter()
            .filter(|item| item.card.kind == CardKind::Cloze && !has_deletion_in_html(&item.answer))
            .map(cloze_without_deletion)
            .collect(),
        invalid_cloze_numbers(course, lesson),
        highlight::unhighlighted_blocks(course, lesson),
        if config.project.apkg.sanitize_html {
            sanitize::unsafe_html(course, lesson)
        } else {
            Vec::new()
        },
        lesson
            .items
            .iter()
            .filter(|item| item.card.kind != CardKind::Cloze && has_deletion_in_html(&item.answer))
            .filter_map(|item| cloze_outside_cloze_item(course, item))
            .collect(),
    ]
}

/// Every lesson's findings (from [`lesson_checks`]) and the deck names' in the order the checks
/// have always reported them: each kind over the whole course in turn, the deck names after
/// the code shown plain.
fn in_check_order(course: &Course, mut found: Vec<Vec<Vec<Diagnostic>>>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut take_group = |diagnostics: &mut Vec<Diagnostic>, group: usize| {
        for lesson in &mut found {
            if let Some(kind) = lesson.get_mut(group) {
                diagnostics.append(kind);
            }
        }
    };
    for group in 0..3 {
        take_group(&mut diagnostics, group);
    }
    diagnostics.extend(decks::check(course));
    for group in 3..CHECK_GROUPS {
        take_group(&mut diagnostics, group);
    }
    diagnostics
}

/// What the user must do in Anki after this build: notes Anki keeps, notes it will not update.
fn notices(changes: &lock::LockChanges) -> Vec<Notice> {
    let mut notices = Vec::new();
    if !changes.removed.is_empty() {
        notices.push(Notice {
            level: NoticeLevel::Note,
            message: format!(
                "{} left the source since `{LOCK_FILE}` was written: {}\n  \
                 Anki never deletes notes on import; find them in Anki's browser with: {}",
                plural(changes.removed.len(), "item"),
                changes.removed.join(", "),
                lock::anki_search(&changes.removed)
            ),
        });
    }
    for id in &changes.switched_notetype {
        notices.push(Notice {
            level: NoticeLevel::Warning,
            message: format!(
                "item `{id}` switched between `kind: cloze` and another kind, which changes \
                 its Anki note type: Anki will not update the note it already has (it reports it as \
                 conflicting). Give the item a new id, or delete the old note in Anki ({}) before \
                 importing",
                lock::anki_search(std::slice::from_ref(id))
            ),
        });
    }
    notices.extend(moved_deck_notices(&changes.moved_deck));
    for (id, gone) in &changes.lost_cards {
        let cards: Vec<String> = gone.iter().map(|ord| format!("card {}", ord + 1)).collect();
        notices.push(Notice {
            level: NoticeLevel::Warning,
            message: format!(
                "item `{id}` no longer makes its {} (a `kind: reverse` item made `basic`, or a \
                 cloze deletion removed): Anki keeps such a card after the import, showing \
                 \"The front of this card is blank\". After importing, delete it with Tools > \
                 Empty Cards... in Anki's main window",
                cards.join(", ")
            ),
        });
    }
    notices
}

/// One warning per deck that items left: Anki updates their notes in place but leaves their
/// cards where they are (only cards new to a note go to the new deck).
fn moved_deck_notices(moved: &[(String, String, String)]) -> Vec<Notice> {
    let mut by_decks: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for (id, old, new) in moved {
        by_decks
            .entry((old.as_str(), new.as_str()))
            .or_default()
            .push(id.clone());
    }
    by_decks
        .into_iter()
        .map(|((old, new), ids)| Notice {
            level: NoticeLevel::Warning,
            message: format!(
                "{} moved from deck `{old}` to `{new}` ({}): Anki never moves a card on import, \
                 so their cards stay in `{old}` (only new cards go to `{new}`). After importing, \
                 find them in Anki's browser with: {}\n  then select all and use Change Deck \
                 (Ctrl+D) to move them to `{new}`",
                plural(ids.len(), "item"),
                ids.join(", "),
                lock::anki_deck_search(old, &ids)
            ),
        })
        .collect()
}

/// One item as an Anki note, before the lock gives it times.
#[derive(Debug, Clone)]
pub struct Note {
    /// The item id.
    pub item_id: String,
    /// Index of its lesson in [`Course::lessons`].
    pub lesson: usize,
    /// Full deck name.
    pub deck: String,
    /// Its note type.
    pub spec: &'static NotetypeSpec,
    /// Field values (HTML), in the note type's field order.
    pub fields: Vec<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Card ordinals, ascending.
    pub ords: Vec<u16>,
    /// Packed media names it uses.
    pub media: BTreeSet<String>,
    /// See [`Note::content_hash`].
    pub hash: String,
}

impl Note {
    /// Hash of what Anki stores for the note: note type name, fields and tags. Not the deck: Anki
    /// never moves existing cards on import, so a deck change alone needs no update.
    fn content_hash(spec: &NotetypeSpec, fields: &[String], tags: &[String]) -> String {
        let mut hasher = Sha256::new();
        hasher.update(spec.name.as_bytes());
        for field in fields {
            hasher.update(b"\x1f");
            hasher.update(field.as_bytes());
        }
        hasher.update(b"\x1e");
        hasher.update(tags.join(" ").as_bytes());
        hex(&hasher.finalize()[..16])
    }
}

/// Every note of the course, the note types and the media.
#[derive(Debug, Clone)]
pub struct NoteSet {
    /// In build order (lessons, then items).
    pub notes: Vec<Note>,
    /// Both note types with the project's templates.
    pub notetypes: Vec<Notetype>,
    /// Every packed media file.
    pub media: MediaFiles,
}

impl NoteSet {
    /// Renders every item as a note. Content problems (a cloze item without a deletion) come
    /// back as [`RenderError::Content`].
    pub fn collect(
        course: &Course,
        config: &Config,
        templates: &Templates,
        assets: &dyn AssetSource,
    ) -> Result<NoteSet, RenderError> {
        NoteSet::collect_cached(course, config, templates, assets, &BuildCache::off())
    }

    /// [`NoteSet::collect`], taking the notes of each lesson that did not change from `cache`.
    pub fn collect_cached(
        course: &Course,
        config: &Config,
        templates: &Templates,
        assets: &dyn AssetSource,
        cache: &BuildCache,
    ) -> Result<NoteSet, RenderError> {
        NoteSet::collect_into(course, config, templates, assets, cache, None)
    }

    /// [`NoteSet::collect_cached`]; with a `spill`, each lesson's notes are written there as
    /// they are made, and the set keeps them without their fields and tags ([`spill::strip`]).
    fn collect_into(
        course: &Course,
        config: &Config,
        templates: &Templates,
        assets: &dyn AssetSource,
        cache: &BuildCache,
        spill: Option<&Spill>,
    ) -> Result<NoteSet, RenderError> {
        let image_limit = config.project.limits.image();
        let mut files = MediaFiles::new();
        // The media are read either way (the packages hold their bytes), in lesson order: two
        // lessons showing one image share its packed name.
        let media = course
            .lessons
            .iter()
            .map(|lesson| media::collect(course, lesson, assets, image_limit, &mut files))
            .collect::<Result<Vec<_>, _>>()?;
        // Per lesson, its notes from the cache, or rendered (Markdown, highlighting, sanitizing:
        // most of the work). Each lesson's is its own, so on rayon's threads, in lesson order;
        // reading an entry back is a file read and a copy of its text, worth spreading too.
        // A lesson's notes into the spill, when there is one, and kept without what it holds.
        let keep = |index: usize, mut notes: Vec<Note>| -> Result<Vec<Note>, RenderError> {
            if let Some(spill) = spill {
                spill.put(index, &spill::encode(&notes)).map_err(spill_failed)?;
                notes.iter_mut().for_each(spill::strip);
            }
            Ok(notes)
        };
        let rendered: Vec<_> = media
            .into_par_iter()
            .enumerate()
            .map(|(index, media_of)| {
                let key = cache.lesson_key(index, "notes", &[]);
                if let Some(hit) = cache.get(key.as_ref(), Some((index, "notes"))) {
                    if let Some(cached) = cached::from_data(&hit.data, index) {
                        return Ok((keep(index, cached)?, Vec::new()));
                    }
                    cache.made_again(index, "notes");
                }
                let (notes, problems) = lesson_notes(course, config, index, &media_of);
                if !problems.is_empty() {
                    return Ok((notes, problems));
                }
                // Encoded here, on the rendering threads, rather than one lesson after another.
                if key.is_some() {
                    cache.put(key.as_ref(), &[], &cached::to_data(&notes));
                }
                Ok((keep(index, notes)?, problems))
            })
            .collect::<Result<_, RenderError>>()?;
        let mut diagnostics = Vec::new();
        let mut notes = Vec::with_capacity(course.items().count());
        for (made, problems) in rendered {
            diagnostics.extend(problems);
            notes.extend(made);
        }
        if !diagnostics.is_empty() {
            return Err(RenderError::Content(diagnostics));
        }
        let notetypes = notetype::ALL
            .iter()
            .map(|spec| Notetype::load(spec, templates))
            .collect();
        Ok(NoteSet {
            notes,
            notetypes,
            media: files,
        })
    }

    /// The notes of each of the course's `lessons`, in build order (a note's lesson is never
    /// before the previous note's).
    fn by_lesson(&self, lessons: usize) -> Vec<Vec<&Note>> {
        let mut by_lesson = vec![Vec::new(); lessons];
        for note in &self.notes {
            if let Some(notes) = by_lesson.get_mut(note.lesson) {
                notes.push(note);
            }
        }
        by_lesson
    }

    /// Every note as the lock records it, in build order.
    pub fn note_states(&self) -> Vec<NoteState> {
        self.notes
            .iter()
            .map(|note| NoteState {
                id: note.item_id.clone(),
                notetype: note.spec.name.to_owned(),
                deck: note.deck.clone(),
                cards: note.ords.clone(),
                hash: note.hash.clone(),
            })
            .collect()
    }

    /// `(name, hash)` of every note type.
    pub fn notetype_hashes(&self) -> Vec<(String, String)> {
        self.notetypes
            .iter()
            .map(|notetype| (notetype.spec.name.to_owned(), notetype.content_hash()))
            .collect()
    }

    /// One `.apkg` with `notes`, their decks, the note types they use and their media; their
    /// fields and tags are read back from `spill` when there is one (`notes` are then every note
    /// of their lessons, in build order).
    fn package(
        &self,
        notes: &[&Note],
        spill: Option<&Spill>,
        lock: &Lockfile,
    ) -> Result<Vec<u8>, RenderError> {
        self.package_reusing(notes, spill, lock, None, None)
            .map(|packed| packed.bytes)
    }

    /// [`NoteSet::package`], taking every compressed piece it can from `reuse`; with `None`,
    /// nothing is reused and the pieces are not recorded ([`package::Packed::streams`] is empty).
    fn package_reusing(
        &self,
        notes: &[&Note],
        spill: Option<&Spill>,
        lock: &Lockfile,
        reuse: Option<&deflate::Reuse<'_>>,
        scratch: Option<&Path>,
    ) -> Result<package::Packed, RenderError> {
        let mut decks = BTreeMap::new();
        for note in notes {
            let mut name = String::new();
            for (level, part) in note.deck.split("::").enumerate() {
                if level > 0 {
                    name.push_str("::");
                }
                name.push_str(part);
                decks.insert(ids::deck_id(&name), name.clone());
            }
        }
        // Every note's (id, modified), for the collection's times.
        let mut stamps = Vec::with_capacity(notes.len());
        let mut card_rows = Vec::new();
        let mut card_ids = BTreeSet::new();
        for note in notes {
            let entry = lock
                .item(&note.item_id)
                .ok_or_else(|| missing(&note.item_id))?;
            stamps.push((entry.added, entry.modified));
            let deck_id = ids::deck_id(&note.deck);
            for &ord in &note.ords {
                // `Lockfile::parse` bounds `added` far below overflow; saturating all the same.
                let mut id = entry.added.saturating_add(i64::from(ord));
                while !card_ids.insert(id) {
                    id = id.saturating_add(1);
                }
                card_rows.push(CardRow {
                    id,
                    note_id: entry.added,
                    deck_id,
                    ord,
                    modified: entry.modified,
                    due: i64::try_from(card_rows.len() + 1).unwrap_or(i64::MAX),
                });
            }
        }
        let used: BTreeSet<&str> = notes.iter().map(|note| note.spec.name).collect();
        let first_deck = notes.first().map_or(1, |note| ids::deck_id(&note.deck));
        let mut notetypes = Vec::new();
        for notetype in &self.notetypes {
            if used.contains(notetype.spec.name) {
                let entry = lock
                    .notetype(notetype.spec.name)
                    .ok_or_else(|| missing(notetype.spec.name))?;
                notetypes.push(notetype.to_json(entry.modified, first_deck));
            }
        }
        let modified = stamps
            .iter()
            .map(|&(_, modified)| modified)
            .chain(lock.notetypes.iter().map(|entry| entry.modified))
            .max()
            .unwrap_or(0);
        let created = stamps
            .iter()
            .map(|&(id, _)| id / 1000)
            .min()
            .unwrap_or(modified);
        // The rows are made as they are inserted, one at a time: from the notes' own fields,
        // or from the text of each lesson read back from the spill (checked against the notes
        // held: the same notes, in the same order), which they borrow.
        let rows = |visit: &mut dyn FnMut(&NoteRow<'_>) -> rusqlite::Result<()>| -> Result<(), BoxError> {
            let Some(spill) = spill else {
                for note in notes {
                    let (fields, tags) = (anki_fields(&note.fields), anki_tags(&note.tags));
                    let row = note_row(lock, note, fields.into(), tags.into())
                        .ok_or_else(|| missing(&note.item_id))?;
                    visit(&row)?;
                }
                return Ok(());
            };
            let mut at = 0;
            while let Some(lesson) = notes.get(at).map(|first| first.lesson) {
                spill.rows(lesson, &mut |id, tags, fields| {
                    let held = notes
                        .get(at)
                        .filter(|held| held.item_id == id && held.lesson == lesson)
                        .ok_or(NOT_RENDERED)?;
                    let row = note_row(lock, held, fields.into(), tags.into())
                        .ok_or_else(|| missing(id))?;
                    at += 1;
                    Ok(visit(&row)?)
                })?;
                if notes.get(at).is_some_and(|next| next.lesson == lesson) {
                    return Err(NOT_RENDERED.into());
                }
            }
            Ok(())
        };
        let data = CollectionData {
            created: created - created.rem_euclid(86_400),
            modified,
            notetypes,
            decks: decks.into_iter().collect(),
            notes: NoteRows::Streamed(&rows),
            cards: card_rows,
        };
        let media: MediaFiles = notes
            .iter()
            .flat_map(|note| note.media.iter())
            .filter_map(|name| Some((name.clone(), self.media.get(name)?.clone())))
            .collect();
        let packed = match scratch {
            Some(folder) => collection::with_file(&data, folder, |database| {
                package::pack(database, &media, reuse)
            }),
            None => collection::with_bytes(&data, |database| package::pack(database, &media, reuse)),
        };
        packed
            .map_err(|source| RenderError::Other {
                context: "failed to write the Anki collection".to_owned(),
                source,
            })?
            .map_err(|source| RenderError::Other {
                context: "failed to zip the Anki package".to_owned(),
                source: Box::new(source),
            })
    }
}

/// The row of `note` with `fields` and `tags` (its own as Anki stores them, or the same read back
/// from a spill) and what the lock gives it; `None` when the lock has no entry for it.
fn note_row<'a>(
    lock: &Lockfile,
    note: &Note,
    fields: Cow<'a, str>,
    tags: Cow<'a, str>,
) -> Option<NoteRow<'a>> {
    let entry = lock.item(&note.item_id)?;
    Some(NoteRow {
        id: entry.added,
        guid: ids::note_guid(&note.item_id),
        notetype_id: note.spec.id(),
        modified: entry.modified,
        tags,
        fields,
    })
}

/// The notes of the lesson at `index`, rendered, and the problems that keep one from being a
/// note (a cloze item without a deletion). `media_of` maps each item's images to their packed
/// names.
fn lesson_notes(
    course: &Course,
    config: &Config,
    index: usize,
    media_of: &BTreeMap<String, media::ItemMedia>,
) -> (Vec<Note>, Vec<Diagnostic>) {
    let lesson = &course.lessons[index];
    let mut notes = Vec::with_capacity(lesson.items.len());
    let mut diagnostics = Vec::new();
    let empty = BTreeMap::new();
    for item in &lesson.items {
        let spec = NotetypeSpec::for_kind(item.card.kind);
        let item_media = media_of.get(&item.id).unwrap_or(&empty);
        let (block, inline): (FieldHtml, FieldHtml) = if config.project.apkg.sanitize_html {
            (html::block_sanitized, html::inline_sanitized)
        } else {
            (html::block, html::inline)
        };
        let answer = block(&item.answer, item_media);
        let must: Vec<&str> = item.card.must.iter().map(|p| p.point.as_str()).collect();
        let flags: Vec<&str> = item.card.avoid.iter().map(|f| f.flag.as_str()).collect();
        let ords = match spec.kind {
            NotetypeKind::Standard if item.card.kind == CardKind::Reverse => vec![0, 1],
            NotetypeKind::Standard => vec![0],
            NotetypeKind::Cloze => cloze_ords(&answer),
        };
        if ords.is_empty() {
            diagnostics.push(cloze_without_deletion(item));
        }
        let mut fields = vec![
            inline(&item.question, item_media),
            answer,
            html::list(&must),
            html::list(&flags),
            lesson
                .topic_of(item)
                .map(|topic| html::escape(&topic.title))
                .unwrap_or_default(),
            html::escape(&lesson.title),
            html::escape(&item.id),
        ];
        if spec.kind == NotetypeKind::Standard {
            let reverse = item.card.kind == CardKind::Reverse;
            fields.push(if reverse { "y" } else { "" }.to_owned());
        }
        // S019 refused every control character a lesson can write; stripping here too
        // means no way around that check can give a package Anki refuses.
        for field in &mut fields {
            strip_controls(field);
        }
        let mut tags = lesson.item_tags(item);
        tags.iter_mut().for_each(strip_controls);
        let mut deck = lesson.deck.clone();
        strip_controls(&mut deck);
        notes.push(Note {
            item_id: item.id.clone(),
            lesson: index,
            deck,
            spec,
            hash: Note::content_hash(spec, &fields, &tags),
            fields,
            tags,
            ords,
            media: item_media.values().cloned().collect(),
        });
    }
    (notes, diagnostics)
}

/// Markdown to a field's HTML ([`html::block`], [`html::inline`] and their sanitized forms).
type FieldHtml = fn(&str, &BTreeMap<String, String>) -> String;

/// What a package takes from the lock: its notes' entries and every note type's (the package's
/// `mod` is the latest of them).
fn lock_inputs(notes: &[&Note], lock: &Lockfile) -> String {
    let entries: Vec<_> = notes.iter().map(|note| lock.item(&note.item_id)).collect();
    format!("{entries:?} {:?}", lock.notetypes)
}

/// `[apkg] all` must name a file inside `out/` that no lesson's package uses.
fn check_all_path(all: &Path, course: &Course) -> Result<(), RenderError> {
    let invalid = |why: &str| RenderError::Other {
        context: format!(
            "invalid `[apkg] all = \"{}\"` in cardsmith.toml",
            all.display()
        ),
        source: why.to_owned().into(),
    };
    let inside_out = !all.as_os_str().is_empty()
        && all
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
    if !inside_out {
        return Err(invalid(
            "it must be a relative path inside the output folder, such as `all.apkg`",
        ));
    }
    if let Some(lesson) = course
        .lessons
        .iter()
        .find(|lesson| Path::new(&format!("{}.apkg", lesson.id)) == all)
    {
        return Err(invalid(&format!(
            "lesson `{}` writes its own deck there; choose another name",
            lesson.id
        )));
    }
    Ok(())
}

/// `{{c0::...}}` and numbers above Anki's `u16` ordinals, in the answers of `lesson`'s cloze
/// items, at their place in the source.
fn invalid_cloze_numbers(course: &Course, lesson: &Lesson) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for item in &lesson.items {
        if item.card.kind != CardKind::Cloze {
            continue;
        }
        let range = item.answer_span.range.clone();
        let Some(answer) = course.file(lesson.file).text.get(range.clone()) else {
            continue;
        };
        for (whole, number) in crate::markup::cloze::openings(answer) {
            if number.parse::<u16>().is_ok_and(|number| number > 0) {
                continue;
            }
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_CLOZE_NUMBER,
                    crate::diagnostic::Span::new(
                        lesson.file,
                        range.start + whole.start..range.start + whole.end,
                    ),
                    format!("cloze number {number} is out of Anki's range 1 to 65535"),
                )
                .with_label("Anki ignores this deletion")
                .with_help("number deletions from `{{c1::...}}` up")
                .with_item(item.id.clone()),
            );
        }
    }
    diagnostics
}

/// S023 at the first deletion of a non-cloze item's answer, found in the source text (the answer
/// string has the card block cut out, so its offsets are not the file's).
fn cloze_outside_cloze_item(course: &Course, item: &Item) -> Option<Diagnostic> {
    let span = &item.answer_span;
    let text = course.file(span.file).text.get(span.range.clone())?;
    let card = item.card.span.as_ref().map(|card| card.range.clone());
    let deletion = crate::markup::cloze::deletions(text)
        .into_iter()
        .find(|deletion| {
            let at = span.range.start + deletion.whole.start;
            card.as_ref().is_none_or(|card| !card.contains(&at))
        })?;
    let start = span.range.start + deletion.whole.start;
    let end = span.range.start + deletion.whole.end;
    Some(
        Diagnostic::new(
            codes::CLOZE_OUTSIDE_CLOZE_ITEM,
            crate::diagnostic::Span::new(span.file, start..end),
            format!(
                "cloze markup in a `{}` item: Anki shows it as written",
                item.card.kind.as_str()
            ),
        )
        .with_label("only `kind: cloze` items hide deletions")
        .with_help(
            "add `kind: cloze` to the item's card block, or write the answer without `{{c1::...}}`",
        )
        .with_item(item.id.clone()),
    )
}

fn cloze_without_deletion(item: &Item) -> Diagnostic {
    Diagnostic::new(
        codes::CLOZE_WITHOUT_DELETION,
        // The heading, not the answer span: the answer runs to the next heading, whose line would
        // then be the one the report shows.
        item.heading_span.clone(),
        "a `cloze` item needs at least one `{{c1::...}}` deletion in its answer",
    )
    .with_label("the answer under this question has no deletion")
    .with_help("wrap what to recall as `{{c1::text}}` (`{{c1::text::hint}}` adds a hint), or use `kind: basic`")
    .with_item(item.id.clone())
}

/// The notes read back from a spill are not the notes held.
const NOT_RENDERED: &str = "the notes read back are not the ones rendered";

/// A failure to keep the notes in the stage, or to read them back.
fn spill_failed(error: std::io::Error) -> RenderError {
    RenderError::Other {
        context: "failed to keep the notes in the build's stage".to_owned(),
        source: Box::new(error),
    }
}

fn missing(name: &str) -> RenderError {
    RenderError::Other {
        context: format!("`{name}` is missing from the lock"),
        source: "build updates cardsmith.lock before rendering".into(),
    }
}

/// Whether the answer's HTML, as the package holds it, has a deletion Anki reads. The HTML can
/// only hold a `{` that the Markdown has, as such or as a character reference (`&#123;`), so an
/// answer with neither is not rendered: highlighting every answer twice, here and in `render`,
/// was a third of a build.
fn has_deletion_in_html(answer: &str) -> bool {
    answer.contains(['{', '&']) && !cloze_ords(&html::block(answer, &BTreeMap::new())).is_empty()
}

/// Card ordinals of a cloze answer: deletion number - 1, ascending, unique (`c0` is ignored, as
/// Anki does).
fn cloze_ords(answer_html: &str) -> Vec<u16> {
    let numbers: BTreeSet<u16> = crate::markup::cloze::openings(answer_html)
        .filter_map(|(_, number)| number.parse::<u16>().ok())
        .filter(|&number| number > 0)
        .collect();
    numbers.into_iter().map(|number| number - 1).collect()
}

/// Removes the control characters that `crate::parse` refuses (S019).
fn strip_controls(text: &mut String) {
    // The refused characters are all ASCII, so their bytes are found without decoding UTF-8
    // (every field of every note passes here; a byte of a longer character is never below 0x80).
    let refused_byte = |byte: &u8| byte.is_ascii() && crate::parse::is_refused_control(char::from(*byte));
    if text.as_bytes().iter().any(refused_byte) {
        text.retain(|c| !crate::parse::is_refused_control(c));
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    // Two digits per byte from a table: every note's hash is written so (a `format!` per byte
    // was a string allocated and formatted per digit pair).
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_two_lowercase_digits_per_byte() {
        let bytes: Vec<u8> = (0..=255).collect();
        let formatted: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex(&bytes), formatted);
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn cloze_ordinals_follow_deletion_numbers() {
        assert_eq!(cloze_ords("{{c1::a}} {{c3::b}} {{c1::c}}"), vec![0, 2]);
        assert!(cloze_ords("no deletion {{c0::x}}").is_empty());
    }
}
