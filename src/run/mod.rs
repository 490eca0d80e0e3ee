//! The run stage: prepare each experiment's data, train it on the engine, and collect the
//! outcomes. Independent experiments run in parallel (rayon); results are keyed by id in a
//! BTreeMap, so the order of completion never shows in the output.

mod classic;
mod data;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ndarray::Array2;
use rayon::prelude::*;

pub use data::Prepared;

use crate::content::Chapter;
use crate::diag::{Diagnostic, display_path};
use crate::engine::{self, Batch, History, Model, Optimizer, TrainConfig};
use crate::spec::{self, Block, Experiment, Loss, OptimizerKind, TrainSpec};

/// What became of one experiment.
#[derive(Debug, Clone)]
pub enum Outcome {
    Done(Box<ExperimentResult>),
    /// Not run, e.g. a dataset that is not on this machine; the build warns.
    Skipped {
        reason: String,
        help: String,
        warning: Diagnostic,
    },
    Failed(Diagnostic),
}

/// Data and (when the block has a model) the trained model with its history.
#[derive(Debug, Clone)]
pub struct ExperimentResult {
    pub data: Prepared,
    pub trained: Option<Trained>,
}

/// A trained model.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    pub history: History,
    pub train: TrainSpec,
}

impl Trained {
    /// The last logged value of each metric, by name, as the shortest decimal that reads back
    /// as the same f32 (0.948, not 0.9480000138282776).
    pub fn final_metrics(&self) -> BTreeMap<String, f64> {
        let h = &self.history;
        let series = [
            ("loss", Some(&h.loss)),
            ("accuracy", h.accuracy.as_ref()),
            ("mse", h.mse.as_ref()),
        ];
        series
            .into_iter()
            .filter_map(|(name, values)| {
                let v = *values?.last()?;
                Some((
                    name.to_string(),
                    v.to_string().parse().unwrap_or(f64::from(v)),
                ))
            })
            .collect()
    }
}

/// Run every experiment of the book (blocks with `use:` reuse results and run nothing).
pub fn run_all(
    blocks: &[(&Chapter, &Block)],
    data_dirs: &[PathBuf],
    jobs: Option<usize>,
) -> BTreeMap<String, Outcome> {
    let todo: Vec<(&Chapter, &Block, &Experiment)> = blocks
        .iter()
        .filter_map(|(c, b)| b.experiment.as_ref().map(|e| (*c, *b, e)))
        .collect();
    let work = || -> Vec<(String, Outcome)> {
        todo.par_iter()
            .map(|(ch, block, exp)| (block.id.clone(), run_one(ch, block, exp, data_dirs)))
            .collect()
    };
    let results = match jobs.and_then(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .ok()
    }) {
        Some(pool) => pool.install(work),
        None => work(),
    };
    results.into_iter().collect()
}

fn run_one(ch: &Chapter, block: &Block, exp: &Experiment, data_dirs: &[PathBuf]) -> Outcome {
    let data = match data::prepare(&exp.data, exp.model.as_ref(), exp.train.as_ref(), data_dirs) {
        Ok(d) => d,
        Err(data::DataProblem::Missing { reason, help }) => {
            let warning = Diagnostic::warning(
                "W001",
                format!("experiment `{}` skipped: {reason}", block.id),
            )
            .at(exp.data.location.clone())
            .hint(help.clone())
            .with_source(&ch.text);
            return Outcome::Skipped {
                reason,
                help,
                warning,
            };
        }
        Err(data::DataProblem::Invalid(d)) => return Outcome::Failed(d.with_source(&ch.text)),
    };
    let (Some(model_spec), Some(train)) = (&exp.model, &exp.train) else {
        return Outcome::Done(Box::new(ExperimentResult {
            data,
            trained: None,
        }));
    };
    if let Some(classic) = model_spec.classic {
        return match classic::train(classic, &data, train) {
            Ok(trained) => Outcome::Done(Box::new(ExperimentResult {
                data,
                trained: Some(trained),
            })),
            Err(msg) => Outcome::Failed(
                Diagnostic::error("E030", format!("experiment `{}`: {msg}", block.id))
                    .at(model_spec.location.clone())
                    .with_source(&ch.text),
            ),
        };
    }
    let layers: Vec<engine::LayerSpec> = model_spec
        .layers
        .iter()
        .map(|l| engine::LayerSpec {
            units: l.units,
            activation: activation(l.activation),
        })
        .collect();
    let fail = |msg: String, hint: &str| {
        Outcome::Failed(
            Diagnostic::error("E030", msg)
                .at(train.location.clone())
                .hint(hint.to_string())
                .with_source(&ch.text),
        )
    };
    let mut model = match Model::new(data.x.ncols(), &layers, train.seed) {
        Ok(m) => m,
        Err(e) => {
            return fail(
                format!("experiment `{}`: {e}", block.id),
                "check the model's layer sizes",
            );
        }
    };
    let cfg = TrainConfig {
        loss: loss(train.loss),
        optimizer: match train.optimizer {
            OptimizerKind::Adam => Optimizer::adam(train.lr as f32),
            OptimizerKind::Sgd => Optimizer::Sgd {
                lr: train.lr as f32,
                momentum: train.momentum as f32,
            },
        },
        epochs: train.epochs,
        batch: train.batch.map_or(Batch::Full, Batch::Size),
        // A stream of its own for shuffling, so it does not repeat the initialiser's numbers.
        seed: train.seed ^ 0x9E37_79B9_7F4A_7C15,
        shuffle: train.shuffle,
        stop_loss_below: train.stop_loss_below.map(|v| v as f32),
        snapshot_epochs: Vec::new(),
    };
    match engine::train(&mut model, &data.x, &data.targets, &cfg) {
        Ok(history) => Outcome::Done(Box::new(ExperimentResult {
            data,
            trained: Some(Trained {
                model,
                history,
                train: train.clone(),
            }),
        })),
        Err(e) => fail(
            format!(
                "experiment `{}` ({}): {e}",
                block.id,
                display_path(&ch.source)
            ),
            "a smaller learning rate (`lr:`) usually helps a diverging run",
        ),
    }
}

fn activation(a: spec::Activation) -> engine::Activation {
    match a {
        spec::Activation::Linear => engine::Activation::Linear,
        spec::Activation::Relu => engine::Activation::Relu,
        spec::Activation::Tanh => engine::Activation::Tanh,
        spec::Activation::Sigmoid => engine::Activation::Sigmoid,
        spec::Activation::Softmax => engine::Activation::Softmax,
        spec::Activation::Step => engine::Activation::Step,
    }
}

fn loss(l: Loss) -> engine::Loss {
    match l {
        Loss::BinaryCrossentropy => engine::Loss::BinaryCrossentropy,
        Loss::CategoricalCrossentropy => engine::Loss::CategoricalCrossentropy,
        Loss::Mse => engine::Loss::Mse,
        Loss::SquaredError => engine::Loss::SquaredError,
    }
}

/// Predict in chunks so a large grid never needs one huge activation matrix.
pub fn predict(model: &Model, x: &Array2<f32>) -> Array2<f32> {
    const CHUNK: usize = 16_384;
    if x.nrows() <= CHUNK {
        return model.forward(x);
    }
    let out_dim = model.output_dim();
    let mut out = Array2::<f32>::zeros((x.nrows(), out_dim));
    for start in (0..x.nrows()).step_by(CHUNK) {
        let end = (start + CHUNK).min(x.nrows());
        let part = model.forward(&x.slice(ndarray::s![start..end, ..]).to_owned());
        out.slice_mut(ndarray::s![start..end, ..]).assign(&part);
    }
    out
}
