//! Network diagrams drawn from a model: one column of circles per layer, every connection as a
//! line, captions and activation names under the columns, an ellipsis for wide layers, and
//! optional numbers on edges (weights) and in nodes (values of a worked forward pass).

use std::fmt::Write as _;

use super::place::{Mark, Rect, best_spot, text_width};
use super::style::FONT;
use super::svg::{escape_xml, finish, num};
use super::{FigureError, Meta};

/// Drawn nodes of a layer before the rest is elided.
const MAX_SHOWN: usize = 7;

/// One column of the diagram.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Column {
    pub units: usize,
    /// Under the column, e.g. "Input" or "Hidden 1".
    pub caption: String,
    /// Under the caption, e.g. "ReLU".
    pub activation: Option<String>,
    /// Text inside each node (by unit index), e.g. "x1" or a value.
    pub node_labels: Vec<String>,
    /// A small PNG per node (by unit index): the unit's output over the input plane, drawn in
    /// place of the circle (TensorFlow Playground style).
    pub heatmaps: Vec<Vec<u8>>,
    /// The colour key the column's heatmaps share, drawn under its captions.
    pub key: Option<super::key::Key>,
}

/// Edge labels between column `c` and `c + 1`: `weights[c][i][j]` from unit i to unit j.
pub type EdgeLabels = Vec<Vec<Vec<String>>>;

/// Which units of a column are drawn (None marks the ellipsis). A node labelled "⋮" is an
/// ellipsis too, for diagrams of n generic inputs (x₁, x₂, ⋮, xₙ).
fn shown(col: &Column) -> Vec<Option<usize>> {
    let units = col.units;
    if col.node_labels.iter().any(|l| l == "⋮") {
        return (0..units)
            .map(|k| (col.node_labels.get(k).map(String::as_str) != Some("⋮")).then_some(k))
            .collect();
    }
    if units <= MAX_SHOWN {
        (0..units).map(Some).collect()
    } else {
        let mut v: Vec<Option<usize>> = (0..MAX_SHOWN - 2).map(Some).collect();
        v.push(None);
        v.push(Some(units - 1));
        v
    }
}

/// Node text size (px).
const NODE_TEXT: f64 = 15.0;

/// The radius every node circle gets: 21 px, or more when a label's text box (the width
/// estimate the overlap checks use) would reach past it, so worked values such as "−0.7311"
/// sit inside their circles. One radius for all keeps the columns even.
fn node_radius(columns: &[Column]) -> f64 {
    let widest = columns
        .iter()
        .flat_map(|c| {
            shown(c)
                .into_iter()
                .flatten()
                // A node drawn as a heatmap shows no label.
                .filter(|i| c.heatmaps.get(*i).is_none())
                .filter_map(|i| c.node_labels.get(i))
        })
        .map(|l| text_width(l, NODE_TEXT, false))
        .fold(0.0, f64::max);
    let half_h = 0.55 * NODE_TEXT;
    // The box's corners on the circle, plus 2 px so the stroke does not touch the glyphs.
    ((widest / 2.0).hypot(half_h) + 2.0).max(21.0).ceil()
}

