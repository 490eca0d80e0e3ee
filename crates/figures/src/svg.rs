//! SVG text helpers: escaping, fixed-precision numbers, and the accessibility post-process.

use super::Meta;

/// Escape text for SVG/XML content and attributes.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most two decimals, no trailing zeros and no `-0`.
pub fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A safe id fragment from a figure id.
pub fn id_of(meta: &Meta) -> String {
    let id: String = meta
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "nn-figure".into()
    } else {
        format!("nn-{id}")
    }
}

/// A black arrow from (x0, y0) to (x1, y1) in pixels, with a filled head of at most `head`
/// pixels. Empty for a zero-length arrow.
pub fn arrow(from: (f64, f64), to: (f64, f64), head: f64) -> String {
    let ((x0, y0), (x1, y1)) = (from, to);
    let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    if !len.is_finite() || len < 1e-6 {
        return String::new();
    }
    let (ux, uy) = ((x1 - x0) / len, (y1 - y0) / len);
    let head = head.min(len * 0.4);
    let (bx, by) = (x1 - ux * head, y1 - uy * head);
    let (qx, qy) = (-uy * head * 0.4, ux * head * 0.4);
    format!(
        "<path d=\"M{} {}L{} {}\" stroke=\"#000000\" stroke-width=\"2\" fill=\"none\"/><path d=\"M{} {}L{} {}L{} {}Z\" fill=\"#000000\" stroke=\"none\"/>\n",
        num(x0),
        num(y0),
        num(bx),
        num(by),
        num(x1),
        num(y1),
        num(bx + qx),
        num(by + qy),
        num(bx - qx),
        num(by - qy)
    )
}

/// An arrow's tail and tip in pixels, and its label.
pub type LabelledArrow<'a> = ((f64, f64), (f64, f64), &'a str);

/// Labels of arrows, placed clear of `marks`, `avoid` and each other within `bounds`, in
/// bold italic 13 px with a white halo: one `<g class="labels">`.
pub fn arrow_labels(
    arrows: &[LabelledArrow<'_>],
    marks: &[super::place::Mark],
    avoid: &[super::place::Rect],
    bounds: &super::place::Rect,
) -> String {
    use super::place::{Mark, Rect, along, arrow_label, text_width};
    if arrows.is_empty() {
        return String::new();
    }
    let mut keep: Vec<Mark> = marks.to_vec();
    for (from, to, _) in arrows {
        along(&[*from, *to], 1.5, &mut keep);
    }
    let mut placed: Vec<Rect> = avoid.to_vec();
    let mut out = format!(
        "<g class=\"labels\" font-family=\"{}\" font-size=\"13\" font-weight=\"bold\" font-style=\"italic\" text-anchor=\"middle\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\n",
        super::style::FONT,
        super::style::INK
    );
    for (from, to, text) in arrows {
        let wh = (text_width(text, 13.0, true), 13.0 * 1.1);
        let (x, y) = arrow_label(*from, *to, wh, &keep, &placed, bounds);
        placed.push(Rect::text(x, y, text, 13.0, true, "middle"));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" dy=\"0.35em\">{}</text>\n",
            num(x),
            num(y),
            escape_xml(text)
        ));
    }
    out.push_str("</g>\n");
    out
}

/// plotters' SVG made `extra` pixels wider on the right (room for a colour key or a legend):
/// the root's width and view box and the white background grow, the drawing stays put.
pub fn widen(svg: &str, extra: f64) -> String {
    grow(svg, extra, 0.0)
}

/// plotters' SVG made `extra` pixels taller at the bottom (room for a legend under the plot).
pub fn taller(svg: &str, extra: f64) -> String {
    grow(svg, 0.0, extra)
}

/// The root's width and height.
pub fn size_of(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let i = head.find(&format!(" {name}=\""))? + name.len() + 3;
        head[i..].split('"').next()?.parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

fn grow(svg: &str, dw: f64, dh: f64) -> String {
    let (Some(open_end), Some((w, h))) = (svg.find('>'), size_of(svg)) else {
        return svg.to_string();
    };
    let head = &svg[..open_end];
    let (nw, nh) = (num(w + dw), num(h + dh));
    let new_head = head
        .replacen(
            &format!(" width=\"{}\"", num(w)),
            &format!(" width=\"{nw}\""),
            1,
        )
        .replacen(
            &format!(" height=\"{}\"", num(h)),
            &format!(" height=\"{nh}\""),
            1,
        )
        .replacen(
            &format!("viewBox=\"0 0 {} {}\"", num(w), num(h)),
            &format!("viewBox=\"0 0 {nw} {nh}\""),
            1,
        );
    let rest = svg[open_end..].replacen(
        &format!(
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"",
            num(w),
            num(h)
        ),
        &format!("<rect x=\"0\" y=\"0\" width=\"{nw}\" height=\"{nh}\""),
        1,
    );
    new_head + &rest
}

/// Put `layers` just above the background (under the axes) and `overlay` on top, and add the
/// accessible name and description.
pub fn finish(svg: String, meta: &Meta, layers: &str, overlay: &str) -> String {
    let id = id_of(meta);
    let mut svg = round_font_sizes(&svg);
    // plotters starts with <svg …> and fills the background with one <rect/>.
    if let Some(bg_end) = svg
        .find("<rect")
        .and_then(|i| svg[i..].find("/>").map(|j| i + j + 3))
    {
        svg.insert_str(bg_end, layers);
    }
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, overlay);
    }
    if let Some(open_end) = svg.find('>') {
        let head = format!(
            " role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc",
            escape_xml(&meta.title),
            escape_xml(&meta.desc)
        );
        svg.insert_str(open_end, &head);
    }
    svg
}

/// plotters writes font sizes as size/1.24 with every digit; two decimals are plenty.
fn round_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        rest = &rest[i + KEY.len()..];
        let end = rest.find('"').unwrap_or(0);
        match rest[..end].parse::<f64>() {
            Ok(v) => out.push_str(&num(v)),
            Err(_) => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escaping() {
        assert_eq!(num(1.005), "1");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-2.71928), "-2.72");
        assert_eq!(
            escape_xml("</svg><script>\"'&"),
            "&lt;/svg&gt;&lt;script&gt;&quot;&apos;&amp;"
        );
    }

    #[test]
    fn finish_adds_title_and_desc() {
        let svg = "<svg width=\"1\" height=\"1\">\n<rect x=\"0\"/>\n</svg>\n".to_string();
        let meta = Meta {
            id: "a b".into(),
            title: "T<".into(),
            desc: "D".into(),
        };
        let out = finish(svg, &meta, "<g id=\"L\"/>", "<g id=\"O\"/>");
        assert!(out.starts_with("<svg width=\"1\" height=\"1\" role=\"img\" aria-labelledby=\"nn-a-b-title nn-a-b-desc\">\n<title id=\"nn-a-b-title\">T&lt;</title>"), "{out}");
        assert!(out.find("<g id=\"L\"/>").unwrap() < out.find("<g id=\"O\"/>").unwrap());
        assert!(out.find("<rect").unwrap() < out.find("<g id=\"L\"/>").unwrap());
    }
}
