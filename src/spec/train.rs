//! The `train:` part of a block: loss, optimizer and schedule, defaults filled in.

use serde::Serialize;

use super::{
    Activation, BlockSource, Classic, MAX_EPOCHS, MAX_SAMPLES, ModelSpec, choice, positive,
};
use crate::diag::Location;
use crate::yaml::{self, Node, YamlError, YamlErrorKind};

named_enum!(
    /// Loss functions.
    Loss {
        BinaryCrossentropy = "binary-crossentropy",
        CategoricalCrossentropy = "categorical-crossentropy",
        Mse = "mse",
        SquaredError = "squared-error",
    }
);

named_enum!(
    /// Optimizers.
    OptimizerKind {
        Adam = "adam",
        Sgd = "sgd",
    }
);

/// Training settings, defaults filled in (Keras's where Keras has one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainSpec {
    pub loss: Loss,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<usize>,
    #[serde(skip)]
    pub location: Location,
}

const TRAIN_KEYS: &[&str] = &[
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
const STOP_KEYS: &[&str] = &["loss-below"];

const PERCEPTRON_KEYS: &[&str] = &["epochs", "lr"];
const LOGISTIC_KEYS: &[&str] = &["c"];

/// Training settings of a classic model: the perceptron's epochs and η, logistic regression's C.
pub(super) fn parse_classic_train(
    node: Option<&Node>,
    classic: Classic,
    at: &Node,
    src: &BlockSource<'_>,
) -> Result<TrainSpec, YamlError> {
    let mut spec = TrainSpec {
        loss: Loss::BinaryCrossentropy,
        optimizer: OptimizerKind::Sgd,
        lr: 1.0,
        momentum: 0.0,
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
            spec.lr = map.opt("lr", |n| positive(n, 1e6))?.unwrap_or(1.0);
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
    let optimizer = map
        .opt("optimizer", |n| {
            choice(
                n,
                "optimizer",
                OptimizerKind::NAMES,
                OptimizerKind::from_name,
            )
        })?
        .unwrap_or(OptimizerKind::Adam);
    let lr = map
        .opt("lr", |n| positive(n, 10.0))?
        .unwrap_or(if optimizer == OptimizerKind::Adam {
            0.001
        } else {
            0.01
        });
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
    if momentum != 0.0 && optimizer != OptimizerKind::Sgd {
        return Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "momentum applies to `optimizer: sgd` only",
        ));
    }
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
        lr,
        momentum,
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
