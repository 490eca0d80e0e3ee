//! The `show:` part of a block: which figures and tables to draw, their options, the keys each
//! kind accepts, and what each needs from the block.

use serde::Serialize;

use super::{
    Activation, Block, BlockSource, MAX_EPOCHS, MAX_FRAMES, MAX_GRID, MAX_UNITS, choice, parse_id,
    positive,
};
use crate::diag::Location;
use crate::yaml::{Map, Node, YamlError, YamlErrorKind};

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
    pub options: FigureOptions,
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

/// Options of a figure; which ones apply depends on the kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FigureOptions {
    pub x: Option<[f64; 2]>,
    pub y: Option<[f64; 2]>,
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    /// Grid resolution per axis for decision regions.
    pub grid: Option<usize>,
    pub metric: Option<Metric>,
    pub equal_aspect: Option<bool>,
    /// The function an activation curve draws.
    #[serde(serialize_with = "super::option_activation_name")]
    pub activation: Option<Activation>,
    /// Units per layer of a network diagram, input first.
    pub layers: Option<Vec<usize>>,
    /// Captions under the diagram's columns.
    pub captions: Option<Vec<String>>,
    /// Text inside the diagram's nodes, one list per column.
    pub node_labels: Option<Vec<Vec<String>>>,
    /// Label the diagram's edges with the trained weights.
    pub weights: Option<bool>,
    /// Images in an image grid.
    pub count: Option<usize>,
    /// Columns of an image grid.
    pub columns: Option<usize>,
    /// Epochs shown by an evolution figure (default: a schedule up to the last epoch).
    pub frames: Option<Vec<usize>>,
    /// Also write the evolution as an animated GIF.
    pub gif: Option<bool>,
    /// Experiments listed by a runs table.
    pub runs: Option<Vec<String>>,
    /// The input of a worked forward or backward pass.
    pub input: Option<Vec<f64>>,
    /// The target of a worked backward pass.
    pub target: Option<f64>,
    /// The one layer (1 = first hidden) a forward-pass table shows.
    pub layer: Option<usize>,
    /// Decimals printed in worked numbers.
    pub digits: Option<usize>,
    /// Columns of a diagram whose nodes show the worked values (0 = the input).
    pub values: Option<Vec<usize>>,
    /// Activation-curve panels `out·g(w·x + b)`, each as `{w, b, out}`.
    pub variants: Option<Vec<[f64; 3]>>,
    /// Draw the weight vectors on decision regions (pairwise differences for softmax).
    pub weight_arrows: Option<bool>,
    /// Length factor of the weight arrows.
    pub arrow_scale: Option<f64>,
    /// Camera elevation and azimuth of a 3-D view, in degrees.
    pub view: Option<[f64; 2]>,
    /// `hidden`: plot the first layer's outputs instead of the input features.
    pub space: Option<String>,
    /// Draw the model's p = 0.5 plane.
    pub plane: Option<bool>,
    pub plane_x: Option<[f64; 2]>,
    pub plane_y: Option<[f64; 2]>,
    pub plane_opacity: Option<f64>,
    /// Point opacity.
    pub opacity: Option<f64>,
    pub z_label: Option<String>,
    /// Several views side by side, each overriding the figure's settings.
    pub panels: Option<Vec<PanelSpec>>,
    /// The kind of figure each panel of a sweep draws.
    pub of: Option<FigureKind>,
    /// A sweep drawn as one panel: every run's p = 0.5 boundary overlaid.
    pub overlay: Option<bool>,
    /// Draw each node of a 2-input network as a heatmap of its output over the input plane.
    pub heatmaps: Option<bool>,
    /// Add the activation's derivative to an activation curve.
    pub derivative: Option<bool>,
    /// Set by a sweep for its panels: points as compact dots (not an author's key).
    #[serde(skip)]
    pub compact: bool,
}

/// One view of a multi-panel 3-D figure.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PanelSpec {
    pub view: Option<[f64; 2]>,
    pub plane: Option<bool>,
    pub opacity: Option<f64>,
    pub weight_arrows: Option<bool>,
    /// A 2-D decision-region panel of the input space instead of a 3-D view.
    pub regions: bool,
}

