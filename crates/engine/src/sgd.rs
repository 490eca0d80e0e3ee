//! Stochastic gradient descent with optional momentum, as Keras writes it:
//! v ← μ·v − lr·g; θ ← θ + v (plain SGD when μ = 0).

use super::update::{Checked, update};

/// SGD settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    pub lr: f32,
    pub momentum: f32,
}

impl Sgd {
    /// Update one parameter tensor with its velocity (`spare`: any slice of the same length,
    /// unused).
    pub fn step(
        &self,
        param: &mut [f32],
        grad: &[f32],
        velocity: &mut [f32],
        spare: &mut [f32],
    ) -> Checked {
        let (lr, mu) = (self.lr, self.momentum);
        update(param, grad, velocity, spare, |p, g, vel, _| {
            for ((p, &g), v) in p.iter_mut().zip(g).zip(vel.iter_mut()) {
                if mu == 0.0 {
                    *p -= lr * g;
                } else {
                    *v = mu * *v - lr * g;
                    *p += *v;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_momentum_steps() {
        let (mut p, mut v, mut spare) = ([1.0f32], [0.0f32], [0.0f32]);
        Sgd {
            lr: 0.1,
            momentum: 0.0,
        }
        .step(&mut p, &[2.0], &mut v, &mut spare);
        assert!((p[0] - 0.8).abs() < 1e-7);
        let s = Sgd {
            lr: 0.1,
            momentum: 0.9,
        };
        s.step(&mut p, &[1.0], &mut v, &mut spare);
        let seen = s.step(&mut p, &[1.0], &mut v, &mut spare);
        assert!(seen.grads_finite && seen.params_finite);
        // v: −0.1, then −0.19; p: 0.8 − 0.1 − 0.19
        assert!((p[0] - 0.51).abs() < 1e-6 && (v[0] + 0.19).abs() < 1e-6);
        let bad = s.step(&mut p, &[f32::NAN], &mut v, &mut spare);
        assert!(!bad.grads_finite && !bad.params_finite);
    }
}
