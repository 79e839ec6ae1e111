//! Deck names as Anki keeps them (S020). Anki renames an imported deck rather than refuse it,
//! so a name it would change is an error here, before any card lands in a deck nobody named.
//! Found with the real Anki backend (tests/cli/apkg.rs): `Default` becomes `Default_` (the
//! built-in deck has that name), `math` beside `Math` becomes `math_` (deck names are unique
//! case-insensitively, at every level), and each level is trimmed of whitespace. Control
//! characters are S019's (`crate::parse`).

use std::collections::HashMap;

use crate::codes;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::Course;

/// Anki's built-in deck (id 1), which every collection has.
const BUILT_IN: &str = "Default";

/// Every deck name of the course that Anki would not keep as written.
pub fn check(course: &Course) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // Case-folded deck path -> (spelling, where first written).
    let mut seen: HashMap<String, (String, Span)> = HashMap::new();
    for lesson in &course.lessons {
        let deck = &lesson.deck;
        if deck.is_empty() {
            continue; // Missing: S002 was reported.
        }
        let error = |message: String, help: &str| {
            Diagnostic::new(codes::INVALID_DECK_NAME, lesson.deck_span.clone(), message)
                .with_help(help.to_owned())
        };
        let levels: Vec<&str> = deck.split("::").collect();
        if levels.iter().any(|level| level.trim().is_empty()) {
            diagnostics.push(error(
                format!("deck `{deck}` has an empty level"),
                "Anki names an empty level `blank`: separate levels with `::`, each non-empty (`Parent::Child`)",
            ));
            continue;
        }
        if let Some(level) = levels.iter().find(|level| level.trim() != **level) {
            diagnostics.push(error(
                format!("deck `{deck}` has whitespace around its level `{level}`"),
                "Anki trims each level, so the deck would get another name: remove the spaces around `::`",
            ));
            continue;
        }
        if deck.eq_ignore_ascii_case(BUILT_IN) {
            diagnostics.push(error(
                format!("deck `{deck}` is the name of Anki's built-in deck"),
                "Anki imports a deck named `Default` as `Default_`: choose another name (a level below it, `Default::Topic`, is kept)",
            ));
            continue;
        }
        let mut path = String::new();
        for (index, level) in levels.iter().enumerate() {
            if index > 0 {
                path.push_str("::");
            }
            path.push_str(level);
            let folded = path.to_lowercase();
            match seen.get(&folded) {
                Some((spelling, first)) if *spelling != path => {
                    diagnostics.push(
                        error(
                            format!("deck `{path}` differs from deck `{spelling}` only in case"),
                            "Anki's deck names ignore case: it would import this one as a second deck with `_` appended. Spell both the same",
                        )
                        .with_related(first.clone(), "spelt this way here"),
                    );
                    break;
                }
                Some(_) => {}
                None => {
                    seen.insert(folded, (path.clone(), lesson.deck_span.clone()));
                }
            }
        }
    }
    diagnostics
}
