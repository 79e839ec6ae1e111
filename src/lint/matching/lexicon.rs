//! One language's way of reducing a word to the key it is matched by: fold, stem, then synonyms.
//! Keys are interned to numbers so an answer's index is small and compared cheaply.

use std::sync::Arc;

use foldhash::{HashMap, HashSet};
use rust_stemmers::Stemmer;

use super::language::{self, Words};

/// Numbers for keys, shared by every answer and phrase of one lint run (`Arc`: a matcher passes
/// from one worker to another between batches of lessons).
#[derive(Debug, Default)]
pub struct Interner {
    ids: HashMap<Arc<str>, u32>,
    /// Each number's key.
    keys: Vec<Arc<str>>,
}

impl Interner {
    /// The number of `key`, assigned on first sight (allocating only then).
    pub fn id(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        let key: Arc<str> = key.into();
        self.ids.insert(Arc::clone(&key), next);
        self.keys.push(key);
        next
    }

    /// The key numbered `id`.
    pub fn key(&self, id: u32) -> Option<&str> {
        self.keys.get(id as usize).map(|key| &**key)
    }

    /// Every key, in the order of their numbers.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|key| &**key)
    }

    /// How many keys have numbers.
    pub fn numbered(&self) -> usize {
        self.keys.len()
    }

    /// The number of `key` if it has one: a key no phrase was compiled with cannot be looked up,
    /// so an answer's compounds are only looked up here, never added (most are met once).
    pub fn get(&self, key: &str) -> Option<u32> {
        self.ids.get(key).copied()
    }
}

/// What a folded word reduces to, remembered: a course repeats its words far more often than it
/// has them, and stemming every occurrence was most of the matcher's time.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// The interned matching key (stem or synonym group).
    pub key: u32,
    /// The stem, for joining into compounds.
    pub stem: Arc<str>,
}

