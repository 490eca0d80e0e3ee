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
        s.push_str(&escape(&crate::content::caption_text(c)));
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
            "<figure class=\"nn-figure nn-anim\" id=\"{id}\" data-frame=\"{last}\">\n<div class=\"nn-anim-svg\">\n{svg}</div>\n<div class=\"nn-anim-controls\" hidden><button type=\"button\" class=\"nn-play\" aria-pressed=\"false\">Play</button><input type=\"range\" class=\"nn-scrubber\" min=\"0\" max=\"{last}\" value=\"{last}\" aria-label=\"Epoch shown in {number}\"><output class=\"nn-epoch\">Epoch {epoch}</output></div>\n<p class=\"nn-anim-files\">{gif}<a href=\"{file}\">SVG</a></p>\n<figcaption>{caption}</figcaption>\n</figure>\n{source}",
            id = escape(&show.id),
            last = frames - 1,
            number = escape(number),
            epoch = escape(last_epoch),
            file = escape(file),
            caption = caption_html(number, show.caption.as_deref()),
            source = source_html(ch, block)
        );
    }
    format!(
        "<figure class=\"nn-figure\" id=\"{}\">\n<img src=\"{}\" alt=\"{}\"{} loading=\"lazy\">\n<figcaption>{}</figcaption>\n</figure>\n{}",
        escape(&show.id),
        escape(file),
        escape(&alt),
        size_attrs(svg),
        caption_html(number, show.caption.as_deref()),
        source_html(ch, block)
    )
}

pub(super) fn table_html(show: &Show, number: &str, t: &Table) -> String {
    let mut s = format!(
        "<figure class=\"nn-table-figure\" id=\"{}\">\n<table class=\"nn-table\">\n<caption>{}</caption>\n<thead><tr>",
        escape(&show.id),
        caption_html(number, show.caption.as_deref())
    );
    for h in &t.header {
        s.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for cell in row {
            s.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</figure>\n");
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

#[cfg(test)]
mod tests {
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
