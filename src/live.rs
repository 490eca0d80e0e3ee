//! Live figures (`live:` in a block): the WebAssembly module the page's worker runs, built by
//! build.rs from crates/live and embedded here, and each live experiment as that module takes
//! it (the data as the build prepared it, bit for bit, and the training settings).

use std::collections::BTreeMap;

use crate::content::Chapter;
use crate::diag::Diagnostic;
use crate::run::Outcome as RunOutcome;
use crate::run::Prepared;
use crate::spec::{LiveSpec, ModelSpec, Optimizer, TrainSpec};

pub use nnbook_live::{Experiment, Outcome, Settings};

/// The module's bytes; empty when this nnbook was built without the wasm32 target.
const MODULE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/nnbook-live.wasm"));

/// The live module, or None when this nnbook was built without it.
pub fn module() -> Option<&'static [u8]> {
    (!MODULE.is_empty()).then_some(MODULE)
}

/// A trained block's experiment for the module; None for what the module cannot retrain
/// (classic models, given weights).
pub fn experiment(
    id: &str,
    model: &ModelSpec,
    train: &TrainSpec,
    data: &Prepared,
) -> Option<Experiment> {
    if model.classic.is_some() || model.layers.iter().any(|l| l.weights.is_some()) {
        return None;
    }
    let bits = |a: &ndarray::Array2<f32>| a.iter().map(|v| v.to_bits()).collect();
    let f = |v: f64| (v as f32).to_bits();
    Some(Experiment {
        id: id.to_string(),
        inputs: data.x.ncols(),
        x: bits(&data.x),
        outputs: data.targets.ncols(),
        targets: bits(&data.targets),
        layers: model
            .layers
            .iter()
            .map(|l| nnbook_live::Layer {
                units: l.units,
                activation: l.activation.name().to_string(),
            })
            .collect(),
        loss: train.loss.name().to_string(),
        optimizer: match train.optimizer {
            Optimizer::Sgd { lr, momentum } => nnbook_live::Optimizer::Sgd {
                lr: f(lr),
                momentum: f(momentum),
            },
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            } => nnbook_live::Optimizer::Adam {
                lr: f(lr),
                beta1: f(beta1),
                beta2: f(beta2),
                epsilon: f(epsilon),
            },
        },
        epochs: train.epochs,
        batch: train.batch,
        seed: train.seed,
        shuffle: train.shuffle,
        stop_loss_below: train.stop_loss_below.map(f),
    })
}

/// The most training a live block may ask of a reader's browser, in parameter-sample-epochs
/// (`run::estimate`) at its largest settings: about a second in headless Chromium on two
/// cores (measured by tests/browser's live check, `BENCH live_tiny_ms`).
pub const BROWSER_WORK: f64 = 2e8;

/// Refuse a live block whose largest settings would be too slow for a browser.
pub fn check_work(
    id: &str,
    live: &LiveSpec,
    model: &ModelSpec,
    train: &TrainSpec,
    data: &Prepared,
) -> Result<(), Diagnostic> {
    let (layers, epochs) = live.largest(model, train);
    let cost = crate::run::estimate(data.x.ncols(), &layers, data.x.nrows(), train.batch, epochs);
    if cost.work <= BROWSER_WORK {
        return Ok(());
    }
    Err(Diagnostic::error(
        "E036",
        format!(
            "live experiment `{id}` would cost {:.3e} parameter-sample-epochs at its largest settings ({:.0} parameters × {} samples × {epochs} epochs), more than a browser's limit of {BROWSER_WORK:.1e}",
            cost.work,
            cost.parameters,
            data.x.nrows(),
        ),
    )
    .at(live.location.clone())
    .hint("lower the largest `units` or `epochs` under `live: {vary: …}`, or use less data"))
}

/// Where the module is in the site.
pub const MODULE_PATH: &str = "live/nnbook-live.wasm";

/// What the build writes for its live experiments: each one's JSON (`live/<id>.json`: the
/// experiment, the figures the page redraws, the ranges, the authored settings and the
/// published run's result) with the
/// module, and each experiment's control (the context of the theme's `live.html`). Without the
/// module, a warning per live block and no controls: the pages stay as published.
#[derive(Default)]
pub struct Site {
    pub files: Vec<(String, Vec<u8>)>,
    pub controls: BTreeMap<String, serde_json::Value>,
    pub warnings: Vec<Diagnostic>,
}

