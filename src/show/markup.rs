//! Page markup of shown items: a figure (image or inline animation) with its caption and the
//! "How this figure was made" disclosure, and a table.

use crate::content::{Chapter, escape};
use crate::diag::display_path;
use crate::figures::Meta;
use crate::spec::{Block, FigureKind, Show, ShowKind};

use super::captions::caption_of;
use super::tables::Table;

pub(super) fn caption_html(number: &str, caption: Option<&str>) -> String {
    let mut s = format!("<span class=\"nn-number\">{}</span>", escape(number));
    if let Some(c) = caption {
        s.push(' ');
        // Checked in `make`: its math renders.
        let text = crate::content::caption_text(c);
        s.push_str(&crate::content::math::inline_html(&text).unwrap_or_else(|_| escape(&text)));
    }
    s
}

pub(super) fn source_html(ch: &Chapter, block: &Block) -> String {
    format!(
        "<details class=\"nn-source\"><summary>How this figure was made</summary>\n<pre><code class=\"language-yaml\">{}</code></pre>\n<p>Experiment <code>{}</code> in <code>{}</code>, trained by the nnbook engine {} at build time.</p></details>\n",
        crate::content::highlight("yaml", &block.source),
        escape(&block.id),
        escape(&display_path(&ch.source)),
        crate::engine::VERSION
    )
}

/// A figure's page markup. The "How this figure was made" disclosure follows the `<figure>`
/// rather than sitting in it: HTML wants the caption first or last among the figure's
/// children, and inside the caption its summary (and, once open, the whole block) would become
/// part of the figure's accessible name.
pub(super) fn figure_html(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    meta: &Meta,
) -> String {
    let alt = caption_of(show).unwrap_or_else(|| meta.desc.clone());
    if show.what == ShowKind::Figure(FigureKind::Evolution) {
        // Inline, so the page's script can drive the frames.
        let frames = svg.matches("class=\"nn-frame").count().max(1);
        let last_epoch = svg
            .rsplit("data-epoch=\"")
            .next()
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        let gif = if show.options.gif == Some(true) {
            format!("<a href=\"figures/{}.gif\">GIF</a> · ", escape(&show.id))
        } else {
            String::new()
        };
        return format!(
            "<figure class=\"nn-figure nn-anim{wide}\" id=\"{id}\"{least} data-frame=\"{last}\">\n<div class=\"nn-anim-svg\">\n{svg}</div>\n<div class=\"nn-anim-controls\" hidden><button type=\"button\" class=\"nn-play\" aria-pressed=\"false\">Play</button><input type=\"range\" class=\"nn-scrubber\" min=\"0\" max=\"{last}\" value=\"{last}\" aria-label=\"Epoch shown in {number}\"><output class=\"nn-epoch\">Epoch {epoch}</output></div>\n<p class=\"nn-anim-files\">{gif}<a href=\"{file}\">SVG</a></p>\n<figcaption>{caption}</figcaption>\n</figure>\n{source}",
            wide = wide_class(svg),
            least = least_width(svg),
            id = escape(&show.id),
            last = frames - 1,
            number = escape(number),
            epoch = escape(last_epoch),
            file = escape(file),
            caption = caption_html(number, show.caption.as_deref()),
            source = source_html(ch, block)
        );
    }
    // The drawing links to itself: a reader opens it full size (no script needed).
    format!(
        "<figure class=\"nn-figure{}\" id=\"{}\"{}>\n<a class=\"nn-zoom\" href=\"{}\"><img src=\"{}\" alt=\"{}\"{} loading=\"lazy\"></a>\n<figcaption>{}</figcaption>\n</figure>\n{}",
        wide_class(svg),
        escape(&show.id),
        least_width(svg),
        escape(file),
        escape(file),
        escape(&alt),
        size_attrs(svg),
        caption_html(number, show.caption.as_deref()),
        source_html(ch, block)
    )
}

/// A table under its caption. The caption is the figure's, outside the box that scrolls a
/// table wider than the column, so it stays in view; the table takes its name from it.
/// `note` ends the caption (e.g. what every row has in common).
pub(super) fn table_html(show: &Show, number: &str, t: &Table, note: &str) -> String {
    let mut caption = caption_html(number, show.caption.as_deref());
    if !note.is_empty() {
        caption.push(' ');
        caption.push_str(&escape(note));
    }
    let mut s = format!(
        "<figure class=\"nn-table-figure\" id=\"{id}\">\n<figcaption id=\"{id}-caption\">{caption}</figcaption>\n<div class=\"nn-scroll\">\n<table class=\"nn-table\" aria-labelledby=\"{id}-caption\">\n<thead><tr>",
        id = escape(&show.id),
    );
    for h in &t.header {
        let h = crate::content::math::inline_html(h).unwrap_or_else(|_| escape(h));
        s.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for cell in row {
            s.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</div>\n</figure>\n");
    s
}

/// `<img>` width and height from an SVG's root element, rounded: HTML wants whole pixels, and
/// they only reserve the space until the SVG is drawn. Empty when the SVG gives none.
pub(super) fn size_attrs(svg: &str) -> String {
    let head = svg.split('>').next().unwrap_or("");
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(f64::round)
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => format!(" width=\"{w}\" height=\"{h}\""),
        _ => String::new(),
    }
}

/// Drawings wider than this many CSS px take the page's wide layout (the text column and the
/// margin beside it) where there is one; narrower ones would only be shrunk in the column.
const WIDE: f64 = 640.0;

fn wide_class(svg: &str) -> &'static str {
    match svg_width(svg) {
        Some(w) if w > WIDE => " nn-wide",
        _ => "",
    }
}

