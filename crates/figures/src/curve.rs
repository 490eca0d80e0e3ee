//! Training curves: one value per epoch (epoch 0 first, as the notebook plots), optional legend
//! and a marker at the epoch where a stop rule fired.

use std::fmt::Write as _;

use super::frame::{Axes, draw_frame};
use super::place::{Swatch, along, legend, room_for};
use super::scatter::auto_range;
use super::style::{LINE, marker};
use super::svg::{escape_xml, finish, id_of, num};
use super::{FigureError, Meta};

/// One curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub color: Option<String>,
}

/// Options of a training curve.
#[derive(Debug, Clone)]
pub struct CurveOptions {
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    /// Epoch index (0-based) where training stopped early, marked with a dashed line.
    pub stop_epoch: Option<usize>,
    /// Limits the value axis never leaves (accuracy is a fraction: [0, 1]).
    pub within: Option<[f64; 2]>,
    pub width: u32,
    pub height: u32,
}

impl Default for CurveOptions {
    fn default() -> Self {
        CurveOptions {
            title: None,
            x_label: None,
            y_label: None,
            stop_epoch: None,
            within: None,
            width: 480,
            height: 360,
        }
    }
}

/// Draw the series against the epoch index.
pub fn training_curve(
    series: &[Series],
    opts: &CurveOptions,
    meta: &Meta,
) -> Result<String, FigureError> {
    let len = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    if len == 0 {
        return Err(FigureError("there are no values to plot".into()));
    }
    if series
        .iter()
        .flat_map(|s| &s.values)
        .any(|v| !v.is_finite())
    {
        return Err(FigureError("a value is NaN or infinite".into()));
    }
    let mut y = auto_range(series.iter().flat_map(|s| s.values.iter().copied()));
    if let Some([lo, hi]) = opts.within {
        // A flat curve at 1.0 would otherwise get an axis from 0.5 to 1.5.
        y = [y[0].max(lo), y[1].min(hi)];
        if y[1] - y[0] < 1e-9 {
            y = [lo, hi];
        }
        // A line drawn on a limit (accuracy 1.0) would hide under the frame: pad past the limit
        // by 3% of the span; the ticks stay within it because none is a round number out there.
        let pad = (y[1] - y[0]) * 0.03;
        y = [
            if y[0] <= lo { lo - pad } else { y[0] },
            if y[1] >= hi { hi + pad } else { y[1] },
        ];
    }
    let x = if len == 1 {
        [-0.5, 0.5]
    } else {
        [-(len as f64 - 1.0) * 0.05, (len as f64 - 1.0) * 1.05]
    };
    let axes = Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x,
        y,
        width: opts.width,
        height: opts.height,
        equal_aspect: false,
        fit_labels: false,
    };
    let plot = draw_frame(&axes)?;
    let id = id_of(meta);
    let mut layers = plot.clip_path(&id);
    let mut marks = Vec::new();
    let _ = writeln!(
        layers,
        "<g clip-path=\"url(#{id}-clip)\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">"
    );
    if let Some(e) = opts.stop_epoch {
        let (sx, _) = plot.map(e as f64, y[0]);
        let _ = writeln!(
            layers,
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#777777\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>",
            num(sx),
            num(plot.py[0]),
            num(plot.py[1])
        );
    }
    for (k, s) in series.iter().enumerate() {
        let color = color_of(k, s);
        let mut pts = String::new();
        let px: Vec<(f64, f64)> = (0..s.values.len())
            .map(|i| plot.map(i as f64, s.values[i]))
            .collect();
        along(&px, 2.0, &mut marks);
        let mut last: Option<(String, String)> = None;
        for (i, v) in s.values.iter().enumerate() {
            let (px, py) = plot.map(i as f64, *v);
            let p = (one_decimal(px), one_decimal(py));
            // Consecutive epochs on the same pixel add nothing but bytes.
            if last.as_ref() != Some(&p) || i + 1 == s.values.len() {
                let _ = write!(pts, "{},{} ", p.0, p.1);
                last = Some(p);
            }
        }
        let _ = writeln!(
            layers,
            "<polyline stroke=\"{}\" points=\"{}\"/>",
            escape_xml(&color),
            pts.trim_end()
        );
    }
    layers.push_str("</g>\n");
    let entries: Vec<(Swatch, String)> = if series.len() > 1 {
        series
            .iter()
            .enumerate()
            .map(|(k, s)| (Swatch::Line(color_of(k, s)), s.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let lg = legend(&plot, &entries, &marks);
    Ok(finish(room_for(&plot.svg, &lg), meta, &layers, &lg.svg))
}

fn color_of(k: usize, s: &Series) -> String {
    s.color.clone().unwrap_or_else(|| {
        if k == 0 {
            LINE.into()
        } else {
            marker(k).into()
        }
    })
}

fn one_decimal(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_are_compact_and_checked() {
        let values: Vec<f64> = (0..4000)
            .map(|i| 0.7 * (-(i as f64) / 500.0).exp())
            .collect();
        let s = [Series {
            name: "loss".into(),
            values,
            color: None,
        }];
        let opts = CurveOptions {
            title: Some("Loss vs Epochs".into()),
            x_label: Some("Epoch".into()),
            y_label: Some("Loss".into()),
            stop_epoch: Some(3999),
            ..Default::default()
        };
        let svg = training_curve(&s, &opts, &Meta::default()).unwrap();
        assert!(svg.len() < 60_000, "{}", svg.len());
        assert_eq!(
            svg.matches("<polyline stroke=").count(),
            1,
            "one polyline for the data"
        );
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("\nLoss vs Epochs\n</text>") && svg.contains("\nEpoch\n</text>"));
        let nan = [Series {
            name: "x".into(),
            values: vec![f64::NAN],
            color: None,
        }];
        assert!(training_curve(&nan, &opts, &Meta::default()).is_err());
        assert!(training_curve(&[], &opts, &Meta::default()).is_err());
        let two = [
            s[0].clone(),
            Series {
                name: "val".into(),
                values: vec![0.5; 10],
                color: None,
            },
        ];
        assert!(
            training_curve(&two, &opts, &Meta::default())
                .unwrap()
                .contains(">val</text>")
        );
        assert!(
            !svg.contains("font-size=\"14.516"),
            "font sizes are rounded"
        );
    }

    #[test]
    fn accuracy_axis_stays_within_zero_and_one() {
        let flat = [Series {
            name: "Accuracy".into(),
            values: vec![1.0; 50],
            color: None,
        }];
        let free = training_curve(&flat, &CurveOptions::default(), &Meta::default()).unwrap();
        assert!(
            free.contains("\n1.4\n</text>"),
            "unbounded, a flat line gets ±0.5"
        );
        let opts = CurveOptions {
            within: Some([0.0, 1.0]),
            ..Default::default()
        };
        let svg = training_curve(&flat, &opts, &Meta::default()).unwrap();
        assert!(!svg.contains("\n1.4\n</text>") && !svg.contains("\n1.2\n</text>"));
        assert!(svg.contains("\n0\n</text>"), "the axis reaches 0");
        // The line at 1.0 sits below the top edge of the plot area, not on it.
        let top = svg
            .split("points=\"")
            .nth(1)
            .and_then(|p| p.split(',').nth(1))
            .and_then(|v| v.split(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap();
        let clip_y: f64 = svg
            .split("<clipPath")
            .nth(1)
            .and_then(|c| c.split("y=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        assert!(top > clip_y + 3.0, "line at y={top}, plot top at {clip_y}");
    }
}
