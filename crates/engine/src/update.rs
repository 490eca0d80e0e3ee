//! Applying an optimizer's rule to every parameter of a tensor: element by element (so in
//! parallel for large tensors without changing any result), noting on the way whether any
//! gradient or updated parameter is NaN or infinite (divergence is found in the same pass).

use rayon::prelude::*;

use super::simd::multiversion;

/// What one update saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub grads_finite: bool,
    pub params_finite: bool,
}

impl Checked {
    /// Both checks of two updates.
    pub fn and(self, other: Checked) -> Checked {
        Checked {
            grads_finite: self.grads_finite && other.grads_finite,
            params_finite: self.params_finite && other.params_finite,
        }
    }
}

const CHUNK: usize = 1 << 14;

/// Apply `rule(params, grads, state1, state2)` to matching pieces of four slices of one
/// length (an optimizer without a second state passes any slice of that length).
pub fn update<F>(p: &mut [f32], g: &[f32], s1: &mut [f32], s2: &mut [f32], rule: F) -> Checked
where
    F: Fn(&mut [f32], &[f32], &mut [f32], &mut [f32]) + Sync,
{
    let run = |p: &mut [f32], g: &[f32], s1: &mut [f32], s2: &mut [f32]| {
        rule(p, g, s1, s2);
        check(p, g)
    };
    if p.len() < 2 * CHUNK {
        return run(p, g, s1, s2);
    }
    p.par_chunks_mut(CHUNK)
        .zip(g.par_chunks(CHUNK))
        .zip(s1.par_chunks_mut(CHUNK))
        .zip(s2.par_chunks_mut(CHUNK))
        .map(|(((p, g), s1), s2)| run(p, g, s1, s2))
        .reduce(
            || Checked {
                grads_finite: true,
                params_finite: true,
            },
            Checked::and,
        )
}

multiversion! {
    fn check(p: &[f32], g: &[f32]) -> Checked {
        Checked {
            grads_finite: g.iter().fold(true, |ok, v| ok & v.is_finite()),
            params_finite: p.iter().fold(true, |ok, v| ok & v.is_finite()),
        }
    }
}
