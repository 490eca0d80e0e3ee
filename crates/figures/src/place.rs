//! Where overlays go so that nothing covers data: text boxes from one width estimate (legends
//! are sized with it and the overlap tests measure with it), legends in the plot corner that
//! covers no marks or else in a row under the plot, and labels nudged along their arrow or
//! edge until they clear the points, the legend and each other. Every choice is a fixed-order
//! search, so the same data always gives the same figure.

use std::cell::RefCell;
use std::fmt::Write as _;

use super::frame::Plot;
use super::style::FONT;
use super::svg::{escape_xml, num};

/// The advance of DejaVu Sans per em, rounded up from its digits (0.64) and lower case; bold
/// glyphs are about a seventh wider. An estimate: the browser's font may differ a little,
/// which the padding of the overlap checks absorbs.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().count() as f64 * size * if bold { 0.72 } else { 0.62 }
}

/// An axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// The box of one line of text of `size` px whose vertical middle is at `y` (drawn with
    /// `dy="0.35em"`), anchored at `x` by `anchor` ("start", "middle" or "end").
    pub fn text(x: f64, y: f64, text: &str, size: f64, bold: bool, anchor: &str) -> Rect {
        let w = text_width(text, size, bold);
        let x0 = match anchor {
            "middle" => x - w / 2.0,
            "end" => x - w,
            _ => x,
        };
        Rect::new(x0, y - 0.55 * size, w, 1.1 * size)
    }

    pub fn grow(&self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether a disc of radius `r` at `p` reaches into the box.
    pub fn hits(&self, p: (f64, f64), r: f64) -> bool {
        let dx = (self.x0 - p.0).max(p.0 - self.x1).max(0.0);
        let dy = (self.y0 - p.1).max(p.1 - self.y1).max(0.0);
        dx * dx + dy * dy < r * r
    }

    pub fn within(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
}

/// A mark to keep clear: a disc at a pixel position (a point, or a sample along a curve).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub at: (f64, f64),
    pub r: f64,
}

/// Samples every 4 px along a polyline in pixels, so a segment that crosses a box without a
/// vertex in it still counts.
pub fn along(line: &[(f64, f64)], r: f64, out: &mut Vec<Mark>) {
    if let Some(&first) = line.first() {
        out.push(Mark { at: first, r });
    }
    for w in line.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        if !len.is_finite() {
            continue;
        }
        let n = (len / 4.0).ceil().max(1.0) as usize;
        for k in 1..=n {
            let t = k as f64 / n as f64;
            out.push(Mark {
                at: (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t),
                r,
            });
        }
    }
}

fn covered(rect: &Rect, marks: &[Mark]) -> usize {
    marks.iter().filter(|m| rect.hits(m.at, m.r)).count()
}

/// What a legend row shows before its name.
#[derive(Debug, Clone, PartialEq)]
pub enum Swatch {
    /// A marker as the points are drawn (white edge).
    Dot(String),
    /// A line as the curves are drawn.
    Line(String),
}

/// A placed legend: its SVG, the boxes it occupies, and how much taller the figure must grow
/// to hold it (0 when it sits inside the plot).
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub svg: String,
    pub boxes: Vec<Rect>,
    pub extra_height: f64,
}

const ROW: f64 = 20.0;
const SIZE: f64 = 13.0;

fn swatch_svg(s: &Swatch, x: f64, y: f64) -> String {
    match s {
        Swatch::Dot(c) => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\" stroke=\"#ffffff\"/>\n",
            num(x),
            num(y),
            escape_xml(c)
        ),
        Swatch::Line(c) => format!(
            "<path d=\"M{} {}h20\" stroke=\"{}\" stroke-width=\"2\"/>\n",
            num(x - 10.0),
            num(y),
            escape_xml(c)
        ),
    }
}

/// One legend row: the swatch centred at (`x`, `cy`), its name 14 px to the right. Both
/// legend layouts (in a corner, in rows under the plot) draw their rows with it, so they
/// cannot drift apart.
pub(crate) fn entry_svg(s: &Swatch, name: &str, x: f64, cy: f64) -> String {
    let mut out = swatch_svg(s, x, cy);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
        num(x + 14.0),
        num(cy),
        escape_xml(name)
    );
    out
}

