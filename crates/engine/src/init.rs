//! Weight initialisation as Keras does it: Glorot-uniform kernels, zero biases, drawn from a
//! seeded ChaCha8 stream so every machine gets the same numbers.

use ndarray::Array2;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;

/// A uniform f32 in [0, 1) from the top 24 bits of one u32 (exact in f32).
pub fn uniform01(rng: &mut ChaCha8Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Glorot-uniform: U(−l, l) with l = √(6 / (fan_in + fan_out)), filled row by row.
pub fn glorot_uniform(fan_in: usize, fan_out: usize, rng: &mut ChaCha8Rng) -> Array2<f32> {
    let limit = libm::sqrtf(6.0 / (fan_in + fan_out) as f32);
    Array2::from_shape_simple_fn((fan_in, fan_out), || (uniform01(rng) * 2.0 - 1.0) * limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;

    #[test]
    fn golden_values_and_limits() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let w = glorot_uniform(2, 3, &mut rng);
        let limit = (6.0f32 / 5.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit));
        // Pinned: a change in the RNG or the mapping changes every trained figure.
        let bits: Vec<u32> = w.iter().map(|v| v.to_bits()).collect();
        let again = glorot_uniform(2, 3, &mut ChaCha8Rng::seed_from_u64(0));
        assert_eq!(bits, again.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert_eq!(format!("{:.6}", w[[0, 0]]), GOLDEN_FIRST);
    }

    const GOLDEN_FIRST: &str = "0.338924";
}
