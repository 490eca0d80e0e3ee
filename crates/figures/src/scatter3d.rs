//! 3-D scatter plots (matplotlib's mplot3d look): an orthographic view set by elevation and
//! azimuth, the three back panes with grid lines, ticks and axis labels, points painted far to
//! near, an optional plane clipped to the box (points behind it drawn first, points in front
//! after), and arrows.

use std::fmt::Write as _;

use super::axes3d::{self, TICK, ticks};
use super::place::{Mark, Rect, text_width};
use super::style::{FONT, INK, marker};
use super::svg::{arrow, arrow_labels, escape_xml, finish, id_of, num};
use super::{Class, FigureError, Meta};

/// Camera angles in degrees, as matplotlib's `view_init(elev, azim)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub elevation: f64,
    pub azimuth: f64,
}

/// The plane normal·p + offset = 0, drawn over `x × y` (z solved from the equation).
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub normal: [f64; 3],
    pub offset: f64,
    pub x: [f64; 2],
    pub y: [f64; 2],
    pub opacity: f64,
}

/// An arrow in data coordinates with an optional label at its tip.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow3 {
    pub from: [f64; 3],
    pub to: [f64; 3],
    pub label: Option<String>,
}

/// Options of one 3-D panel.
#[derive(Debug, Clone)]
pub struct Scatter3Options {
    pub view: View,
    pub labels: [String; 3],
    /// Axis limits (default: the data, plane and arrows with a margin).
    pub limits: Option<[[f64; 2]; 3]>,
    pub plane: Option<Plane>,
    pub arrows: Vec<Arrow3>,
    pub point_opacity: f64,
    pub title: Option<String>,
    pub legend: bool,
    pub size: u32,
}

/// The box's sides, x : y : z = 4 : 4 : 3, as matplotlib draws a 3-D axes by default.
const BOX: [f64; 3] = [1.0, 1.0, 0.75];

/// The projection of normalised box coordinates (each axis mapped to [−0.5, 0.5], then
/// stretched to its side of the box).
pub(super) struct Camera {
    right: [f64; 3],
    up: [f64; 3],
    eye: [f64; 3],
    lo: [f64; 3],
    span: [f64; 3],
    scale: f64,
    centre: (f64, f64),
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

impl Camera {
    pub(super) fn new(view: View, limits: [[f64; 2]; 3], size: f64, centre: (f64, f64)) -> Camera {
        // libm, not the platform's sin and cos: the same pixels on every machine.
        let (e, a) = (view.elevation.to_radians(), view.azimuth.to_radians());
        let (se, ce, sa, ca) = (libm::sin(e), libm::cos(e), libm::sin(a), libm::cos(a));
        let mut cam = Camera {
            right: [-sa, ca, 0.0],
            up: [-se * ca, -se * sa, ce],
            eye: [ce * ca, ce * sa, se],
            lo: limits.map(|l| l[0]),
            span: limits.map(|l| l[1] - l[0]),
            scale: 1.0,
            centre: (0.0, 0.0),
        };
        // Zoom so the box's projection fills a `size` square at `centre` from this angle.
        let corners: Vec<(f64, f64)> = (0..8)
            .map(|c| {
                let u = [0, 1, 2].map(|k| BOX[k] * if c >> k & 1 == 1 { 0.5 } else { -0.5 });
                (dot(u, cam.right), -dot(u, cam.up))
            })
            .collect();
        let (x0, x1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.0), b.max(c.0)));
        let (y0, y1) = corners
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.1), b.max(c.1)));
        cam.scale = size / (x1 - x0).max(y1 - y0).max(1e-9);
        cam.centre = (
            centre.0 - cam.scale * (x0 + x1) / 2.0,
            centre.1 - cam.scale * (y0 + y1) / 2.0,
        );
        cam
    }

    /// For each axis, the normalised coordinate of the box face on the far side from the eye.
    pub(super) fn back(&self) -> [f64; 3] {
        self.eye.map(|e| if e >= 0.0 { -0.5 } else { 0.5 })
    }

    /// The box's eight corners on screen.
    pub(super) fn corners(&self) -> Vec<(f64, f64)> {
        (0..8)
            .map(|c| {
                let u = [0, 1, 2].map(|k| if c >> k & 1 == 1 { 0.5 } else { -0.5 });
                let (x, y, _) = self.project(self.corner(u));
                (x, y)
            })
            .collect()
    }

    fn unit(&self, p: [f64; 3]) -> [f64; 3] {
        [0, 1, 2].map(|k| BOX[k] * ((p[k] - self.lo[k]) / self.span[k] - 0.5))
    }

    /// Pixel position and depth (larger is nearer the viewer).
    pub(super) fn project(&self, p: [f64; 3]) -> (f64, f64, f64) {
        let u = self.unit(p);
        (
            self.centre.0 + self.scale * dot(u, self.right),
            self.centre.1 - self.scale * dot(u, self.up),
            dot(u, self.eye),
        )
    }

    pub(super) fn corner(&self, u: [f64; 3]) -> [f64; 3] {
        [0, 1, 2].map(|k| self.lo[k] + (u[k] + 0.5) * self.span[k])
    }
}

