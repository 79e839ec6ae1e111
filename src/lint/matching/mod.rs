//! The matcher behind `must`, `avoid`, `unless` and the project rules (P001, P002, R001, R002,
//! `check --coverage`): does an answer say what a phrase means to say?
//!
//! An answer is reduced once ([`Doc`]): words case-folded, stemmed in the lesson's language
//! (Snowball), `[lint.synonyms]` applied, compounds indexed joined as well as split, sentences
//! and negated stretches found. A phrase is reduced the same way once per language
//! ([`Phrase`]) and is made by a sentence that holds all its content words, in any order, none
//! of them negated: within one sentence (or a sentence and the one its pronoun refers back to)
//! for a point, within one clause for a red flag ([`Scope`]). A point of three words or more may
//! be made short of one the answer never uses and says in other words ([`Phrase::may_lack`]). `/regex/` and `=exact words` are regexes compiled once by the parse stage,
//! searched in the plain text, negation applied too. docs/lint.md states the rules.

mod answers;
mod doc;
mod explain;
pub mod language;
mod lexicon;
mod negation;
mod normalise;
mod phrase;
mod search;
mod sentence;

use foldhash::HashMap;

use regex::Regex;

pub use answers::{AnswerMatches, CaseVariants};
pub use doc::{Doc, Wanted};
pub use explain::Closest;
pub use phrase::{Phrase, strip_markdown};
pub use search::{Found, Scope};

pub use lexicon::{Interner, Lexicon};

use crate::model::{Pattern, PatternKind};

/// A pattern to look for: an alternative of a card block or a project rule.
#[derive(Debug, Clone, Copy)]
pub struct Query<'p> {
    /// As written.
    pub source: &'p str,
    /// Phrase, exact phrase or regex.
    pub kind: PatternKind,
    /// The compiled regex of an exact phrase or a regex.
    pub regex: Option<&'p Regex>,
    /// How far apart its words may lie.
    pub scope: Scope,
}

impl<'p> Query<'p> {
    /// The same pattern looked for as a red flag (see [`Scope::Flag`]).
    pub fn as_flag(self) -> Query<'p> {
        Query {
            scope: Scope::Flag,
            ..self
        }
    }
}

/// A pattern is looked for as a point unless [`Query::as_flag`] says otherwise.
impl<'p> From<&'p Pattern> for Query<'p> {
    fn from(pattern: &'p Pattern) -> Self {
        Query {
            source: &pattern.source,
            kind: pattern.kind,
            regex: pattern.regex.as_ref(),
            scope: Scope::Point,
        }
    }
}

/// A pattern is looked for as a point unless [`Query::as_flag`] says otherwise.
impl<'p> From<&'p crate::lint::settings::ConfigPattern> for Query<'p> {
    fn from(pattern: &'p crate::lint::settings::ConfigPattern) -> Self {
        Query {
            source: &pattern.source,
            kind: pattern.kind,
            regex: pattern.regex.as_ref(),
            scope: Scope::Point,
        }
    }
}

/// The languages, phrases and key numbers of one lint run.
pub struct Matcher {
    synonyms: Vec<Vec<String>>,
    builtin_synonyms: bool,
    interner: Interner,
    lexicons: HashMap<&'static str, Lexicon>,
    /// Per language, each distinct phrase source compiled once.
    phrases: HashMap<&'static str, HashMap<String, Phrase>>,
}

impl Matcher {
    /// A matcher with the project's synonym groups (each group's first word names it) and,
    /// when `builtin_synonyms`, each language's built-in groups.
    pub fn new(synonyms: Vec<Vec<String>>, builtin_synonyms: bool) -> Matcher {
        Matcher {
            synonyms,
            builtin_synonyms,
            interner: Interner::default(),
            lexicons: HashMap::default(),
            phrases: HashMap::default(),
        }
    }

