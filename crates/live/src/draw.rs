//! Figures of a trained experiment drawn from the model, its history and the block's resolved
//! options: the build (src/show/draw.rs) and the module in the reader's browser call these
//! same functions, so at the authored settings the page's SVG is the build's byte for byte.
//!
//! What crosses to the browser is [`Figures`], written by the build into `live/<id>.json` as
//! JSON text the page passes through untouched; every `f64` crosses as its bits, so no
//! decimal parser can move a range by an ulp.

use ndarray::Array2;
use nnbook_engine::{History, Model};
use nnbook_figures::{self as figures, Arrow, Class, ClassGrid, Meta};
use serde::{Deserialize, Serialize};

use crate::grid::{self, Predict};

/// The figures of one live experiment the module redraws, with the data they plot besides
/// the experiment's inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// The data's class names (as in its file), in the order of `class_of`'s indices.
    pub classes: Vec<String>,
    pub class_of: Vec<usize>,
    pub items: Vec<Figure>,
    /// The experiment's tables the module rebuilds from the retrained model.
    #[serde(default)]
    pub tables: Vec<TableItem>,
}

/// One table the module rebuilds: its id (the page's table figure) and kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableItem {
    pub id: String,
    pub kind: TableKind,
}

/// The table kinds the module rebuilds: those made from the model alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    Summary,
}

/// One figure: its id (the page's `<figure>`), title and description, and what to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub kind: Kind,
}

/// A range as the bits of its two ends.
type Range = [u64; 2];

fn range(r: [f64; 2]) -> Range {
    r.map(f64::to_bits)
}

fn unrange(r: Range) -> [f64; 2] {
    r.map(f64::from_bits)
}

/// The plane a figure of two features is drawn on: its title, axis labels and ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plane {
    pub title: Option<String>,
    pub x_label: String,
    pub y_label: String,
    x: Range,
    y: Range,
}

impl Plane {
    pub fn new(
        title: Option<String>,
        x_label: String,
        y_label: String,
        x: [f64; 2],
        y: [f64; 2],
    ) -> Plane {
        Plane {
            title,
            x_label,
            y_label,
            x: range(x),
            y: range(y),
        }
    }

    pub fn x(&self) -> [f64; 2] {
        unrange(self.x)
    }

    pub fn y(&self) -> [f64; 2] {
        unrange(self.y)
    }
}

/// The kinds the module redraws, each with its options as the build resolved them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Kind {
    DecisionRegions {
        #[serde(flatten)]
        plane: Plane,
        equal_aspect: bool,
        compact: bool,
        grid: usize,
        /// Weight arrows' scale (bits), when the block draws them.
        arrows: Option<u64>,
    },
    TrainingCurve {
        /// The experiment's id when the description is to name it with the epochs run (the
        /// page's redraw, whose epochs the reader may change); None keeps `desc`.
        experiment: Option<String>,
        title: Option<String>,
        /// `loss` or `accuracy`.
        metric: String,
    },
    Scatter {
        title: Option<String>,
        x_label: String,
        y_label: String,
        equal_aspect: bool,
        x: Option<Range>,
        y: Option<Range>,
    },
    BoundaryHistory {
        #[serde(flatten)]
        plane: Plane,
        grid: usize,
        /// The epochs drawn; None for the default schedule of the epochs trained.
        frames: Option<Vec<usize>>,
    },
    /// The animated SVG (its GIF is the build's alone).
    Evolution {
        #[serde(flatten)]
        plane: Plane,
        grid: Option<usize>,
        frames: Option<Vec<usize>>,
    },
}

impl Figures {
    /// The epochs to keep a model at while training `epochs` for these figures.
    pub fn snapshots(&self, epochs: usize) -> Vec<usize> {
        let frames = self.items.iter().filter_map(|f| match &f.kind {
            Kind::BoundaryHistory { frames, .. } | Kind::Evolution { frames, .. } => {
                Some(frames.as_deref())
            }
            _ => None,
        });
        grid::snapshot_epochs(frames, epochs)
    }
}

impl Kind {
    /// Weight arrows drawn at `scale`, as the kind stores it.
    pub fn arrows(scale: Option<f64>) -> Option<u64> {
        scale.map(f64::to_bits)
    }

    pub fn scatter(
        title: Option<String>,
        x_label: String,
        y_label: String,
        equal_aspect: bool,
        x: Option<[f64; 2]>,
        y: Option<[f64; 2]>,
    ) -> Kind {
        Kind::Scatter {
            title,
            x_label,
            y_label,
            equal_aspect,
            x: x.map(range),
            y: y.map(range),
        }
    }
}

