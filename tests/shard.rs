//! Sharded builds: N processes each train one shard into a cache folder of their own, the
//! folders are merged by copying files, and a plain build then trains nothing and writes the
//! same site, byte for byte, as an unsharded build.

mod common;

use std::process::Command;

use common::*;

/// (N, C) from "… N experiments (C cached, S skipped) …" of a build's summary line.
fn counts(stderr: &str) -> (usize, usize) {
    let i = stderr.find(" experiments (").expect(stderr);
    let total = stderr[..i].rsplit(' ').next().unwrap().parse().unwrap();
    let rest = &stderr[i + " experiments (".len()..];
    let cached = rest.split(' ').next().unwrap().parse().unwrap();
    (total, cached)
}

/// The experiment entries of a cache folder: what shards train and merging copies. The
/// figures, facts and data digests a full build keeps beside them (`files/`, `hashes`) are
/// not a shard's.
fn entries(cache: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    read_tree(cache)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("files/") && k != "hashes")
        .collect()
}

#[test]
fn shards_merged_by_copying_build_the_same_site_without_training() {
    let plain = fixture("shards");
    build_ok(plain.path(), &[]);
    let want = read_tree(&plain.path().join("site"));
    let plain_cache = entries(&plain.path().join(".nnbook-cache"));
    assert_eq!(plain_cache.len(), 4, "{:?}", plain_cache.keys());

    // Three "machines": the book at another path each time, a cache folder of their own.
    let n = 3;
    let caches = TempDir::new("shard-caches");
    let books: Vec<TempDir> = (0..n).map(|_| fixture("shards")).collect();
    let children: Vec<_> = books
        .iter()
        .enumerate()
        .map(|(k, book)| {
            let cache = caches.path().join(format!("cache-{}", k + 1));
            // `test --shard` does what `build --shard` does; use both.
            let command = if k == 0 { "test" } else { "build" };
            Command::new(env!("CARGO_BIN_EXE_nnbook"))
                .args([command, "--root"])
                .arg(book.path())
                .arg("--shard")
                .arg(format!("{}/{n}", k + 1))
                .arg("--cache-dir")
                .arg(&cache)
                .env("NO_COLOR", "1")
                .output()
                .unwrap()
        })
        .collect();
    let mut trained = 0;
    for (k, out) in children.iter().enumerate() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "shard {}: {stderr}", k + 1);
        assert!(stderr.contains("no site written"), "{stderr}");
        assert!(
            stderr.contains("of the book's 4 experiments (0 cached"),
            "{stderr}"
        );
        // A shard writes its cache entries and nothing else.
        assert!(!books[k].path().join("site").exists());
        assert!(!books[k].path().join(".nnbook-cache").exists());
        trained += entries(&caches.path().join(format!("cache-{}", k + 1))).len();
    }
    assert_eq!(
        trained, 4,
        "every experiment is trained by exactly one shard"
    );

    // Merge by copying: the entries are the unsharded build's, byte for byte (portable).
    let merged = fixture("shards");
    for k in 1..=n {
        copy_dir(
            &caches.path().join(format!("cache-{k}")),
            &merged.path().join(".nnbook-cache"),
        );
    }
    assert!(entries(&merged.path().join(".nnbook-cache")) == plain_cache);
    let run = build_ok(merged.path(), &[]);
    assert_eq!(counts(&run.stderr), (4, 4), "{}", run.stderr);
    assert!(
        read_tree(&merged.path().join("site")) == want,
        "the merged build's site differs from the unsharded one"
    );

    // A foreign entry (another experiment's, under this one's file name) is retrained, and
    // the site is still the same.
    let cache = merged.path().join(".nnbook-cache");
    let names: Vec<String> = plain_cache.keys().cloned().collect();
    std::fs::copy(cache.join(&names[0]), cache.join(&names[1])).unwrap();
    // Without the drawn figures kept beside the entries, so every experiment is loaded.
    std::fs::remove_dir_all(cache.join("files")).unwrap();
    let run = build_ok(merged.path(), &[]);
    assert_eq!(counts(&run.stderr), (4, 3), "{}", run.stderr);
    assert!(read_tree(&merged.path().join("site")) == want);
    assert!(
        entries(&cache) == plain_cache,
        "the retrained entry is rewritten"
    );

    // A shard run over a warm cache trains nothing either.
    let again = nnbook(&[
        "build",
        "--root",
        merged.path().to_str().unwrap(),
        "--shard",
        "2/3",
    ]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.contains("cached, 0 skipped"),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains("(0 cached"), "{}", again.stderr);
}

#[test]
fn bad_shards_are_usage_errors() {
    let book = fixture("basic");
    let root = book.path().to_str().unwrap();
    for (shard, says) in [
        ("0/3", "shard 0 of 3 does not exist"),
        ("3/2", "shard 3 of 2 does not exist"),
        ("a/b", "K `a` is not a whole number"),
    ] {
        let run = nnbook(&["build", "--root", root, "--shard", shard]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(run.stderr.contains("--shard 2/4"), "{}", run.stderr);
    }
    // A shard writes no site, so an output folder makes no sense with it.
    let run = nnbook(&["build", "--root", root, "--shard", "1/2", "--out", "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!book.path().join("x").exists());
}
