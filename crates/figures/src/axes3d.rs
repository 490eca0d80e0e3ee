//! The axes of a 3-D view: which box edge carries each axis's ticks, where tick and axis labels
//! go so that none touches another, and the zoom at which the box and its labels fill the
//! panel. A text's centre is `origin + scale · anchor + offset`: the anchor is a point of the
//! box projected at scale 1, the offset is in pixels, so texts keep their size at any zoom.

use super::place::{Rect, text_width};
use super::scatter3d::Camera;

pub(super) const TICK_SIZE: f64 = 13.0;
pub(super) const TITLE_SIZE: f64 = 14.0;
/// Length of a tick mark, and the space between a tick and its label, or two texts.
pub(super) const TICK: f64 = 4.0;
const GAP: f64 = 4.0;

/// A tick label or an axis label.
#[derive(Debug, Clone)]
pub(super) struct AxisText {
    /// The axis's name (else a tick label).
    pub title: bool,
    /// A tick at either end of its axis: the first to go when labels collide, since the ends
    /// meet other axes at the box's corners.
    pub end: bool,
    pub text: String,
    pub size: f64,
    /// On the box edge, at scale 1.
    pub anchor: (f64, f64),
    /// The unit direction away from the box, across the edge.
    pub out: (f64, f64),
    /// From the anchor to the text's centre, in pixels.
    pub offset: (f64, f64),
}

impl AxisText {
    pub fn at(&self, scale: f64, origin: (f64, f64)) -> (f64, f64) {
        (
            origin.0 + scale * self.anchor.0,
            origin.1 + scale * self.anchor.1,
        )
    }

    pub fn centre(&self, scale: f64, origin: (f64, f64)) -> (f64, f64) {
        let (x, y) = self.at(scale, origin);
        (x + self.offset.0, y + self.offset.1)
    }

    /// The text's box, with the width estimate the overlap checks use.
    pub fn rect(&self, scale: f64, origin: (f64, f64)) -> Rect {
        let (x, y) = self.centre(scale, origin);
        Rect::text(x, y, &self.text, self.size, false, "middle")
    }
}

/// About five round tick values inside `[lo, hi]`.
pub(super) fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return Vec::new();
    }
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

pub(super) fn tick_text(v: f64) -> String {
    let s = format!("{:.2}", if v.abs() < 1e-12 { 0.0 } else { v });
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('-', "−")
}

/// How far a text's box reaches from its centre in direction `d` (its support function), so
/// that a text pushed this far plus a gap from a line clears it whatever the angle.
fn reach(d: (f64, f64), text: &str, size: f64) -> f64 {
    let (hw, hh) = (text_width(text, size, false) / 2.0, 0.55 * size);
    hw * d.0.abs() + hh * d.1.abs()
}

fn unit_vec(v: (f64, f64)) -> Option<(f64, f64)> {
    let len = v.0.hypot(v.1);
    (len > 1e-9).then(|| (v.0 / len, v.1 / len))
}

