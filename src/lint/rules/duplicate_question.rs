//! Q006 `duplicate-question` (the doc comment below is what `cardsmith rule Q006` prints).

mod join;
mod question;

use std::sync::Mutex;

use foldhash::HashMap;
use rayon::prelude::*;

use crate::cache::netstring::{Reader, Writer};
use crate::diagnostic::Diagnostic;
use crate::lint::Context;
use crate::model::{Item, Lesson};
use crate::rule::declare_rule;

use question::{Reduced, Reducer};

declare_rule! {
    /// ## What it does
    /// Flags a question that duplicates an earlier one anywhere in the project, or nearly does.
    /// Each question is reduced to the keys of its content words, as the matcher reduces an
    /// answer (stop words dropped, stems in the lesson's language, synonym groups merged), and
    /// its first question word (`how`, `why`, `when`, ...). Questions with the same keys in the
    /// same order are duplicates; questions whose sets of keys are at least
    /// `near-duplicate-similarity` alike (Jaccard: the keys they share over all the keys of the
    /// two; 0.75 by default) are near-duplicates, unless one is negated and the other not, or
    /// they compare in opposite directions (`Parquet over Avro`, `Avro over Parquet`).
    ///
    /// ## Why is this bad?
    /// Two cards for one question split the reviews of one memory between them, and when their
    /// answers differ, each review teaches the other card's answer wrong.
    ///
    /// ## Example
    /// ```markdown
    /// ### Why is Parquet faster than CSV for analytical queries? {#why-parquet}
    /// ### Why are Parquet files faster than CSV files for analytical queries? {#parquet-fast}
    /// ```
    /// Use instead: merge them into one item, or ask each about a different thing.
    pub DuplicateQuestion, code = "Q006", name = "duplicate-question", severity = Warning,
}

/// Near-duplicates are judged on the first this many keys of each question, so that a question
/// of thousands of words costs no more than a long one (a question this long is far past any
/// card's; duplicates are still judged on every key).
const COMPARED_KEYS: usize = 32;

/// What one question repeats: the first earlier question it duplicates (`similarity` 1) or
/// nearly duplicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Repeat {
    /// Index of the earlier question.
    pub earlier: usize,
    /// The share of keys the two have in common (1 for a duplicate).
    pub similarity: f64,
    /// The two reduce alike.
    pub exact: bool,
}

/// For each question (`(lesson language, question)`, in project order), the first earlier one
/// it duplicates or nearly duplicates at `threshold` (what [`check`] finds, for the tests).
#[cfg(test)]
pub(crate) fn repeats(
    questions: &[(&str, &str)],
    threshold: f64,
    reducer: &mut Reducer,
) -> Vec<Option<Repeat>> {
    let reduced = questions
        .iter()
        .map(|(lang, question)| reducer.reduce(lang, question))
        .collect();
    repeats_of(reduced, threshold)
}

/// [`repeats`] of questions already reduced (`None`: no content word), keys numbered by one
/// reducer.
fn repeats_of(reduced: Vec<Option<Reduced>>, threshold: f64) -> Vec<Option<Repeat>> {
    // Distinct reductions in order of first sight, and which one each question is.
    let mut distinct: Vec<Reduced> = Vec::new();
    let mut first_seen: Vec<usize> = Vec::new();
    let mut by_reduced: HashMap<Reduced, usize> = HashMap::default();
    let mut which: Vec<Option<usize>> = Vec::with_capacity(reduced.len());
    for (index, reduced) in reduced.into_iter().enumerate() {
        let Some(reduced) = reduced else {
            which.push(None);
            continue;
        };
        let next = distinct.len();
        let record = *by_reduced.entry(reduced.clone()).or_insert(next);
        if record == next {
            distinct.push(reduced);
            first_seen.push(index);
        }
        which.push(Some(record));
    }
    let sets: Vec<Vec<u32>> = distinct
        .iter()
        .map(|reduced| reduced.keys.iter().take(COMPARED_KEYS).copied().collect())
        .collect();
    let near = join::first_similar(&sets, threshold, |later, earlier| {
        alike(&distinct[later], &distinct[earlier])
    });
    which
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let record = (*record)?;
            if first_seen[record] != index {
                return Some(Repeat {
                    earlier: first_seen[record],
                    similarity: 1.0,
                    exact: true,
                });
            }
            near[record].map(|found| Repeat {
                earlier: first_seen[found.earlier],
                similarity: found.similarity,
                exact: false,
            })
        })
        .collect()
}

