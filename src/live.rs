//! Live figures (`live:` in a block): the WebAssembly module the page's worker runs, built by
//! build.rs from crates/live and embedded here, and each live experiment as that module takes
//! it (the data as the build prepared it, bit for bit, and the training settings).

use crate::diag::Diagnostic;
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
