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

/// A `vary:` family's members are cached as the same blocks written out by hand: replacing the
/// copies by the family trains nothing, and changing one value trains one member.
#[test]
fn a_family_is_cached_member_by_member() {
    let book = fixture("basic");
    let chapter = book.path().join("content/03-sweep.md");
    let block = |id: &str, units: u32| {
        format!(
            "```nn\nid: {id}\ndata: {{generator: xor}}\nmodel: [{{dense: {units}, activation: tanh}}, {{dense: 1, activation: sigmoid}}]\ntrain: {{lr: 0.05, epochs: 50, batch: full, seed: 3}}\n```\n\n"
        )
    };
    let table = "```nn\nid: widths\nshow:\n  - {table: runs, id: width-runs, runs: [width-1, width-2]}\n```\n";
    std::fs::write(
        &chapter,
        format!(
            "# Sweep\n\n{}{}{table}",
            block("width-1", 1),
            block("width-2", 2)
        ),
    )
    .unwrap();
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 0);
    let by_hand = read(book.path().join("site/03-sweep.html"));

    let family = |units: &str| {
        format!(
            "# Sweep\n\n```nn\nid: width\ndata: {{generator: xor}}\nmodel: [{{dense: 9, activation: tanh}}, {{dense: 1, activation: sigmoid}}]\ntrain: {{lr: 0.05, epochs: 50, batch: full, seed: 3}}\nvary: {{units: [{units}]}}\n```\n\n```nn\nid: widths\nshow:\n  - {{table: runs, id: width-runs, runs: width}}\n```\n"
        )
    };
    std::fs::write(&chapter, family("1, 2")).unwrap();
    // xor and both members come from the cache: the members' keys are the hand-written ones.
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 3);
    let runs = |html: &str| {
        let i = html.find("id=\"width-runs\"").expect("the runs table");
        html[i..i + 1500.min(html.len() - i)].to_string()
    };
    assert_eq!(
        runs(&read(book.path().join("site/03-sweep.html"))),
        runs(&by_hand)
    );

    // One value changed: one member trains, the other is still cached.
    std::fs::write(&chapter, family("1, 3")).unwrap();
    let run = build_ok(book.path(), &[]);
    assert_eq!(cached_count(&run), 2);
    assert!(read(book.path().join("site/03-sweep.html")).contains("width-3"));
}
