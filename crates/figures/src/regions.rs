//! Decision regions: the plane coloured by predicted class, drawn compactly — the most common
//! class fills the plot area, and every other class is one `<path>` made of row runs merged
//! across rows (never one shape per grid cell) — with the data points on top.

use std::fmt::Write as _;

use super::frame::{Axes, draw_frame};
use super::place::{Mark, Rect, along, legend, room_for};
use super::scatter::{check_points, class_legend, point_marks, points_layer};
use super::style::region;
use super::svg::{finish, id_of, num};
use super::{Class, FigureError, Meta};

/// Predicted classes on a grid: cell (i, j) covers x0 + i·dx … and y0 + j·dy …, row 0 lowest.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassGrid {
    pub nx: usize,
    pub ny: usize,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    /// Row-major class indices, `ny` rows of `nx`.
    pub class: Vec<u8>,
}

/// Options of a decision-region figure.
#[derive(Debug, Clone)]
pub struct RegionOptions {
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub title: Option<String>,
    pub equal_aspect: bool,
    pub radius: f64,
    pub opacity: f64,
    pub width: u32,
    pub height: u32,
    /// Arrows drawn on top (weight vectors), in data coordinates.
    pub arrows: Vec<Arrow>,
    /// Points as compact dots without white edges (small multiples of large datasets).
    pub compact: bool,
}

/// An arrow from `from` to `to` with an optional label at its tip.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub from: [f64; 2],
    pub to: [f64; 2],
    pub label: Option<String>,
}

/// Arrows in black with filled heads, then their labels in bold italic, placed clear of the
/// points (`marks`), the legend (`avoid`), the arrows and each other.
pub(super) fn arrows_layer(
    plot: &super::frame::Plot,
    id: &str,
    arrows: &[Arrow],
    marks: &[Mark],
    avoid: &[Rect],
) -> String {
    let mut out = format!("<g clip-path=\"url(#{id}-clip)\">\n");
    let mut labels = Vec::new();
    for a in arrows {
        if a.from.iter().chain(&a.to).any(|v| !v.is_finite()) {
            continue;
        }
        let (from, to) = (plot.map(a.from[0], a.from[1]), plot.map(a.to[0], a.to[1]));
        out.push_str(&super::svg::arrow(from, to, 10.0));
        if let Some(l) = a.label.as_deref() {
            labels.push((from, to, l));
        }
    }
    let bounds = Rect {
        x0: plot.px[0],
        y0: plot.py[1],
        x1: plot.px[1],
        y1: plot.py[0],
    };
    out.push_str(&super::svg::arrow_labels(&labels, marks, avoid, &bounds));
    out.push_str("</g>\n");
    out
}

/// The arrows' shafts as marks a legend keeps clear of.
pub(super) fn arrow_marks(plot: &super::frame::Plot, arrows: &[Arrow], out: &mut Vec<Mark>) {
    for a in arrows {
        if a.from.iter().chain(&a.to).all(|v| v.is_finite()) {
            along(
                &[plot.map(a.from[0], a.from[1]), plot.map(a.to[0], a.to[1])],
                1.5,
                out,
            );
        }
    }
}

impl Default for RegionOptions {
    fn default() -> Self {
        RegionOptions {
            x_label: None,
            y_label: None,
            title: None,
            equal_aspect: true,
            radius: 4.0,
            opacity: 1.0,
            width: 480,
            height: 480,
            arrows: Vec::new(),
            compact: false,
        }
    }
}

/// Rectangles (i0, i1, j0, j1) in grid cells covering every cell of class `k`: runs within a
/// row, extended upwards while the next row has the identical run.
fn rectangles(grid: &ClassGrid, k: u8) -> Vec<(usize, usize, usize, usize)> {
    let mut done = Vec::new();
    let mut open: Vec<(usize, usize, usize)> = Vec::new(); // (i0, i1, j0) still growing
    for j in 0..=grid.ny {
        let mut runs = Vec::new();
        if j < grid.ny {
            let row = &grid.class[j * grid.nx..(j + 1) * grid.nx];
            let mut i = 0;
            while i < grid.nx {
                if row[i] == k {
                    let start = i;
                    while i < grid.nx && row[i] == k {
                        i += 1;
                    }
                    runs.push((start, i));
                } else {
                    i += 1;
                }
            }
        }
        let mut next = Vec::new();
        for (i0, i1, j0) in open {
            if runs.contains(&(i0, i1)) {
                next.push((i0, i1, j0));
            } else {
                done.push((i0, i1, j0, j));
            }
        }
        for &(i0, i1) in &runs {
            if !next.iter().any(|&(a, b, _)| (a, b) == (i0, i1)) {
                next.push((i0, i1, j));
            }
        }
        open = next;
    }
    done.sort_unstable_by_key(|r| (r.2, r.0));
    done
}