/// Each lesson's questions as Q006 reduced them, kept from one build to the next by the build
/// cache (a part of each lesson's check results, see `crate::cache`): reducing every question
/// of the project was most of Q006's time, and a lesson that did not change is not reduced
/// again. Its verdicts are made afresh over every question, as without it. A key is kept as its
/// text (a stem, a synonym group's key or a question word), so that it reads back into any
/// run's numbering: the verdicts depend on which keys are equal, never on their numbers.
#[derive(Debug, Default)]
pub struct KeptQuestions {
    /// By lesson index, what an earlier build kept, until the rule takes it.
    kept: Mutex<HashMap<usize, String>>,
    /// By lesson index, what this run reduced, to keep.
    made: Mutex<Vec<(usize, String)>>,
}

impl KeptQuestions {
    /// What an earlier build kept for the lessons at these indexes.
    pub fn new(kept: impl IntoIterator<Item = (usize, String)>) -> KeptQuestions {
        KeptQuestions {
            kept: Mutex::new(kept.into_iter().collect()),
            made: Mutex::default(),
        }
    }

    /// What the rule reduced in this run (the lessons it had nothing kept for), by lesson index.
    pub fn take_made(&self) -> Vec<(usize, String)> {
        std::mem::take(&mut *self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn take_kept(&self, lesson: usize) -> Option<String> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&lesson)
    }

    fn put_made(&self, lesson: usize, text: String) {
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((lesson, text));
    }
}

/// The text [`KeptQuestions`] keeps for the questions of one lesson in the language `lang`,
/// each with what it reduced to: the language and each question's own text are kept too, so
/// that a reduction is only ever read back for the very question it was made from. `None` when
/// a key has no text (not one of `reducer`'s).
fn to_text(lang: &str, questions: &[(&str, Option<Reduced>)], reducer: &Reducer) -> Option<String> {
    let mut text = String::new();
    let mut writer = Writer(&mut text);
    writer.string(lang);
    writer.number(questions.len());
    for (question, reduced) in questions {
        writer.string(question);
        let Some(reduced) = reduced else {
            writer.number(0);
            continue;
        };
        writer.number(1);
        writer.number(reduced.keys.len());
        for &key in &reduced.keys {
            writer.string(reducer.key(key)?);
        }
        writer.number(usize::from(reduced.negated));
        writer.number(reduced.compared.len());
        for &(marker, key) in &reduced.compared {
            writer.number(marker);
            writer.string(reducer.key(key)?);
        }
    }
    Some(text)
}

/// What [`to_text`] wrote for exactly these `questions` in the language `lang`, the keys
/// numbered by `reducer`; `None` for any other text.
fn from_text(
    text: &str,
    lang: &str,
    questions: &[&str],
    reducer: &mut Reducer,
) -> Option<Vec<Option<Reduced>>> {
    let mut reader = Reader(text);
    if reader.str()? != lang || reader.number()? != questions.len() {
        return None;
    }
    let mut reduced = Vec::with_capacity(questions.len());
    for question in questions {
        if reader.str()? != *question {
            return None;
        }
        if reader.number()? == 0 {
            reduced.push(None);
            continue;
        }
        let keys = (0..reader.number()?)
            .map(|_| Some(reducer.intern(reader.str()?)))
            .collect::<Option<Vec<u32>>>()?;
        let negated = match reader.number()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let compared = (0..reader.number()?)
            .map(|_| Some((reader.number()?, reducer.intern(reader.str()?))))
            .collect::<Option<Vec<(usize, u32)>>>()?;
        reduced.push(Some(Reduced {
            keys,
            negated,
            compared,
        }));
    }
    reader.is_done().then_some(reduced)
}

