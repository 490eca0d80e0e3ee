//! The frame of a 2-D figure: plotters draws the axes, ticks, labels and title; we keep the
//! mapping from data to pixels so our own data layers line up with them.

use plotters::prelude::*;

use super::FigureError;
use super::style::{FONT, INK};

/// What the frame shows.
#[derive(Debug, Clone)]
pub struct Axes {
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub x: [f64; 2],
    pub y: [f64; 2],
    pub width: u32,
    pub height: u32,
    /// One data unit is as long on both axes (the canvas height adapts).
    pub equal_aspect: bool,
    /// Label areas and margins sized to the labels drawn, for the panels of a small-multiple
    /// grid (the fixed areas suit a figure on its own but leave a small panel half empty).
    pub fit_labels: bool,
}

/// A drawn frame and its data → pixel mapping.
#[derive(Debug, Clone)]
pub struct Plot {
    pub svg: String,
    /// Pixel x of the left and right edges of the plot area.
    pub px: [f64; 2],
    /// Pixel y of the bottom and top edges.
    pub py: [f64; 2],
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl Plot {
    /// Pixel position of a data point.
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.px[0] + (x - self.x[0]) / (self.x[1] - self.x[0]) * (self.px[1] - self.px[0]),
            self.py[0] + (y - self.y[0]) / (self.y[1] - self.y[0]) * (self.py[1] - self.py[0]),
        )
    }

    /// A clip path covering the plot area, with a stable id.
    pub fn clip_path(&self, id: &str) -> String {
        use super::svg::num;
        format!(
            "<clipPath id=\"{id}-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n",
            num(self.px[0]),
            num(self.py[1]),
            num(self.px[1] - self.px[0]),
            num(self.py[0] - self.py[1])
        )
    }
}

/// Draw the frame. Limits must be finite and non-empty.
pub fn draw_frame(ax: &Axes) -> Result<Plot, FigureError> {
    let ok = |r: [f64; 2]| r[0].is_finite() && r[1].is_finite() && r[1] > r[0];
    if !ok(ax.x) || !ok(ax.y) {
        return Err(FigureError(format!(
            "the axis limits {:?} × {:?} are empty or not finite",
            ax.x, ax.y
        )));
    }
    let first = draw(ax, ax.width, ax.height)?;
    if !ax.equal_aspect {
        return Ok(first);
    }
    // Shrink one side so a data unit has the same length on both axes.
    let (pw, ph) = (first.px[1] - first.px[0], first.py[0] - first.py[1]);
    let (sx, sy) = (pw / (ax.x[1] - ax.x[0]), ph / (ax.y[1] - ax.y[0]));
    let (w, h) = if sx > sy {
        (
            ax.width as f64 - (pw - sy * (ax.x[1] - ax.x[0])),
            ax.height as f64,
        )
    } else {
        (
            ax.width as f64,
            ax.height as f64 - (ph - sx * (ax.y[1] - ax.y[0])),
        )
    };
    draw(ax, w.round().max(120.0) as u32, h.round().max(120.0) as u32)
}

/// Font sizes given to plotters, which draws text at 1/1.24 of them.
const TICK: u32 = 16;
const DESC: u32 = 18;

/// The size plotters' SVG gives text drawn at `size`.
fn drawn(size: u32) -> f64 {
    f64::from(size) / 1.24
}

/// Margins (top, right, bottom, left), label areas (x below, y left) and tick counts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    margin: [u32; 4],
    x_area: u32,
    y_area: u32,
    x_ticks: usize,
    y_ticks: usize,
}

const FIXED: Layout = Layout {
    margin: [14; 4],
    x_area: 50,
    y_area: 70,
    x_ticks: 7,
    y_ticks: 7,
};

/// The tick labels plotters will draw for `range` with at most `n` ticks.
fn tick_labels(range: [f64; 2], n: usize) -> Vec<String> {
    use plotters::coord::{ranged1d::Ranged, types::RangedCoordf64};
    RangedCoordf64::from(range[0]..range[1])
        .key_points(n)
        .into_iter()
        .map(tick)
        .collect()
}

/// Label areas just large enough for the labels, measured with the width estimate the
/// overlap checks use: plotters puts tick labels 10 px (twice the tick) off the axis and an
/// axis description at the far edge of its area; a gap of 4-6 px keeps them apart.
fn fitted(ax: &Axes, width: u32, height: u32) -> Layout {
    use super::place::text_width;
    let (tick_h, desc_h) = (drawn(TICK) * 1.1, drawn(DESC) * 1.1);
    let title_h = if ax.title.is_some() { 26.0 } else { 0.0 };
    let x_area = 10.0
        + tick_h
        + if ax.x_label.is_some() {
            4.0 + desc_h
        } else {
            2.0
        };
    // The title brings its own padding; without one the top tick label needs half its height.
    let (top, bottom) = (if ax.title.is_some() { 4.0 } else { 9.0 }, 4.0);
    // About one tick per 28 px of height and 40 px of width, as matplotlib spaces them.
    let plot_h = f64::from(height) - top - title_h - bottom - x_area;
    let y_ticks = ((plot_h / 28.0) as usize).clamp(3, 7);
    let widest = tick_labels(ax.y, y_ticks)
        .iter()
        .map(|l| text_width(l, drawn(TICK), false))
        .fold(0.0, f64::max);
    let y_area = 10.0
        + widest
        + 2.0
        + if ax.y_label.is_some() {
            6.0 + desc_h
        } else {
            0.0
        };
    let plot_w = f64::from(width) - 14.0 - y_area;
    let x_ticks = ((plot_w / 40.0) as usize).clamp(3, 7);
    // The last x label is centred on the right edge: half of it hangs past the plot.
    let last = tick_labels(ax.x, x_ticks)
        .last()
        .map_or(0.0, |l| text_width(l, drawn(TICK), false));
    let right = (last / 2.0 + 3.0).max(8.0);
    Layout {
        margin: [top, right, bottom, 6.0].map(|m| m.ceil() as u32),
        x_area: x_area.ceil() as u32,
        y_area: y_area.ceil() as u32,
        x_ticks,
        y_ticks,
    }
}