pub fn site(chapters: &[Chapter], outcomes: &BTreeMap<String, RunOutcome>) -> Site {
    let mut site = Site::default();
    for ch in chapters {
        for block in &ch.blocks {
            let (Some(live), Some(exp)) = (&block.live, &block.experiment) else {
                continue;
            };
            if module().is_none() {
                site.warnings.push(
                    Diagnostic::warning(
                        "W002",
                        format!(
                            "`{}` is shown as published: this nnbook was built without live figures",
                            block.id
                        ),
                    )
                    .at(live.location.clone())
                    .hint("build nnbook with the wasm32 target: `rustup target add wasm32-wasip1`, then `cargo install --path .` again")
                    .with_source(&ch.text),
                );
                continue;
            }
            let (Some(model), Some(train), Some(RunOutcome::Done(r))) =
                (&exp.model, &exp.train, outcomes.get(&block.id))
            else {
                continue;
            };
            let (Some(trained), Some(e)) =
                (&r.trained, experiment(&block.id, model, train, &r.data))
            else {
                continue;
            };
            let hidden = model.layers.len().saturating_sub(1);
            let first = model.layers.first().filter(|_| hidden > 0);
            let authored = serde_json::json!({
                "lr": train.optimizer.lr().to_string(),
                "units": first.map(|l| l.units),
                "activation": first.map(|l| l.activation.name()),
                "epochs": train.epochs,
                "seed": train.seed,
            });
            let h = &trained.history;
            let published = serde_json::json!({
                "digest": nnbook_live::digest(&trained.model),
                "epochs_run": h.epochs_run,
                "loss": h.loss.last().map(|v| v.to_bits()),
                "accuracy": h.accuracy.as_ref().and_then(|a| a.last()).map(|v| v.to_bits()),
            });
            let json = format!("live/{}.json", block.id);
            // JSON text inside the JSON: the page hands it to the module untouched.
            let figures =
                serde_json::to_string(&crate::show::live_figures(block, r)).unwrap_or_default();
            let body = serde_json::json!({
                "experiment": e,
                "figures": figures,
                "vary": live,
                "authored": authored,
                "published": published,
            });
            site.files
                .push((json.clone(), body.to_string().into_bytes()));
            let figures: Vec<&str> = chapters
                .iter()
                .flat_map(|c| &c.blocks)
                .filter(|b| b.id == block.id)
                .flat_map(|b| &b.show)
                .filter(|s| matches!(s.what, crate::spec::ShowKind::Figure(_)))
                .map(|s| s.id.as_str())
                .collect();
            let range = |r: Option<[serde_json::Value; 2]>, value: serde_json::Value| {
                r.map(|[lo, hi]| serde_json::json!({"min": lo, "max": hi, "value": value}))
            };
            let whole = |r: Option<[usize; 2]>| r.map(|[lo, hi]| [lo.into(), hi.into()]);
            site.controls.insert(
                block.id.clone(),
                serde_json::json!({
                    "experiment": block.id,
                    "json": json,
                    "module": MODULE_PATH,
                    "worker": "theme/live-worker.js",
                    "figures": figures.join(" "),
                    "lr": range(live.lr.map(|[lo, hi]| [lo.into(), hi.into()]), authored["lr"].clone()),
                    "units": range(whole(live.units), authored["units"].clone()),
                    "activation": live.activation.as_ref().map(|a| serde_json::json!({
                        "options": a.iter().map(|a| a.name()).collect::<Vec<_>>(),
                        "value": authored["activation"],
                    })),
                    "epochs": range(whole(live.epochs), authored["epochs"].clone()),
                    "seed": live.seed.then(|| serde_json::json!({"value": train.seed})),
                }),
            );
        }
    }
    if let (false, Some(m)) = (site.files.is_empty(), module()) {
        site.files.push((MODULE_PATH.to_string(), m.to_vec()));
    }
    site
}