/// Every question of `context`'s items reduced, in order: each lesson's from `kept` when an
/// earlier build kept it, else reduced now (and left in `kept` for the next build).
///
/// The lessons are reduced side by side on rayon's threads, in runs of neighbours, each run
/// with a reducer of its own; the keys are then numbered by `reducer` run after run, in each
/// run's order of first sight, which is the numbering one reducer going through every question
/// in order gives.
fn reduce_all(
    context: &Context<'_>,
    reducer: &mut Reducer,
    kept: Option<&KeptQuestions>,
) -> Vec<Option<Reduced>> {
    let items: Vec<(&Lesson, &Item)> = context.items().map(|(lesson, item, _)| (lesson, item)).collect();
    let lessons = &context.course.lessons;
    // Each lesson's run of items, with the lesson's index when it is found.
    let mut runs: Vec<(LessonRun<'_, '_>, Option<usize>)> = Vec::new();
    // Where the search for the next lesson's index starts: items come lesson by lesson, in order.
    let mut from = 0;
    for run in items.chunk_by(|a, b| std::ptr::eq(a.0, b.0)) {
        let lesson = run[0].0;
        let index = (from..lessons.len())
            .chain(0..from)
            .find(|&index| std::ptr::eq(&lessons[index], lesson));
        if let Some(index) = index {
            from = index + 1;
        }
        runs.push((run, index));
    }
    let per_group = runs
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    let (synonyms, builtin_synonyms) = reducer.settings();
    let groups: Vec<Group> = runs
        .par_chunks(per_group)
        .map(|group| {
            // A reducer's numbering is not `Send`: the group's keys leave it as text.
            let mut local = Reducer::new(synonyms.to_vec(), builtin_synonyms);
            let mut reduced = Vec::new();
            let mut made = Vec::new();
            for &(run, index) in group {
                reduce_run(run, index, &mut local, kept, &mut reduced, &mut made);
            }
            Group {
                reduced,
                keys: local.keys().map(str::to_owned).collect(),
                made,
            }
        })
        .collect();
    let mut all = Vec::with_capacity(items.len());
    for group in groups {
        let ids: Vec<u32> = group.keys.iter().map(|key| reducer.intern(key)).collect();
        // Every key of a group's questions is one of its reducer's numbers.
        let renumber = |key: &mut u32| *key = ids.get(*key as usize).copied().unwrap_or(*key);
        all.extend(group.reduced.into_iter().map(|reduced| {
            reduced.map(|mut reduced| {
                reduced.keys.iter_mut().for_each(renumber);
                reduced
                    .compared
                    .iter_mut()
                    .for_each(|(_, key)| renumber(key));
                reduced
            })
        }));
        if let Some(kept) = kept {
            for (index, text) in group.made {
                kept.put_made(index, text);
            }
        }
    }
    all
}

/// One lesson's items, in order.
type LessonRun<'r, 'c> = &'r [(&'c Lesson, &'c Item)];

/// What one thread reduced of a run of lessons: the questions (numbered in its own reducer),
/// that reducer's keys in the order of their numbers, and the lessons' texts for `kept`.
struct Group {
    reduced: Vec<Option<Reduced>>,
    keys: Vec<String>,
    made: Vec<(usize, String)>,
}

