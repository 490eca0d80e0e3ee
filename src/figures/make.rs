//! From experiment results to what a block shows: compute each figure's data (grids of
//! predictions, curves) and draw it, or build a table. Figures become SVG files under
//! `figures/`; tables are HTML in the page.

use std::collections::BTreeMap;

use ndarray::Array2;

use super::make_mesh::{boundary_fields, evolution_frames, probability_field};
use super::worked::{self, fixed, short, sum_text};
use super::{Class, Meta};
use crate::content::{Chapter, escape};
use crate::diag::{Diagnostic, display_path};
use crate::run::{self, ExperimentResult, Outcome};
use crate::spec::{Block, FigureKind, Metric, Show, ShowKind, TableKind};

/// One shown item, ready for the page.
#[derive(Debug, Clone)]
pub enum Shown {
    Figure {
        id: String,
        file: String,
        svg: String,
        html: String,
        /// More files of the figure (an evolution's GIF), by path in the site.
        extra: Vec<(String, Vec<u8>)>,
    },
    Table {
        id: String,
        html: String,
    },
    /// A figure or table that could not be made (e.g. a missing dataset).
    Notice {
        html: String,
    },
}

impl Shown {
    /// The HTML placed in the page.
    pub fn html(&self) -> String {
        match self {
            Shown::Figure { html, .. } | Shown::Table { html, .. } | Shown::Notice { html } => {
                html.clone()
            }
        }
    }
}

/// Make one figure or table of a block; a figure whose text the bundled font cannot draw is
/// an error, since its snapshot and its look on machines without that glyph would differ.
pub fn show(
    ch: &Chapter,
    block: &Block,
    item: &Show,
    number: &str,
    outcomes: &BTreeMap<String, Outcome>,
    cache: &run::Cache,
) -> Result<Shown, Diagnostic> {
    let shown = make(ch, block, item, number, outcomes, cache)?;
    if let Shown::Figure { svg, .. } = &shown {
        let missing = crate::raster::missing_glyphs(svg);
        if !missing.is_empty() {
            let list: String = missing.iter().map(|c| format!(" `{c}`")).collect();
            return Err(Diagnostic::error(
                "E032",
                format!("`{}` has text the book's font cannot draw:{list}", item.id),
            )
            .at(item.location.clone())
            .with_source(&ch.text)
            .hint("figures are drawn with DejaVu Sans; use characters it has (Latin, Greek, Cyrillic, math symbols)"));
        }
    }
    Ok(shown)
}

