//! cardsmith's two note types. What Anki matches an existing note type on (its id, then its field
//! names in order and its template names and count) is frozen here and pinned by a test: changing
//! it would make Anki add a second note type on the next import and leave every imported note on
//! the old one. Template HTML and CSS live in `templates/anki/` and may change freely (Anki updates
//! them in place when the note type's `mod` is newer).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ids;
use crate::model::CardKind;
use crate::templates::Templates;

/// Whether a note type makes cards from templates or from `{{cN::...}}` deletions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotetypeKind {
    /// One card per template whose front is non-empty.
    Standard,
    /// One card per deletion number.
    Cloze,
}

/// One card template: its frozen name and the raw template files of its two sides.
#[derive(Debug, Clone, Copy)]
pub struct TemplateSpec {
    /// Frozen: shown in Anki's browser, matched on import.
    pub name: &'static str,
    /// Raw template file of the front (see [`crate::templates::RAW_DEFAULTS`]).
    pub front: &'static str,
    /// Raw template file of the back.
    pub back: &'static str,
}

/// The frozen shape of a note type.
#[derive(Debug, Clone, Copy)]
pub struct NotetypeSpec {
    /// Frozen: the note type's id is derived from it.
    pub name: &'static str,
    /// Standard or cloze.
    pub kind: NotetypeKind,
    /// Frozen: field names, in order.
    pub fields: &'static [&'static str],
    /// Frozen: template names and count.
    pub templates: &'static [TemplateSpec],
}

/// The note type of `basic` and `reverse` items. The `Reverse` field is non-empty only for
/// `reverse` items; the second template's front is empty otherwise, so Anki makes no card of it
/// (the same design as Anki's stock "Basic (optional reversed card)").
pub const STANDARD: NotetypeSpec = NotetypeSpec {
    name: "cardsmith",
    kind: NotetypeKind::Standard,
    fields: &[
        "Question", "Answer", "MustSay", "RedFlags", "Topic", "Lesson", "Id", "Reverse",
    ],
    templates: &[
        TemplateSpec {
            name: "Forward",
            front: "anki/forward-front.html",
            back: "anki/forward-back.html",
        },
        TemplateSpec {
            name: "Reverse",
            front: "anki/reverse-front.html",
            back: "anki/reverse-back.html",
        },
    ],
};

/// The note type of `cloze` items: deletions are written in the answer.
pub const CLOZE: NotetypeSpec = NotetypeSpec {
    name: "cardsmith cloze",
    kind: NotetypeKind::Cloze,
    fields: &[
        "Question", "Answer", "MustSay", "RedFlags", "Topic", "Lesson", "Id",
    ],
    templates: &[TemplateSpec {
        name: "Cloze",
        front: "anki/cloze-front.html",
        back: "anki/cloze-back.html",
    }],
};

/// Both note types, in package order.
pub const ALL: &[&NotetypeSpec] = &[&STANDARD, &CLOZE];

/// The CSS shared by both note types.
pub const STYLE: &str = "anki/style.css";

impl NotetypeSpec {
    /// The note type an item uses.
    pub fn for_kind(kind: CardKind) -> &'static NotetypeSpec {
        match kind {
            CardKind::Basic | CardKind::Reverse => &STANDARD,
            CardKind::Cloze => &CLOZE,
        }
    }

    /// Its id: [`ids::notetype_id`] of the name.
    pub fn id(&self) -> i64 {
        ids::notetype_id(self.name)
    }
}

/// A note type with the project's templates filled in.
#[derive(Debug, Clone)]
pub struct Notetype {
    /// The frozen shape.
    pub spec: &'static NotetypeSpec,
    /// `(front, back)` per template, in order.
    pub sides: Vec<(String, String)>,
    /// The CSS.
    pub css: String,
}

impl Notetype {
    /// The note type of `spec` with the templates of the project.
    pub fn load(spec: &'static NotetypeSpec, templates: &Templates) -> Notetype {
        Notetype {
            spec,
            sides: spec
                .templates
                .iter()
                .map(|template| {
                    (
                        templates.raw(template.front).to_owned(),
                        templates.raw(template.back).to_owned(),
                    )
                })
                .collect(),
            css: templates.raw(STYLE).to_owned(),
        }
    }