/// Decision regions with the training points on top.
pub fn decision_regions(
    grid: &ClassGrid,
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    opts: &RegionOptions,
    meta: &Meta,
) -> Result<String, FigureError> {
    check_points(points, class_of, classes)?;
    if grid.nx == 0 || grid.ny == 0 || grid.class.len() != grid.nx * grid.ny {
        return Err(FigureError(
            "the class grid is empty or has the wrong size".into(),
        ));
    }
    let axes = Axes {
        title: opts.title.clone(),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: [grid.x0, grid.x1],
        y: [grid.y0, grid.y1],
        width: opts.width,
        height: opts.height,
        equal_aspect: opts.equal_aspect,
        fit_labels: false,
    };
    let plot = draw_frame(&axes)?;
    let id = id_of(meta);
    let mut counts = [0usize; 256];
    for &c in &grid.class {
        counts[c as usize] += 1;
    }
    let background = (0..256)
        .max_by_key(|&k| (counts[k], std::cmp::Reverse(k)))
        .unwrap_or(0) as u8;
    let (dx, dy) = (
        (grid.x1 - grid.x0) / grid.nx as f64,
        (grid.y1 - grid.y0) / grid.ny as f64,
    );
    let mut layers = plot.clip_path(&id);
    let _ = writeln!(
        layers,
        "<g clip-path=\"url(#{id}-clip)\" shape-rendering=\"crispEdges\">"
    );
    let (l, t) = plot.map(grid.x0, grid.y1);
    let (r, b) = plot.map(grid.x1, grid.y0);
    let _ = writeln!(
        layers,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
        num(l),
        num(t),
        num(r - l),
        num(b - t),
        region(background as usize)
    );
    for k in (0..=255u8).filter(|&k| k != background && counts[k as usize] > 0) {
        let mut d = String::new();
        for (i0, i1, j0, j1) in rectangles(grid, k) {
            let (x0, y0) = plot.map(grid.x0 + i0 as f64 * dx, grid.y0 + j1 as f64 * dy);
            let (x1, y1) = plot.map(grid.x0 + i1 as f64 * dx, grid.y0 + j0 as f64 * dy);
            let _ = write!(
                d,
                "M{} {}H{}V{}H{}Z",
                num(x0),
                num(y0),
                num(x1),
                num(y1),
                num(x0)
            );
        }
        let _ = writeln!(layers, "<path fill=\"{}\" d=\"{d}\"/>", region(k as usize));
    }
    layers.push_str("</g>\n");
    if opts.compact {
        layers.push_str(&super::scatter::dots(&plot, &id, points, class_of, classes));
    } else {
        layers.push_str(&points_layer(
            &plot,
            &id,
            points,
            class_of,
            classes,
            opts.radius,
            opts.opacity,
        ));
    }
    let radius = if opts.compact { 3.0 } else { opts.radius };
    let points_only = point_marks(&plot, points, radius + 1.0);
    let mut marks = points_only.clone();
    arrow_marks(&plot, &opts.arrows, &mut marks);
    let lg = if classes.len() > 1 {
        class_legend(&plot, &marks, classes)
    } else {
        legend(&plot, &[], &[])
    };
    layers.push_str(&arrows_layer(
        &plot,
        &id,
        &opts.arrows,
        &points_only,
        &lg.boxes,
    ));
    Ok(finish(room_for(&plot.svg, &lg), meta, &layers, &lg.svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disc(n: usize) -> ClassGrid {
        let class = (0..n * n)
            .map(|c| {
                let (i, j) = (
                    (c % n) as f64 / n as f64 - 0.5,
                    (c / n) as f64 / n as f64 - 0.5,
                );
                u8::from(i * i + j * j < 0.1)
            })
            .collect();
        ClassGrid {
            nx: n,
            ny: n,
            x0: -1.0,
            x1: 1.0,
            y0: -1.0,
            y1: 1.0,
            class,
        }
    }

    #[test]
    fn rectangles_cover_exactly_the_class() {
        let g = disc(40);
        let mut covered = vec![0u8; 40 * 40];
        for (i0, i1, j0, j1) in rectangles(&g, 1) {
            for j in j0..j1 {
                for i in i0..i1 {
                    covered[j * 40 + i] += 1;
                }
            }
        }
        for (c, k) in covered.iter().zip(&g.class) {
            assert_eq!(*c, *k);
        }
    }

    #[test]
    fn compact_and_structured() {
        let g = disc(500);
        let classes = vec![
            Class {
                name: "y=0".into(),
                color: None,
            },
            Class {
                name: "y=1".into(),
                color: None,
            },
        ];
        let pts = [[0.0, 0.0], [0.9, 0.9]];
        let svg = decision_regions(
            &g,
            &pts,
            &[1, 0],
            &classes,
            &RegionOptions::default(),
            &Meta::default(),
        )
        .unwrap();
        assert!(svg.len() < 100_000, "{} bytes", svg.len());
        assert_eq!(
            svg.matches("<path fill=").count(),
            1,
            "one path for the minority class"
        );
        assert!(svg.matches("<rect").count() < 10);
        assert_eq!(svg.matches("<circle").count(), 2 + 2);
        let again = decision_regions(
            &g,
            &pts,
            &[1, 0],
            &classes,
            &RegionOptions::default(),
            &Meta::default(),
        )
        .unwrap();
        assert_eq!(svg, again);
        let bad = ClassGrid { class: vec![], ..g };
        assert!(
            decision_regions(
                &bad,
                &pts,
                &[1, 0],
                &classes,
                &RegionOptions::default(),
                &Meta::default()
            )
            .is_err()
        );
    }
}
