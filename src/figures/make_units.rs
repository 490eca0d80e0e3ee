//! Glue for the figures that take a one-hidden-layer regressor apart unit by unit (Bagheri's
//! Figs 34 and 36) and for activation curves with shifted and scaled variants (Fig 35).

use ndarray::Array2;

use super::{Dots, Line, Meta, PlotOptions, line_plot, panel_grid};
use crate::engine::Model;
use crate::run::ExperimentResult;
use crate::spec::{Activation, FigureOptions};

/// Points on the curves: enough for smooth sigmoids and exact-looking ReLU kinks, few enough
/// that a grid of 20 panels stays small.
const SAMPLES: usize = 200;
/// Units a decomposition grid shows at most (one row each).
const MAX_UNITS: usize = 12;

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

fn x_range(r: &ExperimentResult, o: &FigureOptions) -> [f64; 2] {
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

fn curve(name: Option<String>, xs: &[f64], ys: Vec<f64>, color: &str) -> Line {
    Line {
        name,
        xs: xs.to_vec(),
        ys,
        color: Some(color.into()),
        width: 2.0,
    }
}

fn small(title: String, x_label: Option<String>) -> PlotOptions {
    PlotOptions {
        title: Some(title),
        x_label,
        width: 260,
        height: 190,
        ..Default::default()
    }
}

fn panel_meta(meta: &Meta, k: usize, title: &str) -> Meta {
    Meta {
        id: format!("{}-p{k}", meta.id),
        title: title.to_string(),
        desc: String::new(),
    }
}

/// Bagheri's Fig 34: one row per hidden unit (a_i, then w_i·a_i), the bias and the sum in the
/// third column, and the data with ŷ = sum + bias in the fourth.
pub fn decomposition(
    r: &ExperimentResult,
    o: &FigureOptions,
    meta: &Meta,
) -> Result<String, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    let [lo, hi] = x_range(r, o);
    let p = pieces(&t.model, lo, hi)?;
    let units = p.a.len();
    if units > MAX_UNITS {
        return Err(format!(
            "a decomposition shows at most {MAX_UNITS} units; this layer has {units} (use unit-overlay)"
        ));
    }
    let x_label = o.x_label.clone().unwrap_or_else(|| "x".into());
    let rows = units.max(7);
    let mut panels: Vec<Option<String>> = vec![None; rows * 4];
    let mut draw = |cell: usize, title: String, lines: Vec<Line>, dots: Vec<Dots>, label: bool| {
        let opts = small(title.clone(), label.then(|| x_label.clone()));
        line_plot(&lines, &dots, &opts, &panel_meta(meta, cell, &title))
            .map(|svg| panels[cell] = Some(svg))
            .map_err(|e| e.to_string())
    };
    for i in 0..units {
        let last = i + 1 == units;
        draw(
            i * 4,
            format!("a{}", i + 1),
            vec![curve(None, &p.xs, p.a[i].clone(), "#000000")],
            vec![],
            last,
        )?;
        draw(
            i * 4 + 1,
            format!("w{0}·a{0}", i + 1),
            vec![curve(None, &p.xs, p.wa[i].clone(), "#000000")],
            vec![],
            last,
        )?;
    }
    let red = "#ff0000";
    draw(
        4 * 4 + 2,
        "w0 (output bias)".into(),
        vec![curve(None, &p.xs, vec![p.bias; p.xs.len()], red)],
        vec![],
        true,
    )?;
    draw(
        6 * 4 + 2,
        "Sum = Σ wi·ai".into(),
        vec![curve(None, &p.xs, p.sum.clone(), red)],
        vec![],
        true,
    )?;
    let yhat: Vec<f64> = p.sum.iter().map(|s| s + p.bias).collect();
    draw(
        5 * 4 + 3,
        "ŷ = Sum + w0".into(),
        vec![curve(Some("ŷ".into()), &p.xs, yhat, red)],
        vec![Dots {
            name: Some("data".into()),
            points: data_points(r),
            color: None,
            opacity: 0.3,
        }],
        true,
    )?;
    panel_grid(&panels, 4, o.title.as_deref(), meta).map_err(|e| e.to_string())
}

/// Bagheri's Fig 36: the live units' shares in colour and their sum plus the bias in black,
/// over the faint data.
pub fn overlay(r: &ExperimentResult, o: &FigureOptions, meta: &Meta) -> Result<String, String> {
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

fn coef(v: f64) -> String {
    super::worked::short(v, 3)
}

/// Panels of out·g(w·x + b), titled with their constants (Bagheri's Fig 35).
pub fn activation_variants(
    a: Activation,
    variants: &[[f64; 3]],
    o: &FigureOptions,
    meta: &Meta,
) -> Result<String, String> {
    let [lo, hi] = o.x.unwrap_or([-1.0, 1.0]);
    let xs = crate::engine::data::generators::linspace(lo, hi, SAMPLES);
    let g = match a {
        Activation::Relu => "ReLU",
        other => other.name(),
    };
    let mut panels = Vec::new();
    for (k, [w, b, out]) in variants.iter().copied().enumerate() {
        let wx = if w == 1.0 {
            "x".to_string()
        } else {
            format!("{}x", coef(w))
        };
        let inner = if b == 0.0 {
            wx
        } else {
            format!("{wx} {} {}", if b < 0.0 { "−" } else { "+" }, coef(b.abs()))
        };
        let title = if out == 1.0 {
            format!("{g}({inner})")
        } else {
            format!("{}·{g}({inner})", coef(out))
        };
        let ys = xs.iter().map(|x| out * a.value_f64(w * x + b)).collect();
        let opts = PlotOptions {
            y: o.y,
            ..small(
                title.clone(),
                Some(o.x_label.clone().unwrap_or_else(|| "x".into())),
            )
        };
        let svg = line_plot(
            &[curve(None, &xs, ys, super::style::LINE)],
            &[],
            &opts,
            &panel_meta(meta, k, &title),
        )
        .map_err(|e| e.to_string())?;
        panels.push(Some(svg));
    }
    let cols = panels.len().min(4);
    panel_grid(&panels, cols, o.title.as_deref(), meta).map_err(|e| e.to_string())
}
