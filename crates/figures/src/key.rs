//! A small horizontal colour key for a column of node heatmaps in a network diagram: the
//! mesh's ramp from `lo` (left) to `hi` (right) with three ticks. Every heatmap of the column
//! shares it, so a unit that barely moves looks pale next to one that swings widely.

use std::fmt::Write as _;

use super::FigureError;
use super::images::base64;
use super::mesh::{Field, png};
use super::style::{FONT, INK, LEVELS};
use super::svg::num;

/// What the colours of a column of heatmaps mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Key {
    /// Unit outputs from −m (the p = 0 end of the ramp) through 0 (white) to m.
    Signed(f64),
    /// An output probability, coloured as the probability meshes colour it.
    Probability,
}

/// Width of the ramp; the key's height below `top` (ramp, ticks, labels).
pub const KEY_WIDTH: f64 = 84.0;
pub const KEY_HEIGHT: f64 = 24.0;

fn tick(v: f64) -> String {
    let digits = if v.abs() >= 10.0 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    s.replace('-', "−")
}

impl Key {
    /// The key's three ticks, left to right.
    pub fn ticks(self) -> [String; 3] {
        match self {
            Key::Signed(m) => [tick(-m), "0".into(), tick(m)],
            Key::Probability => ["0".into(), "0.5".into(), "1".into()],
        }
    }
}

/// The key centred on `cx`, its ramp's top at `top`.
pub fn key_bar(cx: f64, top: f64, key: Key) -> Result<String, FigureError> {
    if let Key::Signed(m) = key
        && !(m.is_finite() && m > 0.0)
    {
        return Err(FigureError(
            "a heatmap's colour key needs a finite positive scale".into(),
        ));
    }
    let ramp = Field {
        nx: LEVELS + 1,
        ny: 1,
        x: [0.0, 1.0],
        y: [0.0, 1.0],
        p: (0..=LEVELS).map(|q| q as f64 / LEVELS as f64).collect(),
    };
    let (x0, h) = (cx - KEY_WIDTH / 2.0, 10.0);
    let mut out = format!(
        "<g class=\"colour-key\" font-family=\"{FONT}\" font-size=\"13\" fill=\"{INK}\" text-anchor=\"middle\">\n<image x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,{4}\"/>\n<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" fill=\"none\" stroke=\"#555555\"/>\n",
        num(x0),
        num(top),
        num(KEY_WIDTH),
        num(h),
        base64(&png(&ramp)?)
    );
    for (k, text) in key.ticks().iter().enumerate() {
        let x = x0 + KEY_WIDTH * k as f64 / 2.0;
        let _ = writeln!(
            out,
            "<path d=\"M{0} {1}v4\" stroke=\"#555555\"/><text x=\"{0}\" y=\"{2}\" dy=\"0.35em\">{3}</text>",
            num(x),
            num(top + h),
            num(top + h + 14.0),
            text
        );
    }
    out.push_str("</g>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_ramp() {
        assert_eq!(Key::Signed(0.973).ticks(), ["−0.97", "0", "0.97"]);
        assert_eq!(Key::Signed(3.0).ticks(), ["−3", "0", "3"]);
        assert_eq!(Key::Signed(12.4).ticks(), ["−12", "0", "12"]);
        assert_eq!(Key::Probability.ticks(), ["0", "0.5", "1"]);
        let svg = key_bar(100.0, 10.0, Key::Signed(2.5)).unwrap();
        assert!(svg.contains(">−2.5</text>") && svg.contains("data:image/png;base64,"));
        assert!(key_bar(0.0, 0.0, Key::Signed(0.0)).is_err());
        assert!(key_bar(0.0, 0.0, Key::Signed(f64::NAN)).is_err());
    }
}
