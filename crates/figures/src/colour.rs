//! Colour science for the palettes: sRGB ↔ CIELAB (D65), CIEDE2000 colour differences, and
//! Machado, Oliveira and Fernandes's (2009) simulation of colour-vision deficiency. Powers and
//! cube roots come from `libm`, so a palette computed here is the same on every machine.

/// A colour as 8-bit sRGB.
pub type Rgb = [u8; 3];

/// A colour in CIELAB (D65 white): lightness L*, then a* and b*.
pub type Lab = [f64; 3];

/// `#rrggbb` (or `#rgb`) as sRGB; anything else is `None`.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.strip_prefix('#')?;
    let byte = |i: usize, n: usize| u8::from_str_radix(h.get(i..i + n)?, 16).ok();
    match h.len() {
        6 => Some([byte(0, 2)?, byte(2, 2)?, byte(4, 2)?]),
        3 => Some([byte(0, 1)? * 17, byte(1, 1)? * 17, byte(2, 1)? * 17]),
        _ => None,
    }
}

/// sRGB as `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn to_linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        libm::pow((c + 0.055) / 1.055, 2.4)
    }
}

fn from_linear(c: f64) -> u8 {
    let c = c.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * libm::pow(c, 1.0 / 2.4) - 0.055
    };
    (s * 255.0).round().clamp(0.0, 255.0) as u8
}

const WHITE: [f64; 3] = [0.950_47, 1.0, 1.088_83];
const EPS: f64 = 216.0 / 24389.0;
const KAPPA: f64 = 24389.0 / 27.0;

/// Linear RGB (each in [0, 1]) to CIELAB.
fn lab_of_linear(l: [f64; 3]) -> Lab {
    let xyz = [
        0.412_456_4 * l[0] + 0.357_576_1 * l[1] + 0.180_437_5 * l[2],
        0.212_672_9 * l[0] + 0.715_152_2 * l[1] + 0.072_175 * l[2],
        0.019_333_9 * l[0] + 0.119_192 * l[1] + 0.950_304_1 * l[2],
    ];
    let f = |t: f64| {
        if t > EPS {
            libm::cbrt(t)
        } else {
            (KAPPA * t + 16.0) / 116.0
        }
    };
    let [fx, fy, fz] = [0, 1, 2].map(|i| f(xyz[i] / WHITE[i]));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// sRGB to CIELAB.
pub fn lab(c: Rgb) -> Lab {
    lab_of_linear(c.map(to_linear))
}

/// CIELAB to sRGB, clipping colours outside the gamut.
pub fn rgb(lab: Lab) -> Rgb {
    let fy = (lab[0] + 16.0) / 116.0;
    let fx = fy + lab[1] / 500.0;
    let fz = fy - lab[2] / 200.0;
    let inv = |f: f64| {
        let t = f * f * f;
        if t > EPS {
            t
        } else {
            (116.0 * f - 16.0) / KAPPA
        }
    };
    let [x, y, z] = [inv(fx) * WHITE[0], inv(fy) * WHITE[1], inv(fz) * WHITE[2]];
    [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266 * x + 1.876_010_8 * y + 0.041_556 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ]
    .map(from_linear)
}

/// The colour a fraction `t` of the way from `a` to `b`, interpolated in CIELAB so equal steps
/// look equal (a perceptually even ramp, unlike one in sRGB).
pub fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let (la, lb) = (lab(a), lab(b));
    rgb([0, 1, 2].map(|i| la[i] + (lb[i] - la[i]) * t))
}

/// A colour-vision deficiency, simulated at full severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deficiency {
    Protanopia,
    Deuteranopia,
    Tritanopia,
}

impl Deficiency {
    pub const ALL: [Deficiency; 3] = [
        Deficiency::Protanopia,
        Deficiency::Deuteranopia,
        Deficiency::Tritanopia,
    ];

    /// Machado et al. (2009), severity 1.0, applied to linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Deficiency::Protanopia => [
                [0.152_286, 1.052_583, -0.204_868],
                [0.114_503, 0.786_281, 0.099_216],
                [-0.003_882, -0.048_116, 1.051_998],
            ],
            Deficiency::Deuteranopia => [
                [0.367_322, 0.860_646, -0.227_968],
                [0.280_085, 0.672_501, 0.047_413],
                [-0.011_820, 0.042_940, 0.968_881],
            ],
            Deficiency::Tritanopia => [
                [1.255_528, -0.076_749, -0.178_779],
                [-0.078_411, 0.930_809, 0.147_602],
                [0.004_733, 0.691_367, 0.303_900],
            ],
        }
    }
}

