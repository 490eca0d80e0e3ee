//! Probability meshes: a model's output p over the input plane as one small embedded image
//! (a diverging palette, quantised so it compresses well) with the p = 0.5 contour traced by
//! marching squares, and the data points on top.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::frame::{Axes, Plot, draw_frame};
use super::images::base64;
use super::place::{Mark, Swatch, along, legend, room_for};
use super::scatter::{check_points, class_legend, point_marks, points_layer};
use super::svg::{finish, id_of, num, widen};
use super::{Class, FigureError, Meta};

/// Values sampled at the centres of an `nx × ny` grid of cells over `x × y`; row 0 is lowest.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub nx: usize,
    pub ny: usize,
    pub x: [f64; 2],
    pub y: [f64; 2],
    /// Row-major values in [0, 1], `ny` rows of `nx`.
    pub p: Vec<f64>,
}

impl Field {
    /// The centre of cell (i, j).
    pub fn centre(&self, i: usize, j: usize) -> [f64; 2] {
        [
            self.x[0] + (i as f64 + 0.5) * (self.x[1] - self.x[0]) / self.nx as f64,
            self.y[0] + (j as f64 + 0.5) * (self.y[1] - self.y[0]) / self.ny as f64,
        ]
    }

    fn check(&self) -> Result<(), FigureError> {
        if self.nx < 2 || self.ny < 2 || self.p.len() != self.nx * self.ny {
            return Err(FigureError(
                "the probability grid is too small or ragged".into(),
            ));
        }
        if self.p.iter().any(|v| !v.is_finite()) {
            return Err(FigureError(
                "the probability grid holds NaN or infinity".into(),
            ));
        }
        Ok(())
    }
}

/// The mesh colour of `p` in the figure's palette.
pub fn palette(p: f64) -> [u8; 3] {
    super::style::diverging(p)
}

/// The field as a PNG, top row first.
pub fn png(field: &Field) -> Result<Vec<u8>, FigureError> {
    let size = tiny_skia::IntSize::from_wh(field.nx as u32, field.ny as u32)
        .ok_or_else(|| FigureError("the probability grid is empty".into()))?;
    let mut data = Vec::with_capacity(field.nx * field.ny * 4);
    for j in (0..field.ny).rev() {
        for i in 0..field.nx {
            let [r, g, b] = palette(field.p[j * field.nx + i]);
            data.extend_from_slice(&[r, g, b, 255]);
        }
    }
    let pixmap = tiny_skia::Pixmap::from_vec(data, size)
        .ok_or_else(|| FigureError("bad image size".into()))?;
    pixmap
        .encode_png()
        .map_err(|e| FigureError(format!("cannot encode the probability image: {e}")))
}

/// The field drawn over the plot area of `plot` as an `<image>`.
pub fn image_layer(plot: &Plot, field: &Field) -> Result<String, FigureError> {
    field.check()?;
    let (l, t) = plot.map(field.x[0], field.y[1]);
    let (r, b) = plot.map(field.x[1], field.y[0]);
    Ok(format!(
        "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{}\"/>\n",
        num(l),
        num(t),
        num(r - l),
        num(b - t),
        base64(&png(field)?)
    ))
}

/// Width in pixels a colour key takes beside a plot.
pub const KEY_WIDTH: f64 = 84.0;

