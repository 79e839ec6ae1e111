//! What the matcher knows of each language: its Snowball stemmer, its stop words, its negation
//! cues and the words that end a negation's scope. docs/lint.md lists them for English.
//!
//! The lists are short on purpose. A stop word is dropped from a phrase (so "the cost of
//! exactly-once" needs only `cost`, `exactly`, `once`); a word that can carry the point ("down",
//! "not", "all", "only") is never one. Cues are the words NegEx starts a negated scope with.

use rust_stemmers::{Algorithm, Stemmer};

/// One language's word lists, all case-folded.
pub struct Words {
    /// The Snowball stemmer, `None` for scripts matched on substrings.
    pub stemmer: Option<Algorithm>,
    /// Words dropped from phrases.
    pub stop: &'static [&'static str],
    /// Negation cues, each one or more words (`instead of`).
    pub cues: &'static [&'static str],
    /// Phrases that look like a cue but negate nothing (`not only`): NegEx's pseudo-triggers.
    pub pseudo: &'static [&'static str],
    /// Words that end a negation's scope before the next punctuation mark.
    pub terminators: &'static [&'static str],
    /// A word ending in this negates too (`don't`, `isn't`), for languages with such contractions.
    pub contraction: Option<&'static str>,
    /// Pronouns that refer back to an earlier sentence (`it`, `they`): a sentence holding one may
    /// make a point with the words of the sentence before it.
    pub anaphora: &'static [&'static str],
    /// Irregular inflections and the form the stemmer knows (`sat` → `sit`), looked up before
    /// stemming.
    pub irregular: &'static [(&'static str, &'static str)],
    /// Endings of stems recoded after stemming, so that the Latin stem alternations of derived
    /// words meet (`retransmiss`ion → `retransmit`): a subset of Lovins's (1968) recoding rules,
    /// each only on a stem of at least `.2` letters.
    pub recodings: &'static [(&'static str, &'static str, usize)],
    /// Object pronouns: a negation whose scope opens with one negates only it ("without it, a
    /// crash loses writes" negates `it`, not the writes).
    pub object_pronouns: &'static [&'static str],
    /// Phrasal verbs whose particle only intensifies the verb (`slow down`, `speed up`), as
    /// "verb particle": a phrase holding one is made with or without the particle.
    pub intensified: &'static [&'static str],
    /// Adjectives whose comparative and superlative (`hotter`, `hottest`) count as them; the
    /// stemmer leaves `-er` and `-est` alone, since most words ending so are no comparatives.
    pub comparable: &'static [&'static str],
    /// The built-in synonym groups (`[lint] builtin-synonyms`, on by default): words near enough
    /// in meaning that a paraphrase swaps one for another. docs/lint.md lists them.
    pub synonyms: &'static [&'static [&'static str]],
    /// Marker pairs whose terms keep their order even in a point: `("from", "to")` keeps the
    /// term after `from` before the term after `to`; an empty opening stands for the phrase's
    /// first term (`("", "than")`: "reads are faster than writes").
    pub ordering: &'static [(&'static str, &'static str)],
    /// Words of quantity, frequency and comparison (`all`, `only`, `always`, `more`): a point
    /// that has one is never made without it, since the rest of it then says something else
    /// ("every page is always in RAM" is not "pages are in RAM").
    pub quantifiers: &'static [&'static str],
    /// Words and their opposites (`cheap`/`expensive`): a point said short of one of its words
    /// is not made by a stretch holding that word's opposite ("a connection costs a handshake"
    /// does not make `a connection is cheap`). Each pair counts both ways; synonyms apply.
    pub opposites: &'static [(&'static str, &'static str)],
    /// Spelling variants of whole words and the form they are matched as (British `defence` as
    /// `defense`), looked up with the irregular forms.
    pub spellings: &'static [(&'static str, &'static str)],
    /// Number words and the digits they are matched as (`ten` as `10`), looked up with the
    /// irregular forms.
    pub numbers: &'static [(&'static str, &'static str)],
    /// Spelling variants by ending, rewritten before stemming (`-ise` as `-ize`, `-our` as `-or`):
    /// (ending, as, fewest letters before the ending), the first that fits.
    pub respellings: &'static [(&'static str, &'static str, usize)],
}

