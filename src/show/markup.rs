//! Page markup of shown items, as a template of the theme and its context: a figure (an image,
//! or an animation inline) with its caption and the "How this figure was made" disclosure, a
//! table, and the notice in place of an item that could not be made. The theme renders them
//! (`figure.html`, `animation.html`, `figure-source.html`, `table.html`, `notice.html`), so a
//! book's theme can change them by name. Values are plain text (the template escapes them), but
//! for the inline SVG and the highlighted source, which are HTML.

use serde_json::{Value, json};

use crate::content::{Chapter, caption_text, highlight};
use crate::diag::display_path;
use crate::figures::Meta;
use crate::spec::{Block, Show};

use super::captions::caption_of;
use super::tables::Table;

/// What the search index needs of a shown item, read from the context its markup is made of
/// (never from the HTML a theme makes of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searchable {
    /// The figure's or table's id; None for a notice, whose text is the section's.
    pub id: Option<String>,
    /// The numbered caption as the page reads it (math left out); a table's note ends it.
    pub title: String,
    /// A table's header and cells; a notice's number, reason and help.
    pub text: String,
}

impl Markup {
    pub fn searchable(&self) -> Searchable {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let prose = |v: &Value| crate::content::math::inline_prose(v.as_str().unwrap_or_default());
        let title = |item: &Value, note: &Value| {
            let words = [s(&item["number"]), prose(&item["caption"]), s(note)];
            crate::content::outline::collapse(&words.join(" "))
        };
        let join = |parts: Vec<String>| parts.join(" ");
        let c = &self.context;
        if c["table"].is_object() {
            let t = &c["table"];
            let cells = |v: &Value| v.as_array().cloned().unwrap_or_default();
            let mut text: Vec<String> = cells(&t["header"]).iter().map(prose).collect();
            for row in cells(&t["rows"]) {
                text.extend(cells(&row).iter().map(s));
            }
            Searchable {
                id: Some(s(&t["id"])),
                title: title(t, &t["note"]),
                text: join(text),
            }
        } else if c["figure"].is_object() {
            let f = &c["figure"];
            Searchable {
                id: Some(s(&f["id"])),
                title: title(f, &Value::Null),
                text: String::new(),
            }
        } else {
            let n = &c["notice"];
            Searchable {
                id: None,
                title: String::new(),
                text: join(vec![s(&n["number"]), s(&n["reason"]), s(&n["help"])]),
            }
        }
    }
}

/// A template of the theme and the context it is rendered with.
#[derive(Debug, Clone, PartialEq)]
pub struct Markup {
    pub template: &'static str,
    pub context: Value,
}

/// What an animated figure's controls need: its frame count and the last frame's epoch, which
/// the page shows until the reader plays or scrubs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Animation {
    pub frames: usize,
    pub last_epoch: usize,
    /// Whether a GIF of the frames is written next to the SVG.
    pub gif: bool,
}

/// The caption as written, escapes such as `\@` resolved; null when the book gives none.
fn caption(show: &Show) -> Value {
    show.caption
        .as_deref()
        .map_or(Value::Null, |c| caption_text(c).into())
}

/// Text as HTML with its `$…$` math rendered (a caption's math is checked in `make`).
fn with_math(text: &str) -> String {
    crate::content::math::inline_html(text).unwrap_or_else(|_| crate::content::escape(text))
}

/// The caption as HTML, its math rendered; null when the book gives none.
fn caption_html(show: &Show) -> Value {
    show.caption
        .as_deref()
        .map_or(Value::Null, |c| with_math(&caption_text(c)).into())
}