/// A vertical colour key for the probability ramp from `bottom` (p = 0) to `top` (p = 1) at
/// pixel column `x`: the ramp as a small image, a frame, ticks at 0, 0.5 and 1, and `label`
/// written up its side. Without it a reader cannot tell which colour is which probability.
pub fn colour_key(x: f64, top: f64, bottom: f64, label: &str) -> Result<String, FigureError> {
    let levels = super::style::LEVELS;
    let ramp = Field {
        nx: 2,
        ny: levels + 1,
        x: [0.0, 1.0],
        y: [0.0, 1.0],
        p: (0..=levels)
            .flat_map(|q| [q as f64 / levels as f64; 2])
            .collect(),
    };
    let w = 14.0;
    let mut out = format!(
        "<g class=\"colour-key\" font-family=\"{}\" font-size=\"13\">\n<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{}\"/>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000000\"/>\n",
        super::style::FONT,
        num(x),
        num(top),
        num(w),
        num(bottom - top),
        base64(&png(&ramp)?),
        num(x),
        num(top),
        num(w),
        num(bottom - top)
    );
    for (p, text) in [(0.0, "0"), (0.5, "0.5"), (1.0, "1")] {
        let y = bottom + p * (top - bottom);
        let _ = writeln!(
            out,
            "<path d=\"M{} {}h4\" stroke=\"#000000\"/><text x=\"{}\" y=\"{}\" dy=\"0.35em\">{text}</text>",
            num(x + w),
            num(y),
            num(x + w + 7.0),
            num(y)
        );
    }
    let (lx, ly) = (x + w + 44.0, (top + bottom) / 2.0);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 {} {})\">{}</text>\n</g>",
        num(lx),
        num(ly),
        num(lx),
        num(ly),
        super::svg::escape_xml(label)
    );
    Ok(out)
}

/// What a probability key measures: the chance of the second class, by its legend name.
pub fn key_label(classes: &[Class]) -> String {
    match classes.get(1) {
        Some(c) if classes.len() == 2 => format!("p({})", c.name),
        _ => "p(class 1)".into(),
    }
}

/// The `level` contour of the field as polylines in data coordinates (marching squares over
/// the cell centres, linear interpolation along each crossed edge).
pub fn contour(field: &Field, level: f64) -> Vec<Vec<[f64; 2]>> {
    let (nx, ny) = (field.nx, field.ny);
    if nx < 2 || ny < 2 || field.p.len() != nx * ny {
        return Vec::new();
    }
    let v = |i: usize, j: usize| field.p[j * nx + i];
    // Edge ids: horizontal edge (i, j)–(i+1, j) is 2·(j·nx + i); vertical (i, j)–(i, j+1) is +1.
    let h = |i: usize, j: usize| 2 * (j * nx + i);
    let vt = |i: usize, j: usize| 2 * (j * nx + i) + 1;
    let point = |e: usize| -> [f64; 2] {
        let cell = e / 2;
        let (i, j) = (cell % nx, cell / nx);
        let (a, b, (i2, j2)) = if e.is_multiple_of(2) {
            (v(i, j), v(i + 1, j), (i + 1, j))
        } else {
            (v(i, j), v(i, j + 1), (i, j + 1))
        };
        let t = if (b - a).abs() < 1e-300 {
            0.5
        } else {
            ((level - a) / (b - a)).clamp(0.0, 1.0)
        };
        let p0 = field.centre(i, j);
        let p1 = field.centre(i2, j2);
        [p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1])]
    };
    let mut segments: Vec<[usize; 2]> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let above = |a: f64| a >= level;
            // Corners: 0 bottom-left, 1 bottom-right, 2 top-right, 3 top-left.
            let code = usize::from(above(v(i, j)))
                | usize::from(above(v(i + 1, j))) << 1
                | usize::from(above(v(i + 1, j + 1))) << 2
                | usize::from(above(v(i, j + 1))) << 3;
            let (bottom, right, top, left) = (h(i, j), vt(i + 1, j), h(i, j + 1), vt(i, j));
            let pairs: &[[usize; 2]] = match code {
                0 | 15 => &[],
                1 | 14 => &[[left, bottom]],
                2 | 13 => &[[bottom, right]],
                3 | 12 => &[[left, right]],
                4 | 11 => &[[right, top]],
                6 | 9 => &[[bottom, top]],
                7 | 8 => &[[left, top]],
                // Saddles: decide by the centre value.
                5 | 10 => {
                    let centre = (v(i, j) + v(i + 1, j) + v(i + 1, j + 1) + v(i, j + 1)) / 4.0;
                    if (centre >= level) == (code == 5) {
                        &[[left, top], [bottom, right]]
                    } else {
                        &[[left, bottom], [right, top]]
                    }
                }
                _ => &[],
            };
            segments.extend_from_slice(pairs);
        }
    }
    // Chain segments that share an edge into polylines (each edge joins at most two cells).
    let mut by_edge: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, s) in segments.iter().enumerate() {
        by_edge.entry(s[0]).or_default().push(k);
        by_edge.entry(s[1]).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    // Open chains start at an edge with one segment; closed loops are taken last.
    let starts: Vec<usize> = by_edge
        .iter()
        .filter(|(_, ks)| ks.len() == 1)
        .map(|(e, _)| *e)
        .chain(by_edge.keys().copied())
        .collect();
    for start in starts {
        let mut edge = start;
        let mut chain = vec![edge];
        while let Some(&k) = by_edge
            .get(&edge)
            .and_then(|ks| ks.iter().find(|&&k| !used[k]))
        {
            used[k] = true;
            edge = if segments[k][0] == edge {
                segments[k][1]
            } else {
                segments[k][0]
            };
            chain.push(edge);
        }
        if chain.len() > 1 {
            lines.push(chain.into_iter().map(point).collect());
        }
    }
    lines
}