/// What a figure is drawn from: the data's inputs (two features per row for the kinds that
/// plot points) and, for the kinds that need one, the trained model and its history.
pub struct Input<'a> {
    pub x: &'a Array2<f32>,
    pub classes: &'a [String],
    pub class_of: &'a [usize],
    pub model: Option<&'a Model>,
    /// The history, with the models kept at [`Figures::snapshots`] of `epochs`.
    pub history: Option<&'a History>,
    /// The epochs training was asked for (the default frames' schedule follows them).
    pub epochs: usize,
    /// The model's outputs for rows of inputs (natively in parallel chunks: rows are
    /// independent, so any split gives the same bits).
    pub predict: Predict<'a>,
}

/// The description of a training curve, which names the epochs actually run.
pub fn curve_desc(experiment: &str, epochs: usize) -> String {
    format!("A metric of experiment {experiment} per epoch over {epochs} epochs.")
}

/// Draw one figure as SVG.
pub fn draw(f: &Figure, input: &Input) -> Result<String, String> {
    let mut meta = Meta {
        id: f.id.clone(),
        title: f.title.clone(),
        desc: f.desc.clone(),
    };
    // The legend names a class as the build's figures do.
    let classes: Vec<Class> = input
        .classes
        .iter()
        .map(|c| Class {
            name: format!("y={c}"),
            color: None,
        })
        .collect();
    let model = || input.model.ok_or("no trained model");
    let points = points2(input.x)?;
    let points = points.as_slice();
    let e = |e: figures::FigureError| e.to_string();
    match &f.kind {
        Kind::DecisionRegions {
            plane,
            equal_aspect,
            compact,
            grid,
            arrows,
        } => {
            let model = model()?;
            let (x, y) = (plane.x(), plane.y());
            let grid = class_grid(model, x, y, *grid, input.predict);
            let arrows = match arrows {
                Some(scale) => weight_arrows(model, input.classes, x, y, f64::from_bits(*scale))?,
                None => Vec::new(),
            };
            let opts = figures::RegionOptions {
                title: plane.title.clone(),
                x_label: Some(plane.x_label.clone()),
                y_label: Some(plane.y_label.clone()),
                equal_aspect: *equal_aspect,
                arrows,
                compact: *compact,
                ..Default::default()
            };
            figures::decision_regions(&grid, points, input.class_of, &classes, &opts, &meta)
                .map_err(e)
        }
        Kind::TrainingCurve {
            experiment,
            title,
            metric,
        } => {
            let h = input.history.ok_or("no training history")?;
            if let Some(id) = experiment {
                meta.desc = curve_desc(id, h.epochs_run);
            }
            training_curve(h, title.clone(), metric, &meta)
        }
        Kind::Scatter {
            title,
            x_label,
            y_label,
            equal_aspect,
            x,
            y,
        } => {
            let opts = figures::ScatterOptions {
                title: title.clone(),
                x: x.map(unrange),
                y: y.map(unrange),
                x_label: Some(x_label.clone()),
                y_label: Some(y_label.clone()),
                equal_aspect: *equal_aspect,
                ..Default::default()
            };
            figures::scatter(points, input.class_of, &classes, &opts, &meta).map_err(e)
        }
        Kind::BoundaryHistory {
            plane,
            grid,
            frames,
        } => {
            let h = input.history.ok_or("no training history")?;
            let fields = grid::boundary_fields(
                &h.snapshots,
                input.epochs,
                frames.as_deref(),
                *grid,
                plane.x(),
                plane.y(),
                input.predict,
            )?;
            let opts = figures::MeshOptions {
                x_label: Some(plane.x_label.clone()),
                y_label: Some(plane.y_label.clone()),
                title: plane.title.clone(),
            };
            figures::boundary_history(
                &fields,
                points,
                input.class_of,
                &classes,
                &opts,
                &meta,
                "epoch",
            )
            .map_err(e)
        }
        Kind::Evolution {
            plane,
            grid,
            frames,
        } => {
            let h = input.history.ok_or("no training history")?;
            let f = grid::evolution_frames(
                model()?,
                h,
                input.epochs,
                input.x,
                frames.as_deref(),
                *grid,
                [plane.x(), plane.y()],
                input.predict,
            )?;
            let opts = evolution_options(&plane.title, &plane.x_label, &plane.y_label, &f);
            figures::evolution(
                &f.frames,
                points,
                input.class_of,
                &classes,
                &opts,
                &meta,
                false,
            )
            .map(|e| e.svg)
            .map_err(e)
        }
    }
}

