//! An experiment, the reader's settings, and the run that trains it.
//!
//! Every engine number crosses as its `f32` bits (`u32`), never as decimal text, so no
//! parser's rounding can change an input between the build and the browser; the reader's
//! learning rate arrives as the text they typed and is read by Rust's correctly rounded
//! parser, as a block's `lr:` is.

use ndarray::Array2;
use nnbook_engine::{self as engine, Activation, Batch, LayerSpec, Loss, Model, TrainConfig};
use serde::{Deserialize, Serialize};

/// One dense layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub units: usize,
    pub activation: String,
}

/// The optimizer with its settings as `f32` bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Optimizer {
    Sgd {
        lr: u32,
        momentum: u32,
    },
    Adam {
        lr: u32,
        beta1: u32,
        beta2: u32,
        epsilon: u32,
    },
}

/// An experiment as the build trained it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    pub id: String,
    /// Features per row; `x` holds the rows one after another, as `f32` bits.
    pub inputs: usize,
    pub x: Vec<u32>,
    /// Targets per row (`targets` as `x`).
    pub outputs: usize,
    pub targets: Vec<u32>,
    pub layers: Vec<Layer>,
    pub loss: String,
    pub optimizer: Optimizer,
    pub epochs: usize,
    /// Rows per batch; None for the whole data.
    pub batch: Option<usize>,
    /// The block's seed: the initialiser's stream, and (mixed) the shuffle's.
    pub seed: u64,
    pub shuffle: bool,
    pub stop_loss_below: Option<u32>,
}

/// What the reader changed; None keeps the experiment's own value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The learning rate as typed (decimal text).
    #[serde(default)]
    pub lr: Option<String>,
    /// Units of every hidden layer.
    #[serde(default)]
    pub units: Option<usize>,
    /// Activation of every hidden layer.
    #[serde(default)]
    pub activation: Option<String>,
    #[serde(default)]
    pub epochs: Option<usize>,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub epochs_run: usize,
    /// Logged loss per epoch, as `f32` bits.
    pub loss: Vec<u32>,
    /// Accuracy per epoch (classifiers), as `f32` bits.
    pub accuracy: Option<Vec<u32>>,
    /// [`digest`] of the final weights and biases.
    pub digest: String,
    /// Every layer's weights (rows of inputs) then biases, as `f32` bits.
    pub weights: Vec<Vec<u32>>,
}

/// The same mixing the build applies, so the shuffle does not repeat the initialiser's
/// numbers (src/run/mod.rs `fit`).
pub const SHUFFLE_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl Experiment {
    /// This experiment with the reader's settings applied.
    pub fn with(&self, s: &Settings) -> Result<Experiment, String> {
        let mut e = self.clone();
        if let Some(lr) = &s.lr {
            let v: f64 = lr
                .trim()
                .parse()
                .map_err(|_| format!("learning rate `{lr}` is not a number"))?;
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("learning rate `{lr}` must be above 0"));
            }
            let bits = (v as f32).to_bits();
            match &mut e.optimizer {
                Optimizer::Sgd { lr, .. } | Optimizer::Adam { lr, .. } => *lr = bits,
            }
        }
        let hidden = e.layers.len().saturating_sub(1);
        for layer in &mut e.layers[..hidden] {
            if let Some(u) = s.units {
                layer.units = u;
            }
            if let Some(a) = &s.activation {
                layer.activation = a.clone();
            }
        }
        if let Some(n) = s.epochs {
            e.epochs = n;
        }
        if let Some(seed) = s.seed {
            e.seed = seed;
        }
        Ok(e)
    }
}

