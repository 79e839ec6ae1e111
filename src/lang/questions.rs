//! How a question is asked in each language, for the card-quality rules Q005 (`yes-no-question`)
//! and Q007 (`not-a-question`): which openers make a yes/no question, which imperatives make a
//! prompt, and which characters end a question.
//!
//! A language without a table here is not judged by the rule that needs it: a word list made for
//! English flags `Was ist ...?` ("what is") in German as a yes/no question. Adding a language is
//! a row in [`YES_NO_OPENERS`] or [`PROMPT_VERBS`], documented in `docs/lint.md`.

/// Question marks of every script: `?`, the fullwidth `？` (Chinese, Japanese), the Arabic `؟`,
/// the Greek `;` (U+037E), the Armenian `՞` and the Ethiopic `፧`. A heading holding one asks a
/// question whatever `lang:` says.
pub const QUESTION_MARKS: &[char] = &['?', '？', '؟', '\u{37e}', '՞', '፧', '⸮', '¿', '﹖'];

/// Per language, the openers (lowercase words, as [`crate::lint::text::words`] splits them) that
/// make a question answerable with yes or no when no alternative (`A or B`) follows.
///
/// English and German mark a yes/no question by putting the verb first; Dutch too. French uses
/// `est-ce que` or a verb-subject inversion (`peut-on`). Spanish, Italian and Portuguese mark it
/// by intonation alone (`¿Es Parquet columnar?` and `¿Qué es Parquet?` start alike in no way the
/// rule can see), so they have no row and Q005 skips them.
pub const YES_NO_OPENERS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "is",
            "are",
            "was",
            "were",
            "am",
            "do",
            "does",
            "did",
            "can",
            "could",
            "should",
            "would",
            "will",
            "shall",
            "may",
            "might",
            "must",
            "has",
            "have",
            "had",
            "isn't",
            "aren't",
            "doesn't",
            "don't",
            "can't",
            "shouldn't",
            "won't",
        ],
    ),
    (
        "de",
        &[
            "ist", "sind", "bin", "bist", "seid", "war", "waren", "warst", "hat", "haben", "hast",
            "habt", "hatte", "hatten", "kann", "können", "kannst", "könnte", "könnten", "soll",
            "sollen", "sollte", "sollten", "muss", "müssen", "musst", "darf", "dürfen", "wird",
            "werden", "wirst", "würde", "würden", "gibt", "gab", "mag", "will", "wollen", "stimmt",
            "lohnt", "reicht",
        ],
    ),
    (
        "nl",
        &[
            "is", "zijn", "ben", "was", "waren", "heeft", "hebben", "had", "hadden", "kan",
            "kunnen", "kon", "konden", "moet", "moeten", "mag", "mogen", "wil", "willen", "zal",
            "zullen", "zou", "zouden", "wordt", "worden", "bestaat",
        ],
    ),
    (
        "fr",
        &[
            // `est-ce que`, `est-il`, `peut-on`, `y a-t-il`: words splits at the hyphen, and
            // `qu'est-ce que` (what) starts with `qu'est`, which is no opener.
            "est", "sont", "peut", "peuvent", "faut", "doit", "doivent", "existe", "y", "a", "ont",
            "avez", "pouvez", "devez", "êtes",
        ],
    ),
];