/// The questions of one lesson's `run` of items (the lesson at `index`) reduced into `reduced`,
/// taken from `kept` when it holds them; what it should keep for the next build into `made`.
fn reduce_run(
    run: LessonRun<'_, '_>,
    index: Option<usize>,
    reducer: &mut Reducer,
    kept: Option<&KeptQuestions>,
    reduced: &mut Vec<Option<Reduced>>,
    made: &mut Vec<(usize, String)>,
) {
    let lesson = run[0].0;
    let whole = run.len() == lesson.items.len();
    let memo = kept.zip(index).filter(|_| whole);
    let questions: Vec<&str> = run.iter().map(|(_, item)| item.question.as_str()).collect();
    if let Some((kept, index)) = memo
        && let Some(text) = kept.take_kept(index)
        && let Some(found) = from_text(&text, &lesson.lang, &questions, reducer)
    {
        reduced.extend(found);
        return;
    }
    let found: Vec<(&str, Option<Reduced>)> = questions
        .iter()
        .map(|question| (*question, reducer.reduce(&lesson.lang, question)))
        .collect();
    if let Some((_, index)) = memo
        && let Some(text) = to_text(&lesson.lang, &found, reducer)
    {
        made.push((index, text));
    }
    reduced.extend(found.into_iter().map(|(_, reduced)| reduced));
}

/// Whether two questions with keys enough in common ask the same: both negated or neither, and
/// every term both compare (`than`, `instead of`, `from` … `to`) the same.
fn alike(a: &Reduced, b: &Reduced) -> bool {
    a.negated == b.negated
        && a.compared.iter().all(|(marker, key)| {
            b.compared
                .iter()
                .all(|(other, other_key)| other != marker || other_key == key)
        })
}

