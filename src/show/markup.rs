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

/// A figure's markup: an image of `file` (`figure.html`); `meta` gives the alt text when the
/// book gives no caption.
pub(super) fn figure(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    meta: &Meta,
) -> Markup {
    let figure = json!({
        "id": show.id,
        "number": number,
        "caption": caption(show),
        "src": file,
        "alt": caption_of(show).unwrap_or_else(|| meta.desc.clone()),
        "size": size(svg).map_or(Value::Null, |[w, h]| json!({"width": w, "height": h})),
        "source": {
            "code": highlight("yaml", &block.source),
            "experiment": block.id,
            "chapter": display_path(&ch.source),
            "engine": crate::engine::VERSION,
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

/// A table's markup (`table.html`).
pub(super) fn table(show: &Show, number: &str, t: &Table) -> Markup {
    Markup {
        template: "table.html",
        context: json!({ "table": {
            "id": show.id,
            "number": number,
            "caption": caption(show),
            "header": t.header,
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

#[cfg(test)]
mod tests {
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