/// A legend's rows: each swatch and its name.
pub type Entries = Vec<(Swatch, String)>;

thread_local! {
    /// While [`legends_held`] runs: the legends held back, else None.
    static HELD: RefCell<Option<Vec<Entries>>> = const { RefCell::new(None) };
}

/// Draw inside `f` with every legend held back instead of drawn, and return them, so that
/// small multiples can draw one key for the whole grid. A figure is drawn on one thread from
/// start to end (as with the palette), so this needs no option in every figure kind.
pub fn legends_held<T>(f: impl FnOnce() -> T) -> (T, Vec<Entries>) {
    let before = HELD.with(|h| h.replace(Some(Vec::new())));
    let out = f();
    let held = HELD.with(|h| h.replace(before)).unwrap_or_default();
    (out, held)
}

/// Entries in rows no wider than `right - left`, each row centred between them, the first
/// row's middle `ROW / 2` under `top`: the SVG, each entry's box, and the number of rows.
fn rows_svg(
    entries: &[(Swatch, String)],
    left: f64,
    right: f64,
    top: f64,
) -> (String, Vec<Rect>, usize) {
    let widths: Vec<f64> = entries
        .iter()
        .map(|(_, n)| 28.0 + text_width(n, SIZE, false) + 14.0)
        .collect();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (k, w) in widths.iter().enumerate() {
        let row = rows.last_mut().expect("one row");
        if !row.is_empty() && used + w > right - left {
            rows.push(vec![k]);
            used = *w;
        } else {
            row.push(k);
            used += w;
        }
    }
    let mut svg = String::new();
    let mut boxes = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let total: f64 = row.iter().map(|&k| widths[k]).sum::<f64>() - 14.0;
        let mut x = (left + right) / 2.0 - total / 2.0;
        let cy = top + ROW * (i as f64 + 0.5);
        for &k in row {
            let (s, name) = &entries[k];
            svg.push_str(&entry_svg(s, name, x + 10.0, cy));
            boxes.push(Rect::new(x, cy - ROW / 2.0, widths[k] - 14.0, ROW));
            x += widths[k];
        }
    }
    (svg, boxes, rows.len())
}

/// A key for a grid of panels, as an SVG `width` px wide: `entries` in centred rows. None
/// without entries.
pub fn key(entries: &[(Swatch, String)], width: f64) -> Option<String> {
    if entries.is_empty() {
        return None;
    }
    let (rows, _, n) = rows_svg(entries, 0.0, width, 4.0);
    let height = ROW * n as f64 + 8.0;
    Some(format!(
        "<svg class=\"nn-key\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n<g class=\"legend\" font-family=\"{FONT}\" font-size=\"13\">\n{rows}</g>\n</svg>\n",
        w = num(width),
        h = num(height)
    ))
}

/// A legend for `entries` that covers none of `marks`: in the first plot corner (upper right,
/// upper left, lower left, lower right) whose box is clear, else in rows under the figure
/// (the caller grows the SVG by `extra_height`, see [`room_for`]).
pub fn legend(plot: &Plot, entries: &[(Swatch, String)], marks: &[Mark]) -> Legend {
    let height = super::svg::size_of(&plot.svg).map_or(plot.py[0] + 50.0, |s| s.1);
    let held = !entries.is_empty()
        && HELD.with(|h| {
            h.borrow_mut()
                .as_mut()
                .map(|held| held.push(entries.to_vec()))
                .is_some()
        });
    if entries.is_empty() || held {
        return Legend {
            svg: String::new(),
            boxes: Vec::new(),
            extra_height: 0.0,
        };
    }
    let text_w = entries
        .iter()
        .map(|(_, n)| text_width(n, SIZE, false))
        .fold(0.0, f64::max);
    let (w, h) = (text_w + 38.0, entries.len() as f64 * ROW + 10.0);
    let (l, r, b, t) = (plot.px[0], plot.px[1], plot.py[0], plot.py[1]);
    let corners = [
        (r - w - 8.0, t + 8.0),
        (l + 8.0, t + 8.0),
        (l + 8.0, b - h - 8.0),
        (r - w - 8.0, b - h - 8.0),
    ];
    let fits = w + 16.0 <= r - l && h + 16.0 <= b - t;
    let free = corners
        .iter()
        .find(|&&(x, y)| fits && covered(&Rect::new(x, y, w, h).grow(3.0), marks) == 0);
    let mut svg = format!("<g class=\"legend\" font-family=\"{FONT}\" font-size=\"13\">\n");
    if let Some(&(x0, y0)) = free {
        let _ = writeln!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>",
            num(x0),
            num(y0),
            num(w),
            num(h)
        );
        for (k, (s, name)) in entries.iter().enumerate() {
            let cy = y0 + 5.0 + ROW * (k as f64 + 0.5);
            svg.push_str(&entry_svg(s, name, x0 + 14.0, cy));
        }
        svg.push_str("</g>\n");
        return Legend {
            svg,
            boxes: vec![Rect::new(x0, y0, w, h)],
            extra_height: 0.0,
        };
    }
    // Under the figure, left to right in rows as wide as the plot, each row centred on it.
    let (rows, boxes, n) = rows_svg(entries, l, r, height);
    svg.push_str(&rows);
    svg.push_str("</g>\n");
    Legend {
        svg,
        boxes,
        extra_height: ROW * n as f64 + 8.0,
    }
}