/// Every tick and axis label of the box seen by `cam` (a camera at scale 1). Each axis runs
/// along the box edge lowest on screen (x, y) or leftmost (z) among the edges that border a
/// back pane; its labels are pushed off that edge square to it, the axis name beyond the
/// farthest tick label.
pub(super) fn axis_texts(
    cam: &Camera,
    limits: [[f64; 2]; 3],
    labels: &[String; 3],
) -> Vec<AxisText> {
    let back = cam.back();
    let (cx, cy, _) = cam.project(cam.corner([0.0; 3]));
    let mut out = Vec::new();
    for k in 0..3 {
        let (i, j) = ((k + 1) % 3, (k + 2) % 3);
        let project = |(si, sj): (f64, f64), ut: f64| {
            let mut u = [0.0; 3];
            u[k] = ut;
            u[i] = si;
            u[j] = sj;
            cam.project(cam.corner(u))
        };
        let on_edge = |e: (f64, f64), ut: f64| {
            let (x, y, _) = project(e, ut);
            (x, y)
        };
        let edges = [(-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5), (0.5, 0.5)];
        // Seen level, a front and a back edge lie on one line on screen: the front one wins,
        // so that two axes do not share a line.
        let key = |e: (f64, f64)| {
            let (x, y, depth) = project(e, 0.0);
            let low = if k == 2 { cx - x } else { y };
            ((low * 1e6).round(), depth)
        };
        let best = edges
            .iter()
            .filter(|(si, sj)| *si == back[i] || *sj == back[j])
            .copied()
            .max_by(|a, b| {
                let (ka, kb) = (key(*a), key(*b));
                ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
            })
            .unwrap_or((-0.5, -0.5));
        let mid = on_edge(best, 0.0);
        let (a0, a1) = (on_edge(best, -0.5), on_edge(best, 0.5));
        let away = unit_vec((mid.0 - cx, mid.1 - cy)).unwrap_or((0.0, 1.0));
        // Square to the edge on screen, so that every label of the axis is pushed off the
        // same line; along `away` when the axis is seen end on.
        let dir = unit_vec((a1.0 - a0.0, a1.1 - a0.1))
            .and_then(|d| {
                let along = away.0 * d.0 + away.1 * d.1;
                unit_vec((away.0 - along * d.0, away.1 - along * d.1))
            })
            .unwrap_or(away);
        let values = ticks(limits[k][0], limits[k][1]);
        let mut farthest = TICK;
        for (n, t) in values.iter().enumerate() {
            let ut = (t - limits[k][0]) / (limits[k][1] - limits[k][0]) - 0.5;
            let text = tick_text(*t);
            let r = reach(dir, &text, TICK_SIZE);
            let d = TICK + GAP + r;
            farthest = farthest.max(d + r);
            out.push(AxisText {
                title: false,
                end: n == 0 || n + 1 == values.len(),
                anchor: on_edge(best, ut),
                out: dir,
                offset: (dir.0 * d, dir.1 * d),
                text,
                size: TICK_SIZE,
            });
        }
        let d = farthest + GAP + reach(dir, &labels[k], TITLE_SIZE);
        out.push(AxisText {
            title: true,
            end: false,
            text: labels[k].clone(),
            size: TITLE_SIZE,
            anchor: mid,
            out: dir,
            offset: (dir.0 * d, dir.1 * d),
        });
    }
    out
}

/// The bounding box of the box's corners (at scale 1) and the texts at `scale`, origin 0.
pub(super) fn extent(texts: &[AxisText], corners: &[(f64, f64)], scale: f64) -> Rect {
    let mut r = Rect {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };
    let mut grow = |b: Rect| {
        r = Rect {
            x0: r.x0.min(b.x0),
            y0: r.y0.min(b.y0),
            x1: r.x1.max(b.x1),
            y1: r.y1.max(b.y1),
        };
    };
    for c in corners {
        grow(Rect::new(scale * c.0, scale * c.1, 0.0, 0.0));
    }
    for t in texts {
        grow(t.rect(scale, (0.0, 0.0)));
    }
    r
}

/// The largest scale at which the box and every text fit in `area`, and the origin that
/// centres them there.
pub(super) fn fit(texts: &[AxisText], corners: &[(f64, f64)], area: &Rect) -> (f64, (f64, f64)) {
    let fits = |s: f64| {
        let e = extent(texts, corners, s);
        e.x1 - e.x0 <= area.x1 - area.x0 && e.y1 - e.y0 <= area.y1 - area.y0
    };
    // The extent grows with the scale, so halving the interval finds the largest that fits.
    let (mut lo, mut hi) = (0.0, 4.0 * (area.x1 - area.x0).max(area.y1 - area.y0));
    for _ in 0..50 {
        let m = (lo + hi) / 2.0;
        if fits(m) {
            lo = m;
        } else {
            hi = m;
        }
    }
    let e = extent(texts, corners, lo);
    (
        lo,
        (
            (area.x0 + area.x1 - e.x0 - e.x1) / 2.0,
            (area.y0 + area.y1 - e.y0 - e.y1) / 2.0,
        ),
    )
}

