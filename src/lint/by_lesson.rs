//! The rules run lesson by lesson, so that a build checks again only the lessons that changed,
//! and so that a check holds the plain text and matches of one lesson per core at a time.
//!
//! Every rule but one reads one item at a time (its question, its answer, its card block, the
//! lesson's text around it): what it reports for a lesson depends on that lesson alone, under
//! one `[lint]` configuration, and a build keeps it per lesson (see `crate::cache`). Q006
//! compares questions across the whole project, so it runs over every item on every build; it
//! reads questions only, so their answers are neither reduced to plain text nor matched.

use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::rules::duplicate_question::DuplicateQuestion;
use super::{Context, MATCHER_CHUNK, MatchMemo, Settings, Workbench, registry};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{Course, Item, Lesson};

/// The rules whose diagnostics for one lesson depend on other lessons too.
const CROSS_LESSON: &[&str] = &[DuplicateQuestion::META.code.code];

/// Whether `rule` compares items of different lessons (so its results are never kept per
/// lesson).
pub fn is_cross_lesson(rule: &registry::RuleEntry) -> bool {
    CROSS_LESSON.contains(&rule.meta.code.code)
}

/// What the per-lesson rules reported for one lesson.
#[derive(Debug)]
pub struct LessonRules {
    /// The lesson's index in [`Course::lessons`].
    pub lesson: usize,
    /// Its diagnostics, at their configured severity, before suppressions.
    pub diagnostics: Vec<Diagnostic>,
}

/// [`super::run_rules_with`], reusing per lesson: `reused[index]`, when given, is what the
/// per-lesson rules reported for the lesson at `index` in an earlier run (taken as it is); the
/// per-lesson rules run on the other lessons only, and the cross-lesson rules on every lesson.
/// Returns every diagnostic (no suppression applied yet), and what the per-lesson rules reported
/// for each lesson they ran on, to keep for the next run. `kept_questions` is what Q006 reduced
/// in an earlier run, and takes what it reduces in this one (see [`super::KeptQuestions`]).
pub fn run_rules_by_lesson(
    course: &Course,
    settings: &Settings,
    memo: Option<&mut MatchMemo>,
    kept_questions: Option<&super::KeptQuestions>,
    reused: Vec<Option<Vec<Diagnostic>>>,
) -> (Vec<Diagnostic>, Vec<LessonRules>) {
    let mut reused = reused;
    reused.resize_with(course.lessons.len(), || None);
    let missing: Vec<usize> = (0..course.lessons.len())
        .filter(|&index| reused[index].is_none())
        .collect();
    let enabled = || {
        registry::RULES.iter().filter_map(|rule| {
            let check = rule.check()?;
            settings
                .is_enabled(rule.meta.code.code)
                .then_some((rule, check))
        })
    };

    let per_lesson: Vec<_> = enabled()
        .filter(|(rule, _)| !is_cross_lesson(rule))
        .collect();
    let run = memo.map(|memo| Mutex::new(memo.begin(settings)));
    // Lesson by lesson on every core: a lesson's plain text and matches live only while its
    // rules run, so memory does not grow with the project. A batch of lessons takes a matcher
    // from `benches` and puts it back when done, so that the matchers' caches (stems, compiled
    // phrases), which pay over the whole run, are kept from batch to batch: there are about as
    // many matchers as workers.
    let benches: Mutex<Vec<Workbench>> = Mutex::new(Vec::new());
    let found: Vec<Diagnostic> = batches(course, &missing)
        .into_par_iter()
        .flat_map_iter(|batch| {
            let taken = benches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            let mut bench = taken.unwrap_or_else(|| Workbench::new(settings));
            let mut found = Vec::new();
            for &index in batch {
                let lesson = &course.lessons[index];
                let context =
                    Context::of_lesson(course, settings, lesson, run.as_ref(), &mut bench);
                for (_, check) in &per_lesson {
                    check(&context, &mut found);
                }
            }
            benches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(bench);
            found
        })
        .collect();
    drop(run);
    let lesson_of: HashMap<FileId, usize> = missing
        .iter()
        .map(|&index| (course.lessons[index].file, index))
        .collect();
    let mut made: Vec<Vec<Diagnostic>> = vec![Vec::new(); course.lessons.len()];
    let mut elsewhere = Vec::new();
    for diagnostic in found {
        match lesson_of.get(&diagnostic.span.file) {
            Some(&index) => made[index].push(diagnostic),
            // No per-lesson rule reports outside the item it reads; if one did, it is reported
            // but kept for no lesson.
            None => elsewhere.push(diagnostic),
        }
    }

    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut kept = Vec::with_capacity(missing.len());
    for (index, (reused, made)) in reused.into_iter().zip(made).enumerate() {
        match reused {
            Some(diagnostics_then) => diagnostics.extend(diagnostics_then),
            None => {
                diagnostics.extend(made.iter().cloned());
                kept.push(LessonRules {
                    lesson: index,
                    diagnostics: made,
                });
            }
        }
    }
    diagnostics.extend(elsewhere);

    let cross: Vec<_> = enabled()
        .filter(|(rule, _)| is_cross_lesson(rule))
        .collect();
    if !cross.is_empty() {
        let every_item = course.lessons.iter().flat_map(items_of).collect();
        let context = Context::questions_only(course, settings, every_item, kept_questions);
        for (_, check) in cross {
            check(&context, &mut diagnostics);
        }
    }
    (diagnostics, kept)
}

