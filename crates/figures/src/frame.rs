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

fn draw(ax: &Axes, width: u32, height: u32) -> Result<Plot, FigureError> {
    let mut svg = String::new();
    let (px, py);
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut builder = ChartBuilder::on(&root);
        builder
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(70);
        if let Some(t) = &ax.title {
            builder.caption(t, (FONT, 18).into_font().color(&BLACK));
        }
        let mut chart = builder
            .build_cartesian_2d(ax.x[0]..ax.x[1], ax.y[0]..ax.y[1])
            .map_err(FigureError::from)?;
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh()
            .x_labels(7)
            .y_labels(7)
            .label_style((FONT, 16).into_font().color(&BLACK))
            .axis_desc_style((FONT, 18).into_font().color(&BLACK))
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
}
