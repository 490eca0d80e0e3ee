//! Scatter plots of 2-D points coloured by class, with white marker edges and a legend.

use std::fmt::Write as _;

use super::frame::{Axes, Plot, draw_frame};
use super::place::{Legend, Mark, Swatch, legend, room_for};
use super::style::marker;
use super::svg::{escape_xml, finish, id_of, num};
use super::{Class, FigureError, Meta};

/// Options of a scatter plot.
#[derive(Debug, Clone)]
pub struct ScatterOptions {
    pub x: Option<[f64; 2]>,
    pub y: Option<[f64; 2]>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub title: Option<String>,
    pub equal_aspect: bool,
    /// Marker radius in pixels.
    pub radius: f64,
    pub opacity: f64,
    pub legend: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for ScatterOptions {
    fn default() -> Self {
        ScatterOptions {
            x: None,
            y: None,
            x_label: None,
            y_label: None,
            title: None,
            equal_aspect: true,
            radius: 4.0,
            opacity: 1.0,
            legend: true,
            width: 480,
            height: 480,
        }
    }
}

/// Check points and classes; NaN or a class without a name is an error, not a panic.
pub(super) fn check_points(
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
) -> Result<(), FigureError> {
    if points.len() != class_of.len() {
        return Err(FigureError(format!(
            "{} points but {} class labels",
            points.len(),
            class_of.len()
        )));
    }
    if points
        .iter()
        .any(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return Err(FigureError(
            "a point has a NaN or infinite coordinate".into(),
        ));
    }
    if let Some(k) = class_of.iter().find(|&&k| k >= classes.len()) {
        return Err(FigureError(format!("class {k} has no name")));
    }
    Ok(())
}

/// Limits from the data with a 5% margin (a unit range around a single value).
pub(super) fn auto_range(values: impl Iterator<Item = f64>) -> [f64; 2] {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return [0.0, 1.0];
    }
    if hi - lo < 1e-12 {
        return [lo - 0.5, hi + 0.5];
    }
    let pad = (hi - lo) * 0.05;
    [lo - pad, hi + pad]
}

/// The points layer: one group per class, one small circle per point.
pub(super) fn points_layer(
    plot: &Plot,
    id: &str,
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    radius: f64,
    opacity: f64,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<g clip-path=\"url(#{id}-clip)\" stroke=\"#ffffff\" stroke-width=\"0.8\">"
    );
    for (k, class) in classes.iter().enumerate() {
        let color = class.color.as_deref().unwrap_or(marker(k));
        let _ = write!(out, "<g fill=\"{}\"", escape_xml(color));
        if opacity < 1.0 {
            let _ = write!(out, " fill-opacity=\"{}\"", num(opacity));
        }
        out.push_str(">\n");
        for (p, _) in points.iter().zip(class_of).filter(|(_, c)| **c == k) {
            let (x, y) = plot.map(p[0], p[1]);
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                num(x),
                num(y),
                num(radius)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
    out
}

/// Points as marks to keep clear, `r` pixels around each.
pub(super) fn point_marks(plot: &Plot, points: &[[f64; 2]], r: f64) -> Vec<Mark> {
    points
        .iter()
        .map(|p| Mark {
            at: plot.map(p[0], p[1]),
            r,
        })
        .collect()
}

/// The legend of a class-coloured figure: one marker swatch per class, clear of `marks`.
pub(super) fn class_legend(plot: &Plot, marks: &[Mark], classes: &[Class]) -> Legend {
    let entries: Vec<(Swatch, String)> = classes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let color = c.color.clone().unwrap_or_else(|| marker(k).to_string());
            (Swatch::Dot(color), c.name.clone())
        })
        .collect();
    legend(plot, &entries, marks)
}

