//! Small multiples: complete panels (each a figure of its own kind) laid out in a grid inside
//! one SVG, with empty cells left blank and an optional title over the whole.

use std::fmt::Write as _;

use super::style::{FONT, INK};
use super::svg::{escape_xml, finish, num};
use super::{FigureError, Meta};

/// The width and height attributes of an SVG's root element.
fn size(svg: &str) -> Option<(f64, f64)> {
    let head = svg.split('>').next()?;
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
    };
    Some((attr("width")?, attr("height")?))
}

/// Marks each panel in a grid's SVG.
const PANEL: &str = "<!--nn-panel-->";

/// The panels of a grid drawn by [`panel_grid`] as SVG documents of their own, in order, for a
/// page that lays them out itself (fewer per row on a narrow screen). None for a grid with a
/// title over its panels (the title belongs to the whole) or an SVG that is not a grid.
pub fn split(svg: &str) -> Option<Vec<String>> {
    let first = svg.find(PANEL)?;
    if svg[..first].contains("<text") {
        return None;
    }
    let end = svg.rfind("</svg>")?;
    let marks: Vec<usize> = svg.match_indices(PANEL).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for (k, &at) in marks.iter().enumerate() {
        let stop = marks.get(k + 1).copied().unwrap_or(end);
        let part = svg.get(at + PANEL.len()..stop)?.trim_end();
        // `<svg x="…" y="…" ` placed it in the grid; on its own it starts at the origin.
        let rest = part.strip_prefix("<svg x=\"")?;
        let rest = rest.split_once("\" y=\"")?.1.split_once("\" ")?.1;
        let xmlns = if rest.split('>').next()?.contains("xmlns=") {
            ""
        } else {
            "xmlns=\"http://www.w3.org/2000/svg\" "
        };
        out.push(format!("<svg {xmlns}{rest}\n"));
    }
    Some(out)
}

/// Lay `panels` out row by row, `columns` per row (None: an empty cell).
pub fn panel_grid(
    panels: &[Option<String>],
    columns: usize,
    title: Option<&str>,
    meta: &Meta,
) -> Result<String, FigureError> {
    if columns == 0 || panels.iter().all(Option::is_none) {
        return Err(FigureError(
            "a grid of panels needs at least one panel".into(),
        ));
    }
    let sizes = panels
        .iter()
        .flatten()
        .map(|p| size(p).ok_or_else(|| FigureError("a panel has no size".into())))
        .collect::<Result<Vec<_>, _>>()?;
    let cell_w = sizes.iter().map(|s| s.0).fold(0.0, f64::max);
    let cell_h = sizes.iter().map(|s| s.1).fold(0.0, f64::max);
    let rows = panels.len().div_ceil(columns);
    let head = if title.is_some() { 36.0 } else { 0.0 };
    let (w, h) = (cell_w * columns as f64, head + cell_h * rows as f64);
    let mut svg = format!(
        "<svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#FFFFFF\"/>\n",
        num(w),
        num(h)
    );
    if let Some(t) = title {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"18\" fill=\"{INK}\">{}</text>",
            num(w / 2.0),
            escape_xml(t)
        );
    }
    for (k, panel) in panels.iter().enumerate() {
        let Some(p) = panel else { continue };
        let (x, y) = (
            cell_w * (k % columns) as f64,
            head + cell_h * (k / columns) as f64,
        );
        // A nested <svg> keeps the panel's own coordinates; its title and description stay
        // as the accessible names of the part.
        let body = p.strip_prefix("<svg ").unwrap_or(p);
        // The mark lets the page show the panels apart, to reflow them (see `split`).
        let _ = write!(svg, "{PANEL}<svg x=\"{}\" y=\"{}\" {body}", num(x), num(y));
        if !svg.ends_with('\n') {
            svg.push('\n');
        }
    }
    svg.push_str("</svg>\n");
    Ok(finish(svg, meta, "", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_panels_and_skips_empty_cells() {
        let p = |c: &str| {
            Some(format!(
                "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\"><rect fill=\"{c}\"/></svg>\n"
            ))
        };
        let meta = Meta {
            id: "g".into(),
            title: "t".into(),
            desc: "d".into(),
        };
        let svg = panel_grid(&[p("red"), None, p("blue")], 2, Some("A & B"), &meta).unwrap();
        assert!(
            svg.starts_with("<svg width=\"200\" height=\"136\""),
            "{svg}"
        );
        assert!(svg.contains("<svg x=\"0\" y=\"36\" width=\"100\""));
        assert!(
            svg.contains("<svg x=\"0\" y=\"86\" width=\"100\""),
            "third panel on row 2"
        );
        assert!(svg.contains("A &amp; B"));
        let img = crate::testing::render(&svg);
        assert_eq!((img.width, img.height), (200, 136));
        assert!(panel_grid(&[None], 2, None, &meta).is_err());
        assert!(panel_grid(&[p("red")], 0, None, &meta).is_err());
        // A title belongs to the whole grid: it is not split.
        assert_eq!(split(&svg), None);
    }

    #[test]
    fn splits_a_grid_into_its_panels() {
        let p = |c: &str| {
            Some(format!(
                "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\"><title>{c}</title><rect fill=\"{c}\"/></svg>\n"
            ))
        };
        let meta = Meta::default();
        let svg = panel_grid(&[p("red"), None, p("blue")], 2, None, &meta).unwrap();
        let parts = split(&svg).unwrap();
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(
            parts[1],
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\" viewBox=\"0 0 100 50\"><title>blue</title><rect fill=\"blue\"/></svg>\n"
        );
        for part in &parts {
            let img = crate::testing::render(part);
            assert_eq!((img.width, img.height), (100, 50));
        }
        assert_eq!(split("<svg width=\"1\" height=\"1\"></svg>"), None);
    }
}