/// The frame's SVG grown to hold the legend.
pub fn room_for(svg: &str, legend: &Legend) -> String {
    if legend.extra_height > 0.0 {
        super::svg::taller(svg, legend.extra_height)
    } else {
        svg.to_string()
    }
}

/// Where the label of an arrow from `from` to `tip` goes: the first of these spots that
/// covers no mark, no box in `avoid` and stays within `bounds` — beyond the tip (4 to 48 px
/// out), then beside the shaft at 85 %, 60 %, 35 % and 15 % of its length, left then right,
/// 4 px off it, then 16 and 32 px off, then farther out (48 and 64 px beside it, 64 and 80 px
/// past the tip) — else the spot with the fewest conflicts (the earliest on a tie). Returns
/// the label's centre.
pub fn arrow_label(
    from: (f64, f64),
    tip: (f64, f64),
    rect_wh: (f64, f64),
    marks: &[Mark],
    avoid: &[Rect],
    bounds: &Rect,
) -> (f64, f64) {
    // Only the part of the arrow inside the bounds is seen (the rest is clipped away).
    let (from, tip) = clip(from, tip, bounds).unwrap_or((from, tip));
    let len = ((tip.0 - from.0).powi(2) + (tip.1 - from.1).powi(2)).sqrt();
    let (ux, uy) = if len > 1e-9 {
        ((tip.0 - from.0) / len, (tip.1 - from.1) / len)
    } else {
        (1.0, 0.0)
    };
    let (nx, ny) = (-uy, ux);
    let (hw, hh) = (rect_wh.0 / 2.0, rect_wh.1 / 2.0);
    let along_u = hw * ux.abs() + hh * uy.abs();
    let along_n = hw * nx.abs() + hh * ny.abs();
    let beyond_tip = |d: f64| (tip.0 + ux * (along_u + d), tip.1 + uy * (along_u + d));
    let beside = |off: f64, t: f64, side: f64| {
        let (px, py) = (from.0 + ux * len * t, from.1 + uy * len * t);
        (
            px + nx * side * (along_n + off),
            py + ny * side * (along_n + off),
        )
    };
    let mut spots: Vec<_> = [4.0, 12.0, 20.0, 32.0, 48.0].map(beyond_tip).to_vec();
    // The farther spots beside the shaft come last: only when every nearer spot covers
    // something (an arrow into a dense cluster).
    let near: (&[f64], [f64; 4]) = (&[4.0, 16.0, 32.0], [0.85, 0.6, 0.35, 0.15]);
    let far: (&[f64], [f64; 4]) = (&[48.0, 64.0], [0.6, 0.35, 0.85, 0.15]);
    for (offs, ts) in [near, far] {
        for &off in offs {
            for t in ts {
                spots.extend([1.0, -1.0].map(|side| beside(off, t, side)));
            }
        }
    }
    spots.extend([64.0, 80.0].map(beyond_tip));
    best_spot(&spots, rect_wh, marks, avoid, bounds)
}

/// The part of the segment inside `r` (Liang–Barsky), if any.
fn clip(a: (f64, f64), b: (f64, f64), r: &Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - r.x0),
        (dx, r.x1 - a.0),
        (-dy, a.1 - r.y0),
        (dy, r.y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    (t0 < t1).then_some((
        (a.0 + dx * t0, a.1 + dy * t0),
        (a.0 + dx * t1, a.1 + dy * t1),
    ))
}