fn make(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    outcomes: &BTreeMap<String, Outcome>,
    cache: &run::Cache,
) -> Result<Shown, Diagnostic> {
    let outcome = outcomes.get(&block.id);
    let fail = |msg: String| {
        Diagnostic::error("E031", format!("cannot draw `{}`: {msg}", show.id))
            .at(show.location.clone())
            .hint(format!(
                "the guide's figure kinds say what `{}` needs; choose another kind or change the experiment",
                show.what.name()
            ))
            .with_source(&ch.text)
    };
    if show.what == ShowKind::Figure(FigureKind::ActivationCurve) {
        let name = show.options.activation.map_or("linear", |a| a.name());
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| format!("The {name} activation")),
            desc: format!("The {name} activation function g(z) plotted against z."),
        };
        let svg = activation_curve(show, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    let o = &show.options;
    if show.what == ShowKind::Figure(FigureKind::NetworkDiagram)
        && o.layers.is_some()
        && o.weights != Some(true)
        && o.heatmaps != Some(true)
    {
        let meta = diagram_meta(show, o.layers.as_deref().unwrap_or(&[]));
        let svg = diagram(show, o.layers.clone().unwrap_or_default(), None).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    if show.what == ShowKind::Figure(FigureKind::Sweep) {
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| {
                format!(
                    "A sweep of {} runs",
                    show.options.runs.as_ref().map_or(0, Vec::len)
                )
            }),
            desc: format!(
                "Small multiples, one panel per experiment: {}.",
                show.options.runs.clone().unwrap_or_default().join(", ")
            ),
        };
        let svg = sweep(show, outcomes, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    if show.what == ShowKind::Table(TableKind::Runs) {
        let table = runs(show, outcomes).map_err(fail)?;
        return Ok(Shown::Table {
            id: show.id.clone(),
            html: table_html(show, number, &table),
        });
    }
    let result = match outcome {
        Some(Outcome::Done(r)) => r,
        Some(Outcome::Skipped { reason, help, .. }) => {
            return Ok(Shown::Notice {
                html: format!(
                    "<div class=\"nn-notice\" id=\"{}\" role=\"note\"><p><strong>{} not shown:</strong> {}</p><p>{}</p></div>\n",
                    escape(&show.id),
                    escape(number),
                    escape(reason),
                    escape(help)
                ),
            });
        }
        _ => {
            return Err(Diagnostic::error(
                "E030",
                format!("experiment `{}` has no result", block.id),
            )
            .at(show.location.clone()));
        }
    };
    match show.what {
        ShowKind::Figure(FigureKind::Evolution) => {
            let meta = Meta {
                id: show.id.clone(),
                title: caption_of(show)
                    .unwrap_or_else(|| default_title(FigureKind::Evolution, &block.id)),
                desc: describe(FigureKind::Evolution, block, result),
            };
            let (svg, gif) = evolution(show, result, &meta, cache).map_err(fail)?;
            let mut shown = figure(ch, block, show, number, svg, &meta);
            if let Shown::Figure { extra, .. } = &mut shown
                && let Some(gif) = gif
            {
                extra.push((format!("figures/{}.gif", show.id), gif));
            }
            Ok(shown)
        }
        ShowKind::Figure(kind) => {
            let meta = Meta {
                id: show.id.clone(),
                title: caption_of(show).unwrap_or_else(|| default_title(kind, &block.id)),
                desc: describe(kind, block, result),
            };
            let svg = draw(kind, show, result, &meta).map_err(fail)?;
            Ok(figure(ch, block, show, number, svg, &meta))
        }
        ShowKind::Table(kind) => {
            let table = match kind {
                TableKind::Summary => summary(result),
                TableKind::Data => data_table(result),
                TableKind::Metrics => metrics(result),
                TableKind::Runs => None,
                TableKind::ForwardPass => forward_table(show, result).map_err(fail)?,
                TableKind::Backprop => backprop_table(show, result).map_err(fail)?,
                TableKind::Weights => weights_table(show, result),
                TableKind::Confusion => confusion_table(result).map_err(fail)?,
            }
            .ok_or_else(|| {
                fail(match kind {
                    TableKind::Data => "a data table shows at most 100 rows".into(),
                    _ => "this table needs a trained model".into(),
                })
            })?;
            Ok(Shown::Table {
                id: show.id.clone(),
                html: table_html(show, number, &table),
            })
        }
    }
}

fn diagram_meta(show: &Show, units: &[usize]) -> Meta {
    let sizes: Vec<String> = units.iter().map(usize::to_string).collect();
    Meta {
        id: show.id.clone(),
        title: caption_of(show).unwrap_or_else(|| format!("A {} network", sizes.join("-"))),
        desc: format!(
            "A fully connected network with layers of {} units.",
            sizes.join(", ")
        ),
    }
}

/// A network diagram of `units` per layer, with the trained model's activations and weights
/// when there is one.
fn diagram(
    show: &Show,
    units: Vec<usize>,
    model: Option<&crate::engine::Model>,
) -> Result<String, String> {
    let o = &show.options;
    let n = units.len();
    let columns: Vec<super::Column> = units
        .iter()
        .enumerate()
        .map(|(c, &u)| super::Column {
            units: u,
            caption: o
                .captions
                .as_ref()
                .and_then(|v| v.get(c).cloned())
                .unwrap_or_else(|| match c {
                    0 => "Input".into(),
                    c if c + 1 == n => "Output".into(),
                    _ if n == 3 => "Hidden".into(),
                    c => format!("Hidden {c}"),
                }),
            activation: if c == 0 {
                None
            } else {
                model
                    .and_then(|m| m.layers.get(c - 1))
                    .map(|l| activation_label(l.activation))
            },
            node_labels: o
                .node_labels
                .as_ref()
                .and_then(|v| v.get(c).cloned())
                .unwrap_or_default(),
            heatmaps: Vec::new(),
        })
        .collect();
    let edges: Option<super::EdgeLabels> = match (o.weights, model) {
        (Some(true), Some(m)) => Some(
            m.layers
                .iter()
                .map(|l| {
                    l.w.rows()
                        .into_iter()
                        .map(|row| row.iter().map(|w| short(f64::from(*w), 2)).collect())
                        .collect()
                })
                .collect(),
        ),
        (Some(true), None) => return Err("edge weights need a trained model".into()),
        _ => None,
    };
    let mut columns = columns;
    if o.heatmaps == Some(true) {
        let m = model.ok_or("heatmaps need a trained model")?;
        let maps = super::make_mesh::unit_heatmaps(
            m,
            o.x.unwrap_or([-3.0, 3.0]),
            o.y.unwrap_or([-3.0, 3.0]),
        )?;
        for (col, pngs) in columns.iter_mut().zip(maps) {
            col.heatmaps = pngs;
            col.node_labels.clear();
        }
    }
    if let (Some(cols), Some(input)) = (&o.values, &o.input) {
        // Worked values written inside the nodes of the listed columns.
        let m = model.ok_or("node values need a model")?;
        let pass = worked::forward(m, input)?;
        let digits = o.digits.unwrap_or(3);
        for &c in cols {
            let values: &[f64] = match c {
                0 => input,
                c => {
                    &pass
                        .get(c - 1)
                        .ok_or(format!("the network has no column {c}"))?
                        .a
                }
            };
            if let Some(col) = columns.get_mut(c) {
                col.node_labels = values.iter().map(|v| short(*v, digits)).collect();
            }
        }
    }
    let meta = diagram_meta(show, &units);
    super::network(&columns, edges.as_ref(), &meta).map_err(|e| e.to_string())
}

fn activation_label(a: crate::engine::Activation) -> String {
    use crate::engine::Activation as A;
    match a {
        A::Linear => "linear",
        A::Relu => "ReLU",
        A::Tanh => "tanh",
        A::Sigmoid => "sigmoid",
        A::Softmax => "softmax",
        A::Step => "step",
    }
    .into()
}

/// A drawn figure with its page HTML.
fn figure(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    svg: String,
    meta: &Meta,
) -> Shown {
    let file = format!("figures/{}.svg", show.id);
    let html = figure_html(ch, block, show, number, &file, &svg, meta);
    Shown::Figure {
        id: show.id.clone(),
        file,
        svg,
        html,
        extra: Vec::new(),
    }
}

/// g(z) over 1,000 evenly spaced z (matplotlib style: blue, width 2).
fn activation_curve(show: &Show, meta: &Meta) -> Result<String, String> {
    use crate::spec::Activation as A;
    let o = &show.options;
    let act = o.activation.unwrap_or(A::Linear);
    if let Some(v) = &o.variants {
        return super::make_units::activation_variants(act, v, o, meta);
    }
    let [lo, hi] = o.x.unwrap_or([-10.0, 10.0]);
    let xs = crate::engine::data::generators::linspace(lo, hi, 1000);
    let ys: Vec<f64> = xs
        .iter()
        .map(|&z| match act {
            A::Linear => z,
            A::Relu => z.max(0.0),
            A::Tanh => libm::tanh(z),
            A::Sigmoid => 1.0 / (1.0 + libm::exp(-z)),
            A::Step => f64::from(u8::from(z >= 0.0)),
            // Softmax of the pair (z, 0): the sigmoid again, by another name.
            A::Softmax => 1.0 / (1.0 + libm::exp(-z)),
        })
        .collect();
    let symbol = if act == A::Sigmoid { "σ(z)" } else { "g(z)" };
    let opts = super::PlotOptions {
        title: o.title.clone(),
        x_label: o.x_label.clone().or(Some("z".into())),
        y_label: o.y_label.clone().or(Some(symbol.into())),
        x: Some([lo, hi]),
        y: o.y,
        ..Default::default()
    };
    let derivative = o.derivative == Some(true);
    let slope: Vec<f64> = if derivative {
        xs.iter()
            .zip(&ys)
            .map(|(&z, &g)| match act {
                A::Linear => 1.0,
                A::Relu => f64::from(u8::from(z > 0.0)),
                A::Tanh => 1.0 - g * g,
                A::Sigmoid | A::Softmax => g * (1.0 - g),
                // Zero everywhere but at 0, where it does not exist: why the step cannot train.
                A::Step => 0.0,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut lines = vec![super::Line {
        name: derivative.then(|| symbol.to_string()),
        xs: xs.clone(),
        ys,
        color: None,
        width: 2.0,
    }];
    if derivative {
        lines.push(super::Line {
            name: Some(format!("{}′", symbol.trim_end_matches("(z)")) + "(z)"),
            xs,
            ys: slope,
            color: Some("#ff7f0e".into()),
            width: 2.0,
        });
    }
    super::line_plot(&lines, &[], &opts, meta).map_err(|e| e.to_string())
}

fn default_title(kind: FigureKind, id: &str) -> String {
    match kind {
        FigureKind::Scatter => format!("Data of {id}"),
        FigureKind::DecisionRegions => format!("Decision regions of {id}"),
        FigureKind::TrainingCurve => format!("Training curve of {id}"),
        FigureKind::RegressionFit => format!("Fit of {id}"),
        FigureKind::ActivationCurve => format!("Activation of {id}"),
        FigureKind::NetworkDiagram => format!("The network of {id}"),
        FigureKind::ImageGrid => format!("Images of {id}"),
        FigureKind::ProbabilityMesh => format!("Output probability of {id}"),
        FigureKind::Evolution => format!("Training of {id}, epoch by epoch"),
        FigureKind::UnitDecomposition => format!("The units of {id}, one by one"),
        FigureKind::UnitOverlay => format!("The units of {id} adding up"),
        FigureKind::Scatter3d => format!("Data of {id} in three dimensions"),
        FigureKind::BoundaryHistory => format!("The boundary of {id} as it trains"),
        FigureKind::Sweep => format!("A sweep over {id}"),
        FigureKind::HiddenGrid => format!("The input plane as {id}'s hidden layer sees it"),
    }
}

fn describe(kind: FigureKind, block: &Block, r: &ExperimentResult) -> String {
    let n = r.data.x.nrows();
    let classes = r.data.classes.len();
    match kind {
        FigureKind::Scatter => format!(
            "Scatter plot of {n} points in {classes} classes from experiment {}.",
            block.id
        ),
        FigureKind::DecisionRegions => format!(
            "The plane coloured by the class experiment {} predicts, with its {n} training points on top.",
            block.id
        ),
        FigureKind::TrainingCurve => {
            let epochs = r.trained.as_ref().map_or(0, |t| t.history.epochs_run);
            format!(
                "A metric of experiment {} per epoch over {epochs} epochs.",
                block.id
            )
        }
        FigureKind::RegressionFit => format!(
            "The {n} training points of experiment {} and the trained model's prediction as a line.",
            block.id
        ),
        FigureKind::ActivationCurve => {
            format!("An activation function in experiment {}.", block.id)
        }
        FigureKind::ImageGrid => format!(
            "The first images of experiment {} with their labels, in grayscale.",
            block.id
        ),
        FigureKind::NetworkDiagram => {
            format!("The layers and connections of experiment {}.", block.id)
        }
        FigureKind::ProbabilityMesh => format!(
            "The probability of class 1 that experiment {}'s model gives each point of the plane, from class 0's tint (0) through white (0.5) to class 1's (1), with a colour key, the p = 0.5 contour in black and the {n} training points on top.",
            block.id
        ),
        FigureKind::UnitDecomposition => format!(
            "Small plots taking experiment {}'s network apart: each hidden unit's output a_i, its weighted share w_i·a_i, the output bias, the sum of the shares, and the prediction over the data.",
            block.id
        ),
        FigureKind::BoundaryHistory => format!(
            "The line where experiment {}'s output probability is 0.5, after several epochs of training, from light grey (early) to black (late), over its {n} training points.",
            block.id
        ),
        FigureKind::Sweep => format!("Small multiples of experiment {}.", block.id),
        FigureKind::HiddenGrid => format!(
            "A regular grid of lines over the input plane after experiment {}'s 2-unit hidden layer: how the layer folds, stretches and squashes the plane, with the {n} training points.",
            block.id
        ),
        FigureKind::Scatter3d => format!(
            "A 3-D scatter plot of the {n} points of experiment {} coloured by class, seen from a fixed angle; where drawn, the translucent plane is where the model's output is 0.5 and the arrows are weight vectors.",
            block.id
        ),
        FigureKind::UnitOverlay => format!(
            "The weighted outputs of experiment {}'s live hidden units as coloured curves, and their sum plus the bias in black, over the faint data points.",
            block.id
        ),
        FigureKind::Evolution => format!(
            "An animation of experiment {}'s training, one frame per kept epoch: on the left the {n} points in the 2-unit hidden layer's space with the output's p = 0.5 line dashed; on the right the input plane coloured by the probability of class 1 with its p = 0.5 contour. Without animation the last epoch is shown.",
            block.id
        ),
    }
}

fn classes(r: &ExperimentResult) -> Vec<Class> {
    r.data
        .classes
        .iter()
        .map(|c| Class {
            name: format!("y={c}"),
            color: None,
        })
        .collect()
}

fn points2(r: &ExperimentResult) -> Result<Vec<[f64; 2]>, String> {
    if r.data.x.ncols() != 2 {
        return Err(format!(
            "the data has {} features; this figure needs 2",
            r.data.x.ncols()
        ));
    }
    Ok(r.data
        .x
        .rows()
        .into_iter()
        .map(|row| [f64::from(row[0]), f64::from(row[1])])
        .collect())
}

fn draw(
    kind: FigureKind,
    show: &Show,
    r: &ExperimentResult,
    meta: &Meta,
) -> Result<String, String> {
    let o = &show.options;
    match kind {
        FigureKind::Scatter if r.data.classes.is_empty() && r.data.x.ncols() == 1 => {
            // Regression data: the target against the one feature.
            let pts = xy_points(r);
            let opts = super::ScatterOptions {
                title: o.title.clone(),
                x: o.x,
                y: o.y,
                x_label: o.x_label.clone().or(Some("x".into())),
                y_label: o.y_label.clone().or(Some("y".into())),
                equal_aspect: o.equal_aspect.unwrap_or(false),
                legend: false,
                ..Default::default()
            };
            let one = [Class {
                name: "data".into(),
                color: Some(super::style::LINE.into()),
            }];
            super::scatter(&pts, &vec![0; pts.len()], &one, &opts, meta).map_err(|e| e.to_string())
        }
        FigureKind::Scatter => {
            let pts = points2(r)?;
            let opts = super::ScatterOptions {
                title: o.title.clone(),
                x: o.x,
                y: o.y,
                x_label: o.x_label.clone().or(Some("x1".into())),
                y_label: o.y_label.clone().or(Some("x2".into())),
                equal_aspect: o.equal_aspect.unwrap_or(true),
                ..Default::default()
            };
            super::scatter(&pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        FigureKind::DecisionRegions => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let pts = points2(r)?;
            let (x, y) = (
                o.x.unwrap_or_else(|| extent(&pts, 0)),
                o.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let n = o.grid.unwrap_or(200);
            let grid = class_grid(&t.model, x, y, n);
            let arrows = if o.weight_arrows == Some(true) {
                weight_arrows(&t.model, r, x, y, o.arrow_scale.unwrap_or(1.0))?
            } else {
                Vec::new()
            };
            let opts = super::RegionOptions {
                title: o.title.clone(),
                x_label: o.x_label.clone().or(Some("x1".into())),
                y_label: o.y_label.clone().or(Some("x2".into())),
                equal_aspect: o.equal_aspect.unwrap_or(true),
                arrows,
                compact: o.compact,
                ..Default::default()
            };
            super::decision_regions(&grid, &pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        FigureKind::RegressionFit => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            if r.data.x.ncols() != 1 || t.model.output_dim() != 1 {
                return Err("a regression fit needs one input and one output".into());
            }
            let pts = xy_points(r);
            let [lo, hi] = o.x.unwrap_or_else(|| {
                let (lo, hi) = pts
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                        (a.min(p[0]), b.max(p[0]))
                    });
                [lo, hi]
            });
            // The notebook's test grid: 1,000 evenly spaced x over the data's range.
            let xs = crate::engine::data::generators::linspace(lo, hi, 1000);
            let grid = Array2::from_shape_fn((xs.len(), 1), |(i, _)| xs[i] as f32);
            let ys: Vec<f64> = run::predict(&t.model, &grid)
                .iter()
                .map(|v| f64::from(*v))
                .collect();
            let opts = super::PlotOptions {
                title: o.title.clone(),
                x_label: o.x_label.clone().or(Some("x".into())),
                y_label: o.y_label.clone().or(Some("y".into())),
                x: o.x,
                y: o.y,
                ..Default::default()
            };
            let dots = super::Dots {
                name: Some("Train data".into()),
                points: pts,
                color: None,
                opacity: 0.7,
            };
            let line = super::Line {
                name: Some("Prediction".into()),
                xs,
                ys,
                color: Some("#ff0000".into()),
                width: 2.0,
            };
            super::line_plot(&[line], &[dots], &opts, meta).map_err(|e| e.to_string())
        }
        FigureKind::ActivationCurve => {
            Err("activation curves are drawn without an experiment".into())
        }
        FigureKind::Evolution => Err("evolutions are drawn on their own".into()),
        FigureKind::UnitDecomposition => super::make_units::decomposition(r, o, meta),
        FigureKind::UnitOverlay => super::make_units::overlay(r, o, meta),
        FigureKind::Sweep => Err("sweeps are drawn on their own".into()),
        FigureKind::HiddenGrid => super::make_mesh::hidden_grid(r, o, meta),
        FigureKind::BoundaryHistory => {
            let pts = points2(r)?;
            let (x, y) = (
                o.x.unwrap_or_else(|| extent(&pts, 0)),
                o.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let fields = boundary_fields(r, o, x, y)?;
            let opts = super::MeshOptions {
                x_label: o.x_label.clone().or(Some("x1".into())),
                y_label: o.y_label.clone().or(Some("x2".into())),
                title: o.title.clone(),
            };
            super::boundary_history(
                &fields,
                &pts,
                &r.data.class_of,
                &classes(r),
                &opts,
                meta,
                "epoch",
            )
            .map_err(|e| e.to_string())
        }
        FigureKind::Scatter3d => {
            // The 2-D panel shows regions only: weight arrows belong to the 3-D views.
            let mut flat = show.clone();
            flat.options.weight_arrows = None;
            let regions = |m: &Meta| draw(FigureKind::DecisionRegions, &flat, r, m);
            super::make_3d::scatter_3d(r, &classes(r), o, meta, &regions)
        }
        FigureKind::ProbabilityMesh => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let pts = points2(r)?;
            let (x, y) = (
                o.x.unwrap_or_else(|| extent(&pts, 0)),
                o.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let field = probability_field(&t.model, x, y, o.grid.unwrap_or(100))?;
            let opts = super::MeshOptions {
                x_label: o.x_label.clone().or(Some("x1".into())),
                y_label: o.y_label.clone().or(Some("x2".into())),
                title: o.title.clone(),
            };
            super::probability_mesh(&field, &pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        FigureKind::ImageGrid => {
            let (n, d) = r.data.x.dim();
            let side = (d as f64).sqrt().round() as usize;
            if side * side != d {
                return Err(format!("{d} features do not make a square image"));
            }
            if o.weights == Some(true) {
                return weight_images(r, side, o, meta);
            }
            let count = o.count.unwrap_or(4).min(n);
            let images: Vec<super::Gray> = (0..count)
                .map(|i| super::Gray {
                    width: side,
                    height: side,
                    pixels: r.data.x.row(i).to_vec(),
                    label: r
                        .data
                        .classes
                        .get(r.data.class_of[i])
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            let columns = o.columns.unwrap_or(2);
            super::image_grid(&images, columns, 112.0, meta).map_err(|e| e.to_string())
        }
        FigureKind::NetworkDiagram => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let units = match &o.layers {
                Some(l) => l.clone(),
                None => std::iter::once(r.data.x.ncols())
                    .chain(t.model.layers.iter().map(|l| l.w.ncols()))
                    .collect(),
            };
            diagram(show, units, Some(&t.model))
        }
        FigureKind::TrainingCurve => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let h = &t.history;
            let metric = o.metric.unwrap_or(Metric::Loss);
            let values = match metric {
                Metric::Loss => Some(&h.loss),
                Metric::Accuracy => h.accuracy.as_ref(),
                Metric::Mse => h.mse.as_ref(),
            }
            .ok_or_else(|| format!("the history has no {}", metric.name()))?;
            let label = match metric {
                Metric::Loss => "Loss",
                Metric::Accuracy => "Accuracy",
                Metric::Mse => "MSE",
            };
            let mut series = vec![super::Series {
                name: if h.validation.is_empty() {
                    label.to_string()
                } else {
                    "Training".to_string()
                },
                values: values.iter().map(|v| f64::from(*v)).collect(),
                color: None,
            }];
            // The held-out data's value after each epoch (loss, or the metric), when measured.
            if !h.validation.is_empty() {
                let k = usize::from(metric != Metric::Loss);
                series.push(super::Series {
                    name: "Validation".into(),
                    values: h.validation.iter().map(|v| f64::from(v[k])).collect(),
                    color: Some("#ff7f0e".into()),
                });
            }
            let opts = super::CurveOptions {
                title: o.title.clone().or(Some(format!("{label} vs Epochs"))),
                x_label: Some("Epoch".into()),
                y_label: Some(label.to_string()),
                stop_epoch: h
                    .stopped_by_threshold
                    .then_some(h.epochs_run.saturating_sub(1)),
                within: (metric == Metric::Accuracy).then_some([0.0, 1.0]),
                ..Default::default()
            };
            super::training_curve(&series, &opts, meta).map_err(|e| e.to_string())
        }
    }
}

/// The evolution's animated SVG and, when the block asks for it, its GIF.
fn evolution(
    show: &Show,
    r: &ExperimentResult,
    meta: &Meta,
    cache: &run::Cache,
) -> Result<(String, Option<Vec<u8>>), String> {
    let o = &show.options;
    let pts = points2(r)?;
    let (x, y) = (
        o.x.unwrap_or_else(|| extent(&pts, 0)),
        o.y.unwrap_or_else(|| extent(&pts, 1)),
    );
    let f = evolution_frames(r, o, x, y)?;
    let opts = super::EvolutionOptions {
        title: o.title.clone(),
        x_label: o.x_label.clone().or(Some("x1".into())),
        y_label: o.y_label.clone().or(Some("x2".into())),
        hidden_labels: ["h1".into(), "h2".into()],
        hidden_x: f.hidden_x,
        hidden_y: f.hidden_y,
        seconds: 0.4,
    };
    let gif = o.gif == Some(true);
    let e = super::evolution(
        &f.frames,
        &pts,
        &r.data.class_of,
        &classes(r),
        &opts,
        meta,
        gif,
    )
    .map_err(|e| e.to_string())?;
    let gif = if gif {
        // Rendering every frame is the slowest step of a warm build; the GIF depends on nothing
        // but the frames' SVG, so it is cached under their hash.
        let inputs: Vec<&[u8]> = e.stills.iter().map(|s| s.as_bytes()).collect();
        Some(cache.blob(&inputs, "gif", || crate::raster::gif(&e.stills, 1.0, 40))?)
    } else {
        None
    };
    Ok((e.svg, gif))
}

/// A worked forward pass: each unit's weighted sum written out, z, and its activation.
fn forward_table(show: &Show, r: &ExperimentResult) -> Result<Option<Table>, String> {
    let t = r.trained.as_ref().ok_or("a forward pass needs a model")?;
    let o = &show.options;
    let input = o.input.as_deref().unwrap_or(&[]);
    let pass = worked::forward(&t.model, input)?;
    let digits = o.digits.unwrap_or(3);
    let n = pass.len();
    if let Some(l) = o.layer
        && l > n
    {
        return Err(format!("the model has {n} layers, not {l}"));
    }
    let mut rows = Vec::new();
    for (l, layer) in pass.iter().enumerate() {
        if o.layer.is_some_and(|k| k != l + 1) {
            continue;
        }
        let (name, unit) = if l + 1 == n {
            ("Output".to_string(), "y")
        } else if n == 2 {
            ("Hidden".to_string(), "h")
        } else {
            (format!("Hidden {}", l + 1), "h")
        };
        for j in 0..layer.z.len() {
            let label = if layer.z.len() == 1 {
                unit.to_string()
            } else {
                format!("{unit}{}", j + 1)
            };
            rows.push(vec![
                format!("{name}, {label}"),
                sum_text(layer, j, digits, l == 0),
                fixed(layer.z[j], digits),
                activation_label(layer.activation),
                fixed(layer.a[j], digits),
            ]);
        }
    }
    Ok(Some(Table {
        header: ["Unit", "Weighted sum", "z", "Activation", "Output"]
            .map(String::from)
            .to_vec(),
        rows,
    }))
}

/// A worked backward pass: the output, its squared error against the target, and every unit's
/// delta.
fn backprop_table(show: &Show, r: &ExperimentResult) -> Result<Option<Table>, String> {
    let t = r.trained.as_ref().ok_or("a backward pass needs a model")?;
    let o = &show.options;
    let pass = worked::forward(&t.model, o.input.as_deref().unwrap_or(&[]))?;
    let target = o.target.unwrap_or(0.0);
    let d = worked::deltas(&pass, target)?;
    let digits = o.digits.unwrap_or(4);
    let n = pass.len();
    let y = pass[n - 1].a[0];
    let mut rows = vec![
        vec![
            "Output y".to_string(),
            match pass[n - 1].activation {
                crate::engine::Activation::Sigmoid => "σ(z)".to_string(),
                a => format!("{}(z)", activation_label(a)),
            },
            fixed(y, digits),
        ],
        vec![
            "Squared error".to_string(),
            format!("(t − y)², t = {}", short(target, 6)),
            fixed((target - y) * (target - y), digits),
        ],
    ];
    let factor = |act: crate::engine::Activation, a: &str| match act {
        crate::engine::Activation::Sigmoid => format!("{a}(1 − {a})"),
        crate::engine::Activation::Tanh => format!("(1 − {a}²)"),
        crate::engine::Activation::Relu => format!("[z_{a} > 0]"),
        _ => String::new(),
    };
    rows.push(vec![
        "δ output".to_string(),
        format!("{}(t − y)", factor(pass[n - 1].activation, "y")),
        fixed(d[n - 1][0], digits),
    ]);
    for l in (0..n - 1).rev() {
        for (i, delta) in d[l].iter().enumerate() {
            let unit = if n == 2 {
                format!("h{}", i + 1)
            } else {
                format!("h{}_{}", l + 1, i + 1)
            };
            let w = &pass[l + 1].w[i];
            let back = if w.len() == 1 {
                format!("{} · δ", short(w[0], 6))
            } else {
                "Σⱼ wᵢⱼ δⱼ".to_string()
            };
            rows.push(vec![
                format!("δ {unit}"),
                format!("{}·{back}", factor(pass[l].activation, &unit)),
                fixed(*delta, digits),
            ]);
        }
    }
    Ok(Some(Table {
        header: ["Quantity", "Formula", "Value"].map(String::from).to_vec(),
        rows,
    }))
}

/// One panel per listed experiment, each drawn as `of` with the figure's options and titled
/// with what distinguishes the run (hidden activation and learning rate).
fn sweep(show: &Show, outcomes: &BTreeMap<String, Outcome>, meta: &Meta) -> Result<String, String> {
    let o = &show.options;
    let kind = o.of.unwrap_or(FigureKind::DecisionRegions);
    let ids = o.runs.clone().unwrap_or_default();
    if o.overlay == Some(true) {
        return sweep_overlay(&ids, o, outcomes, meta);
    }
    let mut panels = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            return Err(format!("experiment `{id}` did not run"));
        };
        let t = trained_run(id, r)?;
        let hidden = hidden_layers(&t.model);
        let mut part = show.clone();
        part.what = ShowKind::Figure(kind);
        part.options.compact = true;
        part.options.title = Some(if hidden.is_empty() {
            format!("lr {}", t.train.lr)
        } else {
            format!("{} · lr {}", hidden.join(", "), t.train.lr)
        });
        let part_meta = Meta {
            id: format!("{}-{k}", meta.id),
            title: id.clone(),
            desc: String::new(),
        };
        panels.push(Some(draw(kind, &part, r, &part_meta)?));
    }
    let columns = o.columns.unwrap_or(3).min(panels.len().max(1));
    super::panel_grid(&panels, columns, o.title.as_deref(), meta).map_err(|e| e.to_string())
}

/// The first layer's weights into each of the first `count` units as images (one pixel per
/// input), each scaled to its own largest magnitude: what each unit looks for in a digit.
fn weight_images(
    r: &ExperimentResult,
    side: usize,
    o: &crate::spec::FigureOptions,
    meta: &Meta,
) -> Result<String, String> {
    let t = r
        .trained
        .as_ref()
        .ok_or("weight images need a trained model")?;
    let layer = t.model.layers.first().ok_or("the model has no layers")?;
    let count = o.count.unwrap_or(16).min(layer.w.ncols());
    let images: Vec<super::Gray> = (0..count)
        .map(|j| {
            let col = layer.w.column(j);
            let m = col.iter().fold(1e-12f32, |m, v| m.max(v.abs()));
            super::Gray {
                width: side,
                height: side,
                // Zero weight is mid-grey; positive light, negative dark.
                pixels: col.iter().map(|v| 0.5 + 0.5 * v / m).collect(),
                label: format!("unit {}", j + 1),
            }
        })
        .collect();
    super::image_grid(&images, o.columns.unwrap_or(4), 84.0, meta).map_err(|e| e.to_string())
}

/// Each layer's weights (one row per input) and biases.
fn weights_table(show: &Show, r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    let digits = show.options.digits.unwrap_or(3);
    let n = t.model.layers.len();
    let mut rows = Vec::new();
    for (l, layer) in t.model.layers.iter().enumerate() {
        let name = if l + 1 == n {
            "Output".to_string()
        } else if n == 2 {
            "Hidden".to_string()
        } else {
            format!("Hidden {}", l + 1)
        };
        let from = |i: usize| {
            if l == 0 {
                format!("x{}", i + 1)
            } else {
                format!("h{}", i + 1)
            }
        };
        for (i, row) in layer.w.rows().into_iter().enumerate() {
            let values: Vec<String> = row.iter().map(|v| fixed(f64::from(*v), digits)).collect();
            rows.push(vec![name.clone(), from(i), values.join("  ")]);
        }
        let bias: Vec<String> = layer
            .b
            .iter()
            .map(|v| fixed(f64::from(*v), digits))
            .collect();
        rows.push(vec![name, "bias".into(), bias.join("  ")]);
    }
    Some(Table {
        header: ["Layer", "From", "Weights to each unit"]
            .map(String::from)
            .to_vec(),
        rows,
    })
}

/// Counts of (true class, predicted class) on the training data.
fn confusion_table(r: &ExperimentResult) -> Result<Option<Table>, String> {
    let Some(t) = r.trained.as_ref() else {
        return Ok(None);
    };
    if r.data.classes.is_empty() {
        return Err("a confusion matrix needs a classifier".into());
    }
    let k = r.data.classes.len();
    let grid = run::predict(&t.model, &r.data.x);
    let mut counts = vec![vec![0usize; k]; k];
    for (row, &truth) in grid.rows().into_iter().zip(&r.data.class_of) {
        let predicted = if row.len() == 1 {
            usize::from(row[0] >= 0.5)
        } else {
            let mut best = 0;
            for (c, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = c;
                }
            }
            best
        };
        if truth < k && predicted < k {
            counts[truth][predicted] += 1;
        }
    }
    let mut header = vec!["True ↓ predicted →".to_string()];
    header.extend(r.data.classes.iter().cloned());
    let rows = counts
        .iter()
        .enumerate()
        .map(|(c, row)| {
            let mut cells = vec![r.data.classes[c].clone()];
            cells.extend(row.iter().map(|v| thousands(*v)));
            cells
        })
        .collect();
    Ok(Some(Table { header, rows }))
}

/// Every listed run's final p = 0.5 boundary in one panel (seed spread, for example), over the
/// first run's data.
fn sweep_overlay(
    ids: &[String],
    o: &crate::spec::FigureOptions,
    outcomes: &BTreeMap<String, Outcome>,
    meta: &Meta,
) -> Result<String, String> {
    let mut fields = Vec::new();
    let mut first: Option<&ExperimentResult> = None;
    for (k, id) in ids.iter().enumerate() {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            return Err(format!("experiment `{id}` did not run"));
        };
        let t = trained_run(id, r)?;
        let pts = points2(r)?;
        let (x, y) = (
            o.x.unwrap_or_else(|| extent(&pts, 0)),
            o.y.unwrap_or_else(|| extent(&pts, 1)),
        );
        fields.push((
            k + 1,
            probability_field(&t.model, x, y, o.grid.unwrap_or(150))?,
        ));
        first.get_or_insert(r);
    }
    let r = first.ok_or("an overlay needs at least one run")?;
    let opts = super::MeshOptions {
        x_label: o.x_label.clone().or(Some("x1".into())),
        y_label: o.y_label.clone().or(Some("x2".into())),
        title: o.title.clone(),
    };
    super::boundary_history(
        &fields,
        &points2(r)?,
        &r.data.class_of,
        &classes(r),
        &opts,
        meta,
        "run",
    )
    .map_err(|e| e.to_string())
}

/// The outcome of an experiment a sweep or runs table lists (an unknown id gets a suggestion).
fn listed<'a>(id: &str, outcomes: &'a BTreeMap<String, Outcome>) -> Result<&'a Outcome, String> {
    outcomes.get(id).ok_or_else(|| {
        let known: Vec<&str> = outcomes.keys().map(String::as_str).collect();
        format!(
            "no experiment `{id}`{}",
            crate::diag::suggest(id, known)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        )
    })
}

fn trained_run<'a>(id: &str, r: &'a ExperimentResult) -> Result<&'a run::Trained, String> {
    r.trained
        .as_ref()
        .ok_or_else(|| format!("experiment `{id}` trains no model"))
}

