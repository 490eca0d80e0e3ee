//! The `show:` part of a block: which figures and tables to draw and their options. The
//! options are defined once each in `options`, the keys each kind takes in `kinds`, each
//! kind's options type in `per_kind`, and what each kind needs from its block in `needs`.

use serde::Serialize;

use super::{BlockSource, choice, parse_id};
use crate::diag::Location;
use crate::yaml::{Node, YamlError, YamlErrorKind};

mod kinds;
mod needs;
mod options;
mod per_kind;

pub(super) use kinds::keys;
pub use needs::default_frames;
pub(super) use needs::{check_show_needs, evolution_frames};
pub use options::PanelSpec;
pub(super) use options::{PANEL_KEYS, VARIANT_KEYS};
pub use per_kind::{
    ActivationOptions, BackpropOptions, Common, CurveOptions, DiagramOptions, EvolutionOptions,
    ForwardOptions, HistoryOptions, ImageOptions, MeshOptions, Options, PlotOptions, RegionOptions,
    RunsOptions, Scatter3dOptions, ScatterOptions, SweepOptions, WeightsOptions,
};

named_enum!(
    /// Figure kinds.
    FigureKind {
        Scatter = "scatter",
        DecisionRegions = "decision-regions",
        TrainingCurve = "training-curve",
        /// A trained 1-input regressor's prediction over its training points.
        RegressionFit = "regression-fit",
        /// An activation function g(z) (needs no data or model).
        ActivationCurve = "activation-curve",
        /// The network's layers and connections (from the model, or from `layers:`).
        NetworkDiagram = "network-diagram",
        /// The first samples of image data (such as MNIST digits) in a grid.
        ImageGrid = "image-grid",
        /// The model's output probability over the input plane, with its p = 0.5 contour.
        ProbabilityMesh = "probability-mesh",
        /// Training frame by frame: a 2-unit hidden layer's space beside the input-space
        /// probability mesh (animated, with a scrubber).
        Evolution = "evolution",
        /// A 1-input regressor with one hidden layer taken apart: each unit's output a_i, its
        /// weighted share w_i·a_i, the bias, their sum and the prediction, in a grid of panels.
        UnitDecomposition = "unit-decomposition",
        /// The weighted shares w_i·a_i of the live units and their sum plus bias, overlaid.
        UnitOverlay = "unit-overlay",
        /// Points in 3-D (three features, or a 3-unit hidden layer's outputs), with the model's
        /// p = 0.5 plane and weight arrows, in one or more views.
        Scatter3d = "scatter-3d",
        /// The p = 0.5 boundary after several epochs, overlaid in one panel.
        BoundaryHistory = "boundary-history",
        /// Small multiples: one panel per listed experiment (a sweep over settings).
        Sweep = "sweep",
        /// A regular grid of input-plane lines pushed through a 2-unit hidden layer.
        HiddenGrid = "hidden-grid",
    }
);

named_enum!(
    /// Table kinds.
    TableKind {
        /// Layers, output shapes and parameter counts (as Keras's model.summary()).
        Summary = "summary",
        /// Epochs run, final loss and metrics.
        Metrics = "metrics",
        /// The dataset itself, one row per sample (small datasets such as the XOR table).
        Data = "data",
        /// One row per listed experiment: model, optimizer, epochs run, final metrics.
        Runs = "runs",
        /// A worked forward pass for one input: each unit's weighted sum and activation.
        ForwardPass = "forward-pass",
        /// A worked backward pass for one input and target: error and each unit's delta.
        Backprop = "backprop",
        /// The trained weights and biases, layer by layer.
        Weights = "weights",
        /// Training (or `validate:`) samples counted by true and predicted class.
        Confusion = "confusion",
    }
);

named_enum!(
    /// Metrics a training curve can plot.
    Metric {
        Loss = "loss",
        Accuracy = "accuracy",
        Mse = "mse",
    }
);

/// One figure or table to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Show {
    /// Unique id in the book; also the cross-reference label (`@id`).
    pub id: String,
    pub what: ShowKind,
    pub caption: Option<String>,
    /// The kind's own options.
    pub options: Options,
    #[serde(skip)]
    pub location: Location,
}

/// A figure or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ShowKind {
    Figure(FigureKind),
    Table(TableKind),
}

impl ShowKind {
    /// The kind's name, as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            ShowKind::Figure(k) => k.name(),
            ShowKind::Table(k) => k.name(),
        }
    }
}

pub(super) fn parse_show(
    node: &Node,
    exp_id: &str,
    src: &BlockSource<'_>,
) -> Result<Vec<Show>, YamlError> {
    let items = node.as_seq()?;
    let mut out: Vec<Show> = Vec::new();
    for item in items {
        let map = item.as_map()?;
        let what = if let Some(n) = map.get("figure") {
            ShowKind::Figure(choice(
                n,
                "figure kind",
                FigureKind::NAMES,
                FigureKind::from_name,
            )?)
        } else if let Some(n) = map.get("table") {
            ShowKind::Table(choice(
                n,
                "table kind",
                TableKind::NAMES,
                TableKind::from_name,
            )?)
        } else {
            return Err(YamlError::at(
                item,
                YamlErrorKind::MissingKey,
                "expected `figure:` or `table:`",
            )
            .hint(format!(
                "figures: {}; tables: {}",
                FigureKind::NAMES.join(", "),
                TableKind::NAMES.join(", ")
            )));
        };
        kinds::check_keys(&map, what)?;
        let id = match map.get("id") {
            Some(n) => parse_id(n)?,
            None => {
                let base = format!("{exp_id}-{}", what.name());
                let mut id = base.clone();
                let mut k = 2;
                while out.iter().any(|s| s.id == id) {
                    id = format!("{base}-{k}");
                    k += 1;
                }
                id
            }
        };
        if let Some(prev) = out.iter().find(|s| s.id == id) {
            return Err(YamlError::at(
                map.get("id").unwrap_or(item),
                YamlErrorKind::Invalid,
                format!("duplicate id `{}`", prev.id),
            ));
        }
        out.push(Show {
            id,
            what,
            caption: map.opt("caption", Node::as_text)?,
            options: options::parse_options(&map, what)?,
            location: src.loc(item),
        });
    }
    Ok(out)
}