/// Per language, the imperatives (lowercase) that make a heading without a question mark a
/// prompt (`Explain ...`, `Erkläre ...`). A language without a row gets no Q007 for a heading
/// without a question mark: its prompts cannot be told from topics.
pub const PROMPT_VERBS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "explain",
            "describe",
            "define",
            "name",
            "list",
            "compare",
            "contrast",
            "give",
            "state",
            "outline",
            "summarize",
            "summarise",
            "walk",
            "design",
            "estimate",
            "sketch",
            "show",
            "tell",
            "identify",
            "justify",
        ],
    ),
    (
        "de",
        &[
            "erkläre",
            "erklären",
            "erklärt",
            "erläutere",
            "erläutern",
            "beschreibe",
            "beschreiben",
            "definiere",
            "definieren",
            "nenne",
            "nennen",
            "liste",
            "vergleiche",
            "vergleichen",
            "gib",
            "geben",
            "skizziere",
            "skizzieren",
            "begründe",
            "begründen",
            "zeige",
            "zeigen",
            "schätze",
            "schätzen",
            "entwirf",
            "entwerfen",
            "fasse",
            "fassen",
            "zähle",
            "zählen",
            "bestimme",
            "bestimmen",
            "unterscheide",
            "unterscheiden",
        ],
    ),
    (
        "nl",
        &[
            "leg",
            "beschrijf",
            "definieer",
            "noem",
            "vergelijk",
            "geef",
            "schets",
            "toon",
            "verklaar",
            "som",
            "vat",
        ],
    ),
    (
        "fr",
        &[
            "expliquez",
            "explique",
            "décrivez",
            "décris",
            "définissez",
            "définis",
            "nommez",
            "citez",
            "cite",
            "comparez",
            "compare",
            "donnez",
            "donne",
            "énumérez",
            "listez",
            "justifiez",
            "montrez",
            "résumez",
            "résume",
            "esquissez",
            "estimez",
        ],
    ),
    (
        "es",
        &[
            "explica",
            "explique",
            "describe",
            "describa",
            "define",
            "defina",
            "nombra",
            "nombre",
            "enumera",
            "enumere",
            "compara",
            "compare",
            "da",
            "dé",
            "justifica",
            "justifique",
            "resume",
            "resuma",
            "muestra",
            "muestre",
            "estima",
            "estime",
        ],
    ),
    (
        "it",
        &[
            "spiega",
            "spieghi",
            "descrivi",
            "descriva",
            "definisci",
            "definisca",
            "elenca",
            "elenchi",
            "confronta",
            "confronti",
            "dai",
            "indica",
            "indichi",
            "giustifica",
            "riassumi",
            "mostra",
            "stima",
        ],
    ),
    (
        "pt",
        &[
            "explique",
            "explica",
            "descreva",
            "descreve",
            "defina",
            "define",
            "cite",
            "liste",
            "compare",
            "compara",
            "dê",
            "justifique",
            "resuma",
            "mostre",
            "estime",
            "indique",
        ],
    ),
];

/// The yes/no openers of a lesson language (`Lesson::lang`), if it has them.
pub fn yes_no_openers(lang: &str) -> Option<&'static [&'static str]> {
    row(YES_NO_OPENERS, lang)
}

/// The prompt imperatives of a lesson language, if it has them.
pub fn prompt_verbs(lang: &str) -> Option<&'static [&'static str]> {
    row(PROMPT_VERBS, lang)
}

/// The words that offer an alternative (`A or B`) in a lesson language, and the word that after
/// one makes no alternative (`or not`).
pub fn alternative(lang: &str) -> Option<(&'static str, &'static str)> {
    match super::of(lang).code {
        "en" => Some(("or", "not")),
        "de" => Some(("oder", "nicht")),
        "nl" => Some(("of", "niet")),
        "fr" => Some(("ou", "pas")),
        _ => None,
    }
}

/// Whether `text` holds a question mark of any script.
pub fn has_question_mark(text: &str) -> bool {
    text.contains(QUESTION_MARKS)
}

fn row(
    table: &'static [(&'static str, &'static [&'static str])],
    lang: &str,
) -> Option<&'static [&'static str]> {
    let code = super::of(lang).code;
    table
        .iter()
        .find(|(row, _)| *row == code)
        .map(|(_, words)| *words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_a_known_language_and_lowercase() {
        for (code, words) in YES_NO_OPENERS.iter().chain(PROMPT_VERBS) {
            assert_eq!(super::super::lookup(code).map(|l| l.code), Some(*code));
            for word in *words {
                assert_eq!(word.to_lowercase(), *word, "{code}: {word}");
            }
        }
        for (code, _) in YES_NO_OPENERS {
            assert!(alternative(code).is_some(), "{code} has openers, not `or`");
        }
    }

    #[test]
    fn question_marks_of_other_scripts_count() {
        assert!(has_question_mark("キャッシュとは何ですか？"));
        assert!(has_question_mark("ما هو التخزين المؤقت؟"));
        assert!(has_question_mark("Τι είναι η κρυφή μνήμη\u{37e}"));
        assert!(!has_question_mark("Parquet"));
        assert_eq!(
            yes_no_openers("de-AT").map(|w| w.contains(&"ist")),
            Some(true)
        );
        assert_eq!(yes_no_openers("es"), None);
    }
}