/// The word lists, stemmer and synonyms of one language.
pub struct Lexicon {
    /// The lists.
    pub words: &'static Words,
    stemmer: Option<Stemmer>,
    /// The language's irregular forms and comparatives, for lookup by form.
    irregular: HashMap<String, &'static str>,
    /// Stems of the verbs of [`Words::intensified`], each with its particle.
    intensified: Vec<(String, &'static str)>,
    /// Stem → the stem of its synonym group's first word.
    synonyms: HashMap<String, String>,
    /// Split `l'api` (French, Italian).
    pub split_elision: bool,
    /// The script separates words with spaces.
    pub spaced: bool,
    /// Folded word → what it reduced to.
    memo: HashMap<String, Reduced>,
    /// A synonym group's key → the stems of its words.
    members: HashMap<String, Vec<String>>,
    /// The stemmer keeps the first bytes of a long ASCII word (see [`Lexicon::may_key`]).
    keeps_head: bool,
    /// The longest irregular form, in bytes: a longer word is none (no lookup needed).
    longest_irregular: usize,
    /// The irregular forms' heads: a word whose first eight bytes start none is none of them.
    irregular_heads: Heads,
    /// The stop words, for lookup without comparing each.
    stop: HashSet<&'static str>,
    /// The first words of the negation cues (`not`, `instead` of `instead of`).
    cue_heads: HashSet<&'static str>,
    /// The last two bytes of each of [`Words::respellings`]' endings: a word ending otherwise
    /// is respelled by none.
    respelling_tails: Vec<[u8; 2]>,
    /// Short folded compound → its matching key, remembered: short compounds (`is a`, `of it`),
    /// which no filter rules out, repeat, and a stem costs thousands of instructions.
    compound_keys: HashMap<Box<str>, Box<str>>,
    /// The keys of [`Words::opposites`], each pair both ways: made on first use, since the
    /// keys are numbered by the run's interner.
    opposites: Option<HashMap<u32, Vec<u32>>>,
    /// The comparatives and superlatives of [`Words::comparable`] (`faster`, `best`).
    comparatives: HashSet<String>,
}

/// Sorted byte strings (stems), for asking whether any starts with given bytes.
#[derive(Debug, Clone, Default)]
pub struct Heads {
    /// Sorted, no repeats.
    stems: Vec<Box<[u8]>>,
    /// The first eight bytes of each stem, big-endian, zero-padded: sorted as `stems` is.
    packed: Vec<u64>,
}

/// The first eight bytes of `bytes` as a big-endian number, zero-padded: numbers compare as the
/// byte strings do.
fn pack(bytes: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    let n = bytes.len().min(8);
    eight[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(eight)
}

impl Heads {
    /// The heads of `stems`, in any order, repeats allowed.
    pub fn new(mut stems: Vec<Box<[u8]>>) -> Heads {
        stems.sort_unstable();
        stems.dedup();
        let packed = stems.iter().map(|stem| pack(stem)).collect();
        Heads { stems, packed }
    }

    /// Whether some stem starts with `head`.
    pub fn any_starts_with(&self, head: &[u8]) -> bool {
        // Up to eight bytes with no zero byte (words never hold one): the packed stems whose
        // first `head.len()` bytes are `head` are those from the first not below it, compared
        // as numbers, without a `memcmp` call. A zero byte in `head` would match a shorter
        // stem's padding, so such a head takes the byte-string path.
        if (1..=8).contains(&head.len()) && !head.contains(&0) {
            let key = pack(head);
            let mask = u64::MAX << (8 * (8 - head.len()));
            let at = self.packed.partition_point(|&packed| packed < key);
            return self
                .packed
                .get(at)
                .is_some_and(|&packed| packed & mask == key);
        }
        let at = self.stems.partition_point(|stem| **stem < *head);
        self.stems
            .get(at)
            .is_some_and(|stem| stem.starts_with(head))
    }
}

/// The shortest ASCII word whose first bytes the English stemmer is known to keep (see
/// [`Lexicon::may_key`]).
const KEPT_HEAD_FROM: usize = 7;

/// The last bytes of a word [`Lexicon::may_key`] does not judge by: those the stemmer may change
/// (six) or a respelling of [`Words::respellings`] may rewrite before it (eight).
const RESPELLED_TAIL: usize = 8;

impl Lexicon {
    /// The lexicon of a validated language code, with `[lint.synonyms]` groups (key first) and,
    /// when `builtin_synonyms`, the language's own groups under them (a word in both counts as
    /// the project's group).
    pub fn new(code: &str, groups: &[Vec<String>], builtin_synonyms: bool) -> Lexicon {
        let words = language::words(code);
        let mut irregular: HashMap<String, &'static str> = HashMap::default();
        let mut comparatives: HashSet<String> = HashSet::default();
        for &base in words.comparable {
            for form in compared(base) {
                comparatives.insert(form.clone());
                irregular.insert(form, base);
            }
        }
        irregular.extend(
            words
                .irregular
                .iter()
                .chain(words.spellings)
                .chain(words.numbers)
                .map(|&(form, base)| (form.to_owned(), base)),
        );
        let mut lexicon = Lexicon {
            words,
            stemmer: words.stemmer(),
            irregular,
            intensified: Vec::new(),
            synonyms: HashMap::default(),
            split_elision: matches!(code, "fr" | "it"),
            spaced: crate::lang::of(code).spaced,
            memo: HashMap::default(),
            members: HashMap::default(),
            keeps_head: code == "en",
            longest_irregular: 0,
            irregular_heads: Heads::default(),
            stop: words.stop.iter().copied().collect(),
            cue_heads: words
                .cues
                .iter()
                .filter_map(|cue| cue.split(' ').next())
                .collect(),
            respelling_tails: words
                .respellings
                .iter()
                .filter_map(|(ending, ..)| ending.as_bytes().last_chunk::<2>().copied())
                .collect(),
            compound_keys: HashMap::default(),
            opposites: None,
            comparatives,
        };
        lexicon.longest_irregular = lexicon.irregular.keys().map(String::len).max().unwrap_or(0);
        lexicon.irregular_heads = Heads::new(
            lexicon
                .irregular
                .keys()
                .map(|form| form.as_bytes().into())
                .collect(),
        );
        lexicon.intensified = words
            .intensified
            .iter()
            .filter_map(|entry| entry.split_once(' '))
            .map(|(verb, particle)| (lexicon.stem(verb), particle))
            .collect();
        let builtin = words
            .synonyms
            .iter()
            .filter(|_| builtin_synonyms)
            .map(|group| group.iter().map(|word| (*word).to_owned()).collect());
        let all: Vec<Vec<String>> = builtin.chain(groups.iter().cloned()).collect();
        for group in &all {
            let Some(first) = group.first() else { continue };
            let canonical = lexicon.stem(&super::normalise::fold(first));
            for word in group {
                let stem = lexicon.stem(&super::normalise::fold(word));
                lexicon.synonyms.insert(stem, canonical.clone());
            }
        }
        for (stem, canonical) in &lexicon.synonyms {
            lexicon
                .members
                .entry(canonical.clone())
                .or_default()
                .push(stem.clone());
        }
        lexicon
    }

    /// Every stem the English stemmer may give before the recodings for a word whose key is
    /// `key` (the key itself and, for a synonym group, its words' stems; each also with the
    /// ending of a recoding that could have made it restored), for [`Lexicon::may_key`].
    pub fn stems_of(&self, key: &str, into: &mut Vec<Box<[u8]>>) {
        let stems = std::iter::once(key).chain(
            self.members
                .get(key)
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        for stem in stems {
            into.push(stem.as_bytes().into());
            for (ending, recoded, _) in self.words.recodings {
                if let Some(base) = stem.strip_suffix(recoded) {
                    into.push(format!("{base}{ending}").into_bytes().into());
                }
            }
        }
    }

    /// Whether the folded compound `folded` may reduce to a key one of whose [`Lexicon::stems_of`]
    /// is among `stems` (sorted), judged without stemming it: `false` only when that is sure.
    ///
    /// The English (Porter2) stemmer keeps the bytes of an ASCII word of [`KEPT_HEAD_FROM`]
    /// bytes or more before its R1 region and before its last six bytes (the respellings
    /// before it, its last eight: [`RESPELLED_TAIL`]): its whole-word
    /// exceptions are shorter; its prelude's `y` → `Y` is undone by its postlude; steps 0, 1a, 1b
    /// and 1c change only the last five bytes (1b's undoubling the sixth from the end); steps 2
    /// to 5 change only suffixes inside R1. R1 starts after the first non-vowel that follows a
    /// vowel, so at least two bytes after the first `a`, `e`, `i`, `o`, `u` or `y`. Those kept
    /// bytes start the stem, so some stem in `stems` must start with them. The recodings after
    /// the stemmer are undone in [`Lexicon::stems_of`]; an irregular form is replaced before
    /// stemming, so it is always stemmed. Tests check the rule on real and generated words.
    pub fn may_key(&self, folded: &str, stems: &Heads) -> bool {
        let bytes = folded.as_bytes();
        if !self.keeps_head || bytes.len() < KEPT_HEAD_FROM || !folded.is_ascii() {
            return true;
        }
        let first_vowel = bytes
            .iter()
            .position(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
            .unwrap_or(bytes.len());
        // Eight, not six: a respelling before the stemmer rewrites up to the last eight bytes
        // (`isations` as `izations`, `ourable` as `orable`).
        let kept = &bytes[..(first_vowel + 2).min(bytes.len().saturating_sub(RESPELLED_TAIL))];
        // The irregular forms last: the head rules out nearly every compound, and a word longer
        // than every irregular form is none of them.
        stems.any_starts_with(kept)
            || bytes.len() <= self.longest_irregular
                && self
                    .irregular_heads
                    .any_starts_with(&bytes[..bytes.len().min(8)])
                && self.irregular.contains_key(folded)
    }

    /// Whether `particle` after the folded verb `verb` only intensifies it (`slow down`).
    pub fn intensifies(&self, verb: &str, particle: &str) -> bool {
        // The particle first: most words are no particle, and stemming the verb costs more.
        if !self
            .intensified
            .iter()
            .any(|(_, known_particle)| *known_particle == particle)
        {
            return false;
        }
        let stem = self.stem(verb);
        self.intensified
            .iter()
            .any(|(known, known_particle)| *known == stem && *known_particle == particle)
    }

    /// The stem of a folded word: irregular forms mapped to the form the stemmer knows, the
    /// Snowball stem, then the language's recodings of stem endings (the word itself without a
    /// stemmer).
    pub fn stem(&self, folded: &str) -> String {
        let Some(stemmer) = &self.stemmer else {
            return folded.to_owned();
        };
        let regular = self.irregular.get(folded).copied().unwrap_or(folded);
        let respelled = self.respelled(regular);
        let mut stem = stemmer
            .stem(respelled.as_deref().unwrap_or(regular))
            .into_owned();
        if let Some((ending, recoded, _)) = self
            .words
            .recodings
            .iter()
            .find(|(ending, _, shortest)| stem.len() >= *shortest && stem.ends_with(ending))
        {
            stem.truncate(stem.len() - ending.len());
            stem.push_str(recoded);
        }
        stem
    }

    /// A folded word with its ending respelled as the language's [`Words::respellings`] say
    /// (`colour` as `color`), when one fits.
    fn respelled(&self, folded: &str) -> Option<String> {
        self.respelling(folded).map(|(ending, respelled, _)| {
            format!("{}{respelled}", &folded[..folded.len() - ending.len()])
        })
    }

    /// The first of [`Words::respellings`] that fits a folded word.
    fn respelling(&self, folded: &str) -> Option<&'static (&'static str, &'static str, usize)> {
        let tail = folded.as_bytes().last_chunk::<2>()?;
        if !self.respelling_tails.contains(tail) {
            return None;
        }
        self.words.respellings.iter().find(|(ending, _, before)| {
            folded.len() >= ending.len() + before && folded.ends_with(ending)
        })
    }

    /// The matching key of a folded word: its stem, or its synonym group's.
    pub fn key(&self, folded: &str) -> String {
        self.key_of_stem(self.stem(folded))
    }

    fn key_of_stem(&self, stem: String) -> String {
        match self.synonyms.get(&stem) {
            Some(canonical) => canonical.clone(),
            None => stem,
        }
    }

    /// The interned key of a folded compound (`pushdown`) when it has one, computed afresh and
    /// interning nothing: compounds rarely repeat, and only one some phrase looks up matters.
    pub fn compound_key(&mut self, folded: &str, interner: &Interner) -> Option<u32> {
        // Only short compounds are remembered: no head rules them out (see `may_key`) and they
        // repeat (`is a`, `of it`); a long one that gets here is nearly always met once.
        let remember = folded.len() < KEPT_HEAD_FROM;
        if remember && let Some(key) = self.compound_keys.get(folded) {
            return interner.get(key);
        }
        // The key, not its number, is remembered: a phrase compiled later may give it one.
        let key = self.key_of_stem(self.stem(folded));
        let id = interner.get(&key);
        if remember {
            self.compound_keys.insert(folded.into(), key.into());
        }
        id
    }

    /// The key and stem of a folded word, computed once per run.
    pub fn reduce(&mut self, folded: &str, interner: &mut Interner) -> Reduced {
        if let Some(reduced) = self.memo.get(folded) {
            return reduced.clone();
        }
        let stem = self.stem(folded);
        let reduced = Reduced {
            key: interner.id(&self.key_of_stem(stem.clone())),
            stem: stem.into(),
        };
        self.memo.insert(folded.to_owned(), reduced.clone());
        reduced
    }

    /// How many words and compounds it remembers (see [`Lexicon::reduce`]).
    pub fn cached(&self) -> usize {
        self.memo.len() + self.compound_keys.len()
    }

    /// Whether a folded word is a stop word.
    pub fn is_stop(&self, folded: &str) -> bool {
        self.stop.contains(folded)
    }

    /// The keys of the opposites of a folded word ([`Words::opposites`], synonyms applied).
    pub fn opposite_keys(&mut self, folded: &str, interner: &mut Interner) -> Vec<u32> {
        if self.opposites.is_none() {
            let mut opposites: HashMap<u32, Vec<u32>> = HashMap::default();
            for &(one, other) in self.words.opposites {
                let one = self.reduce(one, interner).key;
                let other = self.reduce(other, interner).key;
                opposites.entry(one).or_default().push(other);
                opposites.entry(other).or_default().push(one);
            }
            self.opposites = Some(opposites);
        }
        let key = self.reduce(folded, interner).key;
        self.opposites
            .as_ref()
            .and_then(|opposites| opposites.get(&key))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether a folded word is the comparative or superlative of one of the language's
    /// comparable adjectives (`hotter`, `best`).
    pub fn is_comparative(&self, folded: &str) -> bool {
        self.comparatives.contains(folded)
    }

    /// Whether a folded word is a negation cue or opens one (`not`, `never`, `instead`, `don't`).
    pub fn is_cue(&self, folded: &str) -> bool {
        self.cue_heads.contains(folded)
            || self
                .words
                .contraction
                .is_some_and(|ending| folded.ends_with(ending))
    }
}

/// The comparative and superlative of an English adjective by the spelling rules: `late` →
/// `later`, `easy` → `easier`, `hot` → `hotter` (a short word ending in one vowel and one
/// consonant doubles it), else `-er`/`-est`.
fn compared(base: &str) -> [String; 2] {
    let letters: Vec<char> = base.chars().collect();
    let vowel = |c: char| "aeiou".contains(c);
    let n = letters.len();
    if base.ends_with('e') {
        return [format!("{base}r"), format!("{base}st")];
    }
    if n >= 2 && letters[n - 1] == 'y' && !vowel(letters[n - 2]) {
        let stem = &base[..base.len() - 1];
        return [format!("{stem}ier"), format!("{stem}iest")];
    }
    let doubles = (3..=4).contains(&n)
        && !vowel(letters[n - 1])
        && !"wxy".contains(letters[n - 1])
        && vowel(letters[n - 2])
        && !vowel(letters[n - 3]);
    if doubles {
        let last = letters[n - 1];
        return [format!("{base}{last}er"), format!("{base}{last}est")];
    }
    [format!("{base}er"), format!("{base}est")]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Lexicon, compared};

    /// Every compound of two and three neighbouring words of the labelled answers and phrases,
    /// joined as the matcher joins them.
    fn labelled_compounds() -> Vec<String> {
        let text = [
            include_str!("testdata/labelled.yaml"),
            include_str!("testdata/heldout.yaml"),
            include_str!("testdata/heldout2.yaml"),
        ]
        .concat();
        let words: Vec<String> = super::super::normalise::words(&text, false)
            .into_iter()
            .map(|word| word.folded.into_owned())
            .collect();
        let mut compounds = Vec::new();
        for span in 1..=3 {
            compounds.extend(words.windows(span).map(<[String]>::concat));
        }
        compounds
    }

    /// `may_key` never rules out the key `word` reduces to.
    fn never_rules_out(lexicon: &Lexicon, word: &str) {
        let key = lexicon.key(word);
        let mut stems = Vec::new();
        lexicon.stems_of(&key, &mut stems);
        assert!(
            lexicon.may_key(word, &super::Heads::new(stems)),
            "{word} -> {key}"
        );
    }

    /// What [`Lexicon::may_key`] rests on, on real words and their compounds.
    #[test]
    fn a_compound_is_never_ruled_out_of_its_own_key() {
        let groups = vec![vec![
            "store".to_owned(),
            "persist".to_owned(),
            "keep".to_owned(),
        ]];
        let lexicon = Lexicon::new("en", &groups, true);
        assert!(lexicon.keeps_head);
        for compound in labelled_compounds() {
            never_rules_out(&lexicon, &compound);
        }
        for word in [
            "persisting",
            "retransmission",
            "consumption",
            "expansions",
            "yellowish",
        ] {
            never_rules_out(&lexicon, word);
        }
        // The recodings replace an ending by one with the same first byte.
        for (ending, recoded, _) in lexicon.words.recodings {
            assert_eq!(ending.as_bytes()[0], recoded.as_bytes()[0]);
        }
        let mut stems = Vec::new();
        lexicon.stems_of("partit", &mut stems);
        let heads = super::Heads::new(stems);
        assert!(!lexicon.may_key("thepartition", &heads));
        assert!(lexicon.may_key("partitioned", &heads));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_generated_word_is_never_ruled_out_of_its_own_key(
            word in "[a-z0-9][a-z0-9_'+#]{7,24}",
            suffix in prop::sample::select(vec![
                "", "s", "es", "ies", "ied", "ed", "ing", "ingly", "edly", "eedly", "ational",
                "ization", "fulness", "iveness", "ously", "ement", "ance", "ly", "y", "e", "sses",
            ]),
        ) {
            let lexicon = Lexicon::new("en", &[], true);
            never_rules_out(&lexicon, &format!("{word}{suffix}"));
            for cut in 1..word.len() {
                never_rules_out(&lexicon, &format!("{}{suffix}", &word[..cut]));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The packed search answers as a scan of the byte strings does.
        #[test]
        fn heads_answer_as_a_scan_does(
            stems in prop::collection::vec("[a-e\\x{e9}]{0,10}", 0..12),
            head in "[a-e\\x{e9}]{0,10}",
        ) {
            let boxed: Vec<Box<[u8]>> = stems.iter().map(|stem| stem.as_bytes().into()).collect();
            let heads = super::Heads::new(boxed);
            let scan = stems.iter().any(|stem| stem.as_bytes().starts_with(head.as_bytes()));
            prop_assert_eq!(heads.any_starts_with(head.as_bytes()), scan);
        }
    }

    #[test]
    fn comparatives_follow_the_spelling_rules() {
        assert_eq!(compared("hot"), ["hotter", "hottest"]);
        assert_eq!(compared("late"), ["later", "latest"]);
        assert_eq!(compared("easy"), ["easier", "easiest"]);
        assert_eq!(compared("cool"), ["cooler", "coolest"]);
        assert_eq!(compared("fast"), ["faster", "fastest"]);
        assert_eq!(compared("slow"), ["slower", "slowest"]);
        assert_eq!(compared("thin"), ["thinner", "thinnest"]);
    }
}
