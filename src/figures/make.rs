//! From experiment results to what a block shows: compute each figure's data (grids of
//! predictions, curves) and draw it, or build a table. Figures become SVG files under
//! `figures/`; tables are HTML in the page.

use ndarray::Array2;

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

/// Make one figure or table of a block.
pub fn show(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    outcome: Option<&Outcome>,
) -> Result<Shown, Diagnostic> {
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
            title: show
                .caption
                .clone()
                .unwrap_or_else(|| format!("The {name} activation")),
            desc: format!("The {name} activation function g(z) plotted against z."),
        };
        let svg = activation_curve(show, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    let o = &show.options;
    if show.what == ShowKind::Figure(FigureKind::NetworkDiagram)
        && o.layers.is_some()
        && o.weights != Some(true)
    {
        let meta = diagram_meta(show, o.layers.as_deref().unwrap_or(&[]));
        let svg = diagram(show, o.layers.clone().unwrap_or_default(), None).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
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
        ShowKind::Figure(kind) => {
            let meta = Meta {
                id: show.id.clone(),
                title: show
                    .caption
                    .clone()
                    .unwrap_or_else(|| default_title(kind, &block.id)),
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
        title: show
            .caption
            .clone()
            .unwrap_or_else(|| format!("A {} network", sizes.join("-"))),
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
        })
        .collect();
    let edges: Option<super::EdgeLabels> = match (o.weights, model) {
        (Some(true), Some(m)) => Some(
            m.layers
                .iter()
                .map(|l| {
                    l.w.rows()
                        .into_iter()
                        .map(|row| row.iter().map(|w| format!("{w:.2}")).collect())
                        .collect()
                })
                .collect(),
        ),
        (Some(true), None) => return Err("edge weights need a trained model".into()),
        _ => None,
    };
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
    }
}

/// g(z) over 1,000 evenly spaced z (matplotlib style: blue, width 2).
fn activation_curve(show: &Show, meta: &Meta) -> Result<String, String> {
    use crate::spec::Activation as A;
    let o = &show.options;
    let act = o.activation.unwrap_or(A::Linear);
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
    let line = super::Line {
        name: None,
        xs,
        ys,
        color: None,
        width: 2.0,
    };
    super::line_plot(&[line], &[], &opts, meta).map_err(|e| e.to_string())
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
            let opts = super::RegionOptions {
                x_label: o.x_label.clone().or(Some("x1".into())),
                y_label: o.y_label.clone().or(Some("x2".into())),
                equal_aspect: o.equal_aspect.unwrap_or(true),
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
        FigureKind::ImageGrid => {
            let (n, d) = r.data.x.dim();
            let side = (d as f64).sqrt().round() as usize;
            if side * side != d {
                return Err(format!("{d} features do not make a square image"));
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
            let series = [super::Series {
                name: label.to_string(),
                values: values.iter().map(|v| f64::from(*v)).collect(),
                color: None,
            }];
            let opts = super::CurveOptions {
                title: o.title.clone().or(Some(format!("{label} vs Epochs"))),
                x_label: Some("Epoch".into()),
                y_label: Some(label.to_string()),
                stop_epoch: h
                    .stopped_by_threshold
                    .then_some(h.epochs_run.saturating_sub(1)),
                ..Default::default()
            };
            super::training_curve(&series, &opts, meta).map_err(|e| e.to_string())
        }
    }
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
    let mut header: Vec<String> = (1..=d).map(|j| format!("x{j}")).collect();
    header.push("y".into());
    let fmt = |v: f64| {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let rows = (0..n)
        .map(|i| {
            let mut row: Vec<String> = (0..d).map(|j| fmt(f64::from(r.data.x[[i, j]]))).collect();
            row.push(fmt(r.data.y[i]));
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

fn caption_html(number: &str, caption: Option<&str>) -> String {
    let mut s = format!("<span class=\"nn-number\">{}</span>", escape(number));
    if let Some(c) = caption {
        s.push(' ');
        s.push_str(&escape(c));
    }
    s
}

fn source_html(ch: &Chapter, block: &Block) -> String {
    format!(
        "<details class=\"nn-source\"><summary>How this figure was made</summary>\n<pre><code class=\"language-yaml\">{}</code></pre>\n<p>Experiment <code>{}</code> in <code>{}</code>, trained by the nnbook engine {} at build time.</p></details>\n",
        escape(&block.source),
        escape(&block.id),
        escape(&display_path(&ch.source)),
        crate::engine::VERSION
    )
}

fn figure_html(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    meta: &Meta,
) -> String {
    let (w, h) = svg_size(svg);
    let alt = show.caption.as_deref().unwrap_or(&meta.desc);
    format!(
        "<figure class=\"nn-figure\" id=\"{}\">\n<img src=\"{}\" alt=\"{}\" width=\"{w}\" height=\"{h}\" loading=\"lazy\">\n<figcaption>{}</figcaption>\n{}</figure>\n",
        escape(&show.id),
        escape(file),
        escape(alt),
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

/// The width and height attributes of an SVG's root element.
fn svg_size(svg: &str) -> (String, String) {
    let head = svg.split('>').next().unwrap_or("");
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .map(|v| v.trim_end_matches("px").to_string())
            .unwrap_or_default()
    };
    (attr("width"), attr("height"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separator() {
        assert_eq!(super::thousands(795_010), "795,010");
        assert_eq!(super::thousands(13), "13");
        assert_eq!(super::thousands(1_201), "1,201");
    }
}