/// `lessons` cut into runs of neighbours of about [`MATCHER_CHUNK`] items each, or fewer so that
/// every core gets several.
fn batches<'l>(course: &Course, lessons: &'l [usize]) -> Vec<&'l [usize]> {
    let items: usize = lessons
        .iter()
        .map(|&index| course.lessons[index].items.len())
        .sum();
    let target = items
        .div_ceil(4 * rayon::current_num_threads())
        .clamp(1, MATCHER_CHUNK);
    let mut batches = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (at, &index) in lessons.iter().enumerate() {
        size += course.lessons[index].items.len();
        if size >= target {
            batches.push(&lessons[start..=at]);
            (start, size) = (at + 1, 0);
        }
    }
    if start < lessons.len() {
        batches.push(&lessons[start..]);
    }
    batches
}

fn items_of(lesson: &Lesson) -> impl Iterator<Item = (&Lesson, &Item)> {
    lesson.items.iter().map(move |item| (lesson, item))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::lint::{run_rules, settle};
    use crate::model::SourceFile;

    /// Every lint fixture and the seed lesson, as the lessons of one project (so that Q006
    /// finds questions across them), under the seed's settings and the project rules'.
    fn fixtures() -> Vec<SourceFile> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![SourceFile {
            path: "seed.md".into(),
            text: std::fs::read_to_string(root.join("source/data-pipelines/probes.md"))
                .expect("seed"),
        }];
        for rule in registry::RULES {
            let path = root.join(format!("tests/fixtures/lint/{}.md", rule.meta.code.code));
            if let Ok(bytes) = std::fs::read(path) {
                files.push(SourceFile {
                    path: format!("{}.md", rule.meta.code.code).into(),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                });
            }
        }
        files
    }

    fn settings() -> Vec<Settings> {
        let config: crate::config::ProjectConfig =
            toml::from_str(include_str!("../../cardsmith.toml")).expect("the seed's config");
        let rules: crate::lint::LintConfig =
            toml::from_str(include_str!("../../tests/fixtures/lint/P002.toml"))
                .expect("the fixture's settings");
        vec![
            Settings::new(config.lint).expect("valid"),
            Settings::new(rules).expect("valid"),
        ]
    }

    /// Lesson by lesson, with any lessons' results taken from an earlier run, the rules report
    /// exactly what one run over the whole project reports.
    #[test]
    fn reusing_lessons_never_changes_what_is_reported() {
        let (course, _) = crate::parse::parse_course(fixtures());
        assert!(course.lessons.len() > 10, "the fixtures parse as lessons");
        for settings in settings() {
            let whole = format!(
                "{:?}",
                settle(&course, &settings, run_rules(&course, &settings))
            );
            let (_, kept) = run_rules_by_lesson(&course, &settings, None, None, Vec::new());
            assert_eq!(kept.len(), course.lessons.len(), "every lesson ran");
            let mut earlier: Vec<Option<Vec<Diagnostic>>> = kept
                .into_iter()
                .map(|lesson| Some(lesson.diagnostics))
                .collect();
            // None reused, all, and every third one.
            for pattern in [0, 1, 3] {
                let reused: Vec<_> = earlier
                    .iter()
                    .enumerate()
                    .map(|(index, found)| match pattern {
                        0 => None,
                        step => (index % step == 0).then(|| found.clone()).flatten(),
                    })
                    .collect();
                let (found, kept) = run_rules_by_lesson(&course, &settings, None, None, reused);
                let split = format!("{:?}", settle(&course, &settings, found));
                assert_eq!(split, whole, "reusing every {pattern}");
                for lesson in kept {
                    earlier[lesson.lesson] = Some(lesson.diagnostics);
                }
            }
        }
    }

    /// A matcher that searched other lessons before, or dropped its compiled phrases, finds in
    /// a lesson's answers what a fresh one finds.
    #[test]
    fn a_matcher_finds_the_same_whatever_its_caches_hold() {
        let (course, _) = crate::parse::parse_course(fixtures());
        for settings in settings() {
            let mut shared = Workbench::new(&settings);
            for (at, lesson) in course.lessons.iter().enumerate() {
                let text = &course.file(lesson.file).text;
                let items: Vec<(&Lesson, &Item)> =
                    lesson.items.iter().map(|item| (lesson, item)).collect();
                let answers: Vec<super::super::PlainText> = items
                    .iter()
                    .map(|&(_, item)| super::super::PlainText::of_answer(text, item))
                    .collect();
                if at % 2 == 1 {
                    shared.matcher.forget_phrases();
                }
                let kept = shared.search(&settings, &items, &answers, None);
                let fresh = Workbench::new(&settings).search(&settings, &items, &answers, None);
                assert_eq!(format!("{kept:?}"), format!("{fresh:?}"), "{}", lesson.id);
            }
        }
    }

    /// A per-lesson rule's diagnostics for a lesson are those it reports with that lesson
    /// alone in the project: no rule but the cross-lesson ones looks at other lessons.
    #[test]
    fn a_lesson_alone_gets_what_it_gets_among_others() {
        let (course, _) = crate::parse::parse_course(fixtures());
        for settings in settings() {
            let (_, kept) = run_rules_by_lesson(&course, &settings, None, None, Vec::new());
            for lesson in kept {
                let file = course.file(course.lessons[lesson.lesson].file).clone();
                let (alone, _) = crate::parse::parse_course(vec![file]);
                let (_, alone_kept) =
                    run_rules_by_lesson(&alone, &settings, None, None, Vec::new());
                let strip = |diagnostics: &[Diagnostic]| -> Vec<String> {
                    diagnostics
                        .iter()
                        .map(|diagnostic| {
                            let mut diagnostic = diagnostic.clone();
                            diagnostic.span.file = FileId(0);
                            for label in &mut diagnostic.related {
                                label.span.file = FileId(0);
                            }
                            format!("{diagnostic:?}")
                        })
                        .collect()
                };
                assert_eq!(
                    strip(&lesson.diagnostics),
                    strip(&alone_kept[0].diagnostics),
                    "{}",
                    course.lessons[lesson.lesson].id
                );
            }
        }
    }
}
