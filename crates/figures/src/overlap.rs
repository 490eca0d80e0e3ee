//! For tests (here and `tests/books.rs`): reads a drawn figure back (its legend boxes, labels, points and curves) and
//! lists every overlap between two labels, a label and a legend or point, and a legend and
//! a point or curve. Text boxes use [`text_width`], the estimate the legends are sized with.

use super::place::Rect;

/// What was read from an SVG.
#[derive(Debug, Default)]
pub struct Read {
    pub legends: Vec<Rect>,
    pub labels: Vec<(String, Rect)>,
    /// Discs (points, nodes; curve vertices with radius 1).
    pub marks: Vec<((f64, f64), f64)>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(tag[i..].split('"').next()?.to_string())
}

fn num(tag: &str, name: &str) -> Option<f64> {
    attr(tag, name)?.parse().ok()
}

/// An open group's class, font size, boldness and text anchor.
type Group = (String, Option<f64>, Option<bool>, Option<String>);

/// Read the figure: groups carry `class`, font size, weight and anchor down to their texts.
pub fn read(svg: &str) -> Read {
    let mut out = Read::default();
    // Per open group: (class, font-size, bold, anchor).
    let mut stack: Vec<Group> = Vec::new();
    // Nested panels (`<svg x= y=>`) shift what they hold.
    let mut offsets: Vec<(f64, f64)> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let inherited = |f: &dyn Fn(&Group) -> bool| stack.iter().rev().any(f);
        let in_legend = inherited(&|g| g.0 == "legend");
        let in_labels = inherited(&|g| g.0 == "labels");
        let (ox, oy) = offsets
            .iter()
            .fold((0.0, 0.0), |a, o| (a.0 + o.0, a.1 + o.1));
        let num = |tag: &str, name: &str| {
            num(tag, name).map(|v| match name {
                "x" | "cx" => v + ox,
                "y" | "cy" => v + oy,
                _ => v,
            })
        };
        if tag.starts_with("<svg") {
            offsets.push((
                num(tag, "x").map_or(0.0, |v| v - ox),
                num(tag, "y").map_or(0.0, |v| v - oy),
            ));
        } else if tag.starts_with("</svg") {
            offsets.pop();
        } else if tag.starts_with("</g") {
            stack.pop();
        } else if tag.starts_with("<g") && !tag.ends_with("/>") {
            stack.push((
                attr(tag, "class").unwrap_or_default(),
                num(tag, "font-size"),
                attr(tag, "font-weight").map(|w| w == "bold"),
                attr(tag, "text-anchor"),
            ));
        } else if tag.starts_with("<rect") && in_legend {
            if let (Some(x), Some(y), Some(w), Some(h)) = (
                num(tag, "x"),
                num(tag, "y"),
                num(tag, "width"),
                num(tag, "height"),
            ) {
                out.legends.push(Rect::new(x, y, w, h));
            }
        } else if tag.starts_with("<circle") && !in_legend {
            if let (Some(x), Some(y), Some(r)) = (num(tag, "cx"), num(tag, "cy"), num(tag, "r")) {
                out.marks.push(((x, y), r));
            }
        } else if tag.starts_with("<image") && !in_legend {
            // A node heatmap of a network (50 px): its inscribed disc. Larger images are the
            // fields of meshes, which legends and labels necessarily sit on.
            if let (Some(x), Some(y), Some(w)) = (num(tag, "x"), num(tag, "y"), num(tag, "width"))
                && w <= 60.0
                && num(tag, "height") == Some(w)
            {
                out.marks.push(((x + w / 2.0, y + w / 2.0), w / 2.0));
            }
        } else if tag.starts_with("<polyline") && !in_legend {
            for p in attr(tag, "points").unwrap_or_default().split_whitespace() {
                if let Some((x, y)) = p.split_once(',')
                    && let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>())
                {
                    out.marks.push(((x + ox, y + oy), 1.0));
                }
            }
        } else if tag.starts_with("<text") && (in_legend || in_labels) {
            let body_end = rest[end..].find("</text>").map_or(end, |j| end + j);
            let body = rest[end..body_end].trim();
            let size = num(tag, "font-size")
                .or_else(|| stack.iter().rev().find_map(|g| g.1))
                .unwrap_or(16.0);
            let bold = attr(tag, "font-weight")
                .map(|w| w == "bold")
                .or_else(|| stack.iter().rev().find_map(|g| g.2))
                .unwrap_or(false);
            let anchor = attr(tag, "text-anchor")
                .or_else(|| stack.iter().rev().find_map(|g| g.3.clone()))
                .unwrap_or_else(|| "start".into());
            if let (Some(x), Some(y)) = (num(tag, "x"), num(tag, "y")) {
                let text = body
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">");
                let rect = Rect::text(x, y, &text, size, bold, &anchor);
                if in_legend {
                    out.legends.push(rect);
                } else {
                    out.labels.push((text, rect));
                }
            }
        }
        rest = &rest[end..];
    }
    out
}

