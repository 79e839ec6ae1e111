//! A question reduced to what Q006 compares: the matcher's keys of its content words (stemmed in
//! the lesson's language, synonyms applied), its question word, whether it is negated, and the
//! terms it compares (`faster than CSV`, `Rc instead of Box`).

use foldhash::HashMap;

use crate::lint::matching::{Interner, Lexicon};
use crate::lint::text;

/// English question words: the first one in a question is kept as a key of its own, since "why
/// does X fail" and "when does X fail" ask different things. Other languages' question words
/// stay stop words.
const QUESTION_WORDS: &[&str] = &[
    "how", "why", "when", "where", "what", "who", "whom", "whose", "which",
];

/// English words before a compared term that the matcher's ordered markers lack: "use Rc
/// instead of Box" and "use Box instead of Rc" share every word and ask opposite things.
const COMPARISONS: &[&[&str]] = &[
    &["instead", "of"],
    &["rather", "than"],
    &["over"],
    &["versus"],
    &["vs"],
];

/// One question, reduced.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reduced {
    /// The keys in the order of their words, repeats kept: equal sequences are exact duplicates.
    pub keys: Vec<u32>,
    /// An odd number of negation cues (`not`, `never`, `without`, `-n't`, ...).
    pub negated: bool,
    /// Each comparison marker met (an index into the marker list) with the key of the first
    /// content word after it, first occurrence of each marker only, sorted by marker.
    pub compared: Vec<(usize, u32)>,
}

/// Reduces questions, one lexicon per language, keys numbered in order of first sight.
pub struct Reducer {
    synonyms: Vec<Vec<String>>,
    builtin_synonyms: bool,
    lexicons: HashMap<String, Lexicon>,
    interner: Interner,
}

impl Reducer {
    /// A reducer with the project's `[lint.synonyms]` groups and `[lint] builtin-synonyms`.
    pub fn new(synonyms: Vec<Vec<String>>, builtin_synonyms: bool) -> Reducer {
        Reducer {
            synonyms,
            builtin_synonyms,
            lexicons: HashMap::default(),
            interner: Interner::default(),
        }
    }

    /// What [`Reducer::new`] was given: another reducer made of them reduces alike.
    pub fn settings(&self) -> (&[Vec<String>], bool) {
        (&self.synonyms, self.builtin_synonyms)
    }

    /// Every key this reducer numbered, in the order of their numbers (which is the order of
    /// first sight).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.interner.keys()
    }

    /// The number of a key (from [`Reducer::key`] of any reducer) in this reducer's numbering.
    pub fn intern(&mut self, key: &str) -> u32 {
        self.interner.id(key)
    }

    /// The text of the key numbered `id`.
    pub fn key(&self, id: u32) -> Option<&str> {
        self.interner.key(id)
    }

    /// `question` in the language `lang`; `None` when it has no content word at all.
    pub fn reduce(&mut self, lang: &str, question: &str) -> Option<Reduced> {
        if !self.lexicons.contains_key(lang) {
            let lexicon = Lexicon::new(lang, &self.synonyms, self.builtin_synonyms);
            self.lexicons.insert(lang.to_owned(), lexicon);
        }
        let lexicon = self.lexicons.get_mut(lang)?;
        let english = lang == "en";
        let words = split(question, english, lexicon.split_elision);
        let cues = lexicon.words.cues;
        let markers = markers(lexicon.words.ordering, english);
        let mut keys = Vec::with_capacity(words.len());
        let mut asked = None;
        let mut negations = 0usize;
        let mut compared: Vec<(usize, u32)> = Vec::new();
        // Markers met, each with the position of the first word after it.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut opened: Vec<&str> = Vec::new();
        for (at, word) in words.iter().enumerate() {
            if cues.contains(&word.as_str()) {
                negations += 1;
            }
            if english && asked.is_none() && QUESTION_WORDS.contains(&word.as_str()) {
                asked = Some(keys.len());
                keys.push(self.interner.id(word));
                continue;
            }
            for (index, marker) in markers.iter().enumerate() {
                let opens = marker.after.is_empty() || opened.contains(&marker.after);
                if opens && words[at..].starts_with_str(marker.words) {
                    open.push((index, at + marker.words.len()));
                }
            }
            opened.push(word);
            if lexicon.is_stop(word) {
                continue;
            }
            let key = lexicon.reduce(word, &mut self.interner).key;
            keys.push(key);
            for &(index, _) in open.iter().filter(|&&(_, from)| from <= at) {
                if !compared.iter().any(|&(met, _)| met == index) {
                    compared.push((index, key));
                }
            }
            open.retain(|&(_, from)| from > at);
        }
        if keys.len() == usize::from(asked.is_some()) {
            return None;
        }
        compared.sort_unstable();
        Some(Reduced {
            keys,
            negated: negations % 2 == 1,
            compared,
        })
    }
}