/// Polylines as one SVG path in pixel coordinates.
pub fn path_data(plot: &Plot, lines: &[Vec<[f64; 2]>]) -> String {
    let mut d = String::new();
    for line in lines {
        for (k, p) in line.iter().enumerate() {
            let (x, y) = plot.map(p[0], p[1]);
            let _ = write!(d, "{}{} {}", if k == 0 { "M" } else { "L" }, num(x), num(y));
        }
    }
    d
}

/// Options of a probability-mesh figure.
#[derive(Debug, Clone, Default)]
pub struct MeshOptions {
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub title: Option<String>,
}

/// Samples along contour lines (in data coordinates) as marks a legend keeps clear of.
fn line_marks(plot: &Plot, lines: &[Vec<[f64; 2]>], out: &mut Vec<Mark>) {
    for l in lines {
        let px: Vec<(f64, f64)> = l.iter().map(|p| plot.map(p[0], p[1])).collect();
        along(&px, 1.5, out);
    }
}

/// The field, its p = 0.5 contour and the points on top.
pub fn probability_mesh(
    field: &Field,
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    opts: &MeshOptions,
    meta: &Meta,
) -> Result<String, FigureError> {
    check_points(points, class_of, classes)?;
    field.check()?;
    let plot = draw_frame(&Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: field.x,
        y: field.y,
        width: 480,
        height: 480,
        equal_aspect: true,
        fit_labels: false,
    })?;
    let id = id_of(meta);
    let mut layers = plot.clip_path(&id);
    layers.push_str(&image_layer(&plot, field)?);
    let boundary = contour(field, 0.5);
    let _ = writeln!(
        layers,
        "<path clip-path=\"url(#{id}-clip)\" d=\"{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>",
        path_data(&plot, &boundary)
    );
    layers.push_str(&points_layer(
        &plot, &id, points, class_of, classes, 4.0, 1.0,
    ));
    let mut marks = point_marks(&plot, points, 5.0);
    line_marks(&plot, &boundary, &mut marks);
    let lg = if classes.len() > 1 {
        class_legend(&plot, &marks, classes)
    } else {
        legend(&plot, &[], &[])
    };
    let mut overlay = lg.svg.clone();
    overlay.push_str(&colour_key(
        plot.px[1] + 16.0,
        plot.py[1],
        plot.py[0],
        &key_label(classes),
    )?);
    let svg = room_for(&widen(&plot.svg, KEY_WIDTH), &lg);
    Ok(finish(svg, meta, &layers, &overlay))
}

