//! `cardsmith build` on good input: outputs, determinism, atomicity.

use crate::support::Project;

#[test]
fn seed_lesson_builds_its_study_guide() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let files = project.out_files();
    let names: Vec<_> = files
        .iter()
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        names.contains(&"pipeline-probes.md".to_owned()),
        "{names:?}"
    );
}

#[test]
fn two_builds_give_identical_bytes() {
    let project = Project::with_seed();
    project.cardsmith(&["build"]).assert().success();
    let first = project.out_files();
    project.cardsmith(&["build"]).assert().success();
    assert_eq!(first, project.out_files());
}
