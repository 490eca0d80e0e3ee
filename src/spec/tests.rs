//! Parsing tests of whole blocks.

use super::*;

fn parse(text: &str) -> Result<Block, Diagnostic> {
    let chapter = format!("# T\n\n```nn\n{text}```\n");
    parse_block(
        text,
        &BlockSource {
            file: Path::new("content/a.md"),
            first_line: 4,
            chapter_text: &chapter,
        },
    )
}

#[test]
fn csv_data_keys_and_tasks() {
    let b = parse("id: p\ndata: {csv: d/points.csv, target: label, features: [x1, x2], scale: standard, limit: 10}\nmodel: [{dense: 1, activation: sigmoid}]\ntrain: {epochs: 2}\nvalidate: {csv: d/points.csv, target: label, offset: 10}\n").unwrap();
    let e = b.experiment.unwrap();
    let c = e.data.csv.as_ref().unwrap();
    assert_eq!(
        (c.path.as_str(), c.target.as_str()),
        ("d/points.csv", "label")
    );
    assert_eq!(
        c.features.as_deref(),
        Some(&["x1".to_string(), "x2".to_string()][..])
    );
    // The task follows the loss; held-out data too.
    assert_eq!(c.task, Some(Task::Classification));
    assert_eq!(
        e.validate.unwrap().csv.unwrap().task,
        Some(Task::Classification)
    );
    assert_eq!(
        (e.data.generator, e.data.limit, e.data.name()),
        (None, Some(10), "d/points.csv")
    );
    // The path is not part of the canonical experiment (the file's SHA-256 is).
    let json = serde_json::to_string(&e.data).unwrap();
    assert!(
        !json.contains("points.csv") && json.contains("\"target\":\"label\""),
        "{json}"
    );
    let r =
        parse("id: r\ndata: {csv: a.csv, target: y}\nmodel: [{dense: 1}]\ntrain: {epochs: 2}\n")
            .unwrap();
    assert_eq!(
        r.experiment.unwrap().data.csv.unwrap().task,
        Some(Task::Regression)
    );
    let open = parse("id: o\ndata: {csv: a.csv, target: y}\nshow: [{figure: scatter}]\n").unwrap();
    assert_eq!(open.experiment.unwrap().data.csv.unwrap().task, None);
    for (bad, at) in [
        ("data: {csv: a.csv}", "content/a.md:5:7"),
        (
            "data: {csv: a.csv, generator: xor, target: y}",
            "content/a.md:5:13",
        ),
        (
            "data: {csv: a.csv, target: y, features: [x, x]}",
            "content/a.md:5:45",
        ),
        (
            "data: {csv: a.csv, target: y, features: [y]}",
            "content/a.md:5:42",
        ),
        (
            "data: {csv: a.csv, target: y, features: []}",
            "content/a.md:5:41",
        ),
        (
            "data: {csv: a.csv, target: y, rng: numpy}",
            "content/a.md:5:31",
        ),
        ("data: {generator: xor, target: y}", "content/a.md:5:24"),
        ("data: {csv: '', target: y}", "content/a.md:5:13"),
    ] {
        let d = parse(&format!("id: p\n{bad}\n")).unwrap_err();
        assert_eq!(
            (d.code, d.position().as_deref()),
            ("E013", Some(at)),
            "{bad}: {d:?}"
        );
    }
    let d = parse("id: p\ndata: {csv: a.csv, target: y, task: regression}\nmodel: [{dense: 1, activation: sigmoid}]\ntrain: {epochs: 2}\n").unwrap_err();
    assert!(d.message.contains("does not fit a classifier"), "{d:?}");
    assert!(
        parse("id: p\ndata: {seed: 1}\n")
            .unwrap_err()
            .hint
            .unwrap()
            .contains("csv")
    );
}

const GOOD: &str = "id: xor-relu\ndata: {generator: xor}\nmodel: [{dense: 3, activation: relu}, {dense: 1, activation: sigmoid}]\ntrain: {epochs: 10, batch: full}\nshow:\n  - {figure: decision-regions, caption: Hi}\n  - {table: summary}\n";

