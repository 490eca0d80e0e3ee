//! The `train:` part of a block: loss, optimizer and schedule, defaults filled in.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{
    Activation, BlockSource, Classic, MAX_EPOCHS, MAX_SAMPLES, ModelSpec, choice, positive,
};
use crate::diag::Location;
use crate::yaml::{self, Node, YamlError, YamlErrorKind};

pub use crate::engine::Loss;

/// An optimizer with its settings, defaults filled in. Each optimizer carries only its own
/// settings, so a setting added to one changes nothing for the others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    Sgd {
        lr: f64,
        momentum: f64,
    },
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        epsilon: f64,
    },
}

/// Keras's Adam defaults (the engine's `Adam::keras`, which a test checks they match).
const ADAM_BETA1: f64 = 0.9;
const ADAM_BETA2: f64 = 0.999;
const ADAM_EPSILON: f64 = 1e-7;

impl Optimizer {
    /// Every name an author may write.
    pub const NAMES: &'static [&'static str] = &["adam", "sgd"];

    /// Adam with Keras's defaults and a learning rate.
    pub fn adam(lr: f64) -> Self {
        Optimizer::Adam {
            lr,
            beta1: ADAM_BETA1,
            beta2: ADAM_BETA2,
            epsilon: ADAM_EPSILON,
        }
    }

    /// The name as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd { .. } => "sgd",
            Optimizer::Adam { .. } => "adam",
        }
    }

    /// The learning rate (every optimizer has one).
    pub fn lr(self) -> f64 {
        match self {
            Optimizer::Sgd { lr, .. } | Optimizer::Adam { lr, .. } => lr,
        }
    }

    /// The engine's optimizer with these settings.
    pub fn engine(self) -> crate::engine::Optimizer {
        match self {
            Optimizer::Sgd { lr, momentum } => crate::engine::Optimizer::Sgd {
                lr: lr as f32,
                momentum: momentum as f32,
            },
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            } => crate::engine::Optimizer::Adam {
                lr: lr as f32,
                beta1: beta1 as f32,
                beta2: beta2 as f32,
                epsilon: epsilon as f32,
            },
        }
    }

    /// Settings the cache key gained after its first layout, each with its default: the key
    /// names one only when it differs from the default, so keys of experiments that leave it
    /// alone (every experiment, on the day it is added) stay the same.
    fn later_settings(self) -> Vec<(&'static str, f64, f64)> {
        match self {
            Optimizer::Sgd { .. } => Vec::new(),
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
                ..
            } => vec![
                ("beta1", beta1, ADAM_BETA1),
                ("beta2", beta2, ADAM_BETA2),
                ("epsilon", epsilon, ADAM_EPSILON),
            ],
        }
    }
}

/// Training settings, defaults filled in (Keras's where Keras has one).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSpec {
    pub loss: Loss,
    pub optimizer: Optimizer,
    pub epochs: usize,
    /// None = full batch.
    pub batch: Option<usize>,
    pub seed: u64,
    pub shuffle: bool,
    /// Stop after the first epoch whose logged loss is below this.
    pub stop_loss_below: Option<f64>,
    /// Inverse regularisation strength of logistic regression.
    pub c: f64,
    /// Epochs after which the model is kept (for evolution figures; 0 = untrained). Empty for
    /// most blocks, and then left out of the cache key.
    pub snapshots: Vec<usize>,
    pub location: Location,
}

/// The canonical form in the cache key. Its first fields keep the layout of the flat struct
/// TrainSpec once was (`lr` and `momentum` for every optimizer, 0 momentum for Adam), so
/// users' caches stay valid; settings added since follow, each only when not at its default.
impl Serialize for TrainSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let momentum = match self.optimizer {
            Optimizer::Sgd { momentum, .. } => momentum,
            Optimizer::Adam { .. } => 0.0,
        };
        let mut st = s.serialize_struct("TrainSpec", 14)?;
        st.serialize_field("loss", self.loss.name())?;
        st.serialize_field("optimizer", self.optimizer.name())?;
        st.serialize_field("lr", &self.optimizer.lr())?;
        st.serialize_field("momentum", &momentum)?;
        st.serialize_field("epochs", &self.epochs)?;
        st.serialize_field("batch", &self.batch)?;
        st.serialize_field("seed", &self.seed)?;
        st.serialize_field("shuffle", &self.shuffle)?;
        st.serialize_field("stop_loss_below", &self.stop_loss_below)?;
        st.serialize_field("c", &self.c)?;
        if !self.snapshots.is_empty() {
            st.serialize_field("snapshots", &self.snapshots)?;
        }
        for (name, value, default) in self.optimizer.later_settings() {
            if value != default {
                st.serialize_field(name, &value)?;
            }
        }
        st.end()
    }
}