/// A figure's markup: an image of `file`, or one per panel (`figure.html`); `meta` gives the
/// alt text when the book gives no caption.
#[allow(clippy::too_many_arguments)]
pub(super) fn figure(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    panels: &[(String, Vec<u8>)],
    meta: &Meta,
    made: super::Made,
) -> Markup {
    let panel_sizes: Vec<Option<[u64; 2]>> = panels
        .iter()
        .map(|(_, p)| size(&String::from_utf8_lossy(p)))
        .collect();
    let widest = panels
        .iter()
        .filter_map(|(_, p)| svg_width(&String::from_utf8_lossy(p)))
        .fold(0.0, f64::max);
    // The width below which the drawing, or each of its panels, would print text too small.
    let least = if panels.is_empty() {
        least_width(svg)
    } else {
        panels
            .iter()
            .filter_map(|(_, p)| least_width(&String::from_utf8_lossy(p)))
            .max()
    };
    let panels: Vec<Value> = panels
        .iter()
        .zip(&panel_sizes)
        .map(|((src, bytes), sz)| {
            json!({
                "src": src,
                "size": sz.map_or(Value::Null, |[w, h]| json!({"width": w, "height": h})),
                // The key the panels share takes a row of its own.
                "key": crate::figures::is_key(&String::from_utf8_lossy(bytes)),
            })
        })
        .collect();
    let figure = json!({
        "id": show.id,
        "number": number,
        "caption": caption(show),
        "caption_html": caption_html(show),
        "wide": is_wide(svg),
        "least": least.map_or(Value::Null, Value::from),
        // A grid of panels reflows them, as many to a row as fit at 85% of their drawn width.
        "panels": panels,
        "panel_width": whole(widest * 0.85),
        "src": file,
        "alt": caption_of(show).unwrap_or_else(|| meta.desc.clone()),
        "size": size(svg).map_or(Value::Null, |[w, h]| json!({"width": w, "height": h})),
        "source": {
            "code": highlight("yaml", &block.source),
            "experiment": block.id,
            "chapter": display_path(&ch.source),
            "engine": crate::engine::VERSION,
            "made": made.name(),
        },
    });
    Markup {
        template: "figure.html",
        context: json!({ "figure": figure }),
    }
}

/// An animated figure's markup (`animation.html`): the figure's, with its SVG inline so the
/// page's script can drive the frames.
pub(super) fn animated(figure: Markup, show: &Show, svg: &str, a: Animation) -> Markup {
    let mut context = figure.context;
    let f = &mut context["figure"];
    f["svg"] = svg.into();
    // The scrubber's range: one step per frame, starting on the last.
    f["last_frame"] = a.frames.max(1).saturating_sub(1).into();
    f["last_epoch"] = a.last_epoch.into();
    f["gif"] = if a.gif {
        format!("figures/{}.gif", show.id).into()
    } else {
        Value::Null
    };
    Markup {
        template: "animation.html",
        context,
    }
}

/// A table's markup (`table.html`). `note` ends the caption (e.g. what every row has in
/// common); the caption and the header cells come as text and as HTML with their math
/// rendered.
pub(super) fn table(show: &Show, number: &str, t: &Table, note: &str) -> Markup {
    let header_html: Vec<String> = t.header.iter().map(|h| with_math(h)).collect();
    Markup {
        template: "table.html",
        context: json!({ "table": {
            "id": show.id,
            "number": number,
            "caption": caption(show),
            "caption_html": caption_html(show),
            "note": note,
            "header": t.header,
            "header_html": header_html,
            "rows": t.rows,
        }}),
    }
}

/// The notice in place of an item that could not be made (`notice.html`).
pub(super) fn notice(show: &Show, number: &str, reason: &str, help: &str) -> Markup {
    Markup {
        template: "notice.html",
        context: json!({ "notice": {
            "id": show.id,
            "number": number,
            "reason": reason,
            "help": help,
        }}),
    }
}

/// `<img>` width and height from an SVG's root element, rounded: HTML wants whole pixels, and
/// they only reserve the space until the SVG is drawn. None when the SVG gives none.
fn size(svg: &str) -> Option<[u64; 2]> {
    let head = svg.split('>').next().unwrap_or("");
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            // Whole, non-negative and finite: the cast only drops the ".0".
            .map(|v| v.round() as u64)
    };
    Some([attr("width")?, attr("height")?])
}

/// A non-negative finite value as a whole number (for a CSS pixel length).
fn whole(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        // Finite and positive: the cast only drops the fraction.
        v.round() as u64
    } else {
        0
    }
}

/// Drawings wider than this many CSS px take the page's wide layout (the text column and the
/// margin beside it) where there is one; narrower ones would only be shrunk in the column.
const WIDE: f64 = 640.0;