/// The p = 0.5 boundary of several models in one panel, light (first) to dark (last), each
/// labelled in the legend as `word` and its number ("epoch 5", "run 2"), over the data points.
pub fn boundary_history(
    fields: &[(usize, Field)],
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    opts: &MeshOptions,
    meta: &Meta,
    word: &str,
) -> Result<String, FigureError> {
    check_points(points, class_of, classes)?;
    let Some((_, first)) = fields.first() else {
        return Err(FigureError(
            "a boundary history needs at least one epoch".into(),
        ));
    };
    let plot = draw_frame(&Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: first.x,
        y: first.y,
        width: 520,
        height: 480,
        equal_aspect: true,
        fit_labels: false,
    })?;
    let id = id_of(meta);
    let mut layers = plot.clip_path(&id);
    layers.push_str(&points_layer(
        &plot, &id, points, class_of, classes, 3.5, 0.5,
    ));
    let n = fields.len();
    let mut marks = point_marks(&plot, points, 4.5);
    // Ordered colours, not grey shades: six or ten greys in one legend cannot be matched to
    // their lines, while viridis steps stay apart and still read in order; the last (the
    // trained model) is the darkest, as it was in grey.
    let mut colors = super::style::sequence(n);
    colors.reverse();
    let mut entries = Vec::new();
    for ((epoch, field), color) in fields.iter().zip(&colors) {
        field.check()?;
        let boundary = contour(field, 0.5);
        line_marks(&plot, &boundary, &mut marks);
        let _ = writeln!(
            layers,
            "<path clip-path=\"url(#{id}-clip)\" d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\"/>",
            path_data(&plot, &boundary)
        );
        entries.push((Swatch::Line(color.clone()), format!("{word} {epoch}")));
    }
    let lg = legend(&plot, &entries, &marks);
    Ok(finish(room_for(&plot.svg, &lg), meta, &layers, &lg.svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn radial(n: usize) -> Field {
        let mut f = Field {
            nx: n,
            ny: n,
            x: [-1.0, 1.0],
            y: [-1.0, 1.0],
            p: Vec::new(),
        };
        for j in 0..n {
            for i in 0..n {
                let [x, y] = f.centre(i, j);
                f.p.push(1.0 - (x * x + y * y).sqrt());
            }
        }
        f
    }

    #[test]
    fn contour_of_a_cone_is_one_closed_circle() {
        let lines = contour(&radial(40), 0.5);
        assert_eq!(lines.len(), 1, "one loop");
        let line = &lines[0];
        assert_eq!(line.first(), line.last(), "closed");
        for p in line {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            assert!((r - 0.5).abs() < 0.02, "{p:?} is off the circle");
        }
    }

    #[test]
    fn contour_of_a_ramp_is_one_open_line() {
        let mut f = radial(20);
        for j in 0..20 {
            for i in 0..20 {
                f.p[j * 20 + i] = f.centre(i, j)[0] + 0.5; // p = 0.5 on x = 0
            }
        }
        let lines = contour(&f, 0.5);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].iter().all(|p| p[0].abs() < 1e-9));
        assert_eq!(lines[0].len(), 20);
    }

    #[test]
    fn mesh_figure_is_compact_and_escaped() {
        let meta = Meta {
            id: "m".into(),
            title: "</svg><script>".into(),
            desc: "d".into(),
        };
        let classes = [
            Class {
                name: "a".into(),
                color: None,
            },
            Class {
                name: "b".into(),
                color: None,
            },
        ];
        let svg = probability_mesh(
            &radial(100),
            &[[0.0, 0.0], [0.9, 0.9]],
            &[1, 0],
            &classes,
            &MeshOptions::default(),
            &meta,
        )
        .unwrap();
        assert_eq!(
            svg.matches("<image").count(),
            2,
            "the mesh and its colour key"
        );
        assert!(svg.contains(">p(b)</text>"), "the key names the class");
        assert!(svg.starts_with("<svg width=\"564\""), "widened for the key");
        assert!(svg.contains("<rect x=\"0\" y=\"0\" width=\"564\""));
        assert!(svg.contains("stroke=\"#000000\" stroke-width=\"1.5\""));
        assert!(!svg.contains("<script"));
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
        let mut bad = radial(10);
        bad.p[3] = f64::NAN;
        assert!(
            probability_mesh(&bad, &[], &[], &classes, &MeshOptions::default(), &meta).is_err()
        );
    }

    #[test]
    fn article_palette_ends_and_middle() {
        use super::super::style::{Palette, with_palette};
        with_palette(Palette::Article, || {
            assert_eq!(palette(0.0), [244, 165, 130]);
            assert_eq!(palette(0.5), [247, 247, 247]);
            assert_eq!(palette(1.0), [146, 197, 222]);
        });
    }
}
