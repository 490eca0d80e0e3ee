//! Figures that take a network apart unit by unit: a one-hidden-layer regressor's units and
//! their sum (Bagheri's Figs 34 and 36), and the input plane's grid lines after a 2-unit hidden
//! layer.

use ndarray::Array2;

use crate::engine::Model;
use crate::figures::{self, Dots, Line, Meta, PlotOptions, line_plot, panel_grid};
use crate::run::ExperimentResult;
use crate::spec::{Common, MeshOptions};

/// Points on the curves: enough for smooth sigmoids and exact-looking ReLU kinks, few enough
/// that a grid of 20 panels stays small.
pub(super) const SAMPLES: usize = 200;
/// Units a decomposition grid shows at most (one row each).
const MAX_UNITS: usize = 12;
/// A decomposition panel: flat, as the notebook's 4.5 × 2.4 in cells; no wider than 260 px,
/// so that the page, showing a panel at 85% of its width or more, keeps its text at 11 px.
const PANEL: [u32; 2] = [260, 140];

/// The pieces of ŷ(x) = w0 + Σ w_i·a_i(x) over a grid of x.
struct Pieces {
    xs: Vec<f64>,
    /// a_i(x), one curve per hidden unit.
    a: Vec<Vec<f64>>,
    /// w_i·a_i(x).
    wa: Vec<Vec<f64>>,
    bias: f64,
    sum: Vec<f64>,
}

fn pieces(model: &Model, lo: f64, hi: f64) -> Result<Pieces, String> {
    let ok = model.layers.len() == 2
        && model.input_dim() == 1
        && model.output_dim() == 1
        && model.layers[1].activation == crate::engine::Activation::Linear;
    if !ok {
        return Err(
            "a decomposition takes a 1-input network with one hidden layer and a linear output"
                .into(),
        );
    }
    let xs = crate::engine::data::generators::linspace(lo, hi, SAMPLES);
    let grid = Array2::from_shape_fn((xs.len(), 1), |(i, _)| xs[i] as f32);
    let hidden = &model.layer_outputs(&grid)[0];
    let out = &model.layers[1];
    let units = hidden.ncols();
    let a: Vec<Vec<f64>> = (0..units)
        .map(|i| hidden.column(i).iter().map(|v| f64::from(*v)).collect())
        .collect();
    let wa: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, col)| col.iter().map(|v| v * f64::from(out.w[[i, 0]])).collect())
        .collect();
    let sum = (0..xs.len())
        .map(|k| wa.iter().map(|c| c[k]).sum())
        .collect();
    Ok(Pieces {
        xs,
        a,
        wa,
        bias: f64::from(out.b[0]),
        sum,
    })
}

fn x_range(r: &ExperimentResult, o: &Common) -> [f64; 2] {
    o.x.unwrap_or_else(|| {
        let (lo, hi) = r
            .data
            .x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(f64::from(*v)), b.max(f64::from(*v)))
            });
        if lo.is_finite() && hi > lo {
            [lo, hi]
        } else {
            [0.0, 1.0]
        }
    })
}

fn data_points(r: &ExperimentResult) -> Vec<[f64; 2]> {
    r.data
        .x
        .iter()
        .zip(&r.data.y)
        .map(|(x, y)| [f64::from(*x), *y])
        .collect()
}

pub(super) fn curve(name: Option<String>, xs: &[f64], ys: Vec<f64>, color: &str) -> Line {
    Line {
        name,
        xs: xs.to_vec(),
        ys,
        color: Some(color.into()),
        width: 2.0,
    }
}

pub(super) fn small(title: String, x_label: Option<String>) -> PlotOptions {
    PlotOptions {
        title: Some(title),
        x_label,
        fit_labels: true,
        width: 260,
        height: 190,
        ..Default::default()
    }
}

pub(super) fn panel_meta(meta: &Meta, k: usize, title: &str) -> Meta {
    Meta {
        id: format!("{}-p{k}", meta.id),
        title: title.to_string(),
        desc: String::new(),
    }
}

/// Unicode subscript digits, to label panels with math as the notebook does (a₁, w₁₀a₁₀).
fn sub(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x2080 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// One y range over several curves, padded by 5% as a single plot's would be.
fn shared_range<'a>(curves: impl Iterator<Item = &'a [f64]>) -> [f64; 2] {
    let (lo, hi) = curves
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !lo.is_finite() || hi - lo < 1e-12 {
        let c = if lo.is_finite() { lo } else { 0.0 };
        return [c - 0.5, c + 0.5];
    }
    let pad = (hi - lo) * 0.05;
    [lo - pad, hi + pad]
}

