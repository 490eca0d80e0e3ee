//! Rasterising SVG (PNG, animated GIF, snapshot diffs) with resvg and the bundled
//! DejaVu Sans font, never system fonts, so pixels are the same on every machine.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The bundled font, registered for every generic family.
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        for set in [
            usvg::fontdb::Database::set_sans_serif_family,
            usvg::fontdb::Database::set_serif_family,
            usvg::fontdb::Database::set_monospace_family,
        ] {
            set(&mut db, "DejaVu Sans");
        }
        Arc::new(db)
    })
    .clone()
}

/// A rendered image: RGBA pixels, premultiplied as tiny-skia keeps them.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pixmap: tiny_skia::Pixmap,
}

impl Image {
    /// Encode as PNG.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        self.pixmap.encode_png().map_err(|e| e.to_string())
    }

    /// The RGBA bytes (premultiplied alpha).
    pub fn rgba(&self) -> &[u8] {
        self.pixmap.data()
    }
}

/// A picture of where two images differ: unchanged pixels faded, changed ones red. Images of
/// different sizes are compared on the larger canvas (outside one image counts as changed).
/// Returns the image and the number of changed pixels.
pub fn diff(old: &Image, new: &Image) -> Result<(Image, usize), String> {
    let (w, h) = (old.width.max(new.width), old.height.max(new.height));
    let px = |img: &Image, x: u32, y: u32| -> Option<[u8; 4]> {
        if x < img.width && y < img.height {
            let i = ((y * img.width + x) * 4) as usize;
            let d = img.rgba();
            Some([d[i], d[i + 1], d[i + 2], d[i + 3]])
        } else {
            None
        }
    };
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    let mut changed = 0;
    for y in 0..h {
        for x in 0..w {
            let (a, b) = (px(old, x, y), px(new, x, y));
            if a.is_some() && a == b {
                let [r, g, bl, _] = b.unwrap_or([255; 4]);
                let grey = ((u32::from(r) + u32::from(g) + u32::from(bl)) / 3) as u8;
                let faded = 255 - (255 - grey) / 4;
                data.extend_from_slice(&[faded, faded, faded, 255]);
            } else {
                changed += 1;
                data.extend_from_slice(&[255, 0, 0, 255]);
            }
        }
    }
    let size = tiny_skia::IntSize::from_wh(w, h).ok_or("empty image")?;
    let pixmap = tiny_skia::Pixmap::from_vec(data, size).ok_or("cannot build the diff image")?;
    Ok((
        Image {
            width: w,
            height: h,
            pixmap,
        },
        changed,
    ))
}

/// Render an SVG at `scale` × its own size on a white background.
pub fn render(svg: &str, scale: f32) -> Result<Image, String> {
    let opt = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("invalid SVG: {e}"))?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil(),
        (size.height() * scale).ceil(),
    );
    if !(1.0..=16384.0).contains(&w) || !(1.0..=16384.0).contains(&h) {
        return Err(format!("image size {w}×{h} is out of range"));
    }
    let (width, height) = (w as u32, h as u32);
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or("cannot allocate the image")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(Image {
        width,
        height,
        pixmap,
    })
}

