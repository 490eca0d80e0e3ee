//! `live:` in a block: the settings a reader may change in the page, and within what ranges,
//! to retrain the experiment in their browser (src/live.rs, crates/live).
//!
//! ```yaml
//! live: {vary: {lr: [0.001, 1], units: [1, 16], activation: [relu, tanh, sigmoid], epochs: [1, 5000], seed: any}}
//! ```
//!
//! The authored settings must lie within the ranges (the page opens at them), and `units` and
//! `activation` set every hidden layer, so the block's hidden layers must agree on them.

use serde::Serialize;

use super::{Activation, BlockSource, MAX_EPOCHS, MAX_UNITS, ModelSpec, TrainSpec};
use crate::diag::Location;
use crate::yaml::{Node, YamlError, YamlErrorKind};

pub(super) const LIVE_KEYS: &[&str] = &["vary"];
pub(super) const VARY_KEYS: &[&str] = &["lr", "units", "activation", "epochs", "seed"];

/// Activations a reader may pick for hidden layers.
const HIDDEN_ACTIVATIONS: &[&str] = &["linear", "relu", "tanh", "sigmoid"];

/// What a reader may change, each None when they may not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveSpec {
    pub lr: Option<[f64; 2]>,
    /// Units of every hidden layer.
    pub units: Option<[usize; 2]>,
    /// Activation of every hidden layer.
    #[serde(serialize_with = "names")]
    pub activation: Option<Vec<Activation>>,
    pub epochs: Option<[usize; 2]>,
    /// Any seed (`seed: any`).
    pub seed: bool,
    /// The `live:` value, for errors about the block as a whole (too slow for a browser).
    #[serde(skip)]
    pub location: Location,
}

fn names<S: serde::Serializer>(a: &Option<Vec<Activation>>, s: S) -> Result<S::Ok, S::Error> {
    a.as_ref()
        .map(|v| v.iter().map(|a| a.name()).collect::<Vec<_>>())
        .serialize(s)
}

impl LiveSpec {
    /// The largest hidden-layer width and epoch count a reader can ask for, for the block's
    /// model and training: what the work limit is checked at.
    pub fn largest(&self, model: &ModelSpec, train: &TrainSpec) -> (Vec<usize>, usize) {
        let hidden = model.layers.len().saturating_sub(1);
        let layers = model
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| match self.units {
                Some([_, hi]) if i < hidden => hi,
                _ => l.units,
            })
            .collect();
        (layers, self.epochs.map_or(train.epochs, |[_, hi]| hi))
    }
}

pub(super) fn parse_live(
    node: &Node,
    model: Option<&ModelSpec>,
    train: Option<&TrainSpec>,
    src: &BlockSource<'_>,
) -> Result<LiveSpec, YamlError> {
    let invalid = |n: &Node, msg: String| YamlError::at(n, YamlErrorKind::Invalid, msg);
    let (Some(model), Some(train)) = (model, train) else {
        return Err(invalid(node, "`live` needs a `model` and `train`".into())
            .hint("a live block retrains its experiment in the reader's browser"));
    };
    if model.classic.is_some() || model.layers.iter().any(|l| l.weights.is_some()) {
        return Err(invalid(
            node,
            "`live` works with dense layers trained from Glorot-uniform weights".into(),
        )
        .hint("remove `live` from blocks with a classic model or given weights"));
    }
    let map = node.as_map()?;
    map.check_keys(LIVE_KEYS)?;
    let vary = map
        .require("vary")
        .map_err(|e| e.hint("e.g. `live: {vary: {lr: [0.001, 1], epochs: [1, 1000]}}`"))?;
    let vary_map = vary.as_map()?;
    vary_map.check_keys(VARY_KEYS)?;
    let hidden = &model.layers[..model.layers.len().saturating_sub(1)];
    let within = |n: &Node, what: &str, v: f64, lo: f64, hi: f64| {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(invalid(
                n,
                format!("the block's {what} ({v}) is outside [{lo}, {hi}]"),
            )
            .hint("the page opens at the block's own settings: widen the range to include them"))
        }
    };
    let lr = vary_map.opt("lr", |n| {
        let [lo, hi] = n.as_range()?;
        if lo <= 0.0 || hi > 10.0 {
            return Err(invalid(n, format!("[{lo}, {hi}] is out of range"))
                .hint("learning rates are above 0 and at most 10"));
        }
        within(n, "`lr`", train.optimizer.lr(), lo, hi)?;
        Ok([lo, hi])
    })?;
    let int_range = |n: &Node, max: usize| -> Result<[usize; 2], YamlError> {
        let items = n.as_seq()?;
        let [a, b] = items else {
            return Err(invalid(
                n,
                format!("expected [min, max], found {} values", items.len()),
            )
            .hint("write a range as `[min, max]`"));
        };
        let (lo, hi) = (a.as_usize(1, max)?, b.as_usize(1, max)?);
        if lo > hi {
            return Err(invalid(n, format!("[{lo}, {hi}] is empty")).hint("write `[min, max]`"));
        }
        Ok([lo, hi])
    };
    let units = vary_map.opt("units", |n| {
        let range = int_range(n, MAX_UNITS)?;
        let Some(first) = hidden.first() else {
            return Err(invalid(n, "the model has no hidden layer".into())
                .hint("`units` sets the width of every hidden layer"));
        };
        if hidden.iter().any(|l| l.units != first.units) {
            return Err(invalid(n, "the hidden layers differ in width".into())
                .hint("`units` sets every hidden layer: give them one width"));
        }
        within(
            n,
            "hidden layers' width",
            first.units as f64,
            range[0] as f64,
            range[1] as f64,
        )?;
        Ok(range)
    })?;
    let activation = vary_map.opt("activation", |n| {
        let mut out = Vec::new();
        for item in n.as_seq()? {
            let name = item.as_choice("activation", HIDDEN_ACTIVATIONS)?;
            if let Some(a) = Activation::from_name(name)
                && !out.contains(&a)
            {
                out.push(a);
            }
        }
        let Some(first) = hidden.first() else {
            return Err(invalid(n, "the model has no hidden layer".into())
                .hint("`activation` sets the activation of every hidden layer"));
        };
        if hidden.iter().any(|l| l.activation != first.activation) {
            return Err(invalid(n, "the hidden layers differ in activation".into())
                .hint("`activation` sets every hidden layer: give them one activation"));
        }
        if !out.contains(&first.activation) {
            return Err(invalid(
                n,
                format!(
                    "the block's activation `{}` is not listed",
                    first.activation.name()
                ),
            )
            .hint("the page opens at the block's own settings: list its activation too"));
        }
        Ok(out)
    })?;
    let epochs = vary_map.opt("epochs", |n| {
        let range = int_range(n, MAX_EPOCHS)?;
        within(
            n,
            "`epochs`",
            train.epochs as f64,
            range[0] as f64,
            range[1] as f64,
        )?;
        Ok(range)
    })?;
    let seed = vary_map
        .opt("seed", |n| n.as_choice("seed", &["any"]).map(|_| true))?
        .unwrap_or(false);
    if lr.is_none() && units.is_none() && activation.is_none() && epochs.is_none() && !seed {
        return Err(invalid(vary, "nothing to vary".into())
            .hint("name at least one of: lr, units, activation, epochs, seed"));
    }
    Ok(LiveSpec {
        lr,
        units,
        activation,
        epochs,
        seed,
        location: src.loc(node),
    })
}