    /// Hash of everything Anki stores for the note type; recorded in `cardsmith.lock` so that the
    /// note type's `mod` advances exactly when its templates or CSS change.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.spec.name.as_bytes());
        for field in self.spec.fields {
            hasher.update(b"\x1f");
            hasher.update(field.as_bytes());
        }
        for (template, (front, back)) in self.spec.templates.iter().zip(&self.sides) {
            for part in [template.name, front, back] {
                hasher.update(b"\x1e");
                hasher.update(part.as_bytes());
            }
        }
        hasher.update(b"\x1d");
        hasher.update(self.css.as_bytes());
        super::hex(&hasher.finalize()[..16])
    }

    /// The note type as schema-11 JSON (`col.models` entry).
    pub fn to_json(&self, modified: i64, deck_id: i64) -> Value {
        let fields: Vec<Value> = self
            .spec
            .fields
            .iter()
            .enumerate()
            .map(|(ord, name)| {
                json!({
                    "name": name, "ord": ord, "sticky": false, "rtl": false,
                    "font": "Arial", "size": 20, "media": [],
                })
            })
            .collect();
        let templates: Vec<Value> = self
            .spec
            .templates
            .iter()
            .zip(&self.sides)
            .enumerate()
            .map(|(ord, (template, (front, back)))| {
                json!({
                    "name": template.name, "ord": ord, "qfmt": front, "afmt": back,
                    "bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0,
                })
            })
            .collect();
        // `req` (which fields a card needs) is only a hint for old clients: current Anki renders
        // the front to decide. Question (0) makes card 0; Reverse (7) makes card 1.
        let requirements = match self.spec.kind {
            NotetypeKind::Standard => json!([[0, "any", [0]], [1, "all", [7]]]),
            NotetypeKind::Cloze => json!([[0, "any", [1]]]),
        };
        json!({
            "id": self.spec.id(),
            "name": self.spec.name,
            "type": match self.spec.kind { NotetypeKind::Standard => 0, NotetypeKind::Cloze => 1 },
            "mod": modified,
            "usn": -1,
            "sortf": 0,
            "did": deck_id,
            "tmpls": templates,
            "flds": fields,
            "css": self.css,
            "latexPre": LATEX_PRE,
            "latexPost": "\\end{document}",
            "latexsvg": false,
            "req": requirements,
            "tags": [],
            "vers": [],
        })
    }
}

const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n";

#[cfg(test)]
mod tests {
    use super::*;

    /// The frozen contract with every collection that imported a cardsmith deck. If this test
    /// fails, the change would duplicate users' notes: revert it (see docs/anki.md).
    #[test]
    fn note_types_are_frozen() {
        let frozen: Vec<(i64, &str, Vec<&str>, Vec<&str>)> = ALL
            .iter()
            .map(|spec| {
                (
                    spec.id(),
                    spec.name,
                    spec.fields.to_vec(),
                    spec.templates.iter().map(|t| t.name).collect(),
                )
            })
            .collect();
        assert_eq!(
            frozen,
            vec![
                (
                    FROZEN_STANDARD_ID,
                    "cardsmith",
                    vec![
                        "Question", "Answer", "MustSay", "RedFlags", "Topic", "Lesson", "Id",
                        "Reverse"
                    ],
                    vec!["Forward", "Reverse"],
                ),
                (
                    FROZEN_CLOZE_ID,
                    "cardsmith cloze",
                    vec![
                        "Question", "Answer", "MustSay", "RedFlags", "Topic", "Lesson", "Id"
                    ],
                    vec!["Cloze"],
                ),
            ]
        );
    }

    const FROZEN_STANDARD_ID: i64 = 1_543_691_441_196_562;
    const FROZEN_CLOZE_ID: i64 = 3_832_151_993_378_511;

    #[test]
    fn embedded_templates_name_only_existing_fields() {
        let templates = Templates::embedded();
        for spec in ALL {
            let notetype = Notetype::load(spec, &templates);
            for (front, back) in &notetype.sides {
                for side in [front, back] {
                    for reference in side.split("{{").skip(1) {
                        let name = reference.split("}}").next().unwrap_or_default();
                        let name = name.trim_start_matches(['#', '^', '/']);
                        let name = name.rsplit(':').next().unwrap_or(name);
                        assert!(
                            name == "FrontSide" || spec.fields.contains(&name),
                            "{}: unknown field `{name}`",
                            spec.name
                        );
                    }
                }
            }
        }
    }
}