/// Which texts to draw: the axis names, then the tick labels inside before those at the ends,
/// each kept only if it stays 2 px clear of every text kept before it.
pub(super) fn kept(texts: &[AxisText], scale: f64, origin: (f64, f64)) -> Vec<bool> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&n| (!texts[n].title, texts[n].end, n));
    let mut placed: Vec<Rect> = Vec::new();
    let mut keep = vec![false; texts.len()];
    for n in order {
        let r = texts[n].rect(scale, origin);
        if texts[n].title || !placed.iter().any(|p| p.grow(2.0).overlaps(&r)) {
            placed.push(r);
            keep[n] = true;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::super::overlap::read;
    use super::super::{Class, Meta, Scatter3Options, View, scatter3d};
    use super::*;

    fn draw(view: View, limits: [[f64; 2]; 3], labels: [&str; 3]) -> String {
        let classes: Vec<Class> = ["y=0", "y=1"]
            .iter()
            .map(|n| Class {
                name: n.to_string(),
                color: None,
            })
            .collect();
        // Points at the box's corners and centre: the farthest any point can be drawn.
        let points: Vec<[f64; 3]> = (0..9)
            .map(|c| {
                [0, 1, 2].map(|k| {
                    let [lo, hi] = limits[k];
                    match c {
                        8 => (lo + hi) / 2.0,
                        c if c >> k & 1 == 1 => hi,
                        _ => lo,
                    }
                })
            })
            .collect();
        let class_of: Vec<usize> = (0..9).map(|c| c % 2).collect();
        let opts = Scatter3Options {
            view,
            labels: labels.map(String::from),
            limits: Some(limits),
            plane: None,
            arrows: Vec::new(),
            point_opacity: 0.8,
            title: None,
            legend: true,
            size: 440,
        };
        scatter3d(&points, &class_of, &classes, &opts, &Meta::default()).expect("drawn")
    }

    /// Tick labels against each other, the axis names, the legend and the points, over views
    /// from every side and ranges of several widths; every label inside the panel.
    #[test]
    fn no_tick_label_touches_another_label() {
        let ranges = [
            [[-2.0, 2.0]; 3],
            [[0.0, 4.0], [-3.0, 4.0], [-0.2, 4.1]],
            [[-3.2, 4.0], [-3.0, 4.0], [-1.73, 1.61]],
            [[-0.0012, 0.0031], [10.0, 1000.0], [-7.5, -2.5]],
        ];
        let names = [["a1", "a2", "a3"], ["hidden 1", "hidden 2", "hidden 3"]];
        let (mut views, mut shown, mut dropped) = (0, 0, 0);
        let mut failures = Vec::new();
        for elevation in [-30.0, 0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 80.0] {
            for step in 0..24 {
                let azimuth = -180.0 + 15.0 * f64::from(step);
                for (n, limits) in ranges.iter().enumerate() {
                    let view = View { elevation, azimuth };
                    let svg = draw(view, *limits, names[n % 2]);
                    views += 1;
                    let r = read(&svg);
                    let ticks = r.labels.len() - 3;
                    shown += ticks;
                    let all: usize = limits.iter().map(|l| ticks_of(*l)).sum();
                    dropped += all - ticks;
                    let panel = Rect::new(0.0, 0.0, 440.0, 440.0);
                    for (t, b) in &r.labels {
                        if !b.within(&panel) {
                            failures.push(format!("{view:?} {limits:?}: {t:?} leaves the panel"));
                        }
                    }
                    for o in super::super::overlap::overlaps(&svg) {
                        failures.push(format!("{view:?} {limits:?}: {o}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Most ticks stay: only those crowding a corner or an axis seen end on go.
        assert!(views == 864 && shown > 8 * dropped, "{shown} {dropped}");
    }

    /// Seen from low down (bagheri-fig-10's 5°, −50°) the box is wider than tall: the panel
    /// ends under it, so no band is left between the box's labels and the legend (it was
    /// about 100 px).
    #[test]
    fn a_low_view_leaves_no_band_above_the_legend() {
        let view = View {
            elevation: 5.0,
            azimuth: -50.0,
        };
        let svg = draw(view, [[-2.0, 2.0]; 3], ["x1", "x2", "x3"]);
        let r = read(&svg);
        let labels = r.labels.iter().map(|(_, b)| b.y1).fold(0.0, f64::max);
        let legend = r.legends.iter().map(|b| b.y0).fold(f64::MAX, f64::min);
        assert!(legend - labels < 20.0, "{labels} {legend}");
        assert!(svg.starts_with("<svg width=\"440\" height=\"3"), "{svg}");
    }

    fn ticks_of(l: [f64; 2]) -> usize {
        ticks(l[0], l[1]).len()
    }

    /// The box, not its margins, takes the panel: its projection spans at least three quarters
    /// of the panel's side (it was two thirds before the labels were measured).
    #[test]
    fn the_box_fills_its_panel() {
        for (e, a) in [(30.0, 100.0), (5.0, -50.0), (0.0, 25.0), (10.0, 79.0)] {
            let cam = Camera::new(
                View {
                    elevation: e,
                    azimuth: a,
                },
                [[-2.0, 2.0]; 3],
                1.0,
                (0.0, 0.0),
            );
            let labels = ["a1", "a2", "a3"].map(String::from);
            let texts = axis_texts(&cam, [[-2.0, 2.0]; 3], &labels);
            let (scale, _) = fit(&texts, &cam.corners(), &Rect::new(6.0, 6.0, 428.0, 402.0));
            assert!(scale >= 0.75 * 440.0, "({e}, {a}): {scale}");
        }
    }
}