/// The lists of a validated language code (`Lesson::lang`).
pub fn words(code: &str) -> &'static Words {
    match code {
        "de" => &GERMAN,
        "fr" => &FRENCH,
        "es" => &SPANISH,
        "it" => &ITALIAN,
        "pt" => &PORTUGUESE,
        "nl" => &DUTCH,
        "sv" => &SWEDISH,
        "da" => &DANISH,
        "no" | "nb" => &NORWEGIAN,
        "fi" => &FINNISH,
        "ru" => &RUSSIAN,
        "tr" => &TURKISH,
        "hu" => &HUNGARIAN,
        "ro" => &ROMANIAN,
        "el" => &GREEK,
        "ar" => &ARABIC,
        "ta" => &TAMIL,
        "zh" => &CHINESE,
        "th" => &THAI,
        "ja" | "ko" => &NO_CUES,
        _ => &ENGLISH,
    }
}

impl Words {
    /// A stemmer for the language, or `None` when its words are not stemmed.
    pub fn stemmer(&self) -> Option<Stemmer> {
        self.stemmer.map(Stemmer::create)
    }
}

const fn spaced(
    algorithm: Algorithm,
    stop: &'static [&'static str],
    cues: &'static [&'static str],
    terminators: &'static [&'static str],
) -> Words {
    Words {
        stemmer: Some(algorithm),
        stop,
        cues,
        pseudo: &[],
        terminators,
        contraction: None,
        anaphora: &[],
        irregular: &[],
        recodings: &[],
        object_pronouns: &[],
        intensified: &[],
        comparable: &[],
        synonyms: &[],
        ordering: &[],
        quantifiers: &[],
        opposites: &[],
        spellings: &[],
        numbers: &[],
        respellings: &[],
    }
}

/// English.
pub const ENGLISH: Words = Words {
    stemmer: Some(Algorithm::English),
    stop: &[
        "a", "about", "also", "an", "and", "are", "as", "at", "be", "been", "being", "by", "can",
        "could", "did", "do", "does", "each", "every", "for", "from", "had", "has", "have", "he",
        "her", "his", "i", "if", "in", "into", "is", "it", "it's", "its", "may", "mean", "means",
        "might", "me", "my", "of", "on", "onto", "or", "our", "ours", "shall", "she", "should",
        "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they",
        "this", "those", "to", "too", "us", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your", "become", "becomes",
        "became", "becoming", "per", "very", "really", "quite",
    ],
    cues: &[
        "not",
        "no",
        "never",
        "nor",
        "neither",
        "none",
        "nothing",
        "cannot",
        "without",
        "instead of",
        "rather than",
        "no longer",
        "avoid",
        "avoids",
        "avoided",
        "avoiding",
    ],
    pseudo: &[
        "not only",
        "not just",
        "no doubt",
        "no matter",
        "nothing but",
    ],
    terminators: &[
        "but", "however", "although", "though", "whereas", "yet", "except", "unless",
    ],
    contraction: Some("n't"),
    anaphora: &[
        "it", "its", "they", "them", "their", "this", "these", "those", "such", "he", "she", "him",
        "her", "his",
    ],
    irregular: ENGLISH_IRREGULAR,
    recodings: &[
        ("miss", "mit", 5),
        ("olut", "olv", 5),
        ("umpt", "um", 6),
        ("uct", "uc", 6),
        ("ript", "rib", 7),
        ("orpt", "orb", 7),
        ("pans", "pand", 6),
        ("cis", "cid", 5),
        ("lus", "lud", 5),
        ("rus", "rud", 6),
    ],
    object_pronouns: &["it", "them", "him", "us", "me"],
    intensified: &[
        "slow down",
        "speed up",
        "clean up",
        "free up",
        "use up",
        "fill up",
        "cut down",
        "write down",
        "warm up",
        "heat up",
        "cool down",
        "calm down",
        "narrow down",
        "open up",
        "join up",
        "link up",
        "wake up",
        "hurry up",
        "tidy up",
        "sort out",
        "spell out",
        "single out",
        "even out",
        "level off",
    ],
    comparable: ENGLISH_COMPARABLE,
    synonyms: ENGLISH_SYNONYMS,
    ordering: &[("from", "to"), ("from", "into"), ("", "than")],
    quantifiers: &[
        "all",
        "always",
        "any",
        "both",
        "either",
        "few",
        "fewer",
        "least",
        "less",
        "many",
        "more",
        "most",
        "much",
        "often",
        "only",
        "rarely",
        "seldom",
        "sometimes",
        "usually",
        // Particles: `scale up` is not `scale out`, nor `roll back` `roll forward`.
        "up",
        "down",
        "out",
        "off",
        "back",
        "away",
        "forward",
    ],
    opposites: ENGLISH_OPPOSITES,
    spellings: ENGLISH_SPELLINGS,
    numbers: &[
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("eleven", "11"),
        ("twelve", "12"),
        ("thirteen", "13"),
        ("fourteen", "14"),
        ("fifteen", "15"),
        ("sixteen", "16"),
        ("seventeen", "17"),
        ("eighteen", "18"),
        ("nineteen", "19"),
        ("twenty", "20"),
        ("thirty", "30"),
        ("forty", "40"),
        ("fifty", "50"),
        ("sixty", "60"),
        ("seventy", "70"),
        ("eighty", "80"),
        ("ninety", "90"),
        ("hundred", "100"),
        ("thousand", "1000"),
        ("million", "1000000"),
        ("billion", "1000000000"),
    ],
    respellings: &[
        ("isations", "izations", 3),
        ("isation", "ization", 3),
        ("ising", "izing", 3),
        ("isers", "izers", 3),
        ("iser", "izer", 3),
        ("ised", "ized", 3),
        ("ises", "izes", 3),
        ("ise", "ize", 3),
        ("ysing", "yzing", 2),
        ("ysed", "yzed", 2),
        ("yses", "yzes", 2),
        ("yse", "yze", 2),
        ("ourable", "orable", 3),
        ("ourites", "orites", 3),
        ("ourite", "orite", 3),
        ("ouring", "oring", 3),
        ("oured", "ored", 3),
        ("ours", "ors", 3),
        ("our", "or", 3),
        ("logues", "logs", 3),
        ("logue", "log", 3),
        ("tres", "ters", 2),
        ("tred", "tered", 2),
        ("tre", "ter", 2),
        ("bres", "bers", 2),
        ("bre", "ber", 2),
    ],
};

