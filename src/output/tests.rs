use super::*;

fn artifact(path: &str) -> Artifact {
    Artifact::new(path, path.as_bytes().to_vec())
}

/// Every name in `dir` (not recursive), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = entries(dir).into_iter().map(|(_, name)| name).collect();
    names.sort();
    names
}

#[test]
fn removes_outputs_the_build_no_longer_makes_but_not_user_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    write_build(&out, &[artifact("old.md"), artifact("kept.md")], &[], None).expect("first build");
    std::fs::write(out.join("notes.txt"), "mine").expect("user file");
    let second = write_build(&out, &[artifact("kept.md"), artifact("new.md")], &[], None)
        .expect("second build");
    assert_eq!(second.removed, [out.join("old.md")]);
    assert_eq!(
        names(&out),
        [MANIFEST, "kept.md", "new.md", "notes.txt"],
        "the user's file is carried over, the stale output is not"
    );
    assert_eq!(
        names(dir.path()),
        ["out"],
        "no stage, lock or temporary file is left"
    );
}

#[test]
fn manifest_entries_cannot_leave_the_output_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(dir.path().join("precious.md"), "keep").expect("outside file");
    std::fs::write(out.join(MANIFEST), "../precious.md\n/etc/passwd\n").expect("manifest");
    write_build(&out, &[artifact("a.md")], &[], None).expect("build");
    assert!(dir.path().join("precious.md").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_in_out_is_kept_as_a_link_and_never_emptied_or_written_through() {
    let dir = tempfile::tempdir().expect("temp dir");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("elsewhere");
    std::fs::write(elsewhere.join("important.txt"), "keep").expect("victim");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).expect("symlink");
    std::fs::write(out.join(MANIFEST), "sub/important.txt\n").expect("manifest");
    write_build(&out, &[artifact("a.md")], &[], None).expect("build");
    assert!(elsewhere.join("important.txt").exists());
    assert!(
        std::fs::symlink_metadata(out.join("sub"))
            .expect("kept")
            .file_type()
            .is_symlink()
    );
    let error = write_build(&out, &[artifact("sub/b.md")], &[], None).expect_err("refused");
    assert!(
        error.source.to_string().contains("never written through"),
        "{error}"
    );
    assert!(!elsewhere.join("b.md").exists());
    assert_eq!(names(&elsewhere), ["important.txt"]);
}

#[test]
fn writes_nested_files_with_an_ordinary_mode_and_no_temporaries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    write_build(&out, &[artifact("a.md"), artifact("sub/b.md")], &[], None).expect("writes");
    assert_eq!(std::fs::read(out.join("a.md")).expect("a"), b"a.md");
    assert_eq!(std::fs::read(out.join("sub/b.md")).expect("b"), b"sub/b.md");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("a.md"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "outputs are readable by others");
    }
    let leftovers: Vec<_> = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(".cardsmith-s")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn orphans_of_killed_builds_are_removed_and_a_committed_pending_lock_is_finished() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let lock = dir.path().join("cardsmith.lock");
    std::fs::write(&lock, "old lock").expect("lock");
    write_build(&out, &[artifact("a.md")], &[], None).expect("first build");
    let generation = read_manifest(&out).generation.expect("a generation");
    // What a build killed after its exchange leaves: its pending lock, its (unlocked) stage
    // folder and lock file; and a temporary file of an older version inside `out/`.
    std::fs::write(pending_path(&lock, "dead00", &generation), "new lock").expect("pending");
    std::fs::create_dir(dir.path().join(".cardsmith-stage-dead01")).expect("stage");
    std::fs::write(dir.path().join(".cardsmith-stage-dead01/x.md"), "x").expect("staged");
    std::fs::write(dir.path().join(".cardsmith-stage-dead01.lock"), "").expect("stage lock");
    std::fs::write(pending_path(&lock, "dead01", "0123"), "never committed").expect("pending");
    std::fs::write(out.join(".cardsmith-abc123.tmp"), "half").expect("temp");
    recover(&out, Some(&lock)).expect("recovers");
    assert_eq!(std::fs::read_to_string(&lock).expect("lock"), "new lock");
    assert_eq!(names(dir.path()), ["cardsmith.lock", "out"]);
    write_build(&out, &[artifact("a.md")], &[], None).expect("next build");
    assert_eq!(names(&out), [MANIFEST, "a.md"]);
}

#[test]
fn the_lock_is_written_with_the_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let lock = dir.path().join("cardsmith.lock");
    let update = LockUpdate {
        root: dir.path(),
        path: &lock,
        bytes: b"v1",
    };
    let written = write_build(&out, &[artifact("a.md")], &[], Some(update)).expect("build");
    assert_eq!(written.written, [out.join("a.md"), lock.clone()]);
    assert_eq!(std::fs::read(&lock).expect("lock"), b"v1");
    assert_eq!(names(dir.path()), ["cardsmith.lock", "out"]);
}

#[cfg(unix)]
#[test]
fn a_live_build_s_stage_is_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let stage = Stage::create(dir.path()).expect("stage");
    recover(&out, None).expect("recovers");
    assert!(
        stage.dir.is_dir(),
        "a running build's stage survives another build's cleanup"
    );
    drop(stage);
    assert!(names(dir.path()).is_empty());
}

#[test]
fn outputs_put_into_the_stage_as_made_are_committed_and_keep_only_their_digest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    write_build(&out, &[artifact("a.md")], &[], None).expect("first build");
    // A file the user put where this build writes an output: replaced, as in a whole write.
    std::fs::write(out.join("b.md"), "mine").expect("user file");
    let staging = Staging::open(&out, None).expect("stage");
    let made = artifact("sub/b.md");
    let digest = made.sha256();
    let kept = staging.put(made).expect("staged");
    assert!(kept.is_staged() && kept.bytes.is_empty());
    assert_eq!((kept.len(), kept.sha256()), (8, digest));
    let user = staging
        .put(artifact("b.md"))
        .expect("staged over the user's file");
    assert_eq!(
        std::fs::read_to_string(out.join("b.md")).expect("untouched"),
        "mine",
        "nothing in out/ changes before the commit"
    );
    let again = staging
        .put(artifact("b.md"))
        .expect_err("two outputs at one path");
    assert!(again.source.to_string().contains("two outputs"), "{again}");
    let written = staging.commit(&[kept, user], &[], None).expect("commit");
    assert_eq!(written.removed, [out.join("a.md")]);
    assert_eq!(
        std::fs::read_to_string(out.join("sub/b.md")).expect("output"),
        "sub/b.md"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("b.md")).expect("output"),
        "b.md"
    );
    assert_eq!(names(dir.path()), ["out"], "no stage is left");
}

#[test]
fn a_stage_dropped_before_its_commit_leaves_out_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    write_build(&out, &[artifact("a.md")], &[], None).expect("first build");
    let staging = Staging::open(&out, None).expect("stage");
    staging
        .put(Artifact::new("a.md", b"new".to_vec()))
        .expect("staged");
    drop(staging);
    assert_eq!(
        std::fs::read_to_string(out.join("a.md")).expect("old"),
        "a.md"
    );
    assert_eq!(names(dir.path()), ["out"], "the stage is removed");
}