/// Draw the network.
pub fn network(
    columns: &[Column],
    edges: Option<&EdgeLabels>,
    meta: &Meta,
) -> Result<String, FigureError> {
    if columns.is_empty() || columns.iter().any(|c| c.units == 0) {
        return Err(FigureError(
            "a network needs layers with at least one unit each".into(),
        ));
    }
    let r = node_radius(columns);
    // How far each column's texts reach either side of its centre: its caption (bold 15 px:
    // about 8.5 px a character, as Chromium draws DejaVu Sans Bold) and its colour key, whose
    // end labels reach past the ramp by half their width.
    let caption_half: Vec<f64> = columns
        .iter()
        .map(|c| c.caption.chars().count() as f64 * 8.5 / 2.0)
        .collect();
    let key_half: Vec<f64> = columns
        .iter()
        .map(|c| {
            c.key.map_or(0.0, |k| {
                let t = k.ticks();
                super::key::KEY_WIDTH / 2.0
                    + text_width(&t[0], 13.0, false).max(text_width(&t[2], 13.0, false)) / 2.0
            })
        })
        .collect();
    // Neighbouring columns far enough apart for their own captions and keys (a long caption
    // beside a short one needs less than twice its half), so a diagram is no wider than its
    // texts need and fits a phone where it can. Wider nodes keep their edges as long as 21 px
    // ones had, for the weights on them.
    let pairs = (1..columns.len())
        .map(|c| {
            (caption_half[c - 1] + caption_half[c] + 24.0).max(key_half[c - 1] + key_half[c] + 16.0)
        })
        .fold(0.0, f64::max);
    let col_gap = (if edges.is_some() { 190.0 } else { 150.0f64 }).max(pairs) + 2.0 * (r - 21.0);
    // Each side as wide as its column's texts need, 8-10 px clear of the edge; a caption's
    // half is measured at 9 px a character here, since wide capitals and brackets ("Output
    // (sigmoid)": 9.05 px) would otherwise come nearer than 6 px.
    let side = |c: usize| {
        let caption = columns[c].caption.chars().count() as f64 * 9.0 / 2.0;
        (caption + 10.0).max(key_half[c] + 8.0).max(60.0)
    };
    let (margin, right) = (side(0), side(columns.len() - 1));
    let row_gap = (2.0 * r + 20.0).max(62.0);
    let tallest = columns.iter().map(|c| shown(c).len()).max().unwrap_or(1) as f64;
    let width = margin + col_gap * (columns.len() as f64 - 1.0) + right;
    let body = row_gap * tallest;
    let keyed = columns.iter().any(|c| c.key.is_some());
    let height = body + 100.0 + if keyed { super::key::KEY_HEIGHT } else { 0.0 };
    let x_of = |c: usize| margin + col_gap * c as f64;
    let y_of = |c: usize, k: usize| {
        let n = shown(&columns[c]).len() as f64;
        20.0 + body / 2.0 - row_gap * (n - 1.0) / 2.0 + row_gap * k as f64 + r
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = num(width),
        h = num(height)
    );
    let mut edges_svg = String::from("<g stroke=\"#888888\" stroke-width=\"1.2\">\n");
    let mut edge_text = format!(
        "<g class=\"labels\" font-family=\"{FONT}\" font-size=\"13\" fill=\"#b00000\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n"
    );
    let mut pending = Vec::new();
    for c in 0..columns.len() - 1 {
        for (a, ua) in shown(&columns[c]).iter().enumerate() {
            for (b, ub) in shown(&columns[c + 1]).iter().enumerate() {
                let (x1, y1, x2, y2) = (x_of(c) + r, y_of(c, a), x_of(c + 1) - r, y_of(c + 1, b));
                if ua.is_none() || ub.is_none() {
                    continue;
                }
                let _ = writeln!(
                    edges_svg,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                    num(x1),
                    num(y1),
                    num(x2),
                    num(y2)
                );
                if let (Some(labels), Some(i), Some(j)) = (edges, ua, ub)
                    && let Some(text) = labels
                        .get(c)
                        .and_then(|m| m.get(*i))
                        .and_then(|row| row.get(*j))
                {
                    let sources = shown(&columns[c]).len();
                    pending.push((a, sources, (x1, y1), (x2, y2), text.clone()));
                }
            }
        }
    }
    // Nodes first, as marks the labels keep clear of.
    let mut marks = Vec::new();
    for (c, col) in columns.iter().enumerate() {
        for k in 0..shown(col).len() {
            marks.push(Mark {
                at: (x_of(c), y_of(c, k)),
                r: r + 6.0,
            });
        }
    }
    let bounds = Rect::new(0.0, 0.0, width, height);
    let mut placed: Vec<Rect> = Vec::new();
    for (a, sources, (x1, y1), (x2, y2), text) in pending {
        // Staggered along the edge by source: the first source's labels sit near it, where
        // its edges fan out; the last source's near the targets, where each target receives
        // one labelled edge. From there a label is nudged along its edge, nearest spot first,
        // until it clears the nodes and the labels already placed.
        let t0 = if sources < 2 {
            0.28
        } else {
            0.2 + 0.6 * a as f64 / (sources - 1) as f64
        };
        let mut spots = Vec::new();
        // Above the line, 9 px up, so the edge stays visible under the text; below it only
        // when no spot above is free.
        for lift in [-9.0, 9.0] {
            for step in 0..30 {
                let d = 0.03 * f64::from((step + 1) / 2);
                let t = if step % 2 == 1 { t0 + d } else { t0 - d };
                if (0.05..=0.95).contains(&t) {
                    spots.push((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t + lift));
                }
            }
        }
        let wh = (text_width(&text, 13.0, false), 13.0 * 1.1);
        let (x, y) = best_spot(&spots, wh, &marks, &placed, &bounds);
        placed.push(Rect::text(x, y, &text, 13.0, false, "middle"));
        let _ = writeln!(
            edge_text,
            "<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
            num(x),
            num(y),
            escape_xml(&text)
        );
    }
    edges_svg.push_str("</g>\n");
    edge_text.push_str("</g>\n");
    svg.push_str(&edges_svg);
    let mut nodes =
        format!("<g font-family=\"{FONT}\" font-size=\"{NODE_TEXT}\" text-anchor=\"middle\">\n");
    for (c, col) in columns.iter().enumerate() {
        for (k, unit) in shown(col).iter().enumerate() {
            let (x, y) = (x_of(c), y_of(c, k));
            match unit {
                None => {
                    let _ = writeln!(
                        nodes,
                        "<text x=\"{}\" y=\"{}\" dy=\"0.35em\" font-size=\"22\">⋮</text>",
                        num(x),
                        num(y)
                    );
                }
                Some(i) if col.heatmaps.get(*i).is_some() => {
                    let png = &col.heatmaps[*i];
                    let side = 2.0 * r + 8.0;
                    let _ = writeln!(
                        nodes,
                        "<image x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{2}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{3}\"/><rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{2}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>",
                        num(x - side / 2.0),
                        num(y - side / 2.0),
                        num(side),
                        super::images::base64(png)
                    );
                }
                Some(i) => {
                    let _ = writeln!(
                        nodes,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#e8f0fb\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>",
                        num(x),
                        num(y),
                        num(r)
                    );
                    if let Some(label) = col.node_labels.get(*i) {
                        let _ = writeln!(
                            nodes,
                            "<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>",
                            num(x),
                            num(y),
                            escape_xml(label)
                        );
                    }
                }
            }
        }
        let base = 20.0 + body + 30.0;
        let _ = writeln!(
            nodes,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            num(x_of(c)),
            num(base),
            escape_xml(&col.caption)
        );
        let mut under = match &col.activation {
            Some(a) => a.clone(),
            None => String::new(),
        };
        if col.units > MAX_SHOWN {
            under = if under.is_empty() {
                format!("{} units", col.units)
            } else {
                format!("{} units, {under}", col.units)
            };
        }
        if !under.is_empty() {
            let _ = writeln!(
                nodes,
                "<text x=\"{}\" y=\"{}\" fill=\"#555555\" font-size=\"15\">{}</text>",
                num(x_of(c)),
                num(base + 20.0),
                escape_xml(&under)
            );
        }
        if let Some(key) = col.key {
            nodes.push_str(&super::key::key_bar(x_of(c), base + 32.0, key)?);
        }
    }
    nodes.push_str("</g>\n");
    svg.push_str(&nodes);
    svg.push_str(&edge_text);
    svg.push_str("</svg>\n");
    Ok(finish(svg, meta, "", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(units: usize, caption: &str) -> Column {
        Column {
            units,
            caption: caption.into(),
            ..Column::default()
        }
    }

    #[test]
    fn nodes_edges_and_ellipsis() {
        let svg = network(
            &[col(2, "Input"), col(3, "Hidden"), col(1, "Output")],
            None,
            &Meta::default(),
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 6);
        assert_eq!(svg.matches("<line").count(), 2 * 3 + 3);
        assert!(svg.contains(">Hidden</text>") && svg.contains("<title"));
        let wide = network(
            &[col(784, "Input"), col(1000, "Hidden"), col(10, "Output")],
            None,
            &Meta::default(),
        )
        .unwrap();
        assert_eq!(
            wide.matches("<circle").count(),
            6 * 3,
            "six drawn nodes per elided layer"
        );
        assert!(wide.contains("784 units") && wide.contains("⋮"));
        assert!(network(&[col(0, "x")], None, &Meta::default()).is_err());
    }

    #[test]
    fn weights_and_values() {
        let mut input = col(2, "Input");
        input.node_labels = vec!["1".into(), "1".into()];
        let edges: EdgeLabels = vec![vec![
            vec!["0.8".into(), "0.4".into()],
            vec!["0.2".into(), "0.9".into()],
        ]];
        let mut hidden = col(2, "Hidden");
        hidden.node_labels = vec!["1".into(), "1.3".into()];
        let svg = network(&[input, hidden], Some(&edges), &Meta::default()).unwrap();
        for t in [">0.8</text>", ">0.9</text>", ">1.3</text>"] {
            assert!(svg.contains(t), "{t}");
        }
    }

    /// Every node's text box (the overlap checks' width estimate, 15 px) inside its circle.
    fn labels_outside_their_circles(svg: &str) -> Vec<String> {
        let attr = |tag: &str, name: &str| -> f64 {
            let key = format!(" {name}=\"");
            let i = tag.find(&key).expect(name) + key.len();
            tag[i..].split('"').next().unwrap().parse().unwrap()
        };
        let mut bad = Vec::new();
        let mut circle: Option<(f64, f64, f64)> = None;
        for line in svg.lines() {
            if line.starts_with("<circle") {
                circle = Some((attr(line, "cx"), attr(line, "cy"), attr(line, "r")));
            } else if let (Some((cx, cy, r)), true) = (circle, line.starts_with("<text")) {
                let text = line.split('>').nth(1).unwrap().trim_end_matches("</text");
                let b = Rect::text(
                    attr(line, "x"),
                    attr(line, "y"),
                    text,
                    NODE_TEXT,
                    false,
                    "middle",
                );
                let corners = [(b.x0, b.y0), (b.x1, b.y0), (b.x0, b.y1), (b.x1, b.y1)];
                if corners.iter().any(|&(x, y)| (x - cx).hypot(y - cy) > r) {
                    bad.push(format!("{text:?} in a circle of radius {r}"));
                }
                circle = None;
            } else {
                circle = None;
            }
        }
        bad
    }

    #[test]
    fn worked_values_fit_their_circles() {
        let mut input = col(2, "Input");
        input.node_labels = vec!["1".into(), "−0.5".into()];
        let mut hidden = col(3, "Hidden");
        hidden.node_labels = vec!["0.7311".into(), "−0.2689".into(), "12.25".into()];
        let mut out = col(1, "Output");
        out.node_labels = vec!["0.5".into()];
        let columns = [input, hidden, out];
        let svg = network(&columns, None, &Meta::default()).unwrap();
        assert_eq!(svg.matches("<circle").count(), 6);
        assert_eq!(labels_outside_their_circles(&svg), Vec::<String>::new());
        // The check catches these values in the 21 px circles drawn before.
        let r = node_radius(&columns);
        assert!(r > 21.0);
        let small = svg.replace(&format!(" r=\"{}\"", num(r)), " r=\"21\"");
        assert_eq!(labels_outside_their_circles(&small).len(), 3, "{small}");
        // Short labels keep the 21 px nodes.
        let mut plain = col(2, "Input");
        plain.node_labels = vec!["x1".into(), "x2".into()];
        assert_eq!(node_radius(&[plain]), 21.0);
    }

    /// The number in the first `name="…"` of `text` (the `<svg>` element's comes first).
    fn attr(text: &str, name: &str) -> f64 {
        let rest = text.split(&format!("{name}=\"")).nth(1).unwrap();
        rest.split('"').next().unwrap().parse().unwrap()
    }

    /// The text boxes of every colour key's labels stay 6 px inside the figure: an input key
    /// "−1.5" under the first column came within 2 px of the left edge.
    #[test]
    fn colour_key_labels_stay_inside_the_figure() {
        use super::super::key::Key;
        let keyed = |caption: &str, key: Key| Column {
            key: Some(key),
            ..col(2, caption)
        };
        for keys in [
            [Key::Signed(1.5), Key::Signed(1.0), Key::Probability],
            [Key::Signed(12.5), Key::Signed(0.04), Key::Signed(137.0)],
        ] {
            let cols = keys.map(|k| keyed("In", k));
            let svg = network(&cols, None, &Meta::default()).unwrap();
            let (w, h) = (attr(&svg, "width"), attr(&svg, "height"));
            let inside = Rect::new(6.0, 6.0, w - 12.0, h - 12.0);
            let mut seen = 0;
            for group in svg.split("<g class=\"colour-key\"").skip(1) {
                let group = group.split("</g>").next().unwrap();
                for text in group.split("<text ").skip(1) {
                    let label = text.split('>').nth(1).unwrap().split('<').next().unwrap();
                    let b = Rect::text(
                        attr(text, "x"),
                        attr(text, "y"),
                        label,
                        13.0,
                        false,
                        "middle",
                    );
                    assert!(b.within(&inside), "{label:?} at {b:?} leaves {inside:?}");
                    seen += 1;
                }
            }
            assert_eq!(seen, 9);
        }
    }

    /// Bagheri's Fig 1: a long caption beside a short one. The figure is as wide as the
    /// captions need (it was 613 px, wide enough to scroll on a phone and cut the right
    /// caption at the screen's edge), and each caption, at 9 px a character, stays 6 px inside.
    #[test]
    fn captions_stay_inside_a_figure_sized_to_them() {
        let captions = ["Inputs (weights w₁ … wₙ, bias w₀)", "z = w₀ + Σ wᵢxᵢ → ŷ"];
        let svg = network(
            &[col(4, captions[0]), col(1, captions[1])],
            None,
            &Meta::default(),
        )
        .unwrap();
        let width = attr(&svg, "width");
        assert!(width < 520.0, "{width}");
        for c in captions {
            let at = svg.find(&format!(">{c}</text>")).unwrap();
            let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
            let x = attr(tag, "x");
            let half = c.chars().count() as f64 * 9.0 / 2.0;
            assert!(
                x - half >= 6.0 && x + half <= width - 6.0,
                "{c}: {x} ± {half} in {width}"
            );
        }
    }
}
