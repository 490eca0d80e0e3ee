//! Property tests of a block's canonical form: parsing a printed block gives back the values
//! printed, and key order, flow or block style, comments and whitespace never change the
//! parsed experiment or its cache key.
#![allow(clippy::result_large_err)] // diagnostics are cold-path values

use std::path::Path;

use nnbook::spec::{BlockSource, parse_block};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    generator: &'static str,
    n: usize,
    data_seed: u64,
    layers: Vec<(usize, &'static str)>,
    loss: &'static str,
    optimizer: &'static str,
    lr: f64,
    epochs: usize,
    batch: Option<usize>,
    seed: u64,
}

const GENERATORS: &[&str] = &[
    "corner-square",
    "two-clusters",
    "three-blobs",
    "parabola",
    "xor",
];
const ACTIVATIONS: &[&str] = &["linear", "relu", "tanh", "sigmoid", "softmax"];
const LOSSES: &[&str] = &["binary-crossentropy", "categorical-crossentropy", "mse"];

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            prop::sample::select(GENERATORS),
            1usize..5000,
            0u64..1_000_000,
            prop::collection::vec((1usize..64, prop::sample::select(ACTIVATIONS)), 1..4),
        ),
        (
            prop::sample::select(LOSSES),
            prop::sample::select(&["adam", "sgd"][..]),
            // Learning rates printed with up to 6 decimals read back exactly.
            (1u32..1_000_000).prop_map(|m| f64::from(m) / 1e6),
            1usize..5000,
            prop::option::of(1usize..512),
            0u64..1_000_000,
        ),
    )
        .prop_map(
            |((generator, n, data_seed, layers), (loss, optimizer, lr, epochs, batch, seed))| {
                Spec {
                    generator,
                    n,
                    data_seed,
                    layers,
                    loss,
                    optimizer,
                    lr,
                    epochs,
                    batch,
                    seed,
                }
            },
        )
}

/// How a block is laid out: none of this may matter.
#[derive(Debug, Clone)]
struct Layout {
    /// Rotation of the top-level keys and of each mapping's keys.
    rotate: usize,
    flow: bool,
    comments: bool,
    /// Extra spaces after each `:` and `,` in flow style.
    spaces: usize,
    blank_lines: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        0usize..8,
        any::<bool>(),
        any::<bool>(),
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|(rotate, flow, comments, spaces, blank_lines)| Layout {
            rotate,
            flow,
            comments,
            spaces,
            blank_lines,
        })
}

fn rotated<T: Clone>(items: &[T], by: usize) -> Vec<T> {
    let mut v = items.to_vec();
    let k = by % v.len().max(1);
    v.rotate_left(k);
    v
}

/// A mapping in flow or block style (block style indented under its key).
fn mapping(pairs: &[(&str, String)], l: &Layout) -> String {
    let pairs = rotated(pairs, l.rotate);
    if l.flow {
        let sp = " ".repeat(l.spaces);
        let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}:{sp} {v}")).collect();
        format!("{{{sp}{}{sp}}}", inner.join(&format!(",{sp} ")))
    } else {
        pairs
            .iter()
            .map(|(k, v)| format!("\n  {k}: {v}"))
            .collect::<String>()
    }
}

