//! The options of a figure or table: each key defined once (its name and how its value is
//! read), so a kind's accepted keys (in `kinds.rs`) and the parser cannot drift apart. Keys
//! are read into one flat `Given`, from which `per_kind.rs` takes the kind's own type.

use serde::Serialize;

use super::super::{
    Activation, MAX_EPOCHS, MAX_FRAMES, MAX_GRID, MAX_UNITS, choice, parse_id, positive,
};
use super::per_kind::Options;
use super::{FigureKind, Metric, ShowKind};
use crate::config::Palette;
use crate::yaml::{Map, Node, YamlError, YamlErrorKind};

/// The keys of one entry as parsed, before its kind takes its own: which ones a kind takes is
/// `kinds::keys`, and the parser leaves every other one unset. Serialised (field order and
/// all) as an item's options, so the warm-build keys do not depend on the per-kind types.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub(super) struct Given {
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
    #[serde(serialize_with = "super::super::option_activation_name")]
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
    /// The figure's palette instead of the book's (left out when unset, as before it existed).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "palette_name"
    )]
    pub palette: Option<Palette>,
}

fn palette_name<S: serde::Serializer>(p: &Option<Palette>, s: S) -> Result<S::Ok, S::Error> {
    p.map(Palette::name).serialize(s)
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

pub(in crate::spec) const PANEL_KEYS: &[&str] =
    &["view", "plane", "opacity", "weight-arrows", "regions"];
pub(in crate::spec) const VARIANT_KEYS: &[&str] = &["w", "b", "out"];

/// Keys every entry of `show:` has, whatever its kind.
pub(super) const BASE_KEYS: &[&str] = &["figure", "table", "id", "caption"];

/// One option: the key an author writes and how its value is read into the options.
pub(super) struct Opt {
    pub key: &'static str,
    read: fn(&Node, &mut Given) -> Result<(), YamlError>,
}

/// `opt!("key", field, parser)`: the key's value, read by `parser`, goes to `field`.
macro_rules! opt {
    ($key:literal, $field:ident, $parse:expr) => {
        Opt {
            key: $key,
            read: |n, o| {
                o.$field = Some(($parse)(n)?);
                Ok(())
            },
        }
    };
}

/// Every option of every kind, once.
pub(super) static OPTIONS: &[Opt] = &[
    opt!("x", x, Node::as_range),
    opt!("y", y, Node::as_range),
    opt!("title", title, Node::as_text),
    opt!("x-label", x_label, Node::as_text),
    opt!("y-label", y_label, Node::as_text),
    opt!("z-label", z_label, Node::as_text),
    opt!("grid", grid, |n: &Node| n.as_usize(10, MAX_GRID)),
    opt!("metric", metric, |n| choice(
        n,
        "metric",
        Metric::NAMES,
        Metric::from_name
    )),
    opt!("equal-aspect", equal_aspect, Node::as_bool),
    opt!("activation", activation, |n| choice(
        n,
        "activation",
        Activation::NAMES,
        Activation::from_name
    )),
    opt!("layers", layers, |n: &Node| bounded(
        n,
        12,
        "a diagram has 1 to 12 layers"
    )?
    .iter()
    .map(|i| i.as_usize(1, MAX_UNITS))
    .collect::<Result<Vec<_>, _>>()),
    opt!("captions", captions, |n: &Node| n
        .as_seq()?
        .iter()
        .map(Node::as_text)
        .collect::<Result<Vec<_>, _>>()),
    opt!("node-labels", node_labels, |n: &Node| n
        .as_seq()?
        .iter()
        .map(|col| col.as_seq()?.iter().map(Node::as_text).collect())
        .collect::<Result<Vec<_>, _>>()),
    opt!("weights", weights, Node::as_bool),
    opt!("count", count, |n: &Node| n.as_usize(1, 100)),
    opt!("columns", columns, |n: &Node| n.as_usize(1, 20)),
    opt!("frames", frames, parse_frames),
    opt!("gif", gif, Node::as_bool),
    opt!("overlay", overlay, Node::as_bool),
    opt!("heatmaps", heatmaps, Node::as_bool),
    opt!("derivative", derivative, Node::as_bool),
    opt!("palette", palette, |n: &Node| n
        .as_choice("palette", &Palette::NAMES)
        .map(|s| Palette::parse(s).unwrap_or_default())),
    opt!("of", of, |n| {
        const PANELS: &[&str] = &[
            "decision-regions",
            "probability-mesh",
            "training-curve",
            "regression-fit",
        ];
        choice(n, "panel kind", PANELS, FigureKind::from_name)
    }),
    opt!("input", input, |n: &Node| bounded(
        n,
        1000,
        "an input is a list of 1 to 1000 numbers"
    )?
    .iter()
    .map(Node::as_f64)
    .collect::<Result<Vec<_>, _>>()),
    opt!("target", target, Node::as_f64),
    opt!("layer", layer, |n: &Node| n.as_usize(1, 100)),
    opt!("digits", digits, |n: &Node| n.as_usize(0, 8)),
    opt!("weight-arrows", weight_arrows, Node::as_bool),
    opt!("arrow-scale", arrow_scale, |n| positive(n, 1000.0)),
    opt!("view", view, parse_view),
    opt!("space", space, |n: &Node| n
        .as_choice("space", &["input", "hidden"])
        .map(str::to_string)),
    opt!("plane", plane, Node::as_bool),
    opt!("plane-x", plane_x, Node::as_range),
    opt!("plane-y", plane_y, Node::as_range),
    opt!("plane-opacity", plane_opacity, opacity),
    opt!("opacity", opacity, opacity),
    opt!("panels", panels, |n| list_of_maps(
        n,
        4,
        "a figure has 1 to 4 panels",
        PANEL_KEYS,
        |m| Ok(PanelSpec {
            view: m.opt("view", parse_view)?,
            plane: m.opt("plane", Node::as_bool)?,
            opacity: m.opt("opacity", opacity)?,
            weight_arrows: m.opt("weight-arrows", Node::as_bool)?,
            regions: m.opt("regions", Node::as_bool)?.unwrap_or(false),
        })
    )),
    opt!("variants", variants, |n| list_of_maps(
        n,
        12,
        "give 1 to 12 variants",
        VARIANT_KEYS,
        |m| Ok([
            m.opt("w", Node::as_f64)?.unwrap_or(1.0),
            m.opt("b", Node::as_f64)?.unwrap_or(0.0),
            m.opt("out", Node::as_f64)?.unwrap_or(1.0),
        ])
    )),
    opt!("values", values, |n: &Node| n
        .as_seq()?
        .iter()
        .map(|c| c.as_usize(0, 12))
        .collect::<Result<Vec<_>, _>>()),
    opt!("runs", runs, |n: &Node| {
        // One name alone is a `vary:` family (or a single run).
        if !matches!(n.value, crate::yaml::Value::Seq(_)) {
            return Ok(vec![parse_id(n)?]);
        }
        bounded(n, 100, "a runs table lists 1 to 100 experiments")?
            .iter()
            .map(parse_id)
            .collect::<Result<Vec<_>, _>>()
    }),
];

/// Read the options of one `show:` entry whose keys were already checked against its kind.
pub(super) fn parse_options(map: &Map<'_>, what: ShowKind) -> Result<Options, YamlError> {
    let mut out = Given::default();
    for (key, value) in map.entries() {
        let name = key.describe();
        if BASE_KEYS.contains(&name.as_str()) {
            continue;
        }
        if let Some(opt) = OPTIONS.iter().find(|o| o.key == name) {
            (opt.read)(value, &mut out)?;
        }
    }
    Ok(Options::take(what, &mut out))
}

/// A list of 1 to `max` items.
fn bounded<'a>(node: &'a Node, max: usize, message: &str) -> Result<&'a [Node], YamlError> {
    let items = node.as_seq()?;
    if items.is_empty() || items.len() > max {
        return Err(YamlError::at(node, YamlErrorKind::Invalid, message));
    }
    Ok(items)
}

/// A list of 1 to `max` mappings with the given keys, each read by `item`.
fn list_of_maps<T>(
    node: &Node,
    max: usize,
    message: &str,
    keys: &[&str],
    item: impl Fn(&Map<'_>) -> Result<T, YamlError>,
) -> Result<Vec<T>, YamlError> {
    bounded(node, max, message)?
        .iter()
        .map(|n| {
            let m = n.as_map()?;
            m.check_keys(keys)?;
            item(&m)
        })
        .collect()
}

/// Epochs, sorted and unique.
fn parse_frames(node: &Node) -> Result<Vec<usize>, YamlError> {
    let items = bounded(
        node,
        MAX_FRAMES,
        &format!("an evolution has 1 to {MAX_FRAMES} frames"),
    )?;
    let mut epochs = items
        .iter()
        .map(|i| i.as_usize(0, MAX_EPOCHS))
        .collect::<Result<Vec<_>, _>>()?;
    epochs.sort_unstable();
    epochs.dedup();
    Ok(epochs)
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