/// Bagheri's Fig 34: one row per hidden unit (a_i, then w_i·a_i), the bias and the sum in the
/// third column, and the data with ŷ = sum + bias in the fourth. The a_i share one y-axis and
/// everything in the output's units (shares, bias, sum, ŷ) another, so a small share looks small.
pub fn decomposition(r: &ExperimentResult, o: &Common, meta: &Meta) -> Result<String, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    let [lo, hi] = x_range(r, o);
    let p = pieces(&t.model, lo, hi)?;
    let units = p.a.len();
    if units > MAX_UNITS {
        return Err(format!(
            "a decomposition shows at most {MAX_UNITS} units; this layer has {units} (use unit-overlay)"
        ));
    }
    let yhat: Vec<f64> = p.sum.iter().map(|s| s + p.bias).collect();
    let points = data_points(r);
    let ys: Vec<f64> = points.iter().map(|q| q[1]).collect();
    let a_range = shared_range(p.a.iter().map(Vec::as_slice));
    let bias = [p.bias];
    let out_range = shared_range(p.wa.iter().map(Vec::as_slice).chain([
        bias.as_slice(),
        p.sum.as_slice(),
        yhat.as_slice(),
        ys.as_slice(),
    ]));
    let x_label = o.x_label.clone().unwrap_or_else(|| "x".into());
    let rows = units.max(7);
    let mut panels: Vec<Option<String>> = vec![None; rows * 4];
    let mut draw = |cell: usize,
                    label: String,
                    y: [f64; 2],
                    lines: Vec<Line>,
                    dots: Vec<Dots>,
                    bottom: bool| {
        let opts = PlotOptions {
            x_label: bottom.then(|| x_label.clone()),
            y_label: Some(label.clone()),
            y: Some(y),
            fit_labels: true,
            width: PANEL[0],
            height: PANEL[1],
            ..Default::default()
        };
        line_plot(&lines, &dots, &opts, &panel_meta(meta, cell, &label))
            .map(|svg| panels[cell] = Some(svg))
            .map_err(|e| e.to_string())
    };
    for i in 0..units {
        let last = i + 1 == units;
        let k = sub(i + 1);
        draw(
            i * 4,
            format!("a{k}"),
            a_range,
            vec![curve(None, &p.xs, p.a[i].clone(), "#000000")],
            vec![],
            last,
        )?;
        draw(
            i * 4 + 1,
            format!("w{k}a{k}"),
            out_range,
            vec![curve(None, &p.xs, p.wa[i].clone(), "#000000")],
            vec![],
            last,
        )?;
    }
    let red = "#ff0000";
    draw(
        4 * 4 + 2,
        format!("w{}", sub(0)),
        out_range,
        vec![curve(None, &p.xs, vec![p.bias; p.xs.len()], red)],
        vec![],
        true,
    )?;
    draw(
        6 * 4 + 2,
        "Sum".into(),
        out_range,
        vec![curve(None, &p.xs, p.sum.clone(), red)],
        vec![],
        true,
    )?;
    draw(
        5 * 4 + 3,
        "ŷ".into(),
        out_range,
        vec![curve(None, &p.xs, yhat, red)],
        vec![Dots {
            name: None,
            points,
            color: None,
            opacity: 0.3,
        }],
        true,
    )?;
    panel_grid(&panels, 4, o.title.as_deref(), meta).map_err(|e| e.to_string())
}