/// A scatter plot of `points` coloured by `class_of`.
pub fn scatter(
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    opts: &ScatterOptions,
    meta: &Meta,
) -> Result<String, FigureError> {
    check_points(points, class_of, classes)?;
    let axes = Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: opts
            .x
            .unwrap_or_else(|| auto_range(points.iter().map(|p| p[0]))),
        y: opts
            .y
            .unwrap_or_else(|| auto_range(points.iter().map(|p| p[1]))),
        width: opts.width,
        height: opts.height,
        equal_aspect: opts.equal_aspect,
        fit_labels: false,
    };
    let plot = draw_frame(&axes)?;
    let id = id_of(meta);
    let mut layers = plot.clip_path(&id);
    layers.push_str(&points_layer(
        &plot,
        &id,
        points,
        class_of,
        classes,
        opts.radius,
        opts.opacity,
    ));
    let lg = if opts.legend && classes.len() > 1 {
        class_legend(
            &plot,
            &point_marks(&plot, points, opts.radius + 1.0),
            classes,
        )
    } else {
        legend(&plot, &[], &[])
    };
    Ok(finish(room_for(&plot.svg, &lg), meta, &layers, &lg.svg))
}

/// Points as round dots, one path per class: a zero-length segment with a round cap is a dot
/// in 12 bytes, where a circle element takes 40 (an evolution repeats its points every frame).
pub(super) fn dots(
    plot: &Plot,
    id: &str,
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
) -> String {
    let mut out = format!(
        "<g clip-path=\"url(#{id}-clip)\" stroke-width=\"6\" stroke-linecap=\"round\" fill=\"none\" opacity=\"0.9\">\n"
    );
    for (k, class) in classes.iter().enumerate() {
        let mut d = String::new();
        for (p, _) in points.iter().zip(class_of).filter(|(_, c)| **c == k) {
            let (x, y) = plot.map(p[0], p[1]);
            let _ = write!(d, "M{} {}h0", num1(x), num1(y));
        }
        if !d.is_empty() {
            let color = class.color.as_deref().unwrap_or(marker(k));
            let _ = writeln!(out, "<path stroke=\"{}\" d=\"{d}\"/>", escape_xml(color));
        }
    }
    out.push_str("</g>\n");
    out
}

/// A pixel coordinate to one decimal (a tenth of a pixel is finer than any screen shows).
pub(super) fn num1(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<Class> {
        vec![
            Class {
                name: "y=0".into(),
                color: None,
            },
            Class {
                name: "y=1 </svg><script>".into(),
                color: None,
            },
        ]
    }

    #[test]
    fn draws_every_point_and_escapes_labels() {
        let pts = [[0.0, 0.0], [1.0, 1.0], [0.5, 0.2]];
        let meta = Meta {
            id: "s".into(),
            title: "\"><img onerror=x>".into(),
            desc: "d".into(),
        };
        let svg = scatter(
            &pts,
            &[0, 1, 1],
            &classes(),
            &ScatterOptions::default(),
            &meta,
        )
        .unwrap();
        assert_eq!(
            svg.matches("<circle").count(),
            3 + 2,
            "3 points + 2 legend swatches"
        );
        assert!(svg.contains("y=1 &lt;/svg&gt;&lt;script&gt;"));
        assert!(!svg.contains("<script") && !svg.contains("<img"));
        assert_eq!(svg.matches("<title").count(), 1);
        assert_eq!(svg.matches("<desc").count(), 1);
        let again = scatter(
            &pts,
            &[0, 1, 1],
            &classes(),
            &ScatterOptions::default(),
            &meta,
        )
        .unwrap();
        assert_eq!(svg, again);
    }

    #[test]
    fn bad_input_is_an_error() {
        let meta = Meta::default();
        let o = ScatterOptions::default();
        assert!(scatter(&[[f64::NAN, 0.0]], &[0], &classes(), &o, &meta).is_err());
        assert!(scatter(&[[0.0, 0.0]], &[5], &classes(), &o, &meta).is_err());
        assert!(scatter(&[[0.0, 0.0]], &[], &classes(), &o, &meta).is_err());
        assert!(scatter(&[], &[], &classes(), &o, &meta).is_ok());
        assert!(scatter(&[[1.0, 1.0]], &[0], &classes(), &o, &meta).is_ok());
    }
}