/// The first spot (a box centre) without conflicts, else the one with the fewest.
pub fn best_spot(
    spots: &[(f64, f64)],
    (w, h): (f64, f64),
    marks: &[Mark],
    avoid: &[Rect],
    bounds: &Rect,
) -> (f64, f64) {
    let conflicts = |&(x, y): &(f64, f64)| {
        let rect = Rect::new(x - w / 2.0, y - h / 2.0, w, h);
        let pad = rect.grow(1.0);
        covered(&pad, marks)
            + avoid.iter().filter(|a| a.overlaps(&pad)).count()
            + usize::from(!rect.within(bounds)) * 1000
    };
    let mut best = spots[0];
    let mut fewest = usize::MAX;
    for s in spots {
        let n = conflicts(s);
        if n == 0 {
            return *s;
        }
        if n < fewest {
            best = *s;
            fewest = n;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot() -> Plot {
        Plot {
            svg: "<svg width=\"500\" height=\"470\">".into(),
            px: [70.0, 470.0],
            py: [420.0, 20.0],
            x: [0.0, 1.0],
            y: [0.0, 1.0],
        }
    }

    fn entries() -> Vec<(Swatch, String)> {
        vec![
            (Swatch::Dot("#000".into()), "class 0".into()),
            (Swatch::Dot("#111".into()), "class 1".into()),
        ]
    }

    #[test]
    fn legend_takes_the_first_clear_corner_in_order() {
        let p = plot();
        let mark = |x: f64, y: f64| Mark {
            at: p.map(x, y),
            r: 3.0,
        };
        // Upper right is taken: the legend goes upper left.
        let l = legend(&p, &entries(), &[mark(0.95, 0.95)]);
        assert_eq!(l.extra_height, 0.0);
        assert!(
            l.boxes[0].x0 < 100.0 && l.boxes[0].y0 < 40.0,
            "{:?}",
            l.boxes
        );
        // Every corner taken: rows under the figure.
        let all = [
            mark(0.95, 0.95),
            mark(0.05, 0.95),
            mark(0.05, 0.05),
            mark(0.95, 0.05),
        ];
        let l = legend(&p, &entries(), &all);
        assert!(l.extra_height > 0.0);
        assert!(l.boxes.iter().all(|b| b.y0 >= 470.0), "{:?}", l.boxes);
        assert!(!l.boxes[0].overlaps(&l.boxes[1]));
    }

    #[test]
    fn a_curve_crossing_a_corner_between_vertices_counts() {
        let p = plot();
        let mut marks = Vec::new();
        // One long segment across the upper-right corner, vertices far outside it.
        along(&[p.map(0.5, 1.0), p.map(1.0, 0.7)], 1.0, &mut marks);
        let l = legend(&p, &entries(), &marks);
        assert!(l.boxes[0].x0 < 100.0, "upper left, not upper right: {l:?}");
    }

    #[test]
    fn arrow_labels_leave_points_and_each_other() {
        let bounds = Rect::new(0.0, 0.0, 500.0, 500.0);
        let wh = (40.0, 14.0);
        // A cluster right beyond the tip pushes the label beside the shaft.
        let marks: Vec<Mark> = (0..10)
            .flat_map(|i| {
                (0..10).map(move |j| Mark {
                    at: (210.0 + 5.0 * i as f64, 95.0 + 3.0 * j as f64),
                    r: 3.5,
                })
            })
            .collect();
        let c = arrow_label((100.0, 110.0), (200.0, 110.0), wh, &marks, &[], &bounds);
        let rect = Rect::new(c.0 - 20.0, c.1 - 7.0, 40.0, 14.0);
        assert_eq!(covered(&rect, &marks), 0, "{c:?}");
        assert!(c.0 < 200.0, "beside the shaft: {c:?}");
        // A second label with the same arrow avoids the first.
        let c2 = arrow_label((100.0, 110.0), (200.0, 110.0), wh, &marks, &[rect], &bounds);
        assert!(!Rect::new(c2.0 - 20.0, c2.1 - 7.0, 40.0, 14.0).overlaps(&rect));
    }
}
