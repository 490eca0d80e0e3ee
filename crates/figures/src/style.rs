//! The book's look: class, region and mesh colours in two palettes, the font and the ink.
//!
//! `safe` (the default) reads the same for readers with any common colour-vision deficiency:
//! Okabe and Ito's colours for classes, light tints of them for regions, and a diverging mesh
//! ramp between the first two classes' tints interpolated in CIELAB. `article` keeps the
//! articles' matplotlib colours (INVENTORY §0) for a book that must look like its sources.

use std::cell::Cell;

use super::colour::{self, Rgb};

/// Which colours a figure is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Safe,
    Article,
}

impl Palette {
    pub const NAMES: [&'static str; 2] = ["safe", "article"];

    pub fn parse(s: &str) -> Option<Palette> {
        match s {
            "safe" => Some(Palette::Safe),
            "article" => Some(Palette::Article),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Palette::Safe => "safe",
            Palette::Article => "article",
        }
    }

    pub fn markers(self) -> &'static [&'static str; 4] {
        match self {
            // Okabe-Ito vermillion, blue, bluish green, orange.
            Palette::Safe => &["#d55e00", "#0072b2", "#009e73", "#e69f00"],
            // matplotlib's red, blue, green, orange.
            Palette::Article => &["#ff0000", "#0000ff", "#008000", "#ffa500"],
        }
    }

    pub fn regions(self) -> &'static [&'static str; 4] {
        match self {
            // Tints of the markers, chosen (by search, see the tests) so that every marker
            // stands out on its own region and the regions differ from each other.
            Palette::Safe => &["#edba91", "#90c1dd", "#e0f3ee", "#faedd0"],
            // lightsalmon, aqua, lightgreen, yellow.
            Palette::Article => &["#ffa07a", "#00ffff", "#90ee90", "#ffff00"],
        }
    }

    /// The ends and middle of the probability ramp: p = 0 (class 0), 0.5, p = 1 (class 1).
    fn ramp(self) -> [Rgb; 3] {
        match self {
            Palette::Safe => [[237, 186, 145], [247, 247, 247], [144, 193, 221]],
            // ColorBrewer RdBu's light ends.
            Palette::Article => [[244, 165, 130], [247, 247, 247], [146, 197, 222]],
        }
    }
}

thread_local! {
    static CURRENT: Cell<Palette> = const { Cell::new(Palette::Safe) };
}

/// Draw with `palette` inside `f`. A figure is drawn on one thread from start to end, so the
/// palette travels with it like the font does, without threading it through every kind.
pub fn with_palette<T>(palette: Palette, f: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|c| c.replace(palette));
    let out = f();
    CURRENT.with(|c| c.set(before));
    out
}

/// The palette figures on this thread are drawn with.
pub fn current() -> Palette {
    CURRENT.with(Cell::get)
}

/// matplotlib's default line colour.
pub const LINE: &str = "#1f77b4";
/// Text and axes.
pub const INK: &str = "#000000";
/// Font stack written into SVG text (the rasteriser maps it to the bundled DejaVu Sans).
pub const FONT: &str = "DejaVu Sans, sans-serif";

/// The colour of class `k` (cycling past the palette).
pub fn marker(k: usize) -> &'static str {
    let m = current().markers();
    m[k % m.len()]
}

/// The region colour of class `k`.
pub fn region(k: usize) -> &'static str {
    let r = current().regions();
    r[k % r.len()]
}

/// Levels of the quantised mesh ramp: smooth to the eye, and long runs for the PNG's deflate.
pub const LEVELS: usize = 48;

/// The mesh colour of a probability `p`: class 0's tint at 0, near-white at 0.5, class 1's
/// tint at 1, in `LEVELS` steps, each half even in CIELAB.
pub fn diverging(p: f64) -> Rgb {
    let q = (p.clamp(0.0, 1.0) * LEVELS as f64).round() as usize;
    ramp_table(current())[q.min(LEVELS)]
}

fn ramp_table(palette: Palette) -> &'static [Rgb; LEVELS + 1] {
    use std::sync::OnceLock;
    static TABLES: [OnceLock<[Rgb; LEVELS + 1]>; 2] = [OnceLock::new(), OnceLock::new()];
    TABLES[palette as usize].get_or_init(|| {
        let [low, mid, high] = palette.ramp();
        std::array::from_fn(|q| {
            let t = q as f64 / LEVELS as f64;
            if palette == Palette::Article {
                // The articles' ramp is linear in sRGB; kept so their figures stay as they were.
                let (a, b, s) = if t < 0.5 {
                    (low, mid, t * 2.0)
                } else {
                    (mid, high, t * 2.0 - 1.0)
                };
                return [0, 1, 2].map(|c| {
                    (f64::from(a[c]) + (f64::from(b[c]) - f64::from(a[c])) * s).round() as u8
                });
            }
            if t < 0.5 {
                colour::mix(low, mid, t * 2.0)
            } else {
                colour::mix(mid, high, t * 2.0 - 1.0)
            }
        })
    })
}