/// `[elevation, azimuth]` in degrees.
fn parse_view(node: &Node) -> Result<[f64; 2], YamlError> {
    let items = node.as_seq()?;
    let bad = || {
        YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "a view is [elevation, azimuth] in degrees",
        )
        .hint("e.g. `view: [30, -60]` (matplotlib's default)")
    };
    let [e, a] = items else { return Err(bad()) };
    let (e, a) = (e.as_f64()?, a.as_f64()?);
    if e.abs() > 90.0 || a.abs() > 360.0 {
        return Err(bad());
    }
    Ok([e, a])
}

/// A number in [0, 1].
fn opacity(node: &Node) -> Result<f64, YamlError> {
    let v = node.as_f64()?;
    if !(0.0..=1.0).contains(&v) {
        return Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "an opacity is between 0 and 1",
        ));
    }
    Ok(v)
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
        map.check_keys(allowed_show_keys(what))?;
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
            options: parse_options(&map)?,
            location: src.loc(item),
        });
    }
    Ok(out)
}

pub(super) const PANEL_KEYS: &[&str] = &["view", "plane", "opacity", "weight-arrows", "regions"];
pub(super) const VARIANT_KEYS: &[&str] = &["w", "b", "out"];

pub(super) fn allowed_show_keys(what: ShowKind) -> &'static [&'static str] {
    match what {
        ShowKind::Figure(FigureKind::Scatter) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "equal-aspect",
        ],
        ShowKind::Figure(FigureKind::DecisionRegions) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "grid",
            "equal-aspect",
            "weight-arrows",
            "arrow-scale",
        ],
        ShowKind::Figure(FigureKind::TrainingCurve) => {
            &["figure", "id", "caption", "metric", "title"]
        }
        ShowKind::Figure(FigureKind::RegressionFit) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::ImageGrid) => {
            &["figure", "id", "caption", "count", "columns", "weights"]
        }
        ShowKind::Figure(FigureKind::ProbabilityMesh) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid",
        ],
        ShowKind::Figure(FigureKind::Evolution) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
            "gif",
        ],
        ShowKind::Figure(FigureKind::NetworkDiagram) => &[
            "figure",
            "id",
            "caption",
            "layers",
            "captions",
            "node-labels",
            "weights",
            "input",
            "values",
            "heatmaps",
            "x",
            "y",
        ],
        ShowKind::Figure(FigureKind::BoundaryHistory) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
        ],
        ShowKind::Figure(FigureKind::Sweep) => &[
            "figure", "id", "caption", "runs", "of", "columns", "x", "y", "grid", "title",
            "x-label", "y-label", "metric", "overlay",
        ],
        ShowKind::Figure(FigureKind::HiddenGrid) => &[
            "figure", "id", "caption", "x", "y", "grid", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::Scatter3d) => &[
            "figure",
            "id",
            "caption",
            "title",
            "x-label",
            "y-label",
            "z-label",
            "view",
            "space",
            "plane",
            "plane-x",
            "plane-y",
            "plane-opacity",
            "opacity",
            "weight-arrows",
            "arrow-scale",
            "panels",
            "x",
            "y",
            "grid",
        ],
        ShowKind::Figure(FigureKind::UnitDecomposition | FigureKind::UnitOverlay) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::ActivationCurve) => &[
            "figure",
            "id",
            "caption",
            "activation",
            "variants",
            "derivative",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
        ],
        ShowKind::Table(TableKind::Runs) => &["table", "id", "caption", "runs"],
        ShowKind::Table(TableKind::ForwardPass) => {
            &["table", "id", "caption", "input", "layer", "digits"]
        }
        ShowKind::Table(TableKind::Weights) => &["table", "id", "caption", "digits"],
        ShowKind::Table(TableKind::Backprop) => {
            &["table", "id", "caption", "input", "target", "digits"]
        }
        ShowKind::Table(_) => &["table", "id", "caption"],
    }
}