/// The CIELAB colour a reader with `d` sees for `c`.
pub fn simulate(c: Rgb, d: Deficiency) -> Lab {
    let l = c.map(to_linear);
    let m = d.matrix();
    lab_of_linear(
        [0, 1, 2].map(|i| (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0)),
    )
}

/// The CIEDE2000 difference of two CIELAB colours (Sharma, Wu and Dalal's formulation).
pub fn ciede2000(a: Lab, b: Lab) -> f64 {
    let deg = |r: f64| r.to_degrees();
    let rad = |d: f64| d.to_radians();
    let (l1, a1, b1) = (a[0], a[1], a[2]);
    let (l2, a2, b2) = (b[0], b[1], b[2]);
    let c_bar = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
    let c7 = libm::pow(c_bar, 7.0);
    let g = 0.5 * (1.0 - (c7 / (c7 + libm::pow(25.0, 7.0))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            deg(libm::atan2(b, a)).rem_euclid(360.0)
        }
    };
    let (h1, h2) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2 - h1).abs() <= 180.0 {
        h2 - h1
    } else if h2 - h1 > 180.0 {
        h2 - h1 - 360.0
    } else {
        h2 - h1 + 360.0
    };
    let big_dh = 2.0 * (c1p * c2p).sqrt() * libm::sin(rad(dh / 2.0));
    let l_bar = (l1 + l2) / 2.0;
    let cp_bar = (c1p + c2p) / 2.0;
    let h_bar = if c1p * c2p == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let cos = |d: f64| libm::cos(rad(d));
    let t =
        1.0 - 0.17 * cos(h_bar - 30.0) + 0.24 * cos(2.0 * h_bar) + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
    let d_theta = 30.0 * libm::exp(-((h_bar - 275.0) / 25.0).powi(2));
    let cp7 = libm::pow(cp_bar, 7.0);
    let rc = 2.0 * (cp7 / (cp7 + libm::pow(25.0, 7.0))).sqrt();
    let sl = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cp_bar;
    let sh = 1.0 + 0.015 * cp_bar * t;
    let rt = -libm::sin(rad(2.0 * d_theta)) * rc;
    ((dl / sl).powi(2) + (dc / sc).powi(2) + (big_dh / sh).powi(2) + rt * (dc / sc) * (big_dh / sh))
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciede2000_matches_sharmas_test_data() {
        // Pairs 1, 7, 17 and 25 of Sharma, Wu and Dalal (2005), Table 1.
        let cases = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
        ];
        for (a, b, want) in cases {
            let got = ciede2000(a, b);
            assert!((got - want).abs() < 1e-4, "{a:?} {b:?}: {got} ≠ {want}");
            assert!((ciede2000(b, a) - want).abs() < 1e-4, "symmetric");
        }
    }

    #[test]
    fn lab_round_trips_and_knows_white() {
        let w = lab([255, 255, 255]);
        assert!((w[0] - 100.0).abs() < 1e-3 && w[1].abs() < 1e-2 && w[2].abs() < 1e-2);
        for c in [
            [0, 0, 0],
            [213, 94, 0],
            [0, 114, 178],
            [240, 228, 66],
            [17, 200, 250],
        ] {
            assert_eq!(rgb(lab(c)), c);
        }
        assert_eq!(parse_hex("#D55E00"), Some([213, 94, 0]));
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex("red"), None);
        assert_eq!(hex([213, 94, 0]), "#d55e00");
    }

    #[test]
    fn deuteranopes_confuse_red_and_green_but_not_blue_and_orange() {
        let d = |a, b, k| ciede2000(simulate(a, k), simulate(b, k));
        let (red, green) = ([205, 60, 60], [120, 130, 50]);
        assert!(d(red, green, Deficiency::Deuteranopia) < 10.0);
        assert!(ciede2000(lab(red), lab(green)) > 40.0);
        let (blue, orange) = ([0, 114, 178], [230, 159, 0]);
        for k in Deficiency::ALL {
            assert!(d(blue, orange, k) > 30.0, "{k:?}");
        }
    }
}
