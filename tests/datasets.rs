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

/// Models trained elsewhere (tests/fixtures/weights, written by make.py with NumPy and the
/// safetensors package): the weights read from each file predict what NumPy computed.
mod weights {
    use super::common::*;
    use nnbook::datasets::weights::{Loaded, load};
    use nnbook::engine::{Dense, Model};
    use nnbook::spec::{BlockSource, parse_block};
    use std::path::Path;

    fn dir() -> &'static Path {
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/weights"
        ))
    }

    fn loaded(root: &Path, model: &str) -> Result<Loaded, String> {
        let text = format!("id: m\ndata: {{generator: xor}}\nmodel: {model}\n");
        let src = BlockSource {
            file: Path::new("content/01.md"),
            first_line: 1,
            chapter_text: &text,
        };
        let block = parse_block(&text, &src).map_err(|d| d.message)?;
        let m = block.experiment.unwrap().model.unwrap();
        load(root, &m, m.load.as_ref().unwrap()).map_err(|d| format!("{}: {}", d.code, d.message))
    }

    fn predict(l: &Loaded, x: &[f32]) -> Vec<f32> {
        let layers = l
            .layers
            .iter()
            .map(|l| Dense {
                w: l.w.clone(),
                b: l.b.clone(),
                activation: l.activation,
            })
            .collect();
        let model = Model::from_layers(layers).unwrap();
        let x = ndarray::Array2::from_shape_vec((x.len() / 2, 2), x.to_vec()).unwrap();
        model.forward(&x).iter().copied().collect()
    }

    #[test]
    fn loaded_weights_predict_what_numpy_computed() {
        let expected: serde_json::Value =
            serde_json::from_str(&read(dir().join("expected.json"))).unwrap();
        let inputs: Vec<f32> = expected["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap() as f32)
            })
            .collect();
        let want: Vec<f64> = expected["predictions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(want.len(), 16);
        for model in [
            "{load: model.safetensors, activations: [tanh, sigmoid]}",
            "{load: keras.npz, layers: [{dense: 4, activation: tanh}, {dense: 1, activation: sigmoid}]}",
            "{load: keras.npz, layout: keras, activations: [tanh, sigmoid]}",
        ] {
            let got = predict(&loaded(dir(), model).unwrap(), &inputs);
            for (g, w) in got.iter().zip(&want) {
                // f32 arithmetic on f32 inputs and weights, against NumPy's f64 on the same
                // f32 weights: a few units in the last place of f32.
                assert!((f64::from(*g) - w).abs() < 2e-6, "{model}: {g} vs {w}");
            }
        }
        // The same file read the other way round is refused, naming the tensor.
        let e = loaded(
            dir(),
            "{load: model.safetensors, layout: keras, activations: [tanh, sigmoid]}",
        )
        .unwrap_err();
        assert!(
            e.starts_with("E038") && e.contains("`0.bias` has shape [4], expected [2]"),
            "{e}"
        );
        // Wrong activations count, a file outside the book, a missing file.
        let e = loaded(dir(), "{load: model.safetensors, activations: [tanh]}").unwrap_err();
        assert!(e.contains("extra tensor `2.weight`"), "{e}");
        let e = loaded(
            dir(),
            "{load: ../weights/model.safetensors, activations: [tanh, sigmoid]}",
        )
        .unwrap_err();
        assert!(e.starts_with("E009"), "{e}");
        let e = loaded(dir(), "{load: nothing.npz, activations: [tanh, sigmoid]}").unwrap_err();
        assert!(e.starts_with("E037"), "{e}");
    }

    /// The fixture book draws figures and tables from loaded models; editing a weight file
    /// changes that experiment's cache key and no other, and redraws its figures.
    #[test]
    fn a_book_draws_loaded_models_and_their_files_key_the_cache() {
        let book = fixture("weights");
        let cache = TempDir::new("weights-cache");
        let out = book.path().join("site");
        let args = [
            "--cache-dir",
            cache.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        build_ok(book.path(), &args);
        // Every figure kind a loaded network of its shape allows (training kinds are refused).
        for f in [
            "torch-regions",
            "torch-mesh",
            "torch-net",
            "keras-regions",
            "hidden2-grid",
            "hidden3-space",
            "loaded-sweep",
            "regressor-fit",
            "regressor-units",
            "regressor-overlay",
        ] {
            assert!(out.join(format!("figures/{f}.svg")).is_file(), "{f}");
        }
        let page = read(out.join("01-loaded.html"));
        // Says how the figure was made: not trained here.
        assert!(page.contains("from weights it did not train"));
        assert!(!page.contains("trained by the nnbook engine"));
        // Sweep panels of loaded models name no learning rate they never had.
        let sweep = read(out.join("figures/loaded-sweep.svg"));
        assert!(
            sweep.contains("3 ReLU") && !sweep.contains(" lr "),
            "{sweep}"
        );
        for table in [
            "torch-weights",
            "torch-summary",
            "keras-pass",
            "keras-confusion",
            "torch-backprop",
        ] {
            assert!(page.contains(&format!("id=\"{table}\"")), "{table}");
        }
        let before = read(out.join("figures/torch-regions.svg"));
        let keras_before = read(out.join("figures/keras-regions.svg"));
        let keys = || {
            let root = book.path();
            let config = nnbook::config::Config::load(root).unwrap();
            let chapters = nnbook::content::load_chapters(root, &config).unwrap();
            let sources = nnbook::datasets::locate(root, &config, &chapters, false).unwrap();
            let blocks: Vec<_> = chapters
                .iter()
                .flat_map(|c| c.blocks.iter().map(move |b| (c, b)))
                .collect();
            nnbook::run::experiment_keys(&blocks, &sources)
        };
        let k1 = keys();
        // Negate the output layer's first weight (the last tensor in the file, 2.weight).
        let path = book.path().join("model.safetensors");
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 13] ^= 0x80;
        std::fs::write(&path, bytes).unwrap();
        let k2 = keys();
        assert_ne!(k1["torch"], k2["torch"]);
        assert_eq!(k1["keras"], k2["keras"]);
        build_ok(book.path(), &args);
        assert_ne!(read(out.join("figures/torch-regions.svg")), before);
        assert_eq!(read(out.join("figures/keras-regions.svg")), keras_before);
    }
}