fn parse_options(map: &Map<'_>) -> Result<FigureOptions, YamlError> {
    Ok(FigureOptions {
        x: map.opt("x", Node::as_range)?,
        y: map.opt("y", Node::as_range)?,
        title: map.opt("title", Node::as_text)?,
        x_label: map.opt("x-label", Node::as_text)?,
        y_label: map.opt("y-label", Node::as_text)?,
        grid: map.opt("grid", |n| n.as_usize(10, MAX_GRID))?,
        metric: map.opt("metric", |n| {
            choice(n, "metric", Metric::NAMES, Metric::from_name)
        })?,
        equal_aspect: map.opt("equal-aspect", Node::as_bool)?,
        activation: map.opt("activation", |n| {
            choice(n, "activation", Activation::NAMES, Activation::from_name)
        })?,
        layers: map.opt("layers", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 12 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a diagram has 1 to 12 layers",
                ));
            }
            items.iter().map(|i| i.as_usize(1, MAX_UNITS)).collect()
        })?,
        captions: map.opt("captions", |n| {
            n.as_seq()?.iter().map(Node::as_text).collect()
        })?,
        node_labels: map.opt("node-labels", |n| {
            n.as_seq()?
                .iter()
                .map(|col| col.as_seq()?.iter().map(Node::as_text).collect())
                .collect()
        })?,
        weights: map.opt("weights", Node::as_bool)?,
        count: map.opt("count", |n| n.as_usize(1, 100))?,
        columns: map.opt("columns", |n| n.as_usize(1, 20))?,
        frames: map.opt("frames", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > MAX_FRAMES {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    format!("an evolution has 1 to {MAX_FRAMES} frames"),
                ));
            }
            let mut epochs = items
                .iter()
                .map(|i| i.as_usize(0, MAX_EPOCHS))
                .collect::<Result<Vec<_>, _>>()?;
            epochs.sort_unstable();
            epochs.dedup();
            Ok(epochs)
        })?,
        gif: map.opt("gif", Node::as_bool)?,
        overlay: map.opt("overlay", Node::as_bool)?,
        heatmaps: map.opt("heatmaps", Node::as_bool)?,
        derivative: map.opt("derivative", Node::as_bool)?,
        compact: false,
        of: map.opt("of", |n| {
            const PANELS: &[&str] = &[
                "decision-regions",
                "probability-mesh",
                "training-curve",
                "regression-fit",
            ];
            choice(n, "panel kind", PANELS, FigureKind::from_name)
        })?,
        input: map.opt("input", |n| {
            let cells = n.as_seq()?;
            if cells.is_empty() || cells.len() > 1000 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "an input is a list of 1 to 1000 numbers",
                ));
            }
            cells.iter().map(Node::as_f64).collect()
        })?,
        target: map.opt("target", Node::as_f64)?,
        layer: map.opt("layer", |n| n.as_usize(1, 100))?,
        digits: map.opt("digits", |n| n.as_usize(0, 8))?,
        weight_arrows: map.opt("weight-arrows", Node::as_bool)?,
        view: map.opt("view", parse_view)?,
        space: map.opt("space", |n| {
            n.as_choice("space", &["input", "hidden"])
                .map(str::to_string)
        })?,
        plane: map.opt("plane", Node::as_bool)?,
        plane_x: map.opt("plane-x", Node::as_range)?,
        plane_y: map.opt("plane-y", Node::as_range)?,
        plane_opacity: map.opt("plane-opacity", opacity)?,
        opacity: map.opt("opacity", opacity)?,
        z_label: map.opt("z-label", Node::as_text)?,
        panels: map.opt("panels", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 4 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a figure has 1 to 4 panels",
                ));
            }
            items
                .iter()
                .map(|item| {
                    let m = item.as_map()?;
                    m.check_keys(PANEL_KEYS)?;
                    Ok(PanelSpec {
                        view: m.opt("view", parse_view)?,
                        plane: m.opt("plane", Node::as_bool)?,
                        opacity: m.opt("opacity", opacity)?,
                        weight_arrows: m.opt("weight-arrows", Node::as_bool)?,
                        regions: m.opt("regions", Node::as_bool)?.unwrap_or(false),
                    })
                })
                .collect()
        })?,
        arrow_scale: map.opt("arrow-scale", |n| positive(n, 1000.0))?,
        variants: map.opt("variants", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 12 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "give 1 to 12 variants",
                ));
            }
            items
                .iter()
                .map(|item| {
                    let m = item.as_map()?;
                    m.check_keys(VARIANT_KEYS)?;
                    Ok([
                        m.opt("w", Node::as_f64)?.unwrap_or(1.0),
                        m.opt("b", Node::as_f64)?.unwrap_or(0.0),
                        m.opt("out", Node::as_f64)?.unwrap_or(1.0),
                    ])
                })
                .collect()
        })?,
        values: map.opt("values", |n| {
            n.as_seq()?.iter().map(|c| c.as_usize(0, 12)).collect()
        })?,
        runs: map.opt("runs", |n| {
            // One name alone is a `vary:` family (or a single run).
            if !matches!(n.value, crate::yaml::Value::Seq(_)) {
                return Ok(vec![parse_id(n)?]);
            }
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 100 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a runs table lists 1 to 100 experiments",
                ));
            }
            items.iter().map(parse_id).collect()
        })?,
    })
}