fn is_wide(svg: &str) -> bool {
    svg_width(svg).is_some_and(|w| w > WIDE)
}

/// Text on a page should not render below this many CSS px, on a phone either.
const LEAST_TEXT: f64 = 9.5;

/// For a drawing whose smallest text would drop below [`LEAST_TEXT`] if it were shrunk to a
/// phone's width, the width it needs (`--nn-least`): below that the page scrolls it sideways in
/// its own box rather than shrink it further. None for drawings that read well at any width.
fn least_width(svg: &str) -> Option<u64> {
    let smallest = svg
        .split("font-size")
        .skip(1)
        .filter_map(|rest| {
            let v = rest.trim_start_matches(['=', ':', '"', ' ']);
            let end = v
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(v.len());
            v[..end].parse::<f64>().ok()
        })
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    match svg_width(svg) {
        Some(w) if smallest.is_finite() && w * LEAST_TEXT / smallest > 360.0 => {
            Some(whole((w * LEAST_TEXT / smallest).ceil()))
        }
        _ => None,
    }
}

/// The width of an SVG's root element in CSS px.
fn svg_width(svg: &str) -> Option<f64> {
    let head = svg.split('>').next().unwrap_or("");
    head.find(" width=\"")
        .and_then(|i| head[i + 8..].split('"').next())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn search_reads_the_context_with_math_left_out() {
        let table = super::Markup {
            template: "table.html",
            context: json!({"table": {"id": "t", "number": "Table 1.1",
                "caption": "Loss $\\ell$ by epoch", "note": "(lr 0.1)",
                "header": ["epoch", "$\\ell$ loss"], "rows": [["1", "0.5"]]}}),
        };
        let s = table.searchable();
        assert_eq!(s.id.as_deref(), Some("t"));
        assert_eq!(s.title, "Table 1.1 Loss by epoch (lr 0.1)");
        assert_eq!(s.text, "epoch  loss 1 0.5");
        let figure = super::Markup {
            template: "figure.html",
            context: json!({"figure": {"id": "f", "number": "Figure 1.3", "caption": null}}),
        };
        assert_eq!(figure.searchable().title, "Figure 1.3");
        let notice = super::Markup {
            template: "notice.html",
            context: json!({"notice": {"id": "n", "number": "Figure 1.2", "reason": "gone",
                "help": "add it"}}),
        };
        let s = notice.searchable();
        assert_eq!((s.id, s.text.as_str()), (None, "Figure 1.2 gone add it"));
    }

    #[test]
    fn drawings_too_wide_for_a_phone_keep_a_legible_width() {
        let svg = |w: u32, size: &str| {
            format!(
                r#"<svg width="{w}" height="100"><g font-size="{size}"><text>1</text></g><text style="font-size: 20px">2</text></svg>"#
            )
        };
        // 869 px wide with 12.9 px text: 9.5 px text needs 640 px.
        assert_eq!(super::least_width(&svg(869, "12.9")), Some(640));
        // 480 px wide with 13 px text reads at 9.5 px on any phone (351 px).
        assert_eq!(super::least_width(&svg(480, "13")), None);
        assert_eq!(
            super::least_width(r#"<svg width="900"><rect/></svg>"#),
            None
        );
    }

    #[test]
    fn wide_drawings_take_the_wide_layout() {
        assert!(super::is_wide(r#"<svg width="869" height="498">"#));
        assert!(!super::is_wide(r#"<svg width="480" height="480">"#));
        assert!(!super::is_wide(r#"<svg viewBox="0 0 900 10">"#));
    }

    #[test]
    fn image_sizes_are_whole_pixels() {
        let size = |head: &str| super::size(&format!("{head}\n<title>x</title></svg>"));
        assert_eq!(
            size(r#"<svg width="454.5" height="300.2" viewBox="0 0 454.5 300.2">"#),
            Some([455, 300])
        );
        assert_eq!(
            size(r#"<svg width="570px" height="348">"#),
            Some([570, 348])
        );
        assert_eq!(size(r#"<svg width="100%" height="348">"#), None);
        assert_eq!(size(r#"<svg viewBox="0 0 1 1">"#), None);
    }
}
