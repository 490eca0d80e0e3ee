//! Image grids (MNIST digits): each image is a small grayscale PNG embedded in the SVG and
//! scaled up with crisp pixels, so a 28 × 28 digit costs a few hundred bytes, not 784 shapes.

use std::fmt::Write as _;

use super::style::FONT;
use super::svg::{escape_xml, finish, num};
use super::{FigureError, Meta};

/// One grayscale image: `width × height` values in [0, 1], row by row, and a caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<f32>,
    pub label: String,
}

/// Standard base64 (RFC 4648) with padding.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A PNG of the image, black on white (matplotlib's gray colormap: 0 black, 1 white).
fn png(img: &Gray) -> Result<Vec<u8>, FigureError> {
    let size = tiny_skia::IntSize::from_wh(img.width as u32, img.height as u32)
        .ok_or_else(|| FigureError("an image is empty".into()))?;
    let data: Vec<u8> = img
        .pixels
        .iter()
        .flat_map(|p| {
            let v = (p.clamp(0.0, 1.0) * 255.0).round() as u8;
            [v, v, v, 255]
        })
        .collect();
    let pixmap = tiny_skia::Pixmap::from_vec(data, size)
        .ok_or_else(|| FigureError("bad image size".into()))?;
    pixmap
        .encode_png()
        .map_err(|e| FigureError(format!("cannot encode an image: {e}")))
}

/// A grid of images, `columns` wide, each drawn `cell` pixels square with its label above.
pub fn image_grid(
    images: &[Gray],
    columns: usize,
    cell: f64,
    meta: &Meta,
) -> Result<String, FigureError> {
    if images.is_empty() || columns == 0 {
        return Err(FigureError("there are no images to show".into()));
    }
    for img in images {
        if img.width == 0 || img.height == 0 || img.pixels.len() != img.width * img.height {
            return Err(FigureError(
                "an image's pixels do not match its size".into(),
            ));
        }
        if img.pixels.iter().any(|p| !p.is_finite()) {
            return Err(FigureError("an image has a NaN pixel".into()));
        }
    }
    let rows = images.len().div_ceil(columns);
    let (gap, label_h) = (16.0, 22.0);
    let w = columns as f64 * (cell + gap) + gap;
    let h = rows as f64 * (cell + gap + label_h) + gap;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
        num(w),
        num(h)
    );
    let _ = writeln!(
        svg,
        "<g font-family=\"{FONT}\" font-size=\"14\" text-anchor=\"middle\">"
    );
    for (k, img) in images.iter().enumerate() {
        let (r, c) = (k / columns, k % columns);
        let x = gap + c as f64 * (cell + gap);
        let y = gap + r as f64 * (cell + gap + label_h);
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            num(x + cell / 2.0),
            num(y + 14.0),
            escape_xml(&img.label)
        );
        let _ = writeln!(
            svg,
            "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
            num(x),
            num(y + label_h),
            num(cell),
            num(cell),
            base64(&png(img)?)
        );
    }
    svg.push_str("</g>\n</svg>\n");
    Ok(finish(svg, meta, "", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn grid_of_embedded_images_renders() {
        let img = |label: &str, v: f32| Gray {
            width: 28,
            height: 28,
            pixels: (0..784)
                .map(|i| if i % 29 == 0 { v } else { 0.0 })
                .collect(),
            label: label.into(),
        };
        let svg = image_grid(
            &[img("5", 1.0), img("0", 0.5), img("4", 1.0), img("1", 0.2)],
            2,
            112.0,
            &Meta::default(),
        )
        .unwrap();
        assert_eq!(svg.matches("<image").count(), 4);
        assert!(svg.len() < 10_000, "{}", svg.len());
        // resvg draws the embedded PNGs: the diagonal of the first digit is white on black.
        let raster = crate::testing::render(&svg);
        let at = |x: u32, y: u32| raster.rgba()[((y * raster.width + x) * 4) as usize];
        assert_eq!(at(16 + 1, 16 + 22 + 1), 255, "diagonal pixel");
        assert_eq!(at(16 + 100, 16 + 22 + 2), 0, "background pixel");
        assert!(image_grid(&[], 2, 10.0, &Meta::default()).is_err());
    }
}