/// The epochs an evolution figure shows by default: dense at first, where training moves
/// fastest, then sparser, always ending with the last epoch (the stopping epoch is added by the
/// engine when the stop rule fires).
pub fn default_frames(epochs: usize) -> Vec<usize> {
    const SCHEDULE: &[usize] = &[
        0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150,
    ];
    let mut frames: Vec<usize> = SCHEDULE.iter().copied().filter(|&e| e < epochs).collect();
    let mut e = 200;
    while e < epochs && frames.len() + 1 < MAX_FRAMES {
        frames.push(e);
        e += e / 2;
    }
    frames.push(epochs);
    frames
}

/// The epochs to keep a model at for the block's evolution figures (sorted, unique).
pub(super) fn evolution_frames(block: &Block) -> Vec<usize> {
    let Some(epochs) = block
        .experiment
        .as_ref()
        .and_then(|e| e.train.as_ref())
        .map(|t| t.epochs)
    else {
        return Vec::new();
    };
    let mut frames: Vec<usize> = block
        .show
        .iter()
        .filter(|s| {
            matches!(
                s.what,
                ShowKind::Figure(FigureKind::Evolution | FigureKind::BoundaryHistory)
            )
        })
        .flat_map(|s| {
            s.options
                .frames
                .clone()
                .unwrap_or_else(|| default_frames(epochs))
        })
        .filter(|&e| e <= epochs)
        .collect();
    // The last frame is always the last epoch (or the stopping epoch, which the engine adds).
    if !frames.is_empty() {
        frames.push(epochs);
    }
    frames.sort_unstable();
    frames.dedup();
    frames
}

/// Figures that need a trained model cannot come from a data-only block.
pub(super) fn check_show_needs(block: &Block, show_node: Option<&Node>) -> Result<(), YamlError> {
    let Some(exp) = &block.experiment else {
        return Ok(());
    };
    let items = show_node.map(|n| n.as_seq()).transpose()?.unwrap_or(&[]);
    for (show, node) in block.show.iter().zip(items) {
        if matches!(
            show.what,
            ShowKind::Table(TableKind::Runs) | ShowKind::Figure(FigureKind::Sweep)
        ) && show.options.runs.is_none()
        {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `runs`")
                    .hint("list the experiments, e.g. `runs: [xor-relu, xor-tanh]`"),
            );
        }
        let worked = matches!(
            show.what,
            ShowKind::Table(TableKind::ForwardPass | TableKind::Backprop)
        ) || show.options.values.is_some();
        if worked && show.options.input.is_none() {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `input`")
                    .hint("give the input the pass starts from, e.g. `input: [1, 1]`"),
            );
        }
        if show.what == ShowKind::Table(TableKind::Backprop) && show.options.target.is_none() {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `target`").hint(
                    "the backward pass starts from the error against a target, e.g. `target: 0`",
                ),
            );
        }
        if show.what == ShowKind::Figure(FigureKind::Evolution)
            && exp.model.as_ref().is_some_and(|m| m.classic.is_some())
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "an evolution needs a network trained by gradient descent",
            ));
        }
        let needs_model = match show.what {
            ShowKind::Figure(
                FigureKind::Scatter | FigureKind::ActivationCurve | FigureKind::ImageGrid,
            ) => false,
            ShowKind::Figure(FigureKind::NetworkDiagram) => {
                show.options.layers.is_none() || show.options.heatmaps == Some(true)
            }
            ShowKind::Table(TableKind::Data | TableKind::Runs) => false,
            ShowKind::Figure(FigureKind::Sweep) => false,
            ShowKind::Figure(FigureKind::Scatter3d) => {
                let o = &show.options;
                o.space.as_deref() == Some("hidden")
                    || o.plane == Some(true)
                    || o.weight_arrows == Some(true)
                    || o.panels.is_some()
            }
            _ => true,
        };
        if needs_model && exp.model.is_none() {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                format!("`{}` needs a trained model", show.what.name()),
            )
            .hint("add `model:` and `train:` to this block, or show a `scatter`"));
        }
        if show.options.metric == Some(Metric::Accuracy)
            && let Some(t) = &exp.train
            && !t.loss.is_classification()
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "accuracy is only recorded for classifiers",
            )
            .hint("plot `metric: loss` or `metric: mse` for a regressor"));
        }
    }
    Ok(())
}