    fn language(&mut self, lang: &str) -> &'static str {
        let code = crate::lang::of(lang).code;
        if !self.lexicons.contains_key(code) {
            self.lexicons.insert(
                code,
                Lexicon::new(code, &self.synonyms, self.builtin_synonyms),
            );
        }
        code
    }

    /// Reduces an answer's plain text written in `lang` for every phrase prepared so far (see
    /// [`Matcher::prepare`]): a phrase prepared later is not found in it.
    pub fn doc(&mut self, lang: &str, text: &str) -> Doc {
        let (mut keys, mut word_keys) = (Vec::new(), Vec::new());
        for phrase in self
            .phrases
            .get(crate::lang::of(lang).code)
            .into_iter()
            .flat_map(HashMap::values)
        {
            phrase.keys(&mut keys);
            phrase.word_keys(&mut word_keys);
        }
        self.doc_for(lang, text, keys, word_keys)
    }

    /// Reduces an answer's plain text written in `lang`, indexing only the word keys `keys`
    /// (those of the phrases it is searched for, see [`Phrase::keys`]) and `word_keys` (looked
    /// up as single words only, see [`Phrase::word_keys`]).
    pub fn doc_for(&mut self, lang: &str, text: &str, keys: Vec<u32>, word_keys: Vec<u32>) -> Doc {
        let code = self.language(lang);
        let lexicon = self
            .lexicons
            .get_mut(code)
            .expect("`language` made the lexicon");
        let wanted = Wanted::new(keys, word_keys, lexicon, &self.interner);
        Doc::new(text, lexicon, &mut self.interner, &wanted)
    }

    /// Compiles a phrase for `lang` unless done before (regexes need nothing).
    pub fn prepare(&mut self, lang: &str, query: Query<'_>) {
        if query.kind != PatternKind::Phrase {
            return;
        }
        let code = self.language(lang);
        if self
            .phrases
            .get(code)
            .is_some_and(|phrases| phrases.contains_key(query.source))
        {
            return;
        }
        let lexicon = self
            .lexicons
            .get_mut(code)
            .expect("`language` made the lexicon");
        let phrase = Phrase::new(query.source, lexicon, &mut self.interner);
        self.phrases
            .entry(code)
            .or_default()
            .insert(query.source.to_owned(), phrase);
    }

    /// The compiled phrase of a prepared query.
    pub fn phrase(&self, lang: &str, source: &str) -> Option<&Phrase> {
        self.phrases.get(crate::lang::of(lang).code)?.get(source)
    }

    /// Every place `query` is found in the answer, negated ones included (see
    /// [`Found::negated_by`]). A phrase that was not prepared is found nowhere.
    pub fn find(&self, lang: &str, query: Query<'_>, doc: &Doc, text: &str) -> Vec<Found> {
        match (query.kind, query.regex) {
            (PatternKind::Phrase, _) => self
                .phrase(lang, query.source)
                .map(|phrase| search::phrase(phrase, doc, text, query.scope))
                .unwrap_or_default(),
            (_, Some(regex)) => search::regex(regex, doc, text),
            (_, None) => Vec::new(),
        }
    }

    /// Whether `query` is found in the answer outside any negation.
    pub fn is_made(&self, lang: &str, query: Query<'_>, doc: &Doc, text: &str) -> bool {
        self.find(lang, query, doc, text)
            .iter()
            .any(|found| found.negated_by.is_none())
    }

    /// For a phrase not made: the sentence that comes closest and the words it lacks.
    pub fn closest(&self, lang: &str, query: Query<'_>, doc: &Doc, text: &str) -> Option<Closest> {
        let phrase = self.phrase(lang, query.source)?;
        Some(explain::closest(phrase, doc, text))
    }
}

/// Whether any of a point's alternatives is made, and if not, why not.
#[derive(Debug, Clone, Default)]
pub struct Judgement {
    /// The first alternative made (its index) and where.
    pub made: Option<(usize, Found)>,
    /// Not made, but found under a negation: the first such alternative and where.
    pub negated: Option<(usize, Found)>,
    /// Not made: the phrase alternative that comes closest (fewest words lacking).
    pub closest: Option<(usize, Closest)>,
}

impl Matcher {
    /// Judges the alternatives of one point (or one `unless` list) against an answer.
    pub fn judge(&self, lang: &str, queries: &[Query<'_>], doc: &Doc, text: &str) -> Judgement {
        let mut judgement = Judgement::default();
        for (index, query) in queries.iter().enumerate() {
            let found = self.find(lang, *query, doc, text);
            if let Some(made) = found.iter().find(|f| f.negated_by.is_none()) {
                judgement.made = Some((index, made.clone()));
                judgement.closest = None;
                return judgement;
            }
            if judgement.negated.is_none()
                && let Some(negated) = found.into_iter().next()
            {
                judgement.negated = Some((index, negated));
            }
            if let Some(closest) = self.closest(lang, *query, doc, text)
                && closest.sentence.is_some()
                && judgement
                    .closest
                    .as_ref()
                    .is_none_or(|(_, best)| closest.lacking.len() < best.lacking.len())
            {
                judgement.closest = Some((index, closest));
            }
        }
        judgement
    }
}

#[cfg(test)]
mod tests;
