//! exp and ln for f32 built only from correctly rounded IEEE operations (+, −, ×, ÷ and bit
//! manipulation; no fused multiply-add, which older CPUs would emulate slowly), so they give
//! the same bits on every CPU — like `libm`, but short enough to inline in the hot loops
//! (sigmoid, softmax, cross-entropy). Both stay within 2 ulp of libm (tested).

const LOG2E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split so that n·LN2_HI is exact for |n| < 2^15 (Cody and Waite).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// 1.5·2^23: adding and subtracting it rounds an f32 to the nearest integer (ties to even).
const ROUND: f32 = 12_582_912.0;

/// e^x. Written without early returns (special cases are selected at the end) so loops over
/// it vectorise; every lane computes exactly what the scalar code would.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // x = n·ln2 + r with |r| ≤ ln2/2, then e^r by its degree-7 Taylor polynomial.
    let xc = x.clamp(-103.972_08, 88.722_83);
    let t = xc * LOG2E + ROUND;
    let n = t - ROUND;
    // t = ROUND + n exactly, so n as an integer is the difference of the bit patterns (the
    // same value as `n as i32`, without a float-to-integer conversion).
    let ni = t.to_bits() as i32 - ROUND.to_bits() as i32;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    let mut p = 1.0 / 5040.0f32;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    let v = scale(p, ni);
    let v = if x > 88.722_83 { f32::INFINITY } else { v };
    let v = if x < -103.972_08 { 0.0 } else { v };
    if x.is_nan() { x } else { v }
}

/// 2^n as an f32, for −126 ≤ n ≤ 127.
#[inline(always)]
fn pow2(n: i32) -> f32 {
    f32::from_bits(((n.clamp(-126, 127) + 127) as u32) << 23)
}

/// p · 2^n, also when 2^n alone would underflow or overflow (n in −151..=128).
#[inline(always)]
fn scale(p: f32, n: i32) -> f32 {
    let big = p * pow2(127) * pow2(n - 127);
    let small = p * pow2(-126) * pow2(n + 126);
    let normal = p * pow2(n);
    if n > 127 {
        big
    } else if n < -126 {
        small
    } else {
        normal
    }
}

/// ln(x) for x > 0 (NaN below 0, −∞ at 0), without early returns (see [`exp`]).
#[inline(always)]
pub fn ln(x: f32) -> f32 {
    let mut bits = x.to_bits();
    let mut e = 0i32;
    if bits < 0x0080_0000 {
        // Subnormal: scale into the normal range first.
        bits = (x * 8_388_608.0).to_bits();
        e = -23;
    }
    // m in [√½, √2), x = m · 2^e.
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    e += ((bits >> 23) & 0xff) as i32 - 127;
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = 2.0 / 11.0f32;
    p = p * s2 + 2.0 / 9.0;
    p = p * s2 + 2.0 / 7.0;
    p = p * s2 + 2.0 / 5.0;
    p = p * s2 + 2.0 / 3.0;
    let ln_m = 2.0 * s + s * s2 * p;
    let ef = e as f32;
    let v = ef * LN2_HI + (ef * LN2_LO + ln_m);
    let v = if x.is_infinite() { x } else { v };
    let v = if x == 0.0 { f32::NEG_INFINITY } else { v };
    if x.is_nan() || x < 0.0 { f32::NAN } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f32, b: f32) -> u32 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    #[test]
    fn close_to_libm_everywhere() {
        let mut worst = (0, 0.0f32);
        let mut x = -103.0f32;
        while x < 88.7 {
            let u = ulps(exp(x), libm::expf(x));
            if u > worst.0 {
                worst = (u, x);
            }
            x += 0.0137;
        }
        assert!(worst.0 <= 2, "exp off by {} ulp at {}", worst.0, worst.1);
        let mut worst = (0, 0.0f32);
        let mut x = 1e-40f32;
        while x < 3e38 {
            let u = ulps(ln(x), libm::logf(x));
            if u > worst.0 {
                worst = (u, x);
            }
            x *= 1.0071;
        }
        assert!(worst.0 <= 2, "ln off by {} ulp at {}", worst.0, worst.1);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(100.0), f32::INFINITY);
        assert_eq!(exp(-200.0), 0.0);
        assert!(ln(-1.0).is_nan() && exp(f32::NAN).is_nan());
    }
}