fn floats(bits: &[u32]) -> Vec<f32> {
    bits.iter().map(|&b| f32::from_bits(b)).collect()
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// FNV-1a (64-bit) over the bits of every layer's weights then biases, in order: a short
/// name for "the same final model".
pub fn digest(model: &Model) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for layer in &model.layers {
        for v in layer.w.iter().chain(layer.b.iter()) {
            for byte in v.to_bits().to_le_bytes() {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    format!("{h:016x}")
}

/// Train the experiment, calling `on_epoch(epoch, loss)` after each epoch.
pub fn run(e: &Experiment, on_epoch: &mut dyn FnMut(usize, f32)) -> Result<Outcome, String> {
    let (model, history) = train(e, Vec::new(), on_epoch)?;
    Ok(outcome(&model, &history))
}

/// What a run produced, from its final model and history.
pub fn outcome(model: &Model, history: &engine::History) -> Outcome {
    Outcome {
        epochs_run: history.epochs_run,
        loss: bits(&history.loss),
        accuracy: history.accuracy.as_deref().map(bits),
        digest: digest(model),
        weights: model
            .layers
            .iter()
            .map(|l| l.w.iter().chain(l.b.iter()).map(|v| v.to_bits()).collect())
            .collect(),
    }
}

/// The experiment's inputs, one row per sample.
pub fn inputs(e: &Experiment) -> Result<Array2<f32>, String> {
    if e.inputs == 0 || !e.x.len().is_multiple_of(e.inputs) {
        return Err(format!(
            "x: {} values do not make rows of {}",
            e.x.len(),
            e.inputs
        ));
    }
    Array2::from_shape_vec((e.x.len() / e.inputs, e.inputs), floats(&e.x))
        .map_err(|e| e.to_string())
}

/// Train the experiment: its final model and history, with the models at `snapshots` kept.
pub fn train(
    e: &Experiment,
    snapshots: Vec<usize>,
    on_epoch: &mut dyn FnMut(usize, f32),
) -> Result<(Model, engine::History), String> {
    let rows = |len: usize, per: usize, what: &str| {
        if per == 0 || !len.is_multiple_of(per) {
            Err(format!("{what}: {len} values do not make rows of {per}"))
        } else {
            Ok(len / per)
        }
    };
    let n = rows(e.x.len(), e.inputs, "x")?;
    if rows(e.targets.len(), e.outputs, "targets")? != n {
        return Err("x and targets have different numbers of rows".into());
    }
    let x = Array2::from_shape_vec((n, e.inputs), floats(&e.x)).map_err(|e| e.to_string())?;
    let y =
        Array2::from_shape_vec((n, e.outputs), floats(&e.targets)).map_err(|e| e.to_string())?;
    let layers = e
        .layers
        .iter()
        .map(|l| {
            Activation::from_name(&l.activation)
                .map(|activation| LayerSpec {
                    units: l.units,
                    activation,
                })
                .ok_or_else(|| format!("unknown activation `{}`", l.activation))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let loss = Loss::from_name(&e.loss).ok_or_else(|| format!("unknown loss `{}`", e.loss))?;
    let f = f32::from_bits;
    let optimizer = match e.optimizer {
        Optimizer::Sgd { lr, momentum } => engine::Optimizer::Sgd {
            lr: f(lr),
            momentum: f(momentum),
        },
        Optimizer::Adam {
            lr,
            beta1,
            beta2,
            epsilon,
        } => engine::Optimizer::Adam {
            lr: f(lr),
            beta1: f(beta1),
            beta2: f(beta2),
            epsilon: f(epsilon),
        },
    };
    let mut model = Model::new(e.inputs, &layers, e.seed).map_err(|e| e.to_string())?;
    let cfg = TrainConfig {
        loss,
        optimizer,
        epochs: e.epochs,
        batch: e.batch.map_or(Batch::Full, Batch::Size),
        seed: e.seed ^ SHUFFLE_MIX,
        shuffle: e.shuffle,
        stop_loss_below: e.stop_loss_below.map(f),
        snapshot_epochs: snapshots,
    };
    let history = engine::train_observed(&mut model, &x, &y, &cfg, &mut |epoch, loss, _| {
        on_epoch(epoch, loss)
    })
    .map_err(|e| e.to_string())?;
    Ok((model, history))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xor() -> Experiment {
        let x: [f32; 8] = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
        let y: [f32; 4] = [0.0, 1.0, 1.0, 0.0];
        Experiment {
            id: "xor".into(),
            inputs: 2,
            x: bits(&x),
            outputs: 1,
            targets: bits(&y),
            layers: vec![
                Layer {
                    units: 2,
                    activation: "tanh".into(),
                },
                Layer {
                    units: 1,
                    activation: "sigmoid".into(),
                },
            ],
            loss: "binary-crossentropy".into(),
            optimizer: Optimizer::Sgd {
                lr: 0.5f32.to_bits(),
                momentum: 0,
            },
            epochs: 50,
            batch: None,
            seed: 3,
            shuffle: false,
            stop_loss_below: None,
        }
    }

    #[test]
    fn settings_change_the_run_and_only_the_hidden_layers() {
        let base = xor();
        let a = run(&base, &mut |_, _| {}).unwrap();
        assert_eq!(a.epochs_run, 50);
        assert_eq!(a, run(&base, &mut |_, _| {}).unwrap());
        let s = Settings {
            units: Some(4),
            activation: Some("relu".into()),
            lr: Some("0.1".into()),
            epochs: Some(7),
            seed: Some(9),
        };
        let changed = base.with(&s).unwrap();
        assert_eq!(changed.layers[0].units, 4);
        assert_eq!(changed.layers[0].activation, "relu");
        assert_eq!(changed.layers[1].units, 1);
        assert_eq!(changed.layers[1].activation, "sigmoid");
        let b = run(&changed, &mut |_, _| {}).unwrap();
        assert_eq!(b.epochs_run, 7);
        assert_ne!(a.digest, b.digest);
        assert_eq!(b.weights[0].len(), 2 * 4 + 4);
        assert!(
            base.with(&Settings {
                lr: Some("fast".into()),
                ..Settings::default()
            })
            .is_err()
        );
        let mut bad = base.clone();
        bad.layers[0].activation = "rleu".into();
        assert!(run(&bad, &mut |_, _| {}).unwrap_err().contains("rleu"));
    }
}