/// An evolution's options: the hidden panel's limits come from its frames.
pub fn evolution_options(
    title: &Option<String>,
    x_label: &str,
    y_label: &str,
    f: &grid::Frames,
) -> figures::EvolutionOptions {
    figures::EvolutionOptions {
        title: title.clone(),
        x_label: Some(x_label.to_string()),
        y_label: Some(y_label.to_string()),
        hidden_labels: ["h1".into(), "h2".into()],
        hidden_x: f.hidden_x,
        hidden_y: f.hidden_y,
        seconds: 0.4,
    }
}

/// A metric's curve per epoch, with the held-out data's beside it when it was measured.
pub fn training_curve(
    h: &History,
    title: Option<String>,
    metric: &str,
    meta: &Meta,
) -> Result<String, String> {
    let (values, label) = match metric {
        "loss" => (Some(&h.loss), "Loss"),
        "accuracy" => (h.accuracy.as_ref(), "Accuracy"),
        "mse" => (h.mse.as_ref(), "MSE"),
        _ => return Err(format!("unknown metric `{metric}`")),
    };
    let values = values.ok_or_else(|| format!("the history has no {metric}"))?;
    let mut series = vec![figures::Series {
        name: if h.validation.is_empty() {
            label.to_string()
        } else {
            "Training".to_string()
        },
        values: values.iter().map(|v| f64::from(*v)).collect(),
        color: None,
    }];
    if !h.validation.is_empty() {
        let k = usize::from(metric != "loss");
        series.push(figures::Series {
            name: "Validation".into(),
            values: h.validation.iter().map(|v| f64::from(v[k])).collect(),
            color: Some("#ff7f0e".into()),
        });
    }
    let opts = figures::CurveOptions {
        title: title.or(Some(format!("{label} vs Epochs"))),
        x_label: Some("Epoch".into()),
        y_label: Some(label.to_string()),
        stop_epoch: h
            .stopped_by_threshold
            .then_some(h.epochs_run.saturating_sub(1)),
        within: (metric == "accuracy").then_some([0.0, 1.0]),
        ..Default::default()
    };
    figures::training_curve(&series, &opts, meta).map_err(|e| e.to_string())
}

/// Data extent with a 5% margin on each side.
pub fn extent(pts: &[[f64; 2]], axis: usize) -> [f64; 2] {
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

/// Rows of two features as points; none for other data (the kinds that plot points refuse it
/// when the build resolves them).
pub fn points2(x: &Array2<f32>) -> Result<Vec<[f64; 2]>, String> {
    if x.ncols() != 2 {
        return Ok(Vec::new());
    }
    Ok(x.rows()
        .into_iter()
        .map(|r| [f64::from(r[0]), f64::from(r[1])])
        .collect())
}

/// Classes on an n × n grid starting at the lower limits with step (hi − lo)/n (INVENTORY §0).
/// One sigmoid output is thresholded at p ≥ 0.5 (Equation 2), several outputs by arg-max.
pub fn class_grid(
    model: &Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
    predict: Predict,
) -> ClassGrid {
    let (dx, dy) = ((x[1] - x[0]) / n as f64, (y[1] - y[0]) / n as f64);
    let mut pts = Array2::<f32>::zeros((n * n, 2));
    for j in 0..n {
        for i in 0..n {
            pts[[j * n + i, 0]] = (x[0] + i as f64 * dx) as f32;
            pts[[j * n + i, 1]] = (y[0] + j as f64 * dy) as f32;
        }
    }
    let out = predict(model, &pts);
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
    ClassGrid {
        nx: n,
        ny: n,
        x0: x[0],
        x1: x[1],
        y0: y[0],
        y1: y[1],
        class,
    }
}

/// Weight vectors of a single-layer classifier: w from the origin for one output unit (normal
/// to its boundary), or for softmax each pairwise difference w_j − w_i anchored on the i–j
/// boundary at its point nearest the plot's centre.
pub fn weight_arrows(
    model: &Model,
    names: &[String],
    x: [f64; 2],
    y: [f64; 2],
    scale: f64,
) -> Result<Vec<Arrow>, String> {
    let [layer] = model.layers.as_slice() else {
        return Err("weight arrows need a model with a single layer".into());
    };
    if layer.w.nrows() != 2 {
        return Err("weight arrows need two inputs".into());
    }
    let w = |i: usize, k: usize| f64::from(layer.w[[i, k]]);
    if layer.w.ncols() == 1 {
        return Ok(vec![Arrow {
            from: [0.0, 0.0],
            to: [scale * w(0, 0), scale * w(1, 0)],
            label: Some("w".into()),
        }]);
    }
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
            out.push(Arrow {
                from,
                to: [from[0] + scale * d[0], from[1] + scale * d[1]],
                label: Some(format!("w{}−w{}", name(j), name(i))),
            });
        }
    }
    Ok(out)
}