/// One diagnostic per later question, pointing back at the first one it resembles.
pub(crate) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let settings = context.settings;
    let mut reducer = Reducer::new(settings.synonym_groups(), settings.builtin_synonyms());
    let items: Vec<&Item> = context.items().map(|(_, item, _)| item).collect();
    let reduced = reduce_all(context, &mut reducer, context.kept_questions);
    let found = repeats_of(reduced, settings.config.near_duplicate_similarity);
    for (item, repeat) in items.iter().zip(found) {
        let Some(repeat) = repeat else { continue };
        let first = items[repeat.earlier];
        let message = if repeat.exact {
            format!("question duplicates `{}`", first.id)
        } else {
            format!(
                "question nearly duplicates `{}` ({:.0}% alike)",
                first.id,
                repeat.similarity * 100.0
            )
        };
        out.push(
            context
                .diagnostic(
                    &DuplicateQuestion::META,
                    item.question_span.clone(),
                    message,
                    Some(item),
                )
                .with_label("asked again here")
                .with_related(first.question_span.clone(), "first asked here")
                .with_help("merge the two items, or make each ask about something different"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::question::Reducer;
    use super::{KeptQuestions, repeats};
    use crate::lint::{Context, Settings};
    use crate::model::{Course, SourceFile};

    /// Lessons asking one another's questions again, exactly, nearly, negated and compared the
    /// other way round, in two languages.
    fn course() -> Course {
        let lesson = |id: &str, lang: &str, questions: &[&str]| SourceFile {
            path: format!("{id}.md").into(),
            text: format!(
                "---\nid: {id}\ntitle: T\ndeck: D\nlang: {lang}\n---\n\n## Topic\n\n{}",
                questions
                    .iter()
                    .enumerate()
                    .map(|(at, question)| format!("### {question} {{#{id}-{at}}}\n\nAn answer.\n\n"))
                    .collect::<String>()
            ),
        };
        let files = vec![
            lesson("a", "en", &["Why is Parquet faster than CSV?", "How does Kafka rebalance?", "What?"]),
            lesson("b", "en", &["Why is CSV faster than Parquet?", "How does Kafka rebalance consumers?"]),
            lesson("c", "en", &["Why is Parquet not faster than CSV?", "How does the Kafka rebalance work?"]),
            lesson("d", "fr", &["Pourquoi l'index est-il lent ?", "Pourquoi les index sont-ils lents ?"]),
            lesson("e", "en", &["Why is Parquet faster than CSV?", "Does Kafka rebalance?"]),
        ];
        let (course, _) = crate::parse::parse_course(files);
        assert_eq!(course.lessons.len(), 5);
        course
    }

    /// What Q006 reports on `course` with `kept` questions, and what it left to keep.
    fn run(course: &Course, kept: Option<KeptQuestions>) -> (String, Vec<(usize, String)>) {
        let mut settings = Settings::default();
        settings.config.near_duplicate_similarity = 0.5;
        let items = course.items().collect();
        let context = Context::questions_only(course, &settings, items, kept.as_ref());
        let mut found = Vec::new();
        super::check(&context, &mut found);
        let made = kept.map(|kept| kept.take_made()).unwrap_or_default();
        (format!("{found:?}"), made)
    }

    #[test]
    fn kept_questions_give_the_verdicts_of_questions_reduced_afresh() {
        let course = course();
        let (afresh, _) = run(&course, None);
        assert!(afresh.matches("Q006").count() >= 4, "{afresh}");
        let (first, made) = run(&course, Some(KeptQuestions::default()));
        assert_eq!(first, afresh);
        assert_eq!(made.len(), 5, "every lesson reduced and left to keep");
        let (all_kept, none_made) = run(&course, Some(KeptQuestions::new(made.clone())));
        assert_eq!(all_kept, afresh, "every lesson kept");
        assert!(none_made.is_empty(), "nothing reduced again: {none_made:?}");
        for skip in 0..5 {
            let some = made.iter().filter(|(index, _)| *index != skip).cloned();
            let (partly, again) = run(&course, Some(KeptQuestions::new(some)));
            assert_eq!(partly, afresh, "lesson {skip} reduced again");
            assert_eq!(again.len(), 1);
        }
        // Damaged, cut, of another lesson (of as many questions): reduced again, the verdicts
        // unchanged.
        let damaged = made.iter().map(|(index, text)| {
            let text = match index {
                0 => text.replacen("3,", "7,", 1),
                1 => text[..text.len() - 1].to_owned(),
                2 => made[4].1.clone(),
                3 => format!("{text}x"),
                _ => "not questions".to_owned(),
            };
            (*index, text)
        });
        let (despite, again) = run(&course, Some(KeptQuestions::new(damaged)));
        assert_eq!(despite, afresh);
        assert!(again.len() >= 4, "{again:?}");
    }

    /// The labelled pairs: `(an author would merge them, first, second)`.
    fn labelled() -> Vec<(bool, &'static str, &'static str)> {
        include_str!("testdata/duplicate_questions.txt")
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let fields: Vec<&str> = line.split(" | ").collect();
                assert_eq!(fields.len(), 3, "{line}");
                assert!(matches!(fields[0], "same" | "differ"), "{line}");
                (fields[0] == "same", fields[1], fields[2])
            })
            .collect()
    }

    /// Precision and recall of Q006 at `threshold` on the labelled pairs, each pair judged
    /// alone, and the pairs it got wrong.
    fn measure(threshold: f64) -> (f64, f64, Vec<String>) {
        let mut reducer = Reducer::new(Vec::new(), true);
        let (mut true_positives, mut false_positives, mut positives) = (0u32, 0u32, 0u32);
        let mut wrong = Vec::new();
        for (same, first, second) in labelled() {
            let found = repeats(&[("en", first), ("en", second)], threshold, &mut reducer);
            let flagged = found[1].is_some();
            positives += u32::from(same);
            true_positives += u32::from(same && flagged);
            false_positives += u32::from(!same && flagged);
            if same != flagged {
                wrong.push(format!("{}: {first} | {second}", if same { "missed" } else { "flagged" }));
            }
        }
        let precision = f64::from(true_positives) / f64::from((true_positives + false_positives).max(1));
        let recall = f64::from(true_positives) / f64::from(positives.max(1));
        (precision, recall, wrong)
    }

    #[test]
    fn the_labelled_pairs_are_judged_well_enough() {
        let (precision, recall, wrong) = measure(0.75);
        eprintln!("precision {precision:.3}, recall {recall:.3}\n{}", wrong.join("\n"));
        for hundredths in (50..=100).step_by(5) {
            let (p, r, _) = measure(f64::from(hundredths) / 100.0);
            eprintln!("{hundredths}: {p:.3} {r:.3}");
        }
        assert!(precision >= 0.95 && recall >= 0.7, "precision {precision:.3}, recall {recall:.3}");
    }
}