fn print(s: &Spec, l: &Layout) -> String {
    let data = mapping(
        &[
            ("generator", s.generator.to_string()),
            ("n", s.n.to_string()),
            ("seed", s.data_seed.to_string()),
        ],
        l,
    );
    let layers: Vec<String> = s
        .layers
        .iter()
        .map(|(units, act)| {
            let flow = Layout {
                flow: true,
                ..l.clone()
            };
            mapping(
                &[
                    ("dense", units.to_string()),
                    ("activation", act.to_string()),
                ],
                &flow,
            )
        })
        .collect();
    let model = if l.flow {
        format!("[{}]", layers.join(", "))
    } else {
        layers.iter().map(|m| format!("\n  - {m}")).collect()
    };
    let mut train = vec![
        ("loss", s.loss.to_string()),
        ("optimizer", s.optimizer.to_string()),
        ("lr", format!("{}", s.lr)),
        ("epochs", s.epochs.to_string()),
        (
            "batch",
            s.batch.map_or("full".to_string(), |b| b.to_string()),
        ),
        ("seed", s.seed.to_string()),
    ];
    if l.rotate % 2 == 1 {
        train.reverse();
    }
    let train = mapping(&train, l);
    let top = rotated(
        &[
            format!("data: {data}"),
            format!("model: {model}"),
            format!("train: {train}"),
        ],
        l.rotate / 2,
    );
    let mut out = String::from("id: prop\n");
    if l.comments {
        out.insert_str(0, "# an experiment block\n");
    }
    for part in top {
        if l.blank_lines {
            out.push('\n');
        }
        out.push_str(&part);
        if l.comments {
            // A comment after the value (on its own line in block style).
            out.push_str(if l.flow { "  # note" } else { "\n# note" });
        }
        out.push('\n');
    }
    out
}

fn parse(text: &str) -> Result<nnbook::spec::Block, nnbook::diag::Diagnostic> {
    parse_block(
        text,
        &BlockSource {
            file: Path::new("content/a.md"),
            first_line: 2,
            chapter_text: text,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn layout_never_changes_the_experiment_or_its_key(s in spec(), a in layout(), b in layout()) {
        let (ta, tb) = (print(&s, &a), print(&s, &b));
        match (parse(&ta), parse(&tb)) {
            (Ok(x), Ok(y)) => {
                let (ex, ey) = (x.experiment.unwrap(), y.experiment.unwrap());
                prop_assert_eq!(serde_json::to_string(&ex).unwrap(), serde_json::to_string(&ey).unwrap());
                prop_assert_eq!(nnbook::run::cache_key(&ex, "d"), nnbook::run::cache_key(&ey, "d"));
                // parse(print(spec)) == spec: every printed value reads back.
                let t = ex.train.as_ref().unwrap();
                prop_assert_eq!(t.epochs, s.epochs);
                prop_assert_eq!(t.optimizer.lr(), s.lr);
                prop_assert_eq!(t.seed, s.seed);
                prop_assert_eq!(t.batch, s.batch);
                prop_assert_eq!(t.loss.name(), s.loss);
                prop_assert_eq!(t.optimizer.name(), s.optimizer);
                prop_assert_eq!(ex.data.name(), s.generator);
                prop_assert_eq!(ex.data.seed, s.data_seed);
                let layers: Vec<(usize, &str)> = ex.model.as_ref().unwrap().layers.iter()
                    .map(|l| (l.units, l.activation.name())).collect();
                prop_assert_eq!(layers, s.layers.clone());
            }
            // An invalid combination is invalid whatever the layout, for the same reason.
            (Err(x), Err(y)) => {
                prop_assert_eq!(x.code, y.code);
                prop_assert_eq!(x.message, y.message);
            }
            (x, y) => prop_assert!(false, "layouts disagree:\n{}\n{:?}\n{}\n{:?}", ta, x.map(|_| ()), tb, y.map(|_| ())),
        }
    }

    /// Arbitrary text never panics the block parser.
    #[test]
    fn any_text_parses_or_fails_cleanly(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }
}

/// The property above is only as good as its valid cases: a typical block parses in every
/// layout.
#[test]
fn a_typical_block_parses_in_every_layout() {
    let s = Spec {
        generator: "corner-square",
        n: 100,
        data_seed: 1,
        layers: vec![(4, "tanh"), (1, "sigmoid")],
        loss: "binary-crossentropy",
        optimizer: "adam",
        lr: 0.001,
        epochs: 10,
        batch: Some(32),
        seed: 2,
    };
    for rotate in 0..8 {
        for flow in [false, true] {
            for comments in [false, true] {
                let l = Layout {
                    rotate,
                    flow,
                    comments,
                    spaces: rotate % 3,
                    blank_lines: comments,
                };
                let text = print(&s, &l);
                assert!(parse(&text).is_ok(), "{text}\n{:?}", parse(&text).err());
            }
        }
    }
}
