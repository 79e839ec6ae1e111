//! What the tool writes, and what it never touches: `out/` committed as a whole, cleanup only
//! inside it, `--fix` keeping links, modes and byte-order marks (issue 11 findings 3, 5, 7;
//! issue 15).

use crate::support::Project;

const LESSON: &str =
    "---\nid: a\ntitle: T\ndeck: D\n---\n\n### Why Parquet?\n\nColumnar, compressed.\n";

/// Every name directly in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn cleanup_never_follows_a_symlink_out_of_out() {
    let project = Project::with_seed();
    project.run(&["build"], 0);
    let victim_dir = project.root().join("elsewhere");
    project.write("elsewhere/important.txt", "keep me");
    std::os::unix::fs::symlink(&victim_dir, project.root().join("out/sub")).expect("symlink");
    let manifest = project.root().join("out/.cardsmith-manifest");
    let mut text = std::fs::read_to_string(&manifest).expect("manifest");
    text.push_str("sub/important.txt\n");
    std::fs::write(&manifest, text).expect("edit manifest");
    project.run(&["build"], 0);
    assert_eq!(
        std::fs::read_to_string(victim_dir.join("important.txt")).expect("victim survives"),
        "keep me"
    );
    let sub = std::fs::symlink_metadata(project.root().join("out/sub")).expect("link kept");
    assert!(sub.file_type().is_symlink(), "the user's link stays a link");
}

#[test]
fn temporary_files_and_stages_of_killed_builds_are_removed() {
    let project = Project::with_seed();
    project.run(&["build"], 0);
    // What kill -9 left behind: temporaries of the old writer in out/, and a staging folder
    // and lock file of a build that no longer runs, beside out/.
    project.write("out/.cardsmith-Xy12ab.tmp", "half an apkg");
    project.write("out/sub/.cardsmith-Zz99zz.tmp", "half a sheet");
    project.write(".cardsmith-stage-dead01/pipeline-probes.md", "staged");
    project.write(".cardsmith-stage-dead01.lock", "");
    project.write(".cardsmith-lock-dead01-0123.pending", "never committed");
    project.run(&["build"], 0);
    let leftovers: Vec<String> = walkdir::WalkDir::new(project.root())
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".cardsmith-"))
        .filter(|name| name != ".cardsmith-manifest" && name != ".cardsmith-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    project.run(&["build", "--locked"], 0);
}

#[cfg(unix)]
#[test]
fn fix_writes_through_a_symlinked_lesson_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    project.write("shared/a.md", LESSON);
    let real = project.root().join("shared/a.md");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink("../shared/a.md", project.root().join("source/a.md"))
        .expect("symlink");
    project.run(&["check", "--fix"], 0);
    let link = std::fs::symlink_metadata(project.root().join("source/a.md")).expect("stat");
    assert!(link.file_type().is_symlink(), "the lesson is still a link");
    let text = std::fs::read_to_string(&real).expect("read");
    assert!(text.contains("### Why Parquet? {#why-parquet}"), "{text}");
    let mode = std::fs::metadata(&real).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(names(&project.root().join("shared")), ["a.md"]);
}

#[test]
fn fix_keeps_a_byte_order_mark() {
    let project = Project::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(LESSON.as_bytes());
    project.write_bytes("source/a.md", &bytes);
    project.run(&["check", "--fix"], 0);
    let fixed = std::fs::read(project.root().join("source/a.md")).expect("read");
    assert!(fixed.starts_with(b"\xEF\xBB\xBF---\n"), "{fixed:?}");
    assert!(
        String::from_utf8_lossy(&fixed).contains("{#why-parquet}"),
        "{fixed:?}"
    );
}

#[test]
fn a_build_replaces_out_as_a_whole_and_keeps_user_files() {
    let project = Project::with_seed();
    project.run(&["build"], 0);
    project.write("out/README.txt", "mine");
    let renamed = crate::support::seed_lesson().replace("id: pipeline-probes", "id: probes-v2");
    project.write("source/data-pipelines/probes.md", &renamed);
    project.run(&["build"], 0);
    let out = names(&project.root().join("out"));
    assert!(out.contains(&"README.txt".to_owned()), "{out:?}");
    assert!(
        out.iter().all(|name| !name.starts_with("pipeline-probes")),
        "{out:?}"
    );
    assert!(
        out.iter().any(|name| name.starts_with("probes-v2")),
        "{out:?}"
    );
    assert!(
        names(project.root())
            .iter()
            .all(|name| !name.starts_with(".cardsmith-")),
        "nothing is left beside out/"
    );
}

#[test]
fn output_paths_from_config_never_name_sources_or_cardsmith_s_own_files() {
    let cases = [
        ("[build]\nout = \"source\"\n", "overlap"),
        ("[build]\nout = \"source/out\"\n", "overlap"),
        (
            "[build]\nout = \".\"\n",
            "must be a folder inside the project",
        ),
        (
            "[build]\nout = \"../elsewhere\"\n",
            "must be a folder inside the project",
        ),
        (
            "[build]\nout = \"cardsmith.lock\"\n",
            "names a file or folder of the project",
        ),
        (
            "[build]\nout = \"templates\"\n",
            "names a file or folder of the project",
        ),
        ("[build]\nsource = \"out/lessons\"\n", "overlap"),
        ("[apkg]\nall = \"base.md\"\n", "must end in `.apkg`"),
        (
            "[apkg]\nall = \".cardsmith-manifest\"\n",
            "keeps for itself",
        ),
        (
            "[apkg]\nall = \"../escape.apkg\"\n",
            "must be a file name inside the output folder",
        ),
    ];
    for (config, expected) in cases {
        let project = Project::new();
        project.write("source/a.md", LESSON);
        project.write("cardsmith.toml", config);
        // `check` refuses what `build` would: the configuration is validated when it is loaded.
        for command in ["check", "build"] {
            let stderr = project.run(&[command], 2);
            assert!(
                stderr.contains("invalid `[ROOT]/cardsmith.toml`") && stderr.contains(expected),
                "{config} / {command}: {stderr}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(project.root().join("source/a.md")).expect("lesson"),
            LESSON,
            "{config}: the lesson is untouched"
        );
        assert!(
            !project.root().join("out").exists(),
            "{config}: nothing built"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_out_folder_that_links_to_the_lessons_is_refused() {
    let project = Project::new();
    project.write("source/a.md", LESSON);
    std::os::unix::fs::symlink("source", project.root().join("out")).expect("symlink");
    let stderr = project.run(&["build"], 2);
    assert!(stderr.contains("overlap"), "{stderr}");
    assert_eq!(names(&project.root().join("source")), ["a.md"]);
}
