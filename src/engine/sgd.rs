//! Stochastic gradient descent with optional momentum, as Keras writes it:
//! v ← μ·v − lr·g; θ ← θ + v (plain SGD when μ = 0).

use ndarray::{ArrayView, ArrayViewMut, Dimension, Zip};

/// SGD settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    pub lr: f32,
    pub momentum: f32,
}

impl Sgd {
    /// Update one parameter tensor (with its velocity).
    pub fn step<D: Dimension>(
        &self,
        param: ArrayViewMut<f32, D>,
        grad: ArrayView<f32, D>,
        velocity: ArrayViewMut<f32, D>,
    ) {
        let (lr, mu) = (self.lr, self.momentum);
        Zip::from(param)
            .and(grad)
            .and(velocity)
            .for_each(|p, &g, v| {
                if mu == 0.0 {
                    *p -= lr * g;
                } else {
                    *v = mu * *v - lr * g;
                    *p += *v;
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn plain_and_momentum_steps() {
        let mut p = array![1.0f32];
        let mut v = array![0.0f32];
        Sgd {
            lr: 0.1,
            momentum: 0.0,
        }
        .step(p.view_mut(), array![2.0f32].view(), v.view_mut());
        assert!((p[0] - 0.8).abs() < 1e-7);
        let s = Sgd {
            lr: 0.1,
            momentum: 0.9,
        };
        s.step(p.view_mut(), array![1.0f32].view(), v.view_mut());
        s.step(p.view_mut(), array![1.0f32].view(), v.view_mut());
        // v: −0.1, then −0.19; p: 0.8 − 0.1 − 0.19
        assert!((p[0] - 0.51).abs() < 1e-6 && (v[0] + 0.19).abs() < 1e-6);
    }
}