/// Bagheri's Fig 36: the live units' shares in colour and their sum plus the bias in black,
/// over the faint data.
pub fn overlay(r: &ExperimentResult, o: &Common, meta: &Meta) -> Result<String, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    let [lo, hi] = x_range(r, o);
    let p = pieces(&t.model, lo, hi)?;
    const TAB10: [&str; 10] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf",
    ];
    let mut lines: Vec<Line> =
        p.wa.iter()
            .enumerate()
            .filter(|(_, c)| c.iter().any(|v| *v != 0.0))
            .enumerate()
            .map(|(k, (i, c))| {
                curve(
                    Some(format!("w{0}·a{0}", i + 1)),
                    &p.xs,
                    c.clone(),
                    TAB10[k % TAB10.len()],
                )
            })
            .collect();
    if lines.len() > 20 {
        // Hundreds of units: the shares become a blur; keep the sum readable.
        lines.clear();
    }
    let total: Vec<f64> = p.sum.iter().map(|s| s + p.bias).collect();
    lines.push(curve(Some("Sum + bias".into()), &p.xs, total, "#000000"));
    let opts = PlotOptions {
        title: o.title.clone(),
        x_label: o.x_label.clone().or(Some("x".into())),
        y_label: o.y_label.clone().or(Some("y".into())),
        x: o.x,
        y: o.y,
        width: 480,
        height: 360,
        ..Default::default()
    };
    let dots = Dots {
        name: None,
        points: data_points(r),
        color: Some("#1f77b4".into()),
        opacity: 0.1,
    };
    line_plot(&lines, &[dots], &opts, meta).map_err(|e| e.to_string())
}

/// The input plane's grid lines after a 2-unit hidden layer (INVENTORY §4.2): `grid` lines in
/// each direction over `x × y`, each sampled finely and mapped through the first layer, drawn
/// over the training points' hidden coordinates.
pub fn hidden_grid(
    r: &ExperimentResult,
    m: &MeshOptions,
    meta: &figures::Meta,
) -> Result<String, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    let first = t.model.layers.first().ok_or("the model has no layers")?;
    if t.model.input_dim() != 2 || first.w.ncols() != 2 {
        return Err("a hidden grid needs 2 inputs and a first layer of 2 units".into());
    }
    let o = &m.common;
    let [x0, x1] = o.x.unwrap_or([-3.0, 3.0]);
    let [y0, y1] = o.y.unwrap_or([-3.0, 3.0]);
    let lines = m.grid.unwrap_or(13).clamp(2, 41);
    const STEPS: usize = 120;
    let mut polylines: Vec<Vec<[f32; 2]>> = Vec::new();
    for k in 0..lines {
        let f = k as f64 / (lines - 1) as f64;
        let (xv, yv) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
        polylines.push(
            (0..=STEPS)
                .map(|s| [xv as f32, (y0 + (y1 - y0) * s as f64 / STEPS as f64) as f32])
                .collect(),
        );
        polylines.push(
            (0..=STEPS)
                .map(|s| [(x0 + (x1 - x0) * s as f64 / STEPS as f64) as f32, yv as f32])
                .collect(),
        );
    }
    let flat: Vec<f32> = polylines.iter().flatten().flatten().copied().collect();
    let input = Array2::from_shape_vec((flat.len() / 2, 2), flat).map_err(|e| e.to_string())?;
    let mapped = first.forward(&input);
    let per = STEPS + 1;
    let grey = "#9a9a9a";
    let mut out_lines: Vec<figures::Line> = (0..polylines.len())
        .map(|l| figures::Line {
            name: None,
            xs: (0..per)
                .map(|s| f64::from(mapped[[l * per + s, 0]]))
                .collect(),
            ys: (0..per)
                .map(|s| f64::from(mapped[[l * per + s, 1]]))
                .collect(),
            color: Some(grey.into()),
            width: 0.8,
        })
        .collect();
    // The two lines through the middle of the plane stand out, to follow the folding.
    for l in [2 * (lines / 2), 2 * (lines / 2) + 1] {
        if let Some(line) = out_lines.get_mut(l) {
            line.color = Some("#000000".into());
            line.width = 1.6;
        }
    }
    let hidden = first.forward(&r.data.x);
    let dots: Vec<figures::Dots> = r
        .data
        .classes
        .iter()
        .enumerate()
        .map(|(c, name)| figures::Dots {
            name: Some(format!("y={name}")),
            points: hidden
                .rows()
                .into_iter()
                .zip(&r.data.class_of)
                .filter(|(_, k)| **k == c)
                .map(|(h, _)| [f64::from(h[0]), f64::from(h[1])])
                .collect(),
            color: Some(figures::style::marker(c).into()),
            opacity: 0.6,
        })
        .collect();
    let opts = figures::PlotOptions {
        title: o.title.clone(),
        x_label: o.x_label.clone().or(Some("h1".into())),
        y_label: o.y_label.clone().or(Some("h2".into())),
        ..Default::default()
    };
    figures::line_plot(&out_lines, &dots, &opts, meta).map_err(|e| e.to_string())
}