fn draw(ax: &Axes, width: u32, height: u32) -> Result<Plot, FigureError> {
    let lay = if ax.fit_labels {
        fitted(ax, width, height)
    } else {
        FIXED
    };
    let mut svg = String::new();
    let (px, py);
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut builder = ChartBuilder::on(&root);
        let [top, right, bottom, left] = lay.margin;
        builder
            .margin_top(top)
            .margin_right(right)
            .margin_bottom(bottom)
            .margin_left(left)
            .x_label_area_size(lay.x_area)
            .y_label_area_size(lay.y_area);
        if let Some(t) = &ax.title {
            builder.caption(t, (FONT, DESC).into_font().color(&BLACK));
        }
        let mut chart = builder
            .build_cartesian_2d(ax.x[0]..ax.x[1], ax.y[0]..ax.y[1])
            .map_err(FigureError::from)?;
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh()
            .x_labels(lay.x_ticks)
            .y_labels(lay.y_ticks)
            .label_style((FONT, TICK).into_font().color(&BLACK))
            .axis_desc_style((FONT, DESC).into_font().color(&BLACK))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v));
        if let Some(l) = &ax.x_label {
            mesh.x_desc(l.as_str());
        }
        if let Some(l) = &ax.y_label {
            mesh.y_desc(l.as_str());
        }
        mesh.draw()?;
        let (l, b) = chart.backend_coord(&(ax.x[0], ax.y[0]));
        let (r, t) = chart.backend_coord(&(ax.x[1], ax.y[1]));
        // Close the box, as matplotlib does.
        root.draw(&PathElement::new(
            vec![(l, t), (r, t), (r, b)],
            ShapeStyle::from(&BLACK).stroke_width(1),
        ))?;
        px = [f64::from(l), f64::from(r)];
        py = [f64::from(b), f64::from(t)];
        root.present()?;
    }
    let _ = INK;
    Ok(Plot {
        svg,
        px,
        py,
        x: ax.x,
        y: ax.y,
    })
}

/// Tick labels with just enough decimals.
fn tick(v: f64) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_aspect_and_mapping() {
        let ax = Axes {
            title: Some("T".into()),
            x_label: Some("x".into()),
            y_label: Some("y".into()),
            x: [0.0, 2.0],
            y: [0.0, 1.0],
            width: 480,
            height: 480,
            equal_aspect: true,
            fit_labels: false,
        };
        let p = draw_frame(&ax).unwrap();
        let (w, h) = (p.px[1] - p.px[0], p.py[0] - p.py[1]);
        assert!((w / h - 2.0).abs() < 0.02, "{w} × {h}");
        let (x, y) = p.map(2.0, 1.0);
        assert_eq!((x, y), (p.px[1], p.py[1]));
        assert!(p.svg.contains("\nx\n</text>") && p.svg.contains("\ny\n</text>"));
        assert!(
            draw_frame(&Axes {
                x: [1.0, 1.0],
                ..ax
            })
            .is_err()
        );
        assert_eq!(tick(-0.5), "−0.5");
        assert_eq!(tick(2.0), "2");
    }

    /// A grid panel's label areas come from its labels: the plot takes most of the panel, the
    /// labels measured are the ones plotters draws, and none is cut off.
    #[test]
    fn fitted_label_areas_leave_the_plot_most_of_the_panel() {
        let ax = Axes {
            title: None,
            x_label: Some("x".into()),
            y_label: Some("w₁a₁".into()),
            x: [0.0, 1.0],
            y: [-0.35, 0.35],
            width: 320,
            height: 170,
            equal_aspect: false,
            fit_labels: true,
        };
        let p = draw_frame(&ax).unwrap();
        let (w, h) = (p.px[1] - p.px[0], p.py[0] - p.py[1]);
        assert!(w / 320.0 > 0.7 && h / 170.0 > 0.6, "{w} × {h}");
        let lay = fitted(&ax, 320, 170);
        let drawn_y = p.svg.matches("text-anchor=\"end\"").count();
        assert_eq!(drawn_y, tick_labels(ax.y, lay.y_ticks).len(), "{}", p.svg);
        assert!(p.svg.contains("\n−0.2\n</text>"), "{}", p.svg);
        // The same frame with fixed areas, as before: the plot is much smaller.
        let fixed = draw_frame(&Axes {
            fit_labels: false,
            ..ax
        })
        .unwrap();
        assert!(fixed.py[0] - fixed.py[1] < 0.6 * 170.0);
    }
}
