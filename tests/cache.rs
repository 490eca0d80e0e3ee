//! The experiment cache: prose edits and key reordering reuse results; a new seed retrains; a
//! corrupt entry is detected and recomputed; cached builds give the same bytes as fresh ones.

mod common;

use common::*;

fn cached_count(run: &Run) -> usize {
    // "… N experiments (C cached, S skipped) …"
    let s = &run.stderr;
    let i = s.find(" cached,").expect(s);
    s[..i].rsplit('(').next().unwrap().trim().parse().unwrap()
}

#[test]
fn cache_hits_misses_and_recovery() {
    let book = fixture("basic");
    let first = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&first), 0);
    let fresh = read_tree(&book.path().join("site"));

    // Nothing changed: every trained experiment comes from the cache, same bytes.
    let warm = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&warm), 1);
    assert!(
        read_tree(&book.path().join("site")) == fresh,
        "a cached build differs from a fresh one"
    );

    // A prose edit and a reordering of the block's keys (and a comment) still hit.
    edit(
        &book,
        "content/02-train.md",
        "## A hidden layer",
        "## A hidden layer, reworded",
    );
    edit(
        &book,
        "content/02-train.md",
        "train: {optimizer: adam, lr: 0.05, epochs: 400, batch: full, seed: 3}",
        "train: {seed: 3, batch: full, epochs: 400, lr: 0.05, optimizer: adam}  # same settings",
    );
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);

    // A figure option alone rerenders without retraining.
    edit(&book, "content/02-train.md", "grid: 100", "grid: 120");
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);

    // A new seed retrains.
    edit(&book, "content/02-train.md", "seed: 3", "seed: 4");
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 0);
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);

    // So does a change of the data.
    edit(
        &book,
        "content/02-train.md",
        "data: {generator: xor}\nmodel",
        "data: {generator: xor, scale: standard}\nmodel",
    );
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 0);

    // Corrupt every entry: detected, recomputed, and the site is the same as before.
    let before = read_tree(&book.path().join("site"));
    let entries: Vec<_> = read_tree(&book.path().join(".nnbook-cache"))
        .into_keys()
        .collect();
    assert!(!entries.is_empty());
    for (i, rel) in entries.iter().enumerate() {
        let p = book.path().join(".nnbook-cache").join(rel);
        let bytes = std::fs::read(&p).unwrap();
        let damaged = if i % 2 == 0 {
            bytes[..bytes.len() / 2].to_vec()
        } else {
            bytes
                .iter()
                .map(|b| if *b == b'1' { b'2' } else { *b })
                .collect()
        };
        std::fs::write(&p, damaged).unwrap();
    }
    let recovered = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&recovered), 0);
    assert!(read_tree(&book.path().join("site")) == before);

    // --no-cache neither reads nor writes.
    std::fs::remove_dir_all(book.path().join(".nnbook-cache")).unwrap();
    assert_eq!(cached_count(&build_ok(book.path(), &["--no-cache"])), 0);
    assert!(!book.path().join(".nnbook-cache").exists());
}

#[test]
fn the_cache_may_not_live_inside_the_site() {
    let book = fixture("basic");
    let yaml = read(book.path().join("book.yaml")) + "cache: site/cache\n";
    std::fs::write(book.path().join("book.yaml"), yaml).unwrap();
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[E008]")
            && run
                .stderr
                .contains("holds the experiment cache `site/cache`"),
        "{}",
        run.stderr
    );
}