/// The part of a convex polygon where `keep(p) >= 0` (one Sutherland–Hodgman pass).
fn clip(poly: &[[f64; 3]], keep: impl Fn([f64; 3]) -> f64) -> Vec<[f64; 3]> {
    let mut out = Vec::new();
    for (k, &a) in poly.iter().enumerate() {
        let b = poly[(k + 1) % poly.len()];
        let (fa, fb) = (keep(a), keep(b));
        if fa >= 0.0 {
            out.push(a);
        }
        if (fa >= 0.0) != (fb >= 0.0) {
            let t = fa / (fa - fb);
            out.push([0, 1, 2].map(|i| a[i] + t * (b[i] - a[i])));
        }
    }
    out
}

/// The plane as a polygon inside the box.
fn plane_polygon(plane: &Plane, limits: [[f64; 2]; 3]) -> Result<Vec<[f64; 3]>, FigureError> {
    let [a, b, c] = plane.normal;
    if c == 0.0 || !c.is_finite() {
        return Err(FigureError(
            "the plane is vertical (its normal has no third component)".into(),
        ));
    }
    let z = |x: f64, y: f64| -(plane.offset + a * x + b * y) / c;
    let [x0, x1] = plane.x;
    let [y0, y1] = plane.y;
    let quad = vec![
        [x0, y0, z(x0, y0)],
        [x1, y0, z(x1, y0)],
        [x1, y1, z(x1, y1)],
        [x0, y1, z(x0, y1)],
    ];
    let mut poly = quad;
    for k in 0..3 {
        let [lo, hi] = limits[k];
        poly = clip(&poly, |p| p[k] - lo);
        poly = clip(&poly, |p| hi - p[k]);
    }
    Ok(poly)
}

fn check(points: &[[f64; 3]], class_of: &[usize], classes: &[Class]) -> Result<(), FigureError> {
    if points.len() != class_of.len() {
        return Err(FigureError(format!(
            "{} points but {} class labels",
            points.len(),
            class_of.len()
        )));
    }
    if points.iter().flatten().any(|v| !v.is_finite()) {
        return Err(FigureError("a point is NaN or infinite".into()));
    }
    if class_of.iter().any(|&c| c >= classes.len()) {
        return Err(FigureError("a class label has no class".into()));
    }
    Ok(())
}

/// Default limits: everything drawn, with a 5% margin.
fn auto_limits(points: &[[f64; 3]], opts: &Scatter3Options) -> [[f64; 2]; 3] {
    let mut lim = [[f64::INFINITY, f64::NEG_INFINITY]; 3];
    let mut grow = |p: [f64; 3]| {
        for k in 0..3 {
            if p[k].is_finite() {
                lim[k][0] = lim[k][0].min(p[k]);
                lim[k][1] = lim[k][1].max(p[k]);
            }
        }
    };
    points.iter().for_each(|p| grow(*p));
    for a in &opts.arrows {
        grow(a.from);
        grow(a.to);
    }
    if let Some(pl) = &opts.plane {
        grow([pl.x[0], pl.y[0], f64::NAN]);
        grow([pl.x[1], pl.y[1], f64::NAN]);
    }
    lim.map(|[lo, hi]| {
        if !lo.is_finite() || !hi.is_finite() {
            [-1.0, 1.0]
        } else if hi - lo < 1e-9 {
            [lo - 0.5, hi + 0.5]
        } else {
            let pad = (hi - lo) * 0.05;
            [lo - pad, hi + pad]
        }
    })
}

/// Space kept free around the box and its labels.
const MARGIN: f64 = 6.0;
/// Height of the legend's row under the box.
const LEGEND_ROW: f64 = 26.0;