/// Text on a page should not render below this many CSS px, on a phone either.
const LEAST_TEXT: f64 = 9.5;

/// For a drawing whose smallest text would drop below [`LEAST_TEXT`] if it were shrunk to a
/// phone's width, the width it needs (`--nn-least`): below that the page scrolls it sideways in
/// its own box rather than shrink it further. Empty for drawings that read well at any width.
fn least_width(svg: &str) -> String {
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
            format!(
                " style=\"--nn-least: {}px\"",
                (w * LEAST_TEXT / smallest).ceil()
            )
        }
        _ => String::new(),
    }
}

pub(super) fn svg_width(svg: &str) -> Option<f64> {
    let head = svg.split('>').next().unwrap_or("");
    head.find(" width=\"")
        .and_then(|i| head[i + 8..].split('"').next())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// A grid of panels: one `<img>` each in a box that reflows them (as many to a row as fit at
/// 85% of their drawn width or more), the whole a link to the full drawing, named by the
/// caption as one image.
#[allow(clippy::too_many_arguments)]
pub(super) fn panels_html(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    file: &str,
    svg: &str,
    panels: &[(String, Vec<u8>)],
    meta: &Meta,
) -> String {
    let alt = caption_of(show).unwrap_or_else(|| meta.desc.clone());
    let widest = panels
        .iter()
        .filter_map(|(_, p)| svg_width(&String::from_utf8_lossy(p)))
        .fold(0.0, f64::max);
    let imgs: String = panels
        .iter()
        .map(|(path, p)| {
            format!(
                "<img src=\"{}\" alt=\"\"{} loading=\"lazy\">",
                escape(path),
                size_attrs(&String::from_utf8_lossy(p))
            )
        })
        .collect();
    format!(
        "<figure class=\"nn-figure{}\" id=\"{}\">\n<a class=\"nn-zoom\" href=\"{}\"><span class=\"nn-panels\" role=\"img\" aria-label=\"{}\" style=\"--nn-panel: {}px\">{imgs}</span></a>\n<figcaption>{}</figcaption>\n</figure>\n{}",
        wide_class(svg),
        escape(&show.id),
        escape(file),
        escape(&alt),
        (widest * 0.85).round(),
        caption_html(number, show.caption.as_deref()),
        source_html(ch, block)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn drawings_too_wide_for_a_phone_keep_a_legible_width() {
        let svg = |w: u32, size: &str| {
            format!(
                r#"<svg width="{w}" height="100"><g font-size="{size}"><text>1</text></g><text style="font-size: 20px">2</text></svg>"#
            )
        };
        // 869 px wide with 12.9 px text: 9.5 px text needs 640 px.
        assert_eq!(
            super::least_width(&svg(869, "12.9")),
            r#" style="--nn-least: 640px""#
        );
        // 480 px wide with 13 px text reads at 9.5 px on any phone (351 px).
        assert_eq!(super::least_width(&svg(480, "13")), "");
        assert_eq!(super::least_width(r#"<svg width="900"><rect/></svg>"#), "");
    }

    #[test]
    fn wide_drawings_take_the_wide_layout() {
        assert_eq!(
            super::wide_class(r#"<svg width="869" height="498">"#),
            " nn-wide"
        );
        assert_eq!(super::wide_class(r#"<svg width="480" height="480">"#), "");
        assert_eq!(super::wide_class(r#"<svg viewBox="0 0 900 10">"#), "");
    }

    #[test]
    fn image_sizes_are_whole_pixels() {
        let size = |head: &str| super::size_attrs(&format!("{head}\n<title>x</title></svg>"));
        assert_eq!(
            size(r#"<svg width="454.5" height="300.2" viewBox="0 0 454.5 300.2">"#),
            r#" width="455" height="300""#
        );
        assert_eq!(
            size(r#"<svg width="570px" height="348">"#),
            r#" width="570" height="348""#
        );
        assert_eq!(size(r#"<svg width="100%" height="348">"#), "");
        assert_eq!(size(r#"<svg viewBox="0 0 1 1">"#), "");
    }
}