#[test]
fn evolution_keeps_its_frames_and_runs_tables_need_runs() {
    let evo = GOOD.replace(
        "  - {table: summary}\n",
        "  - {figure: evolution, frames: [0, 3]}\n",
    );
    let b = parse(&evo).unwrap();
    let t = b.experiment.unwrap().train.unwrap();
    assert_eq!(
        t.snapshots,
        vec![0, 3, 10],
        "asked frames and the last epoch"
    );
    assert_eq!(default_frames(7), vec![0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(*default_frames(1000).last().unwrap(), 1000);
    assert!(default_frames(1_000_000).len() <= MAX_FRAMES);
    let many: Vec<String> = (0..61).map(|k| k.to_string()).collect();
    let d = parse(&evo.replace("[0, 3]", &format!("[{}]", many.join(", ")))).unwrap_err();
    assert!(d.message.contains("1 to 60 frames"), "{}", d.message);
    let d = parse("use: xor-relu\nshow:\n  - {figure: evolution}\n").unwrap_err();
    assert!(d.message.contains("block that trains"), "{}", d.message);
    let d = parse("id: r\nshow:\n  - {table: runs}\n").unwrap_err();
    assert_eq!(d.message, "missing key `runs`");
    assert!(parse("id: r\nshow:\n  - {table: runs, runs: [a, b]}\n").is_ok());
    // Without an evolution nothing is kept, and the cache key stays as it was.
    let plain = parse(GOOD).unwrap();
    let json = serde_json::to_string(&plain.experiment).unwrap();
    assert!(!json.contains("snapshots"), "{json}");
}

#[test]
fn parses_and_fills_defaults() {
    let b = parse(GOOD).unwrap();
    assert_eq!(b.id, "xor-relu");
    let exp = b.experiment.unwrap();
    let t = exp.train.unwrap();
    assert_eq!(t.loss, Loss::BinaryCrossentropy);
    assert_eq!(t.optimizer, Optimizer::adam(0.001));
    assert_eq!(t.batch, None);
    assert_eq!(b.show[0].id, "xor-relu-decision-regions");
    assert_eq!(b.show[1].id, "xor-relu-summary");
    assert_eq!(exp.model.unwrap().layers[0].activation, Activation::Relu);
}

#[test]
fn errors_point_into_the_chapter() {
    let d = parse(&GOOD.replace("activation: relu", "activation: rleu")).unwrap_err();
    assert_eq!(d.code, "E012");
    assert_eq!(d.position().as_deref(), Some("content/a.md:6:32"));
    assert_eq!(d.hint.as_deref(), Some("did you mean `relu`?"));
    assert!(d.source_line.unwrap().contains("rleu"));

    let d = parse(&GOOD.replace("train:", "trian:")).unwrap_err();
    assert_eq!(
        (d.code, d.hint.as_deref()),
        ("E011", Some("did you mean `train`?"))
    );
    assert_eq!(d.position().as_deref(), Some("content/a.md:7:1"));

    let d = parse(&GOOD.replace("dense: 3", "dense: 0")).unwrap_err();
    assert_eq!(d.code, "E013");
    assert_eq!(d.position().as_deref(), Some("content/a.md:6:17"));

    assert_eq!(parse("id: [\n").unwrap_err().code, "E010");
}

#[test]
fn incompatible_combinations_are_errors() {
    let d = parse(
        &GOOD
            .replace("activation: sigmoid}]", "activation: softmax}]")
            .replace("epochs: 10", "epochs: 10, loss: binary-crossentropy"),
    )
    .unwrap_err();
    assert!(d.message.contains("softmax"), "{}", d.message);
    let d =
        parse("id: a\ndata: {generator: xor}\nshow: [{figure: decision-regions}]\n").unwrap_err();
    assert!(d.message.contains("needs a trained model"));
    let d = parse("use: a\nid: b\nshow: []\n").unwrap_err();
    assert!(d.message.contains("`id` cannot be combined"));
}

#[test]
fn classic_models() {
    let b =
        parse("id: p\ndata: {generator: xor}\nmodel: perceptron\ntrain: {epochs: 150, lr: 0.05}\n")
            .unwrap();
    let exp = b.experiment.unwrap();
    assert_eq!(exp.model.unwrap().classic, Some(Classic::Perceptron));
    assert_eq!(
        (
            exp.train.as_ref().unwrap().epochs,
            exp.train.unwrap().optimizer.lr()
        ),
        (150, 0.05)
    );
    let b = parse("id: l\ndata: {generator: xor}\nmodel: logistic-regression\n").unwrap();
    assert_eq!(b.experiment.unwrap().train.unwrap().c, 1.0);
    let d = parse("id: l\ndata: {generator: xor}\nmodel: logistic-regresion\n").unwrap_err();
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `logistic-regression`?")
    );
    let d = parse(
        "id: p\ndata: {generator: xor}\nmodel: perceptron\ntrain: {epochs: 3, optimizer: adam}\n",
    )
    .unwrap_err();
    assert_eq!(d.code, "E011");
}

#[test]
fn use_blocks_reuse_an_experiment() {
    let b = parse("use: xor-relu\nshow: [{figure: training-curve, id: curve}]\n").unwrap();
    assert!(b.uses && b.experiment.is_none());
    assert_eq!(b.id, "xor-relu");
    assert_eq!(b.show[0].id, "curve");
}

fn parse_all(text: &str) -> Result<Vec<Block>, Diagnostic> {
    let chapter = format!("# T\n\n```nn\n{text}```\n");
    parse_blocks(
        text,
        &BlockSource {
            file: Path::new("content/a.md"),
            first_line: 4,
            chapter_text: &chapter,
        },
    )
}

#[test]
fn a_vary_grid_is_one_member_per_combination_then_the_family() {
    let base = "data: {generator: xor}\nmodel: [{dense: 4, activation: tanh}, {dense: 1, activation: sigmoid}]\ntrain: {epochs: 5, batch: full}\n";
    let blocks = parse_all(&format!(
        "id: act\n{base}vary: {{activation: [relu, tanh], train.lr: [0.1, 0.01]}}\nshow:\n  - {{table: runs, id: act-runs}}\n"
    ))
    .unwrap();
    let ids: Vec<&str> = blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "act-relu-0.1",
            "act-relu-0.01",
            "act-tanh-0.1",
            "act-tanh-0.01",
            "act"
        ]
    );
    // A member is the block written out by hand, down to its experiment.
    let by_hand = parse(&format!(
        "id: act-tanh-0.01\n{}",
        base.replace("batch: full", "batch: full, lr: 0.01")
    ))
    .unwrap();
    assert_eq!(blocks[3].experiment, by_hand.experiment);
    assert_ne!(blocks[2].experiment, by_hand.experiment);
    assert!(blocks[..4].iter().all(
        |b| b.show.is_empty() && b.member_of.as_ref().map(|m| m.family.as_str()) == Some("act")
    ));
    // The family's runs table lists the members.
    let family = &blocks[4];
    assert!(family.experiment.is_none() && family.member_of.is_none());
    assert_eq!(
        family.show[0].options.runs().map(Vec::as_slice),
        Some(&ids[..4].iter().map(|s| s.to_string()).collect::<Vec<_>>()[..])
    );
    // A layer by its place: the output layer's units.
    let out = parse_all(&format!("id: o\n{base}vary: {{model.1.dense: [2, 3]}}\n")).unwrap();
    let units = |b: &Block| {
        b.experiment
            .as_ref()
            .unwrap()
            .model
            .as_ref()
            .unwrap()
            .layers[0]
            .units
    };
    assert_eq!((units(&out[0]), units(&out[1])), (2, 3));
}
