//! Activation curves: g(z) with its derivative, and panels of shifted and scaled variants
//! (Bagheri's Fig 35).

use crate::figures::{self, Meta, PlotOptions, line_plot, panel_grid};
use crate::spec::{Activation, ActivationOptions, Options, Show};

use super::units::{SAMPLES, curve, panel_meta, small};

/// g(z) over 1,000 evenly spaced z (matplotlib style: blue, width 2).
pub(super) fn activation_curve(show: &Show, meta: &Meta) -> Result<String, String> {
    use crate::spec::Activation as A;
    let Options::ActivationCurve(o) = &show.options else {
        return Err(format!("`{}` is not an activation curve", show.what.name()));
    };
    let act = o.activation.unwrap_or(A::Linear);
    if let Some(v) = &o.variants {
        return super::activation::activation_variants(act, v, o, meta);
    }
    let [lo, hi] = o.common.x.unwrap_or([-10.0, 10.0]);
    let xs = crate::engine::data::generators::linspace(lo, hi, 1000);
    let ys: Vec<f64> = xs.iter().map(|&z| act.value_f64(z)).collect();
    let symbol = if act == A::Sigmoid { "σ(z)" } else { "g(z)" };
    let opts = figures::PlotOptions {
        title: o.common.title.clone(),
        x_label: o.common.x_label.clone().or(Some("z".into())),
        y_label: o.common.y_label.clone().or(Some(symbol.into())),
        x: Some([lo, hi]),
        y: o.common.y,
        ..Default::default()
    };
    let derivative = o.derivative == Some(true);
    let slope: Vec<f64> = if derivative {
        xs.iter()
            .zip(&ys)
            .map(|(&z, &g)| act.slope_f64(z, g))
            .collect()
    } else {
        Vec::new()
    };
    let mut lines = vec![figures::Line {
        name: derivative.then(|| symbol.to_string()),
        xs: xs.clone(),
        ys,
        color: None,
        width: 2.0,
    }];
    if derivative {
        lines.push(figures::Line {
            name: Some(format!("{}′", symbol.trim_end_matches("(z)")) + "(z)"),
            xs,
            ys: slope,
            color: Some("#ff7f0e".into()),
            width: 2.0,
        });
    }
    figures::line_plot(&lines, &[], &opts, meta).map_err(|e| e.to_string())
}

fn coef(v: f64) -> String {
    super::worked::short(v, 3)
}

/// Panels of out·g(w·x + b), titled with their constants (Bagheri's Fig 35).
pub fn activation_variants(
    a: Activation,
    variants: &[[f64; 3]],
    o: &ActivationOptions,
    meta: &Meta,
) -> Result<String, String> {
    let [lo, hi] = o.common.x.unwrap_or([-1.0, 1.0]);
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
            y: o.common.y,
            ..small(
                title.clone(),
                Some(o.common.x_label.clone().unwrap_or_else(|| "x".into())),
            )
        };
        let svg = line_plot(
            &[curve(None, &xs, ys, figures::style::LINE)],
            &[],
            &opts,
            &panel_meta(meta, k, &title),
        )
        .map_err(|e| e.to_string())?;
        panels.push(Some(svg));
    }
    let cols = panels.len().min(4);
    panel_grid(&panels, cols, o.common.title.as_deref(), meta).map_err(|e| e.to_string())
}
