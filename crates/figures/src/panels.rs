//! Small multiples: complete panels (each a figure of its own kind) laid out in a grid inside
//! one SVG, with empty cells left blank and an optional title over the whole.

use std::fmt::Write as _;

use super::place::Swatch;
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
/// Marks the key shared by a grid's panels (after the last panel).
const KEY: &str = "<!--nn-key-->";

/// Whether an SVG split from a grid is its key rather than a panel.
pub fn is_key(svg: &str) -> bool {
    svg.starts_with("<svg class=\"nn-key\"")
}

/// The panels of a grid drawn by [`panel_grid`] as SVG documents of their own, in order, for a
/// page that lays them out itself (fewer per row on a narrow screen). None for a grid with a
/// title over its panels (the title belongs to the whole) or an SVG that is not a grid.
pub fn split(svg: &str) -> Option<Vec<String>> {
    let first = svg.find(PANEL)?;
    if svg[..first].contains("<text") {
        return None;
    }
    let key = svg.find(KEY);
    let end = key.or_else(|| svg.rfind("</svg>"))?;
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
    if let Some(at) = key {
        let part = svg.get(at + KEY.len()..svg.rfind("</svg>")?)?.trim_end();
        let rest = part.strip_prefix("<svg x=\"")?;
        let rest = rest.split_once("\" y=\"")?.1.split_once("\" ")?.1;
        out.push(format!("<svg {rest}\n"));
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
    panel_grid_keyed(panels, columns, title, &[], meta)
}

/// [`panel_grid`] with one key for the whole grid under it (panels drawn inside
/// [`super::place::legends_held`] share it), a panel wide and centred.
pub fn panel_grid_keyed(
    panels: &[Option<String>],
    columns: usize,
    title: Option<&str>,
    key: &[(Swatch, String)],
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
    let key = super::place::key(key, cell_w);
    let key_h = key.as_deref().and_then(size).map_or(0.0, |s| s.1);
    let (w, h) = (cell_w * columns as f64, head + cell_h * rows as f64 + key_h);
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
    if let Some(k) = key {
        let _ = write!(
            svg,
            "{KEY}<svg x=\"{}\" y=\"{}\" {}",
            num((w - cell_w) / 2.0),
            num(head + cell_h * rows as f64),
            k.strip_prefix("<svg ").unwrap_or(&k)
        );
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

    #[test]
    fn one_key_under_the_grid_split_off_last() {
        let p = || {
            Some(
                "<svg width=\"300\" height=\"50\" viewBox=\"0 0 300 50\"><rect/></svg>\n"
                    .to_string(),
            )
        };
        let key = [
            (Swatch::Dot("#d55e00".into()), "y=0".into()),
            (Swatch::Dot("#0072b2".into()), "y=1".into()),
        ];
        let svg = panel_grid_keyed(&[p(), p(), p()], 2, None, &key, &Meta::default()).unwrap();
        // Two rows of panels, then one row of key (28 px) under them, centred.
        assert!(
            svg.starts_with("<svg width=\"600\" height=\"128\""),
            "{svg}"
        );
        assert!(
            svg.contains("<svg x=\"150\" y=\"100\" class=\"nn-key\" width=\"300\""),
            "{svg}"
        );
        assert_eq!(svg.matches("class=\"legend\"").count(), 1);
        assert_eq!(svg.matches(">y=0</text>").count(), 1);
        let parts = split(&svg).unwrap();
        assert_eq!(parts.len(), 4);
        assert!(
            parts[..3]
                .iter()
                .all(|p| !is_key(p) && !p.contains("legend"))
        );
        assert!(is_key(&parts[3]), "{}", parts[3]);
        let img = crate::testing::render(&parts[3]);
        assert_eq!((img.width, img.height), (300, 28));
        // Without entries, no key.
        let plain = panel_grid_keyed(&[p()], 1, None, &[], &Meta::default()).unwrap();
        assert_eq!(
            plain,
            panel_grid(&[p()], 1, None, &Meta::default()).unwrap()
        );
    }
}