/// A word sequence before a compared term; `after` is a word that must come earlier in the
/// question (`from` for `to`), empty for none.
struct Marker<'a> {
    words: &'a [&'a str],
    after: &'a str,
}

/// The language's ordered markers (`from` … `to`, `than`) and, in English, [`COMPARISONS`].
fn markers(ordering: &'static [(&'static str, &'static str)], english: bool) -> Vec<Marker<'static>> {
    let ordered = ordering.iter().map(|(after, close)| Marker {
        words: std::slice::from_ref(close),
        after,
    });
    let english_only = COMPARISONS
        .iter()
        .filter(|_| english)
        .map(|words| Marker { words, after: "" });
    ordered.chain(english_only).collect()
}

/// Whether a word sequence starts with the given words.
trait StartsWithStr {
    fn starts_with_str(&self, words: &[&str]) -> bool;
}

impl StartsWithStr for [String] {
    fn starts_with_str(&self, words: &[&str]) -> bool {
        self.len() >= words.len() && self.iter().zip(words).all(|(have, want)| have == want)
    }
}

/// The lowercase words of a question. English contractions are opened (`don't` is `do not`,
/// `what's` is `what`: the `'s` of a possessive or of `is` carries nothing); elided articles
/// are split off where the language elides (`l'index` is `l`, `index`).
fn split(question: &str, english: bool, split_elision: bool) -> Vec<String> {
    let mut out = Vec::new();
    let question = if question.contains('\u{2019}') {
        std::borrow::Cow::Owned(question.replace('\u{2019}', "'"))
    } else {
        std::borrow::Cow::Borrowed(question)
    };
    for word in text::words(&question) {
        if english {
            if let Some(base) = word.strip_suffix("n't") {
                let base = match base {
                    "ca" => "can",
                    "wo" => "will",
                    "sha" => "shall",
                    base => base,
                };
                out.push(base.to_owned());
                out.push("not".to_owned());
                continue;
            }
            if let Some(base) = word.strip_suffix("'s") {
                out.push(base.to_owned());
                continue;
            }
        }
        if split_elision && let Some((article, rest)) = word.split_once('\'') {
            out.push(article.to_owned());
            out.push(rest.to_owned());
            continue;
        }
        out.push(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Reduced, Reducer};

    fn reducer() -> Reducer {
        Reducer::new(Vec::new(), true)
    }

    /// An English question with content words, reduced.
    fn reduced(reducer: &mut Reducer, question: &str) -> Reduced {
        reducer.reduce("en", question).expect("content words")
    }

    #[test]
    fn inflections_and_contractions_meet() {
        let mut reducer = reducer();
        let a = reduced(&mut reducer, "Why can't a struct hold references?");
        let b = reduced(&mut reducer, "Why can a struct not hold a reference?");
        let sorted = |keys: &[u32]| {
            let mut keys = keys.to_vec();
            keys.sort_unstable();
            keys
        };
        assert_eq!(sorted(&a.keys), sorted(&b.keys));
        assert!(a.negated && b.negated);
        let c = reduced(&mut reducer, "What's the server's role?");
        let d = reduced(&mut reducer, "What is the role of the server?");
        assert_eq!(sorted(&c.keys), sorted(&d.keys));
    }

    #[test]
    fn the_first_question_word_is_kept() {
        let mut reducer = reducer();
        let why = reducer.reduce("en", "Why does Kafka rebalance?");
        let when = reducer.reduce("en", "When does Kafka rebalance?");
        assert_ne!(why, when);
        // A question word later in the question is a stop word like any other.
        let late = reducer.reduce("en", "Why does Kafka rebalance when a consumer joins?");
        assert_eq!(late.map(|late| late.keys.len()), Some(5));
    }

    #[test]
    fn compared_terms_are_kept_apart() {
        let mut reducer = reducer();
        let a = reduced(&mut reducer, "Why is Parquet faster than CSV?");
        let b = reduced(&mut reducer, "Why is CSV faster than Parquet?");
        assert_eq!(a.compared.len(), 1);
        assert_ne!(a.compared, b.compared);
        let rc = reduced(&mut reducer, "When to use Rc instead of Box?");
        assert_eq!(rc.compared.len(), 1);
    }

    #[test]
    fn a_question_without_content_words_is_none() {
        let mut reducer = reducer();
        assert_eq!(reducer.reduce("en", "What is it?"), None);
        assert_eq!(reducer.reduce("en", "Why?"), None);
    }
}
