//! A correctly rounded natural logarithm for f64, in double-double arithmetic.
//!
//! NumPy's Gaussian calls the C library's `log`, which on Linux is accurate to about half an
//! ulp (so it almost always returns the correctly rounded value); the `libm` crate's `log` is
//! off by one ulp now and then, which would move a few of the articles' points by one bit.
//! Computing log(x) to ~100 bits and rounding once gives the correctly rounded result on every
//! platform.

/// (hi, lo) with hi + lo = a + b exactly.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// (hi, lo) with hi + lo = a · b exactly (via a fused multiply-add).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

#[derive(Clone, Copy)]
struct Dd(f64, f64);

impl Dd {
    fn add(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.0, o.0);
        let e = e + self.1 + o.1;
        let (h, l) = two_sum(s, e);
        Dd(h, l)
    }
    fn mul(self, o: Dd) -> Dd {
        let (p, e) = two_prod(self.0, o.0);
        let e = e + (self.0 * o.1 + self.1 * o.0);
        let (h, l) = two_sum(p, e);
        Dd(h, l)
    }
    fn div(self, o: Dd) -> Dd {
        let q1 = self.0 / o.0;
        let r = self.add(o.mul(Dd(-q1, 0.0)));
        let q2 = r.0 / o.0;
        let r = r.add(o.mul(Dd(-q2, 0.0)));
        let q3 = r.0 / o.0;
        let (h, l) = two_sum(q1, q2);
        Dd(h, l).add(Dd(q3, 0.0))
    }
}

/// ln 2 to double-double precision.
const LN2: Dd = Dd(std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);

/// Correctly rounded ln(x) for finite x > 0 (NaN for x ≤ 0 or NaN, ∞ for ∞).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // x = m · 2^e with m in [√½, √2).
    let (mut m, mut e) = frexp(x);
    if m < std::f64::consts::FRAC_1_SQRT_2 {
        m *= 2.0;
        e -= 1;
    }
    // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172.
    let num = Dd(m - 1.0, 0.0); // exact (Sterbenz)
    let (h, l) = two_sum(m, 1.0);
    let s = num.div(Dd(h, l));
    let s2 = s.mul(s);
    // Σ s^(2k)/(2k+1) by Horner, enough terms for ~2⁻¹⁰⁵.
    let mut sum = Dd(0.0, 0.0);
    for k in (0..24).rev() {
        let inv = Dd(1.0, 0.0).div(Dd((2 * k + 1) as f64, 0.0));
        sum = sum.mul(s2).add(inv);
    }
    let ln_m = s.mul(sum).mul(Dd(2.0, 0.0));
    let r = LN2.mul(Dd(f64::from(e), 0.0)).add(ln_m);
    r.0 + r.1
}

/// Mantissa in [0.5, 1) and exponent, also for subnormals.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_known_values() {
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(std::f64::consts::E), 1.0);
        assert_eq!(ln(2.0), std::f64::consts::LN_2);
        assert_eq!(ln(10.0), std::f64::consts::LN_10);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!((ln(1e-310) - libm::log(1e-310)).abs() < 1e-12);
        // Within half an ulp of libm's over a sweep (libm is within one ulp).
        let mut x = 1e-3;
        while x < 1.0 {
            let (a, b) = (ln(x), libm::log(x));
            assert!(
                (a - b).abs() <= 2.0 * f64::EPSILON * b.abs().max(1e-300),
                "{x}"
            );
            x *= 1.013;
        }
    }
}