/// `n` colours for an ordered series (epochs, runs): evenly spaced along viridis from dark
/// purple to yellow-green, stopping short of the palest yellow so a thin line stays visible on
/// white. Viridis is perceptually uniform and reads in order under every common deficiency.
pub fn sequence(n: usize) -> Vec<String> {
    // Viridis at 0, 1/8, …, 1 (matplotlib's table).
    const STOPS: [Rgb; 9] = [
        [68, 1, 84],
        [71, 44, 122],
        [59, 81, 139],
        [44, 113, 142],
        [33, 144, 141],
        [39, 173, 129],
        [92, 200, 99],
        [170, 220, 50],
        [253, 231, 37],
    ];
    const END: f64 = 0.85;
    (0..n)
        .map(|k| {
            let t = if n < 2 {
                0.0
            } else {
                END * k as f64 / (n - 1) as f64
            };
            let x = t * 8.0;
            let i = (x.floor() as usize).min(7);
            colour::hex(colour::mix(STOPS[i], STOPS[i + 1], x - i as f64))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::colour::{Deficiency, ciede2000, parse_hex, simulate};
    use super::*;

    /// The smallest CIEDE2000 difference a reader can rely on between two class colours, or a
    /// class colour and a region: 10. One just-noticeable difference is about 2.3 for large
    /// patches side by side; Stone, Szafir and Setlur (2014, "An engineering model for color
    /// difference as a function of size") find that marks the size of our points (6–10 px,
    /// well under half a degree) need several times that to be told apart reliably, and a
    /// legend swatch is matched to points far from it. 10 is about four JNDs.
    const SAFE: f64 = 10.0;

    fn rgb(h: &str) -> Rgb {
        parse_hex(h).expect("palette colours are #rrggbb")
    }

    /// The smallest difference, over the three deficiencies and normal vision, between the
    /// marker pairs, each marker and its own region, and the region pairs.
    fn worst(p: Palette, classes: usize) -> (f64, f64, f64) {
        let m: Vec<Rgb> = p.markers()[..classes].iter().map(|h| rgb(h)).collect();
        let r: Vec<Rgb> = p.regions()[..classes].iter().map(|h| rgb(h)).collect();
        let (mut mm, mut mr, mut rr) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        let sees =
            |c: Rgb, d: Option<Deficiency>| d.map_or_else(|| colour::lab(c), |d| simulate(c, d));
        for d in [None].into_iter().chain(Deficiency::ALL.map(Some)) {
            let dist = |a: Rgb, b: Rgb| ciede2000(sees(a, d), sees(b, d));
            for i in 0..classes {
                mr = mr.min(dist(m[i], r[i]));
                for j in i + 1..classes {
                    mm = mm.min(dist(m[i], m[j]));
                    rr = rr.min(dist(r[i], r[j]));
                }
            }
        }
        (mm, mr, rr)
    }

    #[test]
    fn safe_palette_survives_every_colour_vision_deficiency() {
        for classes in 2..=4 {
            let (mm, mr, rr) = worst(Palette::Safe, classes);
            assert!(mm > SAFE, "{classes} classes: two markers {mm:.1} apart");
            assert!(
                mr > SAFE,
                "{classes} classes: a marker {mr:.1} from its region"
            );
            assert!(rr > SAFE, "{classes} classes: two regions {rr:.1} apart");
        }
    }

    #[test]
    fn article_palette_fails_the_same_check() {
        // The check can fail: matplotlib's red and green merge for protanopes, and
        // lightsalmon and lightgreen for deuteranopes (the "two olive tones").
        let (mm, _, rr) = worst(Palette::Article, 3);
        assert!(mm < SAFE && rr < SAFE, "{mm:.1} {rr:.1}");
    }

    #[test]
    fn mesh_ramp_ends_are_the_class_tints_and_stay_apart() {
        for p in [Palette::Safe, Palette::Article] {
            with_palette(p, || {
                assert_eq!(diverging(0.0), p.ramp()[0]);
                assert_eq!(diverging(0.5), p.ramp()[1]);
                assert_eq!(diverging(1.0), p.ramp()[2]);
                assert_eq!(diverging(f64::NAN.max(2.0)), p.ramp()[2]);
            });
        }
        with_palette(Palette::Safe, || {
            // Each end against the other, and each class's points on their own side.
            for d in Deficiency::ALL {
                let e = |a: Rgb, b: Rgb| ciede2000(simulate(a, d), simulate(b, d));
                assert!(e(diverging(0.0), diverging(1.0)) > SAFE, "{d:?}");
                assert!(e(rgb(marker(0)), diverging(0.0)) > SAFE, "{d:?}");
                assert!(e(rgb(marker(1)), diverging(1.0)) > SAFE, "{d:?}");
            }
            // Lightness falls steadily from the middle to each end: no band looks like an edge.
            let l: Vec<f64> = (0..=LEVELS)
                .map(|q| colour::lab(diverging(q as f64 / LEVELS as f64))[0])
                .collect();
            for q in 0..LEVELS / 2 {
                assert!(l[q] <= l[q + 1] + 1e-9 && l[LEVELS - q] <= l[LEVELS - q - 1] + 1e-9);
            }
        });
        assert_eq!(current(), Palette::Safe, "the palette is restored");
    }

    #[test]
    fn sequences_are_ordered_and_distinct() {
        let s = sequence(10);
        assert_eq!(s.len(), 10);
        assert_eq!(s[0], "#440154");
        let l: Vec<f64> = s.iter().map(|h| colour::lab(rgb(h))[0]).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "lightness rises: {l:?}");
        for d in Deficiency::ALL {
            for w in s.windows(2) {
                let e = ciede2000(simulate(rgb(&w[0]), d), simulate(rgb(&w[1]), d));
                assert!(
                    e > 3.0,
                    "{d:?}: neighbours {} and {} differ by {e:.1}",
                    w[0],
                    w[1]
                );
            }
        }
        assert_eq!(sequence(1).len(), 1);
        assert!(sequence(0).is_empty());
    }
}