/// Every overlap in a drawn figure, described; empty when nothing covers anything.
pub fn overlaps(svg: &str) -> Vec<String> {
    let r = read(svg);
    let mut found = Vec::new();
    for (i, (a, ra)) in r.labels.iter().enumerate() {
        for (b, rb) in &r.labels[i + 1..] {
            if ra.overlaps(rb) {
                found.push(format!("labels {a:?} and {b:?} overlap"));
            }
        }
        for l in &r.legends {
            if ra.overlaps(l) {
                found.push(format!("label {a:?} overlaps the legend"));
            }
        }
        for (p, rad) in &r.marks {
            if ra.hits(*p, *rad) {
                found.push(format!("label {a:?} covers a mark at {p:?}"));
            }
        }
    }
    for l in &r.legends {
        for (p, rad) in &r.marks {
            if l.hits(*p, *rad) {
                found.push(format!("the legend {l:?} covers a mark at {p:?}"));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_finds_what_covers_what() {
        let svg = "<svg><g class=\"legend\" font-size=\"13\"><rect x=\"0\" y=\"0\" width=\"50\" height=\"30\"/><text x=\"10\" y=\"10\">a</text></g>\n<circle cx=\"20\" cy=\"20\" r=\"3\"/><polyline points=\"200,200 300,300\"/>\n<g class=\"labels\" font-size=\"13\" text-anchor=\"middle\"><text x=\"200\" y=\"200\" dy=\"0.35em\">w1</text><text x=\"205\" y=\"203\">w2</text></g></svg>";
        let found = overlaps(svg);
        assert!(
            found
                .iter()
                .any(|f| f.contains("legend") && f.contains("(20.0, 20.0)"))
        );
        assert!(found.iter().any(|f| f.contains("\"w1\" and \"w2\"")));
        assert!(
            found
                .iter()
                .any(|f| f.contains("\"w1\" covers a mark at (200.0, 200.0)"))
        );
        assert_eq!(found.len(), 4, "{found:?}");
    }

    /// Three tight clusters with the weight-difference arrows of Bagheri's Fig 14 pointing
    /// into them, and a legend: the labels must find room next to their arrows.
    #[test]
    fn arrow_labels_pointing_into_clusters_find_room() {
        use crate::{Arrow, Class, ClassGrid, Meta, RegionOptions, decision_regions};
        let centres = [[-0.6, 1.2], [1.4, 0.3], [-0.6, -1.3]];
        let mut points = Vec::new();
        let mut class_of = Vec::new();
        for (k, c) in centres.iter().enumerate() {
            for i in 0..60 {
                let (a, r) = (i as f64 * 2.4, 0.05 + 0.4 * (i as f64 / 60.0).sqrt());
                points.push([c[0] + r * a.cos(), c[1] + r * a.sin()]);
                class_of.push(k);
            }
        }
        let classes: Vec<Class> = (1..=3)
            .map(|k| Class {
                name: format!("y={k}"),
                color: None,
            })
            .collect();
        let grid = ClassGrid {
            nx: 2,
            ny: 2,
            x0: -2.0,
            x1: 2.5,
            y0: -2.5,
            y1: 2.0,
            class: vec![0, 1, 2, 2],
        };
        let arrow = |to: [f64; 2], l: &str| Arrow {
            from: [0.0, 0.0],
            to,
            label: Some(l.into()),
        };
        let opts = RegionOptions {
            arrows: vec![
                arrow([-0.5, 1.1], "w3−w2"),
                arrow([1.2, 0.3], "w2−w1"),
                arrow([-0.5, -1.2], "w1−w3"),
            ],
            ..RegionOptions::default()
        };
        let svg = decision_regions(&grid, &points, &class_of, &classes, &opts, &Meta::default())
            .expect("drawn");
        assert_eq!(read(&svg).labels.len(), 3);
        assert_eq!(overlaps(&svg), Vec::<String>::new());
    }

    /// A worked forward pass: every edge of a 3-4-2 network labelled with its weight.
    #[test]
    fn edge_weights_of_a_worked_pass_stay_apart() {
        use crate::{Column, EdgeLabels, Meta, network};
        let col = |units: usize, caption: &str| Column {
            units,
            caption: caption.into(),
            node_labels: (0..units)
                .map(|k| format!("{:.2}", k as f64 * 0.37))
                .collect(),
            ..Column::default()
        };
        let w = |a: usize, b: usize| -> Vec<Vec<String>> {
            (0..a)
                .map(|i| {
                    (0..b)
                        .map(|j| format!("−{:.3}", (i * b + j) as f64 * 0.113))
                        .collect()
                })
                .collect()
        };
        let edges: EdgeLabels = vec![w(3, 4), w(4, 2)];
        let svg = network(
            &[col(3, "Input"), col(4, "Hidden"), col(2, "Output")],
            Some(&edges),
            &Meta::default(),
        )
        .expect("drawn");
        assert_eq!(read(&svg).labels.len(), 3 * 4 + 4 * 2);
        assert_eq!(overlaps(&svg), Vec::<String>::new());
    }

    /// Curves through every corner push the legend under the plot, clear of them.
    #[test]
    fn a_legend_with_no_free_corner_goes_under_the_plot() {
        use crate::{Line, Meta, PlotOptions, line_plot};
        let xs: Vec<f64> = (0..=40).map(|i| i as f64 / 40.0).collect();
        let line = |name: &str, f: &dyn Fn(f64) -> f64| Line {
            name: Some(name.into()),
            xs: xs.clone(),
            ys: xs.iter().map(|x| f(*x)).collect(),
            color: None,
            width: 2.0,
        };
        let svg = line_plot(
            &[line("rising", &|x| x), line("falling", &|x| 1.0 - x)],
            &[],
            &PlotOptions::default(),
            &Meta::default(),
        )
        .expect("drawn");
        let r = read(&svg);
        assert!(r.legends.iter().all(|l| l.y0 > 420.0), "{:?}", r.legends);
        assert_eq!(overlaps(&svg), Vec::<String>::new());
    }
}