/// An animated GIF of SVG frames, each shown `delay_cs` hundredths of a second (the last one
/// three times as long), looping forever.
pub fn gif(frames: &[String], scale: f32, delay_cs: u16) -> Result<Vec<u8>, String> {
    // Frames render independently; rayon keeps their order.
    let images = {
        use rayon::prelude::*;
        frames
            .par_iter()
            .map(|svg| render(svg, scale))
            .collect::<Result<Vec<_>, _>>()?
    };
    let Some(first) = images.first() else {
        return Err("an animation needs at least one frame".into());
    };
    let too_big = |v: u32| u16::try_from(v).map_err(|_| "the animation is too large".to_string());
    let (w, h) = (too_big(first.width)?, too_big(first.height)?);
    if images
        .iter()
        .any(|img| (img.width, img.height) != (first.width, first.height))
    {
        return Err("the animation's frames differ in size".into());
    }
    // One palette for all frames, learnt by NeuQuant from a sample of every frame's pixels
    // (fixed arithmetic, no randomness): the pastel probability colours stay true, and
    // unchanged areas keep the same indices from frame to frame, which LZW rewards.
    let sample: Vec<u8> = images
        .iter()
        .flat_map(|img| img.rgba().chunks_exact(4).step_by(7).flatten().copied())
        .collect();
    let quant = color_quant::NeuQuant::new(10, 255, &sample);
    let mut palette = quant.color_map_rgb();
    palette.resize(256 * 3, 0);
    // Index 255 is transparent: a pixel whose colour did not change since the previous frame
    // is left as it was, so the unchanged parts of a frame cost almost nothing.
    const SAME: u8 = 255;
    let mut previous: Option<Vec<u8>> = None;
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w, h, &palette).map_err(|e| e.to_string())?;
        enc.set_repeat(gif::Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        for (k, img) in images.iter().enumerate() {
            let indices: Vec<u8> = img
                .rgba()
                .chunks_exact(4)
                .map(|px| quant.index_of(px) as u8)
                .collect();
            let buffer = match &previous {
                Some(prev) => indices
                    .iter()
                    .zip(prev)
                    .map(|(&i, &p)| if i == p { SAME } else { i })
                    .collect(),
                None => indices.clone(),
            };
            previous = Some(indices);
            let frame = gif::Frame {
                transparent: Some(SAME),
                dispose: gif::DisposalMethod::Keep,
                width: w,
                height: h,
                delay: if k + 1 == images.len() {
                    delay_cs.saturating_mul(3)
                } else {
                    delay_cs
                },
                buffer: std::borrow::Cow::Owned(buffer),
                ..gif::Frame::default()
            };
            enc.write_frame(&frame).map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

/// Characters in an SVG's `<text>` elements that the bundled font cannot draw. Such a figure
/// would show empty boxes in its snapshot PNG and on machines without a fallback font.
pub fn missing_glyphs(svg: &str) -> Vec<char> {
    use skrifa::MetadataProvider;
    let Ok(font) = skrifa::FontRef::new(FONT) else {
        return Vec::new();
    };
    let charmap = font.charmap();
    let mut missing = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let body_end = rest.find("</text>").unwrap_or(rest.len());
        let body = rest.get(open_end + 1..body_end).unwrap_or("");
        let text = body
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        for c in text.chars() {
            if !c.is_whitespace() && charmap.map(c).is_none() && !missing.contains(&c) {
                missing.push(c);
            }
        }
        rest = &rest[body_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    missing
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_characters_the_font_lacks() {
        let svg = "<svg><text x=\"1\">σ(z) &amp; ŷ ⋮ x₁</text><text>漢 🙂</text></svg>";
        assert_eq!(super::missing_glyphs(svg), vec!['漢', '🙂']);
        assert!(super::missing_glyphs("<svg><text>plain</text></svg>").is_empty());
    }

    #[test]
    fn gif_of_two_frames() {
        let frame = |c: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect x="0" y="0" width="10" height="10" fill="{c}"/></svg>"##
            )
        };
        let bytes = super::gif(&[frame("#ff0000"), frame("#0000ff")], 1.0, 50).unwrap();
        assert!(bytes.starts_with(b"GIF89a"));
        let again = super::gif(&[frame("#ff0000"), frame("#0000ff")], 1.0, 50).unwrap();
        assert_eq!(bytes, again);
        let mut dec = gif::DecodeOptions::new();
        dec.set_color_output(gif::ColorOutput::RGBA);
        let mut d = dec.read_info(bytes.as_slice()).unwrap();
        let mut colours = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            colours.push(f.buffer[..4].to_vec());
        }
        // The first frame red; the second changes the left half to blue (palette colours are
        // learnt, so allow a unit of rounding).
        assert_eq!(colours[0], [255, 0, 0, 255]);
        assert!(colours[1][2] >= 250 && colours[1][0] < 5, "{colours:?}");
        assert!(super::gif(&[], 1.0, 50).is_err());
    }

    #[test]
    fn renders_shapes_and_text_with_the_bundled_font() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><rect x="0" y="0" width="30" height="30" fill="#ff0000"/><text x="32" y="20" font-family="sans-serif" font-size="14">Ag</text></svg>"##;
        let img = super::render(svg, 2.0).unwrap();
        assert_eq!((img.width, img.height), (120, 60));
        let px = |x: usize, y: usize| &img.rgba()[(y * 120 + x) * 4..(y * 120 + x) * 4 + 4];
        assert_eq!(px(10, 10), [255, 0, 0, 255]);
        // Text drew something dark right of the square.
        let dark = (0..60)
            .flat_map(|y| (64..120).map(move |x| (x, y)))
            .filter(|&(x, y)| px(x, y)[0] < 128)
            .count();
        assert!(dark > 20, "text was not drawn ({dark} dark pixels)");
        assert!(img.png().unwrap().starts_with(b"\x89PNG"));
        assert!(super::render("<svg", 1.0).is_err());
        let (same, n) = super::diff(&img, &img).unwrap();
        assert_eq!((n, same.width), (0, 120));
        let other = super::render(&svg.replace("#ff0000", "#00ff00"), 2.0).unwrap();
        let (d, n) = super::diff(&img, &other).unwrap();
        assert_eq!(n, 60 * 60, "the square changed colour");
        assert_eq!(&d.rgba()[..4], &[255, 0, 0, 255]);
    }
}
