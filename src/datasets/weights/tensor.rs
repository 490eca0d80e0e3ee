//! A named tensor read from a weight file, and the float decodings both formats share.

/// One tensor as a file stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub name: String,
    /// The dtype as the file names it (`F32`, `<f8`), for messages.
    pub dtype: String,
    pub shape: Vec<usize>,
    /// Row-major values, or None for a dtype nnbook does not load (integers, booleans).
    pub values: Option<Vec<f64>>,
}

/// The floating-point encodings nnbook reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    F16,
    Bf16,
    F32,
    F64,
}

impl Float {
    pub fn size(self) -> usize {
        match self {
            Float::F16 | Float::Bf16 => 2,
            Float::F32 => 4,
            Float::F64 => 8,
        }
    }

    /// Decode `bytes` (a whole number of values, little- or big-endian) into f64.
    pub fn decode(self, bytes: &[u8], big_endian: bool) -> Vec<f64> {
        let n = self.size();
        bytes
            .chunks_exact(n)
            .map(|c| {
                let mut b = [0u8; 8];
                b[..n].copy_from_slice(c);
                if big_endian {
                    b[..n].reverse();
                }
                match self {
                    Float::F16 => f64::from(f16_to_f32(u16::from_le_bytes([b[0], b[1]]))),
                    Float::Bf16 => f64::from(f32::from_bits(
                        u32::from(u16::from_le_bytes([b[0], b[1]])) << 16,
                    )),
                    Float::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                    Float::F64 => f64::from_le_bytes(b),
                }
            })
            .collect()
    }
}

/// IEEE half precision to single (exact: every f16 is an f32).
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let frac = u32::from(h & 0x3ff);
    let bits = match (exp, frac) {
        (0, 0) => sign,
        // Subnormal: value = frac · 2^-24, exact in f32.
        (0, f) => {
            let v = f as f32 * 2f32.powi(-24);
            return if sign == 0 { v } else { -v };
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, f) => sign | 0x7f80_0000 | (f << 13),
        (e, f) => sign | ((e + 127 - 15) << 23) | (f << 13),
    };
    f32::from_bits(bits)
}

/// The number of values a shape holds, or None when it overflows.
pub fn numel(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, d| n.checked_mul(*d))
}

/// A shape as written in messages: `[4, 2]`.
pub fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("[{}]", dims.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_decode_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8001), -(2f32.powi(-24)));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(Float::Bf16.decode(&[0x80, 0x3f], false), vec![1.0]);
        assert_eq!(Float::F32.decode(&[0x3f, 0x80, 0, 0], true), vec![1.0]);
    }
}
