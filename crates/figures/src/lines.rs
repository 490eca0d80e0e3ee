//! Line plots: curves y = f(x) with optional points underneath — activation functions and a
//! regressor's fit to its training data.

use std::fmt::Write as _;

use super::frame::{Axes, draw_frame};
use super::place::{Mark, Swatch, along, legend, room_for};
use super::scatter::auto_range;
use super::style::{LINE, marker};
use super::svg::{escape_xml, finish, id_of, num};
use super::{FigureError, Meta};

/// A curve through (x, y) pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: Option<String>,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub color: Option<String>,
    pub width: f64,
}

/// Points drawn under the curves.
#[derive(Debug, Clone, PartialEq)]
pub struct Dots {
    pub name: Option<String>,
    pub points: Vec<[f64; 2]>,
    pub color: Option<String>,
    pub opacity: f64,
}

/// Options of a line plot.
#[derive(Debug, Clone)]
pub struct PlotOptions {
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub x: Option<[f64; 2]>,
    pub y: Option<[f64; 2]>,
    pub equal_aspect: bool,
    /// Label areas sized to the labels (a panel of a small-multiple grid).
    pub fit_labels: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            title: None,
            x_label: None,
            y_label: None,
            x: None,
            y: None,
            equal_aspect: false,
            fit_labels: false,
            width: 480,
            height: 480,
        }
    }
}

/// Draw `dots` then `lines`, with a legend for named elements.
pub fn line_plot(
    lines: &[Line],
    dots: &[Dots],
    opts: &PlotOptions,
    meta: &Meta,
) -> Result<String, FigureError> {
    for l in lines {
        if l.xs.len() != l.ys.len() || l.xs.is_empty() {
            return Err(FigureError(
                "a curve needs as many x as y values, and at least one".into(),
            ));
        }
    }
    let all_x = lines
        .iter()
        .flat_map(|l| l.xs.iter().copied())
        .chain(dots.iter().flat_map(|d| d.points.iter().map(|p| p[0])));
    let all_y = lines
        .iter()
        .flat_map(|l| l.ys.iter().copied())
        .chain(dots.iter().flat_map(|d| d.points.iter().map(|p| p[1])));
    if all_x.clone().chain(all_y.clone()).any(|v| !v.is_finite()) {
        return Err(FigureError("a value is NaN or infinite".into()));
    }
    let axes = Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: opts.x.unwrap_or_else(|| auto_range(all_x)),
        y: opts.y.unwrap_or_else(|| auto_range(all_y)),
        width: opts.width,
        height: opts.height,
        equal_aspect: opts.equal_aspect,
        fit_labels: opts.fit_labels,
    };
    let plot = draw_frame(&axes)?;
    let id = id_of(meta);
    let mut layers = plot.clip_path(&id);
    let mut marks = Vec::new();
    let _ = writeln!(layers, "<g clip-path=\"url(#{id}-clip)\">");
    for (k, d) in dots.iter().enumerate() {
        let color = d.color.clone().unwrap_or_else(|| {
            if k == 0 {
                LINE.into()
            } else {
                marker(k).into()
            }
        });
        let _ = write!(layers, "<g fill=\"{}\"", escape_xml(&color));
        if d.opacity < 1.0 {
            let _ = write!(layers, " fill-opacity=\"{}\"", num(d.opacity));
        }
        layers.push_str(">\n");
        for p in &d.points {
            let (x, y) = plot.map(p[0], p[1]);
            marks.push(Mark { at: (x, y), r: 4.5 });
            let _ = writeln!(
                layers,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\"/>",
                num(x),
                num(y)
            );
        }
        layers.push_str("</g>\n");
    }
    for (k, l) in lines.iter().enumerate() {
        let color = l.color.clone().unwrap_or_else(|| {
            if k == 0 {
                LINE.into()
            } else {
                marker(k).into()
            }
        });
        let mut pts = String::new();
        let mut last = String::new();
        let px: Vec<(f64, f64)> =
            l.xs.iter()
                .zip(&l.ys)
                .map(|(x, y)| plot.map(*x, *y))
                .collect();
        along(&px, l.width / 2.0 + 1.0, &mut marks);
        for &(px, py) in &px {
            let p = format!("{},{}", num(px), num(py));
            if p != last {
                pts.push_str(&p);
                pts.push(' ');
                last = p;
            }
        }
        let _ = writeln!(
            layers,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" points=\"{}\"/>",
            escape_xml(&color),
            num(l.width),
            pts.trim_end()
        );
    }
    layers.push_str("</g>\n");
    let named: Vec<(String, String, bool)> = dots
        .iter()
        .enumerate()
        .filter_map(|(k, d)| {
            d.name.clone().map(|n| {
                (
                    n,
                    d.color.clone().unwrap_or_else(|| {
                        if k == 0 {
                            LINE.into()
                        } else {
                            marker(k).into()
                        }
                    }),
                    true,
                )
            })
        })
        .chain(lines.iter().enumerate().filter_map(|(k, l)| {
            l.name.clone().map(|n| {
                (
                    n,
                    l.color.clone().unwrap_or_else(|| {
                        if k == 0 {
                            LINE.into()
                        } else {
                            marker(k).into()
                        }
                    }),
                    false,
                )
            })
        }))
        .collect();
    let entries: Vec<(Swatch, String)> = named
        .into_iter()
        .map(|(name, color, is_dot)| {
            let s = if is_dot {
                Swatch::Dot(color)
            } else {
                Swatch::Line(color)
            };
            (s, name)
        })
        .collect();
    let lg = legend(&plot, &entries, &marks);
    Ok(finish(room_for(&plot.svg, &lg), meta, &layers, &lg.svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_points_and_legend() {
        let xs: Vec<f64> = (0..1000).map(|i| i as f64 / 999.0).collect();
        let ys: Vec<f64> = xs.iter().map(|x| -(x - 0.5) * (x - 0.5) + 0.25).collect();
        let line = Line {
            name: Some("Prediction".into()),
            xs,
            ys,
            color: Some("#ff0000".into()),
            width: 2.0,
        };
        let dots = Dots {
            name: Some("Train data".into()),
            points: vec![[0.0, 0.0], [0.5, 0.25], [1.0, 0.0]],
            color: None,
            opacity: 0.7,
        };
        let svg = line_plot(
            std::slice::from_ref(&line),
            &[dots],
            &PlotOptions::default(),
            &Meta::default(),
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 3 + 1);
        assert!(svg.contains(">Prediction</text>") && svg.contains(">Train data</text>"));
        assert!(svg.len() < 40_000, "{}", svg.len());
        let bad = Line {
            ys: vec![f64::NAN; 1000],
            ..line.clone()
        };
        assert!(line_plot(&[bad], &[], &PlotOptions::default(), &Meta::default()).is_err());
        let short = Line {
            ys: vec![1.0],
            ..line
        };
        assert!(line_plot(&[short], &[], &PlotOptions::default(), &Meta::default()).is_err());
    }
}
