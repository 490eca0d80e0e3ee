//! The `model:` part of a block: a stack of dense layers, or a classic model.

use serde::Serialize;

use super::{BlockSource, MAX_UNITS, choice};
use crate::diag::Location;
use crate::yaml::{self, Node, YamlError, YamlErrorKind};

pub use crate::engine::Activation;

/// The network: a stack of dense layers (the input size comes from the data), or one of the
/// classic models the articles compare with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSpec {
    /// Empty for a classic model.
    pub layers: Vec<LayerSpec>,
    pub classic: Option<Classic>,
    #[serde(skip)]
    pub location: Location,
}

impl ModelSpec {
    /// Every layer's weights are given: the model is used as written, without training.
    pub fn is_fixed(&self) -> bool {
        self.classic.is_none()
            && !self.layers.is_empty()
            && self.layers.iter().all(|l| l.weights.is_some())
    }
}

named_enum!(
    /// Models trained by their own classic rules rather than by gradient descent.
    Classic {
        /// Rosenblatt's rule: online, stored order, weights from zero.
        Perceptron = "perceptron",
        /// scikit-learn's LogisticRegression defaults (L2, C = 1), solved to convergence.
        LogisticRegression = "logistic-regression",
    }
);

/// One dense layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSpec {
    pub units: usize,
    #[serde(serialize_with = "super::activation_name")]
    pub activation: Activation,
    /// Given weights, one row per input (initial weights, or the model itself when every
    /// layer has them and the block has no `train:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<Vec<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bias: Option<Vec<f64>>,
    #[serde(skip)]
    pub location: Location,
}

pub(super) const LAYER_KEYS: &[&str] = &["dense", "activation", "weights", "bias"];

pub(super) fn parse_model(node: &Node, src: &BlockSource<'_>) -> Result<ModelSpec, YamlError> {
    if matches!(node.value, yaml::Value::Str(_)) {
        let classic = choice(node, "model", Classic::NAMES, Classic::from_name).map_err(|e| {
            if e.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
            {
                e
            } else {
                e.hint(format!(
                    "a model is a list of layers, or one of: {}",
                    Classic::NAMES.join(", ")
                ))
            }
        })?;
        return Ok(ModelSpec {
            layers: Vec::new(),
            classic: Some(classic),
            location: src.loc(node),
        });
    }
    let items = node
        .as_seq()
        .map_err(|e| e.hint("write the layers as a list, e.g. `[{dense: 3, activation: relu}, {dense: 1, activation: sigmoid}]`"))?;
    if items.is_empty() {
        return Err(
            YamlError::at(node, YamlErrorKind::Invalid, "the model has no layers")
                .hint("list at least one layer, e.g. [{dense: 1, activation: sigmoid}]"),
        );
    }
    let mut layers: Vec<LayerSpec> = Vec::new();
    for item in items {
        let map = item.as_map()?;
        map.check_keys(LAYER_KEYS)?;
        let units = map.require("dense")?.as_usize(1, MAX_UNITS)?;
        let activation = map
            .opt("activation", |n| {
                choice(n, "activation", Activation::NAMES, Activation::from_name)
            })?
            .unwrap_or(Activation::Linear);
        let weights = map.opt("weights", |n| {
            let rows = n.as_seq()?;
            if rows.is_empty() || rows.len() * units > MAX_UNITS {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "weights need one row per input",
                ));
            }
            rows.iter()
                .map(|row| {
                    let cells = row.as_seq()?;
                    if cells.len() != units {
                        return Err(YamlError::at(
                            row,
                            YamlErrorKind::Invalid,
                            format!("a weight row needs {units} values, one per unit"),
                        ));
                    }
                    cells.iter().map(Node::as_f64).collect()
                })
                .collect::<Result<Vec<Vec<f64>>, _>>()
        })?;
        let bias = map.opt("bias", |n| {
            let cells = n.as_seq()?;
            if cells.len() != units {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    format!("the bias needs {units} values, one per unit"),
                ));
            }
            cells
                .iter()
                .map(Node::as_f64)
                .collect::<Result<Vec<f64>, _>>()
        })?;
        if let (Some(b), None) = (map.get("bias"), &weights) {
            return Err(YamlError::at(
                b,
                YamlErrorKind::Invalid,
                "`bias` needs `weights`",
            ));
        }
        if let (Some(w), Some(prev)) = (&weights, layers.last())
            && w.len() != prev.units
            && let Some(n) = map.get("weights")
        {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                format!(
                    "{} weight rows, but the layer before has {} units",
                    w.len(),
                    prev.units
                ),
            )
            .hint("write one row per input of the layer"));
        }
        layers.push(LayerSpec {
            units,
            activation,
            weights,
            bias,
            location: src.loc(item),
        });
    }
    let last = layers.len() - 1;
    for (i, (layer, item)) in layers.iter().zip(items).enumerate() {
        if layer.activation == Activation::Softmax && i != last {
            return Err(YamlError::at(
                item,
                YamlErrorKind::Invalid,
                "softmax is only supported on the output layer",
            ));
        }
        if layer.activation == Activation::Step {
            return Err(YamlError::at(
                item,
                YamlErrorKind::Invalid,
                "a step activation has no gradient and cannot be trained",
            )
            .hint("use sigmoid for a trainable neuron; the perceptron rule trains step units"));
        }
    }
    Ok(ModelSpec {
        layers,
        classic: None,
        location: src.loc(node),
    })
}
