//! Robustness beyond the corpus: cache entries from another version, output folders that
//! resolve into the book's sources, `nnbook clean` on what nnbook did not write, and the
//! JSON message format on a build with several errors.

mod common;

use common::*;

fn cached_count(run: &Run) -> usize {
    run.stderr
        .split(" cached")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(usize::MAX)
}

#[test]
fn cache_entries_from_another_version_are_recomputed() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let before = read_tree(&book.path().join("site"));
    let cache = book.path().join(".nnbook-cache");
    // The experiment entries; the figures and facts kept beside them are keyed by the version
    // too, so another version has none of them.
    let entries: Vec<String> = read_tree(&cache)
        .into_keys()
        .filter(|rel| !rel.starts_with("files/") && rel.ends_with(".json"))
        .collect();
    assert!(!entries.is_empty());
    std::fs::remove_dir_all(cache.join("files")).unwrap();
    for rel in &entries {
        let p = cache.join(rel);
        let mut entry: serde_json::Value = serde_json::from_str(&read(&p)).unwrap();
        entry["nnbook"] = "0.0.1".into();
        entry["engine"] = "0".into();
        std::fs::write(&p, entry.to_string()).unwrap();
    }
    let run = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&run), 0, "{}", run.stderr);
    assert!(read_tree(&book.path().join("site")) == before);
    // The recomputed entries are current again.
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);
}

#[test]
fn an_output_folder_that_resolves_into_the_sources_is_refused() {
    let book = fixture("basic");
    let content_before = read_tree(&book.path().join("content"));
    // `site` is a symlink to content/: building would replace the chapters.
    std::os::unix::fs::symlink(book.path().join("content"), book.path().join("site")).unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E008]"), "{}", run.stderr);
    assert!(read_tree(&book.path().join("content")) == content_before);

    // A symlink out of the book is refused too.
    let elsewhere = TempDir::new("elsewhere");
    std::fs::remove_file(book.path().join("site")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), book.path().join("site")).unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E009]"), "{}", run.stderr);
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn clean_deletes_only_a_site_nnbook_wrote() {
    let book = fixture("basic");
    let site = book.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("precious.txt"), "mine").unwrap();
    let run = nnbook(&["clean", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E008]"), "{}", run.stderr);
    assert!(site.join("precious.txt").is_file());
}

#[test]
fn json_messages_one_object_per_diagnostic() {
    let book = fixture("basic");
    edit(&book, "content/01-data.md", "@xor-points", "@xor-pionts");
    edit(&book, "content/02-train.md", "@xor-curve", "@xor-cruve");
    let run = nnbook(&[
        "build",
        "--message-format",
        "json",
        "--root",
        book.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    let diags: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect(l))
        .collect();
    assert_eq!(diags.len(), 2, "every error of the build: {}", run.stdout);
    for (d, (file, typo, hint)) in diags.iter().zip([
        (
            "content/01-data.md",
            "@xor-pionts",
            "did you mean `xor-points`?",
        ),
        (
            "content/02-train.md",
            "@xor-cruve",
            "did you mean `xor-curve`?",
        ),
    ]) {
        assert_eq!(d["code"], "E020");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["file"], file);
        assert!(d["line"].as_u64().unwrap() > 0 && d["col"].as_u64().unwrap() > 0);
        assert_eq!(d["len"], typo.len());
        assert_eq!(d["hint"], hint);
        assert!(d["rendered"].as_str().unwrap().contains("error[E020]"));
    }
    assert!(!run.stderr.contains("error[E020]"), "human text goes away");
}

#[test]
fn explain_prints_a_longer_text_with_an_example() {
    let run = nnbook(&["explain", "E012"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("E012: unknown name"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("did you mean `relu`?"));
    assert_eq!(nnbook(&["explain", "e12"]).stdout, run.stdout);
    let bad = nnbook(&["explain", "E0l2"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn every_error_is_counted_and_at_most_fifty_are_shown() {
    let book = fixture("basic");
    let many: String = (0..120).map(|i| format!("See @nothing-{i}.\n\n")).collect();
    let text = read(book.path().join("content/01-data.md")) + &many;
    std::fs::write(book.path().join("content/01-data.md"), text).unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.matches("error[E020]").count(),
        50,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("showing the first 50 of 120 diagnostics")
    );
    assert!(
        run.stderr.contains("build failed: 120 errors"),
        "{}",
        run.stderr
    );
}
