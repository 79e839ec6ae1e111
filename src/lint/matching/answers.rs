//! What the matcher found in each answer, computed in one pass and kept as small plain data: an
//! answer's index is dropped as soon as its item's patterns are searched, so checking 100,000
//! items holds one index at a time, not 100,000.

use std::collections::HashMap;
use std::ops::Range;

use regex::Regex;

use super::{Found, Judgement, Lexicon, Matcher, Query, Scope};
use crate::lint::settings::ProjectRule;
use crate::model::{Item, Lesson, PatternKind};

/// The matches of one answer.
#[derive(Debug, Default)]
pub struct AnswerMatches {
    /// The answer's sentences (plain-text ranges), for explanations.
    pub sentences: Vec<Range<usize>>,
    /// One judgement per `must:` entry of the item, in order.
    pub points: Vec<Judgement>,
    /// Per `must:` entry: the index of a case-sensitive regex alternative whose `(?i)` variant
    /// would have made the point (only for points not made).
    pub case_hints: Vec<Option<usize>>,
    /// Every other alternative searched (`avoid`, `unless`, project rules), by source and scope.
    found: Vec<(String, Scope, Vec<Found>)>,
}

impl AnswerMatches {
    /// Where the alternative written `source` was found in `scope` (negated places included).
    pub fn found(&self, source: &str, scope: Scope) -> &[Found] {
        self.found
            .iter()
            .find(|(known, searched, _)| known == source && *searched == scope)
            .map_or(&[], |(_, _, found)| found.as_slice())
    }

    /// Whether the alternative written `source` is found in `scope` outside any negation.
    pub fn is_made(&self, source: &str, scope: Scope) -> bool {
        self.found(source, scope)
            .iter()
            .any(|found| found.negated_by.is_none())
    }
}

/// `(?i)` variants of case-sensitive regexes, each compiled once per run, and only for regexes
/// of points that were missed.
#[derive(Default)]
pub struct CaseVariants {
    compiled: HashMap<String, Option<Regex>>,
}

impl CaseVariants {
    fn variant(&mut self, source: &str) -> Option<&Regex> {
        self.compiled
            .entry(source.to_owned())
            .or_insert_with(|| {
                let body = &source[1..source.len() - 1];
                crate::parse::build_regex(&format!("(?i){body}")).ok()
            })
            .as_ref()
    }
}

impl Matcher {
    /// How many keys and words its caches hold (interned keys, stems and compounds
    /// remembered), for `lint::Workbench`.
    pub fn cached(&self) -> usize {
        self.interner.numbered() + self.lexicons.values().map(Lexicon::cached).sum::<usize>()
    }

    /// How many compiled phrases it holds.
    pub fn phrases_held(&self) -> usize {
        self.phrases.values().map(|phrases| phrases.len()).sum()
    }

    /// Drops every compiled phrase (they are compiled again when next prepared): the keys they
    /// were given keep their numbers.
    pub fn forget_phrases(&mut self) {
        self.phrases.clear();
    }

    /// Searches every alternative that applies to an item (its `must`, `avoid` and `unless`
    /// entries, and the project rules in scope) in its answer's plain text.
    pub fn answer_matches(
        &mut self,
        lesson: &Lesson,
        item: &Item,
        text: &str,
        rules: &[ProjectRule],
        variants: &mut CaseVariants,
    ) -> AnswerMatches {
        let lang = lesson.lang.as_str();
        let card = &item.card;
        let mut others: Vec<Query<'_>> = Vec::new();
        for flag in &card.avoid {
            others.extend(flag.patterns.iter().map(|p| Query::from(p).as_flag()));
            others.extend(flag.unless.iter().map(Query::from));
        }
        for rule in rules.iter().filter(|rule| rule.applies_to(lesson, item)) {
            others.extend(rule.first.iter().map(|p| Query::from(p).as_flag()));
            others.extend(rule.second.iter().map(Query::from));
        }
        let mut matches = AnswerMatches::default();
        if card.must.is_empty() && others.is_empty() {
            return matches; // Nothing to look for: the answer is not even reduced.
        }
        // Phrases first: the answer is indexed for the words they look up only.
        let (mut keys, mut word_keys) = (Vec::new(), Vec::new());
        for query in card
            .must
            .iter()
            .flat_map(|point| &point.patterns)
            .map(Query::from)
            .chain(others.iter().copied())
        {
            self.prepare(lang, query);
            if let Some(phrase) = self.phrase(lang, query.source) {
                phrase.keys(&mut keys);
                phrase.word_keys(&mut word_keys);
            }
        }
        let doc = self.doc_for(lang, text, keys, word_keys);
        for point in &card.must {
            let queries: Vec<Query<'_>> = point.patterns.iter().map(Query::from).collect();
            let judgement = self.judge(lang, &queries, &doc, text);
            let hint = if judgement.made.is_none() {
                point.patterns.iter().position(|pattern| {
                    pattern.kind == PatternKind::Regex
                        && !pattern.source.contains("(?i")
                        && variants.variant(&pattern.source).is_some_and(|regex| {
                            let query = Query {
                                source: &pattern.source,
                                kind: PatternKind::Regex,
                                regex: Some(regex),
                                scope: Scope::Point,
                            };
                            self.is_made(lang, query, &doc, text)
                        })
                })
            } else {
                None
            };
            matches.points.push(judgement);
            matches.case_hints.push(hint);
        }
        for query in others {
            if matches
                .found
                .iter()
                .all(|(known, scope, _)| known != query.source || *scope != query.scope)
            {
                let found = self.find(lang, query, &doc, text);
                matches
                    .found
                    .push((query.source.to_owned(), query.scope, found));
            }
        }
        matches.sentences = doc.sentences;
        matches
    }
}
