//! External datasets: a missing MNIST skips its experiment with a warning (an error with
//! --strict) and the rest of the book builds; with the files present it trains.

mod common;

use common::*;

#[test]
fn missing_mnist_is_skipped_with_a_notice_or_fails_with_strict() {
    let book = fixture("mnist");
    let root = book.path().to_str().unwrap();
    let run = nnbook_env(&["build", "--root", root], &[("NNBOOK_DATA_DIR", None)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[W001]") && run.stderr.contains("needs dataset mnist"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/01-digits.md:5:7"),
        "{}",
        run.stderr
    );
    let page = read(book.path().join("site/01-digits.html"));
    assert!(
        page.contains("class=\"nn-notice\"") && page.contains("needs dataset mnist"),
        "{page}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap();
    assert_eq!(m["experiments"][0]["status"], "skipped");
    assert_eq!(m["figures"][0]["id"], "digits-accuracy");
    assert_eq!(m["figures"][0]["status"], "skipped");
    assert_eq!(m["tables"][0]["status"], "skipped");
    assert_eq!(m["figures"][1]["status"], "skipped");

    let strict = nnbook_env(
        &["build", "--root", root, "--strict"],
        &[("NNBOOK_DATA_DIR", None)],
    );
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("error[W001]") || strict.stderr.contains("needs dataset mnist"),
        "{}",
        strict.stderr
    );
}

#[test]
#[ignore = "needs MNIST in ../shared/datasets/mnist or $NNBOOK_DATA_DIR/mnist (cargo test -- --include-ignored)"]
fn mnist_trains_when_the_files_are_there() {
    let Some(data) = mnist_or_skip() else { return };
    let book = fixture("mnist");
    let run = nnbook_env(
        &["build", "--root", book.path().to_str().unwrap(), "--strict"],
        &[("NNBOOK_DATA_DIR", Some(data.to_str().unwrap()))],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m: serde_json::Value =
        serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap();
    assert_eq!(m["experiments"][0]["status"], "ok");
    assert_eq!(
        m["experiments"][0]["parameters"],
        784 * 64 + 64 + 64 * 10 + 10
    );
    assert!(
        m["experiments"][0]["final_metrics"]["accuracy"]
            .as_f64()
            .unwrap()
            > 0.5
    );
    // Held-out digits (the last 1,000 test images) are evaluated after training.
    let val = m["experiments"][0]["final_metrics"]["val_accuracy"]
        .as_f64()
        .unwrap();
    assert!(val > 0.5, "well above chance (0.1): {val}");
    let page = read(book.path().join("site/01-digits.html"));
    assert!(page.contains("Validation accuracy"), "{page}");
    // The first test digits are 7, 2, 1, 0.
    let grid = read(book.path().join("site/figures/digits-first.svg"));
    assert_eq!(grid.matches("<image").count(), 4);
    for label in [">7</text>", ">2</text>", ">1</text>", ">0</text>"] {
        assert!(grid.contains(label), "{label}");
    }
    assert!(
        book.path()
            .join("site/figures/digits-accuracy.svg")
            .is_file()
    );
}

#[test]
fn mnist_messages_show_paths_as_the_author_knows_them() {
    let book = fixture("mnist");
    let root = book.path().to_str().unwrap().to_string();
    let elsewhere = TempDir::new("mnist-elsewhere");
    let data_dir = elsewhere.path().to_str().unwrap().to_string();
    // (The closing "built DIR" line names the folder as --root gave it.)
    let absolute = |run: &Run, page: &str| {
        for text in [run.stdout.as_str(), run.stderr.as_str(), page] {
            for line in text.lines().filter(|l| !l.starts_with("built ")) {
                assert!(
                    !line.contains(&root) && !line.contains(&data_dir),
                    "absolute path in {line}"
                );
            }
        }
    };
    let build = |json: bool| {
        let mut args = vec!["build", "--root", root.as_str()];
        if json {
            args.extend(["--message-format", "json"]);
        }
        nnbook_env(&args, &[("NNBOOK_DATA_DIR", Some(data_dir.as_str()))])
    };

    // Missing: the folders searched, as book.yaml and the environment name them.
    for json in [false, true] {
        let run = build(json);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains("searched: data, $NNBOOK_DATA_DIR, .nnbook-cache/datasets"),
            "{all}"
        );
        absolute(&run, &read(book.path().join("site/01-digits.html")));
    }

    // Damaged files: named relative to the book, or under $NNBOOK_DATA_DIR.
    let names = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
    std::fs::create_dir_all(elsewhere.path().join("mnist")).unwrap();
    for name in names {
        std::fs::write(elsewhere.path().join("mnist").join(name), b"damaged").unwrap();
    }
    let run = build(false);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[E032]")
            && run
                .stderr
                .contains("$NNBOOK_DATA_DIR/mnist/t10k-images-idx3-ubyte.gz: SHA-256 mismatch"),
        "{}",
        run.stderr
    );
    absolute(&run, "");
    std::fs::create_dir_all(book.path().join("data/mnist")).unwrap();
    for name in names {
        std::fs::write(book.path().join("data/mnist").join(name), b"damaged").unwrap();
    }
    let run = build(true);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("data/mnist/t10k-images-idx3-ubyte.gz: SHA-256 mismatch"),
        "{}",
        run.stdout
    );
    absolute(&run, "");
}