/// Adjectives (and the adverbs used like them) whose `-er`/`-est` forms count as them; `good`,
/// Words and their opposites, for [`Words::opposites`].
const ENGLISH_OPPOSITES: &[(&str, &str)] = &[
    ("cheap", "expensive"),
    ("fast", "slow"),
    ("big", "small"),
    ("high", "low"),
    ("raise", "lower"),
    ("start", "stop"),
    ("correct", "wrong"),
    ("true", "false"),
    ("valid", "invalid"),
    ("increase", "reduce"),
    ("rise", "fall"),
    ("gain", "lose"),
    ("win", "lose"),
    ("succeed", "fail"),
    ("allow", "forbid"),
    ("allow", "prevent"),
    ("accept", "reject"),
    ("enable", "disable"),
    ("include", "exclude"),
    ("add", "remove"),
    ("open", "close"),
    ("safe", "unsafe"),
    ("easy", "hard"),
    ("easy", "difficult"),
    ("strong", "weak"),
    ("early", "late"),
    ("before", "after"),
    ("long", "short"),
    ("old", "new"),
    ("heavy", "light"),
    ("hot", "cold"),
    ("warm", "cool"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("positive", "negative"),
    ("public", "private"),
    ("internal", "external"),
    ("input", "output"),
    ("import", "export"),
    ("maximum", "minimum"),
    ("above", "below"),
    ("first", "last"),
    ("push", "pull"),
    ("lock", "unlock"),
    ("dense", "sparse"),
    ("strict", "lenient"),
    ("stateful", "stateless"),
    ("mutable", "immutable"),
    ("synchronous", "asynchronous"),
    ("possible", "impossible"),
    ("same", "different"),
    ("inside", "outside"),
];

/// British spellings the ending rules of [`ENGLISH`]'s `respellings` do not reach, as the American
/// form.
const ENGLISH_SPELLINGS: &[(&str, &str)] = &[
    ("defence", "defense"),
    ("defences", "defenses"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("licence", "license"),
    ("licences", "licenses"),
    ("pretence", "pretense"),
    ("programme", "program"),
    ("programmes", "programs"),
    ("grey", "gray"),
    ("judgement", "judgment"),
    ("judgements", "judgments"),
    ("acknowledgement", "acknowledgment"),
    ("ageing", "aging"),
    ("odour", "odor"),
    ("odours", "odors"),
    ("artefact", "artifact"),
    ("artefacts", "artifacts"),
    ("enquiry", "inquiry"),
    ("enquiries", "inquiries"),
    ("sceptical", "skeptical"),
    ("aluminium", "aluminum"),
    ("manoeuvre", "maneuver"),
    ("mould", "mold"),
    ("plough", "plow"),
    ("practise", "practice"),
    ("practised", "practiced"),
    ("practising", "practicing"),
    ("haemoglobin", "hemoglobin"),
    ("anaemia", "anemia"),
    ("leukaemia", "leukemia"),
    ("oestrogen", "estrogen"),
    ("oesophagus", "esophagus"),
    ("foetus", "fetus"),
    ("diarrhoea", "diarrhea"),
    ("anaesthetic", "anesthetic"),
    ("anaesthesia", "anesthesia"),
    ("paediatric", "pediatric"),
    ("orthopaedic", "orthopedic"),
    ("encyclopaedia", "encyclopedia"),
    ("fuelled", "fueled"),
    ("fuelling", "fueling"),
];

/// `bad` and `far` have their irregular forms in [`ENGLISH_IRREGULAR`].
const ENGLISH_COMPARABLE: &[&str] = &[
    "big", "bright", "broad", "busy", "cheap", "clean", "clear", "close", "cold", "cool", "dark",
    "deep", "dense", "dirty", "early", "easy", "fast", "few", "fine", "firm", "fresh", "full",
    "great", "hard", "heavy", "high", "hot", "large", "late", "lazy", "light", "long", "loose",
    "loud", "low", "mild", "narrow", "near", "new", "noisy", "old", "poor", "quick", "quiet",
    "rare", "rich", "risky", "rough", "safe", "sharp", "short", "simple", "slim", "slow", "small",
    "smart", "smooth", "soft", "soon", "steep", "strict", "strong", "thick", "thin", "tight",
    "tiny", "warm", "weak", "wealthy", "wide", "young",
];

/// The built-in synonym groups of English: near-synonyms of explanatory prose, and derived words
/// the stemmer cannot bring together (`success`, `succeed`). A group merges words only where
/// swapping one for another keeps a sentence's meaning; words with a second common sense in
/// technical text (`drop`, `raise`, `true`, `get`) are left out.
const ENGLISH_SYNONYMS: &[&[&str]] = &[
    &["cost", "expensive", "costly", "pricey"],
    &["cheap", "inexpensive"],
    &["fast", "quick", "rapid", "speedy"],
    &["slow", "sluggish"],
    &["big", "large", "huge"],
    &["small", "tiny"],
    &["start", "begin", "boot", "launch"],
    &["stop", "halt", "cease"],
    &["correct", "right", "accurate"],
    &["wrong", "incorrect"],
    &["real", "actual", "genuine"],
    &["show", "display"],
    &["use", "utilise", "utilize", "employ"],
    &["need", "require"],
    &["help", "assist"],
    &["remove", "delete", "erase"],
    &["increase", "rise", "grow"],
    &["reduce", "decrease", "lessen", "diminish"],
    &["double", "twice"],
    &["often", "frequently"],
    &["rare", "seldom", "infrequent"],
    &["buy", "purchase"],
    &["choose", "pick", "select"],
    &["fix", "repair"],
    &["allow", "permit", "let"],
    &["enough", "sufficient"],
    &["whole", "entire"],
    &["send", "transmit"],
    &["succeed", "success", "successful"],
    &["fail", "failure"],
    &["lose", "loss"],
    &["recover", "recovery"],
    &["deliver", "delivery"],
    &["discover", "discovery"],
];

/// English verbs whose past forms the Snowball stemmer cannot reduce (`sent`, `sat`, `kept`), and
/// nouns in -th beside their adjective or verb (`growth`, `length`).
/// Forms that are also common nouns or adjectives of another meaning (`saw`, `left`, `ground`,
/// `wound`, `lay`) are left out.
const ENGLISH_IRREGULAR: &[(&str, &str)] = &[
    ("arose", "arise"),
    ("arisen", "arise"),
    ("began", "begin"),
    ("begun", "begin"),
    ("bent", "bend"),
    ("bound", "bind"),
    ("bit", "bite"),
    ("bitten", "bite"),
    ("blew", "blow"),
    ("blown", "blow"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("bought", "buy"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("came", "come"),
    ("crept", "creep"),
    ("dealt", "deal"),
    ("drew", "draw"),
    ("drawn", "draw"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("fed", "feed"),
    ("felt", "feel"),
    ("fought", "fight"),
    ("found", "find"),
    ("fled", "flee"),
    ("flew", "fly"),
    ("flown", "fly"),
    ("forbade", "forbid"),
    ("forbidden", "forbid"),
    ("forgot", "forget"),
    ("forgotten", "forget"),
    ("froze", "freeze"),
    ("frozen", "freeze"),
    ("got", "get"),
    ("gotten", "get"),
    ("gave", "give"),
    ("given", "give"),
    ("went", "go"),
    ("gone", "go"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("hung", "hang"),
    ("heard", "hear"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("held", "hold"),
    ("kept", "keep"),
    ("knew", "know"),
    ("known", "know"),
    ("led", "lead"),
    ("lent", "lend"),
    ("lost", "lose"),
    ("made", "make"),
    ("met", "meet"),
    ("paid", "pay"),
    ("rode", "ride"),
    ("ridden", "ride"),
    ("rang", "ring"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("ran", "run"),
    ("said", "say"),
    ("seen", "see"),
    ("sought", "seek"),
    ("sold", "sell"),
    ("sent", "send"),
    ("shook", "shake"),
    ("shaken", "shake"),
    ("shone", "shine"),
    ("shot", "shoot"),
    ("shown", "show"),
    ("shrank", "shrink"),
    ("shrunk", "shrink"),
    ("sang", "sing"),
    ("sung", "sing"),
    ("sank", "sink"),
    ("sunk", "sink"),
    ("sat", "sit"),
    ("slept", "sleep"),
    ("slid", "slide"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("spent", "spend"),
    ("spun", "spin"),
    ("stood", "stand"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("stuck", "stick"),
    ("struck", "strike"),
    ("swore", "swear"),
    ("sworn", "swear"),
    ("swept", "sweep"),
    ("swam", "swim"),
    ("swung", "swing"),
    ("took", "take"),
    ("taken", "take"),
    ("taught", "teach"),
    ("tore", "tear"),
    ("torn", "tear"),
    ("told", "tell"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("understood", "understand"),
    ("woke", "wake"),
    ("woken", "wake"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("won", "win"),
    ("wrote", "write"),
    ("written", "write"),
    ("withdrew", "withdraw"),
    ("withdrawn", "withdraw"),
    ("overwrote", "overwrite"),
    ("overwritten", "overwrite"),
    ("rewrote", "rewrite"),
    ("rewritten", "rewrite"),
    ("rebuilt", "rebuild"),
    ("undid", "undo"),
    ("undone", "undo"),
    ("mistook", "mistake"),
    ("mistaken", "mistake"),
    ("overtook", "overtake"),
    ("overtaken", "overtake"),
    ("upheld", "uphold"),
    ("withheld", "withhold"),
    // Nouns in -th whose adjective or verb the stemmer does not reach.
    ("growth", "grow"),
    ("strength", "strong"),
    ("length", "long"),
    ("width", "wide"),
    ("depth", "deep"),
    ("height", "high"),
    ("breadth", "broad"),
    ("warmth", "warm"),
    // Irregular comparatives and superlatives (the regular ones come from `comparable`).
    ("better", "good"),
    ("best", "good"),
    ("worse", "bad"),
    ("worst", "bad"),
    ("further", "far"),
    ("furthest", "far"),
    ("farther", "far"),
    ("farthest", "far"),
];

const GERMAN: Words = spaced(
    Algorithm::German,
    &[
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "eines", "und", "oder", "zu", "im", "in", "am", "an", "auf", "für", "von", "vom", "mit",
        "ist", "sind", "wird", "werden", "es", "wir", "sie", "ich", "du", "er", "dass", "als",
        // Modal verbs, as English drops `can` and `should`; `lassen` ("let ... rest").
        "kann", "können", "muss", "müssen", "soll", "sollte", "sollten", "darf", "dürfen", "lassen",
        "lässt", "ließ", "ließen",
    ],
    &[
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "ohne",
        "statt", "anstatt", "weder",
    ],
    &["aber", "sondern", "jedoch", "obwohl"],
);

const FRENCH: Words = spaced(
    Algorithm::French,
    &[
        "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "à", "au", "aux",
        "en", "dans", "sur", "pour", "par", "avec", "est", "sont", "il", "elle", "on", "nous",
        "vous", "ils", "elles", "que", "qu", "qui", "ce", "se", "s",
    ],
    &[
        "ne",
        "n",
        "pas",
        "jamais",
        "sans",
        "aucun",
        "aucune",
        "ni",
        "plutôt que",
        "au lieu de",
    ],
    &["mais", "cependant", "pourtant", "bien que"],
);

const SPANISH: Words = spaced(
    Algorithm::Spanish,
    &[
        "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "y", "o", "a", "al",
        "en", "con", "por", "para", "es", "son", "se", "que", "lo", "su", "sus",
    ],
    &[
        "no",
        "nunca",
        "jamás",
        "sin",
        "ni",
        "ningún",
        "ninguna",
        "ninguno",
        "tampoco",
        "en lugar de",
        "en vez de",
    ],
    &["pero", "sino", "aunque", "sin embargo"],
);

const ITALIAN: Words = spaced(
    Algorithm::Italian,
    &[
        "il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una", "di", "del", "della", "e",
        "o", "a", "al", "in", "con", "per", "su", "è", "sono", "si", "che",
    ],
    &[
        "non",
        "mai",
        "senza",
        "nessun",
        "nessuno",
        "nessuna",
        "né",
        "invece di",
        "anziché",
    ],
    &["ma", "però", "tuttavia", "sebbene"],
);

const PORTUGUESE: Words = spaced(
    Algorithm::Portuguese,
    &[
        "o", "a", "os", "as", "um", "uma", "de", "do", "da", "dos", "das", "e", "ou", "em", "no",
        "na", "com", "por", "para", "é", "são", "se", "que",
    ],
    &[
        "não",
        "nunca",
        "jamais",
        "sem",
        "nenhum",
        "nenhuma",
        "nem",
        "em vez de",
        "ao invés de",
    ],
    &["mas", "porém", "contudo", "embora"],
);

const DUTCH: Words = spaced(
    Algorithm::Dutch,
    &[
        "de", "het", "een", "en", "of", "van", "in", "op", "te", "voor", "met", "is", "zijn",
        "wordt", "worden", "we", "wij", "je", "dat", "die",
    ],
    &["niet", "geen", "nooit", "zonder", "noch", "in plaats van"],
    &["maar", "echter", "hoewel"],
);

const SWEDISH: Words = spaced(
    Algorithm::Swedish,
    &[
        "en", "ett", "och", "eller", "att", "i", "på", "av", "för", "med", "till", "är", "som",
        "det", "den", "de", "vi",
    ],
    &["inte", "ej", "aldrig", "utan", "ingen", "inget", "inga"],
    &["men", "dock", "fast"],
);

const DANISH: Words = spaced(
    Algorithm::Danish,
    &[
        "en", "et", "og", "eller", "at", "i", "på", "af", "for", "med", "til", "er", "som", "det",
        "den", "de", "vi",
    ],
    &["ikke", "aldrig", "uden", "ingen", "intet"],
    &["men", "dog", "selvom"],
);

const NORWEGIAN: Words = spaced(
    Algorithm::Norwegian,
    &[
        "en", "et", "ei", "og", "eller", "å", "i", "på", "av", "for", "med", "til", "er", "som",
        "det", "den", "de", "vi",
    ],
    &["ikke", "aldri", "uten", "ingen", "intet"],
    &["men", "dog", "selv om"],
);

const FINNISH: Words = spaced(
    Algorithm::Finnish,
    &["ja", "tai", "on", "ovat", "se", "ne", "että", "kun"],
    &[
        "ei", "en", "et", "emme", "ette", "eivät", "ilman", "koskaan",
    ],
    &["mutta", "vaikka", "kuitenkin"],
);

const RUSSIAN: Words = spaced(
    Algorithm::Russian,
    &[
        "и", "или", "в", "во", "на", "с", "со", "к", "по", "для", "из", "от", "это", "что", "мы",
    ],
    &["не", "нет", "никогда", "без", "ни", "вместо"],
    &["но", "однако", "хотя"],
);

const TURKISH: Words = spaced(
    Algorithm::Turkish,
    &["ve", "veya", "ile", "bir", "bu", "şu", "da", "de", "için"],
    &["değil", "yok", "asla", "hiç", "olmadan", "yerine"],
    &["ama", "fakat", "ancak"],
);

const HUNGARIAN: Words = spaced(
    Algorithm::Hungarian,
    &["a", "az", "egy", "és", "vagy", "hogy", "is", "van", "mi"],
    &["nem", "ne", "soha", "sosem", "nélkül", "nincs", "helyett"],
    &["de", "azonban", "bár"],
);

const ROMANIAN: Words = spaced(
    Algorithm::Romanian,
    &[
        "un", "o", "și", "sau", "de", "la", "în", "pe", "cu", "pentru", "este", "sunt", "că",
    ],
    &["nu", "niciodată", "fără", "nici", "în loc de"],
    &["dar", "însă", "deși"],
);

const GREEK: Words = spaced(
    Algorithm::Greek,
    &[
        "ο",
        "η",
        "το",
        "οι",
        "τα",
        "ένα",
        "μια",
        "και",
        "ή",
        "σε",
        "με",
        "για",
        "από",
        "είναι",
    ],
    &["δεν", "μην", "μη", "ποτέ", "χωρίς", "όχι", "αντί"],
    &["αλλά", "όμως", "αν και"],
);

const ARABIC: Words = spaced(
    Algorithm::Arabic,
    &[
        "في", "من", "على", "إلى", "و", "أو", "عن", "مع", "هذا", "هذه",
    ],
    &["لا", "لم", "لن", "ليس", "بدون", "غير", "بدلا من"],
    &["لكن", "ولكن", "رغم"],
);

const TAMIL: Words = spaced(
    Algorithm::Tamil,
    &["மற்றும்", "அல்லது", "ஒரு", "இது", "அது"],
    &["இல்லை", "அல்ல", "இன்றி", "இல்லாமல்"],
    &["ஆனால்"],
);

/// Chinese: matched on substrings; cues precede what they negate.
const CHINESE: Words = Words {
    stemmer: None,
    stop: &[],
    cues: &["不", "没有", "没", "别", "无", "非", "未", "勿", "而不是"],
    pseudo: &["不仅", "不但", "不只"],
    terminators: &["但是", "但", "然而", "不过"],
    contraction: None,
    anaphora: &[],
    irregular: &[],
    recodings: &[],
    object_pronouns: &[],
    intensified: &[],
    comparable: &[],
    synonyms: &[],
    ordering: &[],
    quantifiers: &[],
    opposites: &[],
    spellings: &[],
    numbers: &[],
    respellings: &[],
};

/// Thai: matched on substrings; cues precede what they negate.
const THAI: Words = Words {
    stemmer: None,
    stop: &[],
    cues: &["ไม่", "ไม่เคย", "อย่า", "แทนที่จะ", "โดยไม่"],
    pseudo: &["ไม่เพียง"],
    terminators: &["แต่"],
    contraction: None,
    anaphora: &[],
    irregular: &[],
    recodings: &[],
    object_pronouns: &[],
    intensified: &[],
    comparable: &[],
    synonyms: &[],
    ordering: &[],
    quantifiers: &[],
    opposites: &[],
    spellings: &[],
    numbers: &[],
    respellings: &[],
};

/// Japanese and Korean negate with a suffix on the verb, which a forward scope cannot find: no
/// negation is detected there (docs/lint.md says so).
const NO_CUES: Words = Words {
    stemmer: None,
    stop: &[],
    cues: &[],
    pseudo: &[],
    terminators: &[],
    contraction: None,
    anaphora: &[],
    irregular: &[],
    recodings: &[],
    object_pronouns: &[],
    intensified: &[],
    comparable: &[],
    synonyms: &[],
    ordering: &[],
    quantifiers: &[],
    opposites: &[],
    spellings: &[],
    numbers: &[],
    respellings: &[],
};
