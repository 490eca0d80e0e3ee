//! The `model:` part of a block: a stack of dense layers, a classic model, or a network
//! trained elsewhere and loaded from a weight file (`{load: FILE}`).

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
    /// `{load: FILE}`: weights from a file; `layers` is empty when they are inferred from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSpec>,
    #[serde(skip)]
    pub location: Location,
}

/// A weight file to load instead of training.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadSpec {
    /// The file as written, relative to the book's root. Left out of the cache key, which has
    /// the SHA-256 of the file's bytes instead.
    #[serde(skip)]
    pub path: String,
    /// How kernels are stored; None to tell from the tensors' names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// One per layer when the layers are inferred from the file (which stores no activations).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "activation_names"
    )]
    pub activations: Vec<Activation>,
    /// Filled in by the run from the file the build read (the spec carries no file contents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where `load:` names the file.
    #[serde(skip)]
    pub location: Location,
}

named_enum!(
    /// How a weight file stores a dense layer's kernel.
    Layout {
        /// PyTorch's `nn.Linear`: `N.weight` as [out, in], `N.bias`.
        Torch = "torch",
        /// Keras and Flax: `NAME/kernel` as [in, out], `NAME/bias`.
        Keras = "keras",
    }
);

fn activation_names<S: serde::Serializer>(a: &[Activation], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(a.iter().map(|a| a.name()))
}

impl ModelSpec {
    /// Every layer's weights are given: the model is used as written, without training.
    pub fn is_fixed(&self) -> bool {
        self.load.is_some()
            || self.classic.is_none()
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
pub(super) const LOAD_KEYS: &[&str] = &["load", "layout", "layers", "activations"];

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
            load: None,
            location: src.loc(node),
        });
    }
    if let Ok(map) = node.as_map()
        && map.get("load").is_some()
    {
        return parse_load(node, src);
    }
    let layers = parse_layers(node, src)?;
    Ok(ModelSpec {
        layers,
        classic: None,
        load: None,
        location: src.loc(node),
    })
}

/// `{load: FILE, layout: torch|keras, layers: [...] | activations: [...]}`.
fn parse_load(node: &Node, src: &BlockSource<'_>) -> Result<ModelSpec, YamlError> {
    let map = node.as_map()?;
    map.check_keys(LOAD_KEYS)?;
    let file = map.require("load")?;
    let path = file.as_str()?.to_string();
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".safetensors") || lower.ends_with(".npz")) {
        return Err(YamlError::at(
            file,
            YamlErrorKind::Invalid,
            "nnbook loads `.safetensors` and `.npz` weight files",
        )
        .hint(
            "export the weights with `safetensors` (PyTorch, JAX/Flax, Keras 3) or `numpy.savez`",
        ));
    }
    let layout = map.opt("layout", |n| {
        choice(n, "layout", Layout::NAMES, Layout::from_name)
    })?;
    let layers = match map.get("layers") {
        Some(n) => parse_layers(n, src)?,
        None => Vec::new(),
    };
    if let Some(n) = map.get("layers")
        && layers.iter().any(|l| l.weights.is_some())
    {
        return Err(YamlError::at(
            n,
            YamlErrorKind::Invalid,
            "a loaded model takes its weights from the file",
        )
        .hint("leave `weights:` and `bias:` out of the layers"));
    }
    let activations = match (map.get("activations"), map.get("layers")) {
        (Some(a), Some(_)) => {
            return Err(YamlError::at(
                a,
                YamlErrorKind::Invalid,
                "give `layers:` or `activations:`, not both",
            )
            .hint("the layers name their own activations"));
        }
        (Some(a), None) => {
            let items = a.as_seq()?;
            if items.is_empty() {
                return Err(
                    YamlError::at(a, YamlErrorKind::Invalid, "`activations` is empty")
                        .hint("name one activation per layer of the file, e.g. `[tanh, sigmoid]`"),
                );
            }
            items
                .iter()
                .map(|n| choice(n, "activation", Activation::NAMES, Activation::from_name))
                .collect::<Result<Vec<_>, _>>()?
        }
        (None, Some(_)) => Vec::new(),
        (None, None) => {
            return Err(YamlError::at(
                node,
                YamlErrorKind::MissingKey,
                "missing key `activations`",
            )
            .hint("a weight file stores no activations: name one per layer, e.g. `activations: [tanh, sigmoid]`, or give `layers:`"));
        }
    };
    let last = activations.len().saturating_sub(1);
    if let Some(i) = activations[..last]
        .iter()
        .position(|a| *a == Activation::Softmax)
        && let Some(n) = map.get("activations").and_then(|a| a.as_seq().ok()?.get(i))
    {
        return Err(YamlError::at(
            n,
            YamlErrorKind::Invalid,
            "softmax is only supported on the output layer",
        ));
    }
    Ok(ModelSpec {
        layers,
        classic: None,
        load: Some(LoadSpec {
            path,
            layout,
            activations,
            sha256: None,
            location: src.loc(file),
        }),
        location: src.loc(node),
    })
}

/// A list of dense layers.
fn parse_layers(node: &Node, src: &BlockSource<'_>) -> Result<Vec<LayerSpec>, YamlError> {
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
    Ok(layers)
}