/// "10 ReLU" for each hidden layer.
fn hidden_layers(model: &crate::engine::Model) -> Vec<String> {
    model.layers[..model.layers.len().saturating_sub(1)]
        .iter()
        .map(|l| format!("{} {}", l.w.ncols(), activation_label(l.activation)))
        .collect()
}

/// Four decimals, or four significant digits for values too small to show that way.
fn small(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.001 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// One row per listed experiment.
fn runs(show: &Show, outcomes: &BTreeMap<String, Outcome>) -> Result<Table, String> {
    let ids = show.options.runs.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for id in &ids {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            rows.push(vec![
                id.clone(),
                "not run".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        };
        let t = trained_run(id, r)?;
        let hidden = hidden_layers(&t.model);
        let m = t.final_metrics();
        let metric = m
            .get("accuracy")
            .or_else(|| m.get("mse"))
            .map_or(String::new(), |v| small(*v));
        rows.push(vec![
            id.clone(),
            if hidden.is_empty() {
                "none".into()
            } else {
                hidden.join(", ")
            },
            format!("{} {}", t.train.optimizer.name(), t.train.lr),
            t.history.epochs_run.to_string(),
            m.get("loss").map_or(String::new(), |v| small(*v)),
            metric,
            if t.history.stopped_by_threshold {
                "yes"
            } else {
                "no"
            }
            .into(),
        ]);
    }
    Ok(Table {
        header: [
            "Experiment",
            "Hidden layers",
            "Optimizer, lr",
            "Epochs run",
            "Final loss",
            "Accuracy or MSE",
            "Stopped by threshold",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}

/// Weight vectors of a single-layer classifier: w from the origin for one output unit (normal
/// to its boundary), or for softmax each pairwise difference w_j − w_i anchored on the i–j
/// boundary at its point nearest the plot's centre.
fn weight_arrows(
    model: &crate::engine::Model,
    r: &ExperimentResult,
    x: [f64; 2],
    y: [f64; 2],
    scale: f64,
) -> Result<Vec<super::Arrow>, String> {
    let [layer] = model.layers.as_slice() else {
        return Err("weight arrows need a model with a single layer".into());
    };
    if layer.w.nrows() != 2 {
        return Err("weight arrows need two inputs".into());
    }
    let w = |i: usize, k: usize| f64::from(layer.w[[i, k]]);
    if layer.w.ncols() == 1 {
        return Ok(vec![super::Arrow {
            from: [0.0, 0.0],
            to: [scale * w(0, 0), scale * w(1, 0)],
            label: Some("w".into()),
        }]);
    }
    let names: Vec<String> = r.data.classes.clone();
    let centre = [(x[0] + x[1]) / 2.0, (y[0] + y[1]) / 2.0];
    let mut out = Vec::new();
    let k = layer.w.ncols();
    for j in (1..k).rev() {
        for i in (0..j).rev() {
            let d = [w(0, j) - w(0, i), w(1, j) - w(1, i)];
            let e = f64::from(layer.b[j]) - f64::from(layer.b[i]);
            let n2 = d[0] * d[0] + d[1] * d[1];
            if n2 == 0.0 {
                continue;
            }
            let t = (d[0] * centre[0] + d[1] * centre[1] + e) / n2;
            let foot = [centre[0] - t * d[0], centre[1] - t * d[1]];
            // The drawn i–j boundary is the part of this line where i and j lead the other
            // classes; anchor the arrow at the middle of that part inside the plot.
            let z = |p: [f64; 2], c: usize| w(0, c) * p[0] + w(1, c) * p[1] + f64::from(layer.b[c]);
            let dir = [-d[1] / n2.sqrt(), d[0] / n2.sqrt()];
            let span = (x[1] - x[0]).max(y[1] - y[0]);
            let inside =
                |p: [f64; 2]| (x[0]..=x[1]).contains(&p[0]) && (y[0]..=y[1]).contains(&p[1]);
            let on_boundary = |p: [f64; 2]| (0..k).all(|c| c == i || c == j || z(p, c) <= z(p, i));
            let along: Vec<[f64; 2]> = (-400..=400)
                .map(|s| span * f64::from(s) / 400.0)
                .map(|u| [foot[0] + u * dir[0], foot[1] + u * dir[1]])
                .filter(|p| inside(*p) && on_boundary(*p))
                .collect();
            let from = along.get(along.len() / 2).copied().unwrap_or(foot);
            let name = |c: usize| names.get(c).cloned().unwrap_or_else(|| (c + 1).to_string());
            out.push(super::Arrow {
                from,
                to: [from[0] + scale * d[0], from[1] + scale * d[1]],
                label: Some(format!("w{}−w{}", name(j), name(i))),
            });
        }
    }
    Ok(out)
}

/// One-feature data as (x, target) points.
fn xy_points(r: &ExperimentResult) -> Vec<[f64; 2]> {
    r.data
        .x
        .iter()
        .zip(&r.data.y)
        .map(|(x, y)| [f64::from(*x), *y])
        .collect()
}

/// Data extent with a 5% margin on each side.
fn extent(pts: &[[f64; 2]], axis: usize) -> [f64; 2] {
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[axis]), hi.max(p[axis]))
        });
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return [lo.min(0.0) - 1.0, hi.max(0.0) + 1.0];
    }
    let pad = (hi - lo) * 0.05;
    [lo - pad, hi + pad]
}

