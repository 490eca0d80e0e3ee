//! Crash safety: `nnbook build` is killed with SIGKILL while training, while writing the cache,
//! while writing the site and between moving the old site aside and the new one in. Afterwards
//! the site is the previous one, whole (or is restored whole by the next build), and the next
//! build succeeds and is byte-identical to a clean build.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// Change the book so the next build retrains and writes different bytes.
fn change(book: &TempDir) {
    edit(book, "content/02-train.md", "epochs: 400", "epochs: 300");
    edit(
        book,
        "content/02-train.md",
        "Regions <of> XOR.",
        "Regions of XOR, again.",
    );
}

/// Start a build that pauses at `point`, wait until it is there, and kill it.
fn kill_at(root: &Path, point: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nnbook"))
        .args(["build", "--jobs", "1", "--root", root.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .env("NNBOOK_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut paused = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(&format!("paused at {point}")) {
            paused = true;
            break;
        }
    }
    assert!(paused, "the build never reached {point}:\n{seen}");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap(); // reap it, so its pid is gone
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".site."))
        .collect()
}

#[test]
fn a_killed_build_keeps_a_whole_site_and_the_next_build_is_clean() {
    // What a clean build of the changed book gives.
    let clean = fixture("basic");
    change(&clean);
    build_ok(clean.path(), &["--no-cache"]);
    let want = read_tree(&clean.path().join("site"));

    for point in ["train", "cache-write", "site-write", "site-swap"] {
        let book = fixture("basic");
        build_ok(book.path(), &[]);
        let previous = read_tree(&book.path().join("site"));
        assert!(previous != want);
        change(&book);
        kill_at(book.path(), point);

        let site = book.path().join("site");
        if site.exists() {
            assert!(
                read_tree(&site) == previous,
                "{point}: site/ is not the previous site"
            );
        } else {
            // Killed between the two renames: the previous site waits, whole, beside it.
            assert_eq!(point, "site-swap", "site/ vanished");
            let old: Vec<String> = leftovers(book.path())
                .into_iter()
                .filter(|n| n.starts_with(".site.old-"))
                .collect();
            assert_eq!(old.len(), 1, "{old:?}");
            assert!(read_tree(&book.path().join(&old[0])) == previous);
        }

        build_ok(book.path(), &[]);
        assert!(
            read_tree(&site) == want,
            "{point}: the next build differs from a clean build"
        );
        assert!(
            leftovers(book.path()).is_empty(),
            "{point}: {:?}",
            leftovers(book.path())
        );
    }
}

#[test]
fn a_killed_build_between_the_renames_gets_its_previous_site_back() {
    let book = fixture("basic");
    build_ok(book.path(), &[]);
    let previous = read_tree(&book.path().join("site"));
    kill_at(book.path(), "site-swap");
    assert!(!book.path().join("site").exists());
    // Even a build that fails puts the previous site back first.
    edit(
        &book,
        "content/02-train.md",
        "activation: tanh",
        "activation: tnah",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(read_tree(&book.path().join("site")) == previous);
    assert!(leftovers(book.path()).is_empty());
}