pub(super) const TRAIN_KEYS: &[&str] = &[
    "loss",
    "optimizer",
    "lr",
    "momentum",
    "epochs",
    "batch",
    "seed",
    "shuffle",
    "stop",
];
pub(super) const STOP_KEYS: &[&str] = &["loss-below"];

pub(super) const PERCEPTRON_KEYS: &[&str] = &["epochs", "lr"];
pub(super) const LOGISTIC_KEYS: &[&str] = &["c"];

/// Training settings of a classic model: the perceptron's epochs and η, logistic regression's C.
pub(super) fn parse_classic_train(
    node: Option<&Node>,
    classic: Classic,
    at: &Node,
    src: &BlockSource<'_>,
) -> Result<TrainSpec, YamlError> {
    let mut spec = TrainSpec {
        loss: Loss::BinaryCrossentropy,
        optimizer: Optimizer::Sgd {
            lr: 1.0,
            momentum: 0.0,
        },
        epochs: 1,
        batch: Some(1),
        seed: 0,
        shuffle: false,
        stop_loss_below: None,
        c: 1.0,
        snapshots: Vec::new(),
        location: src.loc(node.unwrap_or(at)),
    };
    match (classic, node) {
        (Classic::Perceptron, None) => {
            return Err(
                YamlError::at(at, YamlErrorKind::MissingKey, "missing key `train`")
                    .hint("the perceptron needs `train: {epochs: 150, lr: 0.05}`"),
            );
        }
        (Classic::Perceptron, Some(n)) => {
            let map = n.as_map()?;
            map.check_keys(PERCEPTRON_KEYS)?;
            spec.epochs = map.require("epochs")?.as_usize(1, MAX_EPOCHS)?;
            spec.optimizer = Optimizer::Sgd {
                lr: map.opt("lr", |n| positive(n, 1e6))?.unwrap_or(1.0),
                momentum: 0.0,
            };
        }
        (Classic::LogisticRegression, Some(n)) => {
            let map = n.as_map()?;
            map.check_keys(LOGISTIC_KEYS)?;
            spec.c = map.opt("c", |n| positive(n, 1e12))?.unwrap_or(1.0);
        }
        (Classic::LogisticRegression, None) => {}
    }
    Ok(spec)
}