/// Classes on an n × n grid starting at the lower limits with step (hi − lo)/n (INVENTORY §0).
/// One sigmoid output is thresholded at p ≥ 0.5 (Equation 2), several outputs by arg-max.
pub fn class_grid(
    model: &crate::engine::Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
) -> super::ClassGrid {
    let (dx, dy) = ((x[1] - x[0]) / n as f64, (y[1] - y[0]) / n as f64);
    let mut pts = Array2::<f32>::zeros((n * n, 2));
    for j in 0..n {
        for i in 0..n {
            pts[[j * n + i, 0]] = (x[0] + i as f64 * dx) as f32;
            pts[[j * n + i, 1]] = (y[0] + j as f64 * dy) as f32;
        }
    }
    let out = run::predict(model, &pts);
    let class = out
        .rows()
        .into_iter()
        .map(|row| {
            if row.len() == 1 {
                u8::from(row[0] >= 0.5)
            } else {
                let mut best = 0;
                for (k, v) in row.iter().enumerate() {
                    if *v > row[best] {
                        best = k;
                    }
                }
                best as u8
            }
        })
        .collect();
    super::ClassGrid {
        nx: n,
        ny: n,
        x0: x[0],
        x1: x[1],
        y0: y[0],
        y1: y[1],
        class,
    }
}