/// The classes in one row centred at height `y`, under the box where they cover no point.
fn legend_row(classes: &[Class], w: f64, y: f64) -> String {
    let widths: Vec<f64> = classes
        .iter()
        .map(|c| 18.0 + text_width(&c.name, 13.0, false))
        .collect();
    let total = widths.iter().sum::<f64>() + 16.0 * (widths.len() as f64 - 1.0);
    let mut x = (w - total).max(0.0) / 2.0;
    let mut out =
        format!("<g class=\"legend\" font-family=\"{FONT}\" font-size=\"13\" fill=\"{INK}\">\n");
    for (k, (c, cw)) in classes.iter().zip(&widths).enumerate() {
        let color = c.color.as_deref().unwrap_or(marker(k));
        let _ = writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\" stroke=\"#ffffff\"/><text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
            num(x + 5.0),
            num(y),
            escape_xml(color),
            num(x + 18.0),
            num(y),
            escape_xml(&c.name)
        );
        x += cw + 16.0;
    }
    out.push_str("</g>\n");
    out
}

/// One 3-D scatter panel.
pub fn scatter3d(
    points: &[[f64; 3]],
    class_of: &[usize],
    classes: &[Class],
    opts: &Scatter3Options,
    meta: &Meta,
) -> Result<String, FigureError> {
    check(points, class_of, classes)?;
    let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
    if !finite(&[opts.view.elevation, opts.view.azimuth, opts.point_opacity])
        || !(0.0..=1.0).contains(&opts.point_opacity)
    {
        return Err(FigureError(
            "the view angles or the opacity are not usable numbers".into(),
        ));
    }
    if let Some(pl) = &opts.plane
        && (!finite(&pl.normal)
            || !finite(&[pl.offset, pl.opacity])
            || !finite(&pl.x)
            || !finite(&pl.y)
            || pl.normal[2].abs() <= 1e-9 * (pl.normal[0].abs() + pl.normal[1].abs()).max(1e-300))
    {
        return Err(FigureError(
            "the plane is not finite, or so steep that it is vertical".into(),
        ));
    }
    if opts
        .arrows
        .iter()
        .any(|a| !finite(&a.from) || !finite(&a.to))
    {
        return Err(FigureError("an arrow is NaN or infinite".into()));
    }
    let limits = opts.limits.unwrap_or_else(|| auto_limits(points, opts));
    if limits.iter().any(|l| {
        !(l[0].is_finite() && l[1].is_finite() && l[1] > l[0] && (l[1] - l[0]).is_finite())
    }) {
        return Err(FigureError(
            "the 3-D axis limits are empty or not finite".into(),
        ));
    }
    let size = f64::from(opts.size.max(200));
    let head = if opts.title.is_some() { 30.0 } else { 0.0 };
    let (w, mut h) = (size, size + head);
    let legend = opts.legend && classes.len() > 1;
    let foot = if legend { LEGEND_ROW } else { 0.0 };
    // Zoom until the box and its labels fill the panel above the legend row.
    let unit = Camera::new(opts.view, limits, 1.0, (0.0, 0.0));
    let texts = axes3d::axis_texts(&unit, limits, &opts.labels);
    let area = Rect::new(
        MARGIN,
        head + MARGIN,
        w - 2.0 * MARGIN,
        h - head - foot - 2.0 * MARGIN,
    );
    let (scale, mut origin) = axes3d::fit(&texts, &unit.corners(), &area);
    // Seen from low down the box is wider than tall, and the width sets the zoom: the panel
    // ends under the box and its labels instead of leaving a band above and below them.
    let used = axes3d::extent(&texts, &unit.corners(), scale);
    let spare = ((area.y1 - area.y0) - (used.y1 - used.y0)).max(0.0).floor();
    origin.1 -= spare / 2.0;
    h -= spare;
    let cam = Camera::new(opts.view, limits, scale, origin);
    let id = id_of(meta);
    let mut svg = format!(
        "<svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#FFFFFF\"/>\n",
        num(w),
        num(h)
    );
    if let Some(t) = &opts.title {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"16\" fill=\"{INK}\">{}</text>",
            num(w / 2.0),
            escape_xml(t)
        );
    }
    let px = |p: [f64; 3]| {
        let (x, y, _) = cam.project(p);
        format!("{} {}", num(x), num(y))
    };
    // Back panes: for each axis, the face on the far side from the eye.
    let back = cam.back();
    let mut panes = String::from("<g stroke=\"#c8c8c8\" stroke-width=\"0.8\">\n");
    for k in 0..3 {
        let (i, j) = ((k + 1) % 3, (k + 2) % 3);
        let corner = |si: f64, sj: f64| {
            let mut u = [0.0; 3];
            u[k] = back[k];
            u[i] = si;
            u[j] = sj;
            cam.corner(u)
        };
        let _ = writeln!(
            panes,
            "<path d=\"M{}L{}L{}L{}Z\" fill=\"#f2f2f2\"/>",
            px(corner(-0.5, -0.5)),
            px(corner(0.5, -0.5)),
            px(corner(0.5, 0.5)),
            px(corner(-0.5, 0.5))
        );
        // Grid lines of the two axes lying in this pane.
        for (axis, other) in [(i, j), (j, i)] {
            for t in ticks(limits[axis][0], limits[axis][1]) {
                let ut = (t - limits[axis][0]) / (limits[axis][1] - limits[axis][0]) - 0.5;
                let ends = [-0.5, 0.5].map(|s| {
                    let mut u = [0.0; 3];
                    u[k] = back[k];
                    u[axis] = ut;
                    u[other] = s;
                    cam.corner(u)
                });
                let _ = writeln!(panes, "<path d=\"M{}L{}\"/>", px(ends[0]), px(ends[1]));
            }
        }
    }
    panes.push_str("</g>\n");
    svg.push_str(&panes);

    // Ticks and labels, those that would touch another left out (see `axes3d`).
    let mut text = format!(
        "<g class=\"labels\" font-family=\"{FONT}\" font-size=\"{}\" fill=\"{INK}\" text-anchor=\"middle\">\n",
        num(axes3d::TICK_SIZE)
    );
    let mut taken = Vec::new();
    for (t, keep) in texts.iter().zip(axes3d::kept(&texts, scale, origin)) {
        if !keep {
            continue;
        }
        let (x, y) = t.at(scale, origin);
        let (tx, ty) = t.centre(scale, origin);
        if t.title {
            let _ = writeln!(
                text,
                "<text x=\"{}\" y=\"{}\" dy=\"0.35em\" font-size=\"{}\">{}</text>",
                num(tx),
                num(ty),
                num(t.size),
                escape_xml(&t.text)
            );
        } else {
            let _ = writeln!(
                text,
                "<path d=\"M{} {}L{} {}\" stroke=\"{INK}\" stroke-width=\"0.8\"/><text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                num(x),
                num(y),
                num(x + t.out.0 * TICK),
                num(y + t.out.1 * TICK),
                num(tx),
                num(ty),
                escape_xml(&t.text)
            );
        }
        taken.push(t.rect(scale, origin));
    }
    text.push_str("</g>\n");
    svg.push_str(&text);

    // Points, far to near; with a plane, those behind it first.
    let mut order: Vec<(usize, f64, f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let (x, y, d) = cam.project(*p);
            (n, x, y, d)
        })
        .collect();
    // Points far outside explicit limits are left out rather than written as huge numbers.
    order.retain(|o| o.1.abs() < 1e5 && o.2.abs() < 1e5 && o.3.is_finite());
    order.sort_by(|a, b| a.3.total_cmp(&b.3).then(a.0.cmp(&b.0)));
    let side = |p: [f64; 3], pl: &Plane| dot(pl.normal, p) + pl.offset;
    let eye_side = opts.plane.as_ref().map(|pl| {
        let far = cam.corner(cam.eye.map(|e| e * 100.0));
        side(far, pl) >= 0.0
    });
    let dots = |filter: &dyn Fn(usize) -> bool| {
        let mut s = format!(
            "<g stroke=\"#ffffff\" stroke-width=\"0.6\" fill-opacity=\"{}\">\n",
            num(opts.point_opacity)
        );
        for &(n, x, y, _) in order.iter().filter(|o| filter(o.0)) {
            let k = class_of[n];
            let color = classes[k].color.as_deref().unwrap_or(marker(k));
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"/>",
                num(x),
                num(y),
                escape_xml(color)
            );
        }
        s.push_str("</g>\n");
        s
    };
    match (&opts.plane, eye_side) {
        (Some(pl), Some(eye)) => {
            svg.push_str(&dots(&|n| (side(points[n], pl) >= 0.0) != eye));
            let poly = plane_polygon(pl, limits)?;
            if poly.len() >= 3 {
                let d: Vec<String> = poly.iter().map(|p| px(*p)).collect();
                let _ = writeln!(
                    svg,
                    "<path d=\"M{}Z\" fill=\"#8fa8c8\" fill-opacity=\"{}\" stroke=\"#6f88a8\" stroke-width=\"0.8\"/>",
                    d.join("L"),
                    num(pl.opacity)
                );
            }
            svg.push_str(&dots(&|n| (side(points[n], pl) >= 0.0) == eye));
        }
        _ => svg.push_str(&dots(&|_| true)),
    }

    // Arrows on top.
    let mut labels = Vec::new();
    for a in &opts.arrows {
        let (x0, y0, _) = cam.project(a.from);
        let (x1, y1, _) = cam.project(a.to);
        svg.push_str(&arrow((x0, y0), (x1, y1), 9.0));
        if let Some(l) = a.label.as_deref() {
            labels.push(((x0, y0), (x1, y1), l));
        }
    }
    let marks: Vec<Mark> = order
        .iter()
        .map(|&(_, x, y, _)| Mark { at: (x, y), r: 4.5 })
        .collect();
    svg.push_str(&arrow_labels(
        &labels,
        &marks,
        &taken,
        &Rect::new(0.0, 0.0, w, h - foot),
    ));

    if legend {
        svg.push_str(&legend_row(classes, w, h - foot / 2.0));
    }
    svg.push_str("</svg>\n");
    let _ = id;
    Ok(finish(svg, meta, "", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<Class> {
        ["y=0 </svg><script>", "y=1"]
            .iter()
            .map(|n| Class {
                name: n.to_string(),
                color: None,
            })
            .collect()
    }

    fn opts() -> Scatter3Options {
        Scatter3Options {
            view: View {
                elevation: 5.0,
                azimuth: -50.0,
            },
            labels: ["x1".into(), "x2".into(), "x3".into()],
            limits: Some([[-2.0, 2.0]; 3]),
            plane: None,
            arrows: Vec::new(),
            point_opacity: 0.8,
            title: None,
            legend: true,
            size: 440,
        }
    }

    fn meta() -> Meta {
        Meta {
            id: "s3".into(),
            title: "t".into(),
            desc: "d".into(),
        }
    }

    #[test]
    fn points_planes_and_arrows() {
        let pts = [[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0], [0.5, -0.5, 1.5]];
        let svg = scatter3d(&pts, &[1, 0, 1], &classes(), &opts(), &meta()).unwrap();
        assert_eq!(svg.matches("<circle").count(), 3 + 2, "points and legend");
        assert!(svg.contains("y=0 &lt;/svg&gt;&lt;script&gt;") && !svg.contains("<script"));
        assert_eq!(
            svg.matches("fill=\"#f2f2f2\"").count(),
            3,
            "three back panes"
        );
        assert!(svg.contains(">x3</text>") && svg.contains(">−2</text>"));
        assert!(!svg.contains("fill=\"#8fa8c8\""), "no plane");
        let mut o = opts();
        o.plane = Some(Plane {
            normal: [0.0, 0.0, 1.0],
            offset: 0.0,
            x: [-2.0, 2.0],
            y: [-2.0, 2.0],
            opacity: 0.5,
        });
        o.arrows = vec![Arrow3 {
            from: [0.0; 3],
            to: [0.0, 0.0, 1.0],
            label: Some("w".into()),
        }];
        let with = scatter3d(&pts, &[1, 0, 1], &classes(), &o, &meta()).unwrap();
        assert_eq!(with.matches("fill=\"#8fa8c8\"").count(), 1);
        assert!(with.contains(">w</text>"));
        // Seen from slightly above, the point under the plane z = 0 is painted before it and
        // the points above it after.
        let plane_at = with.find("fill=\"#8fa8c8\"").unwrap();
        let circles: Vec<usize> = with.match_indices("<circle").map(|m| m.0).collect();
        assert_eq!(circles.iter().filter(|&&c| c < plane_at).count(), 1);
        assert_eq!(
            scatter3d(&pts, &[1, 0, 1], &classes(), &o, &meta()).unwrap(),
            with
        );
        assert!(with.len() < 20_000, "{}", with.len());
    }

    #[test]
    fn projection_from_above_keeps_the_xy_plane_square() {
        let mut o = opts();
        o.view = View {
            elevation: 90.0,
            azimuth: -90.0,
        };
        let cam = Camera::new(o.view, [[-1.0, 1.0]; 3], 100.0, (0.0, 0.0));
        let (x1, y1, _) = cam.project([1.0, 0.0, 0.0]);
        let (x2, y2, _) = cam.project([0.0, 1.0, 0.0]);
        assert!((x1.hypot(y1) - x2.hypot(y2)).abs() < 1e-9);
        assert!(
            (x1 * x2 + y1 * y2).abs() < 1e-9,
            "x and y stay perpendicular"
        );
        let (_, _, near) = cam.project([0.0, 0.0, 1.0]);
        let (_, _, far) = cam.project([0.0, 0.0, -1.0]);
        assert!(near > far);
    }

    /// Seen level, the box is 4 wide (x or y) to 3 high (z), as matplotlib's default.
    #[test]
    fn the_box_is_four_by_four_by_three() {
        let level = |azimuth: f64| {
            let view = View {
                elevation: 0.0,
                azimuth,
            };
            Camera::new(
                view,
                [[0.0, 10.0], [-1.0, 1.0], [5.0, 6.0]],
                100.0,
                (0.0, 0.0),
            )
        };
        // Looking along x, the screen shows y across and z up.
        let cam = level(0.0);
        let (a, _, _) = cam.project([0.0, -1.0, 5.0]);
        let (b, _, _) = cam.project([0.0, 1.0, 5.0]);
        let (_, z0, _) = cam.project([0.0, 1.0, 5.0]);
        let (_, z1, _) = cam.project([0.0, 1.0, 6.0]);
        let (y_side, z_side) = ((b - a).abs(), (z1 - z0).abs());
        assert!(
            (y_side / z_side - 4.0 / 3.0).abs() < 1e-9,
            "{y_side} {z_side}"
        );
        // Looking along y, x is as long on screen as y was.
        let cam = level(90.0);
        let (a, _, _) = cam.project([0.0, 0.0, 5.0]);
        let (b, _, _) = cam.project([10.0, 0.0, 5.0]);
        assert!(((b - a).abs() - y_side).abs() < 1e-9);
    }

    #[test]
    fn clipping_and_errors() {
        let pl = Plane {
            normal: [1.0, 0.0, 1.0],
            offset: 0.0,
            x: [-2.0, 2.0],
            y: [-2.0, 2.0],
            opacity: 0.5,
        };
        // z = −x reaches past ±1: the polygon is cut to the box.
        let poly = plane_polygon(&pl, [[-2.0, 2.0], [-2.0, 2.0], [-1.0, 1.0]]).unwrap();
        assert!(
            poly.iter()
                .all(|p| p[2] >= -1.0 - 1e-9 && p[2] <= 1.0 + 1e-9)
        );
        assert!(poly.len() >= 4);
        let vertical = Plane {
            normal: [1.0, 0.0, 0.0],
            ..pl
        };
        assert!(plane_polygon(&vertical, [[-1.0, 1.0]; 3]).is_err());
        let nan = [[f64::NAN, 0.0, 0.0]];
        assert!(scatter3d(&nan, &[0], &classes(), &opts(), &meta()).is_err());
        assert!(scatter3d(&[[0.0; 3]], &[7], &classes(), &opts(), &meta()).is_err());
        assert_eq!(ticks(0.0, 4.0), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        // Edge cases found by review: none may write NaN or inf into the SVG.
        let mut o = opts();
        o.view.azimuth = f64::NAN;
        assert!(scatter3d(&[[0.0; 3]], &[0], &classes(), &o, &meta()).is_err());
        let mut o = opts();
        o.point_opacity = f64::NAN;
        assert!(scatter3d(&[[0.0; 3]], &[0], &classes(), &o, &meta()).is_err());
        let mut o = opts();
        o.plane = Some(Plane {
            normal: [1.0, 0.0, 1e-320],
            ..pl.clone()
        });
        assert!(scatter3d(&[[0.0; 3]], &[0], &classes(), &o, &meta()).is_err());
        let far = scatter3d(
            &[[1e308, 0.0, 0.0], [0.0; 3]],
            &[0, 1],
            &classes(),
            &opts(),
            &meta(),
        )
        .unwrap();
        assert!(!far.contains("inf") && !far.contains("NaN"));
        assert_eq!(
            far.matches("r=\"3.5\"").count(),
            1,
            "the far point is left out"
        );
    }
}