pub(super) fn parse_train(
    node: &Node,
    model: &ModelSpec,
    src: &BlockSource<'_>,
) -> Result<TrainSpec, YamlError> {
    let map = node.as_map()?;
    map.check_keys(TRAIN_KEYS)?;
    let out = model
        .layers
        .last()
        .map_or(Activation::Linear, |l| l.activation);
    let out_units = model.layers.last().map_or(1, |l| l.units);
    let loss_node = map.get("loss");
    let loss = match loss_node {
        Some(n) => choice(n, "loss", Loss::NAMES, Loss::from_name)?,
        None => match out {
            Activation::Sigmoid => Loss::BinaryCrossentropy,
            Activation::Softmax => Loss::CategoricalCrossentropy,
            _ => Loss::Mse,
        },
    };
    let at = loss_node.unwrap_or(node);
    match (loss, out) {
        (Loss::BinaryCrossentropy, Activation::Softmax) => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                "binary cross-entropy does not fit a softmax output",
            )
            .hint("use `loss: categorical-crossentropy` with softmax, or a sigmoid output"));
        }
        (Loss::CategoricalCrossentropy, a) if a != Activation::Softmax => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                format!(
                    "categorical cross-entropy needs a softmax output, not {}",
                    a.name()
                ),
            )
            .hint("end the model with `{dense: C, activation: softmax}`"));
        }
        (Loss::BinaryCrossentropy, a) if a != Activation::Sigmoid || out_units != 1 => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                "binary cross-entropy needs one sigmoid output unit",
            )
            .hint("end the model with `{dense: 1, activation: sigmoid}`"));
        }
        _ => {}
    }
    let adam = map
        .opt("optimizer", |n| {
            choice(n, "optimizer", Optimizer::NAMES, |s| Some(s == "adam"))
        })?
        .unwrap_or(true);
    let lr = map
        .opt("lr", |n| positive(n, 10.0))?
        .unwrap_or(if adam { 0.001 } else { 0.01 });
    let momentum = map
        .opt("momentum", |n| {
            let m = n.as_f64()?;
            if !(0.0..1.0).contains(&m) {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "momentum must be in [0, 1)",
                ));
            }
            Ok(m)
        })?
        .unwrap_or(0.0);
    if momentum != 0.0 && adam {
        return Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "momentum applies to `optimizer: sgd` only",
        ));
    }
    let optimizer = if adam {
        Optimizer::adam(lr)
    } else {
        Optimizer::Sgd { lr, momentum }
    };
    let epochs_node = map
        .require("epochs")
        .map_err(|e| e.hint("say how long to train, e.g. `epochs: 200`"))?;
    let batch = match map.get("batch") {
        None => Some(32),
        Some(n) if matches!(&n.value, yaml::Value::Str(s) if s == "full") => None,
        Some(n) => Some(
            n.as_usize(1, MAX_SAMPLES)
                .map_err(|e| e.hint("a batch size, or `full`"))?,
        ),
    };
    let stop_loss_below = match map.get("stop") {
        None => None,
        Some(n) => {
            let stop = n.as_map()?;
            stop.check_keys(STOP_KEYS)?;
            stop.opt("loss-below", |n| positive(n, 1e6))?
        }
    };
    Ok(TrainSpec {
        loss,
        optimizer,
        epochs: epochs_node.as_usize(1, MAX_EPOCHS)?,
        batch,
        seed: map
            .opt("seed", |n| n.as_int(0, u32::MAX as i64))?
            .unwrap_or(0) as u64,
        shuffle: map.opt("shuffle", Node::as_bool)?.unwrap_or(true),
        stop_loss_below,
        c: 1.0,
        snapshots: Vec::new(),
        location: src.loc(node),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(optimizer: Optimizer) -> TrainSpec {
        TrainSpec {
            loss: Loss::Mse,
            optimizer,
            epochs: 10,
            batch: Some(32),
            seed: 0,
            shuffle: true,
            stop_loss_below: None,
            c: 1.0,
            snapshots: Vec::new(),
            location: Location::default(),
        }
    }

    fn json(t: &TrainSpec) -> String {
        serde_json::to_string(t).unwrap()
    }

    /// The canonical form is the one of the flat struct TrainSpec was, field for field, and a
    /// setting at its default (Adam's betas and ε, added with the optimizer enum) adds nothing:
    /// no experiment's cache key changes.
    #[test]
    fn settings_at_their_defaults_leave_the_key_unchanged() {
        assert_eq!(
            json(&spec(Optimizer::adam(0.001))),
            r#"{"loss":"mse","optimizer":"adam","lr":0.001,"momentum":0.0,"epochs":10,"batch":32,"seed":0,"shuffle":true,"stop_loss_below":null,"c":1.0}"#
        );
        assert_eq!(
            json(&spec(Optimizer::Sgd {
                lr: 0.1,
                momentum: 0.9
            })),
            r#"{"loss":"mse","optimizer":"sgd","lr":0.1,"momentum":0.9,"epochs":10,"batch":32,"seed":0,"shuffle":true,"stop_loss_below":null,"c":1.0}"#
        );
        // A setting away from its default is in the key, and only in its optimizer's.
        let mut beta = spec(Optimizer::adam(0.001));
        if let Optimizer::Adam { beta1, .. } = &mut beta.optimizer {
            *beta1 = 0.8;
        }
        assert!(
            json(&beta).ends_with(r#""c":1.0,"beta1":0.8}"#),
            "{}",
            json(&beta)
        );
    }

    /// The spec's Adam defaults are the engine's.
    #[test]
    fn adam_defaults_are_the_engines() {
        assert_eq!(
            Optimizer::adam(0.001).engine(),
            crate::engine::Optimizer::adam(0.001)
        );
    }
}