/// A table as data: header and rows of cells (already formatted).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Keras's model.summary(): one row per layer with its output shape and parameter count.
fn summary(r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    let mut fan_in = r.data.x.ncols();
    let mut rows = Vec::new();
    let mut total = 0;
    for (i, layer) in t.model.layers.iter().enumerate() {
        let units = layer.w.ncols();
        let params = fan_in * units + units;
        total += params;
        let name = if i == 0 {
            "dense".to_string()
        } else {
            format!("dense_{i}")
        };
        rows.push(vec![
            format!("{name} (Dense, {})", activation_name(layer)),
            format!("(None, {units})"),
            thousands(params),
        ]);
        fan_in = units;
    }
    rows.push(vec!["Total".into(), String::new(), thousands(total)]);
    Some(Table {
        header: vec![
            "Layer (type)".into(),
            "Output shape".into(),
            "Param #".into(),
        ],
        rows,
    })
}

fn activation_name(layer: &crate::engine::Dense) -> String {
    format!("{:?}", layer.activation).to_lowercase()
}

/// Rows of the dataset: its features and label. Refused above 100 rows (a table that long helps
/// nobody; show a figure instead).
fn data_table(r: &ExperimentResult) -> Option<Table> {
    let (n, d) = r.data.x.dim();
    if n > 100 {
        return None;
    }
    // A CSV file's own column names and class labels; x1, x2, …, y for generated data.
    let named = r.data.feature_names.len() == d;
    let mut header: Vec<String> = if named {
        r.data.feature_names.clone()
    } else {
        (1..=d).map(|j| format!("x{j}")).collect()
    };
    header.push(if named {
        r.data.target_name.clone()
    } else {
        "y".into()
    });
    let fmt = |v: f64| {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let rows = (0..n)
        .map(|i| {
            let mut row: Vec<String> = (0..d).map(|j| fmt(f64::from(r.data.x[[i, j]]))).collect();
            row.push(match r.data.classes.get(r.data.class_of[i]) {
                Some(label) if named => label.clone(),
                _ => fmt(r.data.y[i]),
            });
            row
        })
        .collect();
    Some(Table { header, rows })
}

fn metrics(r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    let mut header = vec!["Epochs run".to_string()];
    let mut row = vec![t.history.epochs_run.to_string()];
    for (name, v) in t.final_metrics() {
        header.push(match name.as_str() {
            "loss" => "Final loss".into(),
            "accuracy" => "Training accuracy".into(),
            "mse" => "Final MSE".into(),
            "val_loss" => "Validation loss".into(),
            "val_accuracy" => "Validation accuracy".into(),
            "val_mse" => "Validation MSE".into(),
            other => other.to_string(),
        });
        row.push(format!("{v:.4}"));
    }
    header.push("Stopped by threshold".into());
    row.push(
        if t.history.stopped_by_threshold {
            "yes"
        } else {
            "no"
        }
        .into(),
    );
    Some(Table {
        header,
        rows: vec![row],
    })
}

/// 795010 → "795,010".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The caption as readers see it (a figure's SVG title and its image's alt text): escapes
/// such as `\@` resolved.
fn caption_of(show: &Show) -> Option<String> {
    show.caption.as_deref().map(crate::content::caption_text)
}

fn caption_html(number: &str, caption: Option<&str>) -> String {
    let mut s = format!("<span class=\"nn-number\">{}</span>", escape(number));
    if let Some(c) = caption {
        s.push(' ');
        s.push_str(&escape(&crate::content::caption_text(c)));
    }
    s
}

fn source_html(ch: &Chapter, block: &Block) -> String {
    format!(
        "<details class=\"nn-source\"><summary>How this figure was made</summary>\n<pre><code class=\"language-yaml\">{}</code></pre>\n<p>Experiment <code>{}</code> in <code>{}</code>, trained by the nnbook engine {} at build time.</p></details>\n",
        crate::content::highlight("yaml", &block.source),
        escape(&block.id),
        escape(&display_path(&ch.source)),
        crate::engine::VERSION
    )
}

/// A figure's page markup. The "How this figure was made" disclosure follows the `<figure>`
/// rather than sitting in it: HTML wants the caption first or last among the figure's
/// children, and inside the caption its summary (and, once open, the whole block) would become
/// part of the figure's accessible name.
fn figure_html(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    meta: &Meta,
) -> String {
    let alt = caption_of(show).unwrap_or_else(|| meta.desc.clone());
    if show.what == ShowKind::Figure(FigureKind::Evolution) {
        // Inline, so the page's script can drive the frames.
        let frames = svg.matches("class=\"nn-frame").count().max(1);
        let last_epoch = svg
            .rsplit("data-epoch=\"")
            .next()
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        let gif = if show.options.gif == Some(true) {
            format!("<a href=\"figures/{}.gif\">GIF</a> · ", escape(&show.id))
        } else {
            String::new()
        };
        return format!(
            "<figure class=\"nn-figure nn-anim\" id=\"{id}\" data-frame=\"{last}\">\n<div class=\"nn-anim-svg\">\n{svg}</div>\n<div class=\"nn-anim-controls\" hidden><button type=\"button\" class=\"nn-play\" aria-pressed=\"false\">Play</button><input type=\"range\" class=\"nn-scrubber\" min=\"0\" max=\"{last}\" value=\"{last}\" aria-label=\"Epoch shown in {number}\"><output class=\"nn-epoch\">Epoch {epoch}</output></div>\n<p class=\"nn-anim-files\">{gif}<a href=\"{file}\">SVG</a></p>\n<figcaption>{caption}</figcaption>\n</figure>\n{source}",
            id = escape(&show.id),
            last = frames - 1,
            number = escape(number),
            epoch = escape(last_epoch),
            file = escape(file),
            caption = caption_html(number, show.caption.as_deref()),
            source = source_html(ch, block)
        );
    }
    format!(
        "<figure class=\"nn-figure\" id=\"{}\">\n<img src=\"{}\" alt=\"{}\"{} loading=\"lazy\">\n<figcaption>{}</figcaption>\n</figure>\n{}",
        escape(&show.id),
        escape(file),
        escape(&alt),
        size_attrs(svg),
        caption_html(number, show.caption.as_deref()),
        source_html(ch, block)
    )
}

fn table_html(show: &Show, number: &str, t: &Table) -> String {
    let mut s = format!(
        "<figure class=\"nn-table-figure\" id=\"{}\">\n<table class=\"nn-table\">\n<caption>{}</caption>\n<thead><tr>",
        escape(&show.id),
        caption_html(number, show.caption.as_deref())
    );
    for h in &t.header {
        s.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for cell in row {
            s.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</figure>\n");
    s
}

/// `<img>` width and height from an SVG's root element, rounded: HTML wants whole pixels, and
/// they only reserve the space until the SVG is drawn. Empty when the SVG gives none.
fn size_attrs(svg: &str) -> String {
    let head = svg.split('>').next().unwrap_or("");
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(f64::round)
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => format!(" width=\"{w}\" height=\"{h}\""),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separator() {
        assert_eq!(super::thousands(795_010), "795,010");
        assert_eq!(super::thousands(13), "13");
        assert_eq!(super::thousands(1_201), "1,201");
    }

    #[test]
    fn image_sizes_are_whole_pixels() {
        let size = |head: &str| super::size_attrs(&format!("{head}\n<title>x</title></svg>"));
        assert_eq!(
            size(r#"<svg width="454.5" height="300.2" viewBox="0 0 454.5 300.2">"#),
            r#" width="455" height="300""#
        );
        assert_eq!(
            size(r#"<svg width="570px" height="348">"#),
            r#" width="570" height="348""#
        );
        assert_eq!(size(r#"<svg width="100%" height="348">"#), "");
        assert_eq!(size(r#"<svg viewBox="0 0 1 1">"#), "");
    }
}
