//! Adam exactly as Keras 3 writes it: m ← m + (g − m)(1 − β1); v ← v + (g² − v)(1 − β2);
//! α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ); θ ← θ − α·m/(√v + ε). The ε is added to the uncorrected √v.

use super::simd::multiversion;
use super::update::{Checked, update};

/// Adam's settings (Keras defaults via [`Adam::keras`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adam {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
}

impl Adam {
    /// Keras's defaults with a learning rate.
    pub fn keras(lr: f32) -> Self {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
        }
    }

    /// The step size α at step `t` (1-based).
    pub fn alpha(&self, t: u32) -> f32 {
        let b1t = libm::powf(self.beta1, t as f32);
        let b2t = libm::powf(self.beta2, t as f32);
        self.lr * libm::sqrtf(1.0 - b2t) / (1.0 - b1t)
    }

    /// Update one parameter tensor with its moment estimates (slices of one length).
    pub fn step(
        &self,
        alpha: f32,
        param: &mut [f32],
        grad: &[f32],
        m: &mut [f32],
        v: &mut [f32],
    ) -> Checked {
        // Keras computes 1 − β with Python floats (f64) and rounds once to f32.
        let one_minus_b1 = (1.0 - f64::from(self.beta1)) as f32;
        let one_minus_b2 = (1.0 - f64::from(self.beta2)) as f32;
        let eps = self.epsilon;
        update(param, grad, m, v, |p, g, m, v| {
            adam_rule(p, g, m, v, [alpha, one_minus_b1, one_minus_b2, eps]);
        })
    }
}

multiversion! {
    fn adam_rule(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], k: [f32; 4]) {
        let [alpha, one_minus_b1, one_minus_b2, eps] = k;
        for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
            *m += (g - *m) * one_minus_b1;
            *v += (g * g - *v) * one_minus_b2;
            // IEEE square roots are correctly rounded: the same bits on every CPU.
            *p -= alpha * *m / (v.sqrt() + eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn first_step_by_hand() {
        // t = 1: m = 0.1·g, v = 0.001·g², α = lr·√0.001/0.1, so the step is
        // lr·√0.001/0.1 · 0.1g/(√0.001·|g| + ε) ≈ lr·sign(g).
        let adam = Adam::keras(0.001);
        let mut p = array![1.0f32, -2.0];
        let g = array![0.5f32, -4.0];
        let (mut m, mut v) = (array![0.0f32, 0.0], array![0.0f32, 0.0]);
        let seen = adam.step(
            adam.alpha(1),
            p.as_slice_mut().unwrap(),
            g.as_slice().unwrap(),
            m.as_slice_mut().unwrap(),
            v.as_slice_mut().unwrap(),
        );
        assert!(seen.grads_finite && seen.params_finite);
        assert!((m[0] - 0.05).abs() < 1e-6 && (v[0] - 0.00025).abs() < 1e-7);
        let expect0 =
            1.0 - 0.001 * (0.001f64.sqrt() / 0.1 * 0.05 / (0.00025f64.sqrt() + 1e-7)) as f32;
        assert!((p[0] - expect0).abs() < 1e-6, "{} vs {expect0}", p[0]);
        assert!((p[1] - (-2.0 + 0.001)).abs() < 1e-6);
    }
}
