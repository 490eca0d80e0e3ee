//! Activations, each forward pass next to its derivative. Transcendentals come from our own
//! `math` (exp) and `libm` (tanh), whose results do not depend on the platform.

use ndarray::Array2;

use super::math::exp;

/// A layer's activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Relu,
    Tanh,
    Sigmoid,
    /// Row-wise softmax (output layers).
    Softmax,
    /// The perceptron's step: 1 if z ≥ 0, else 0 (no gradient).
    Step,
}

/// σ(z) = 1 / (1 + e^−z), computed without overflow for large |z|.
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + exp(-z))
    } else {
        let e = exp(z);
        e / (1.0 + e)
    }
}

impl Activation {
    /// Apply to pre-activations `z` (one row per sample).
    pub fn forward(self, z: &Array2<f32>) -> Array2<f32> {
        match self {
            Activation::Linear => z.clone(),
            Activation::Relu => z.mapv(|v| v.max(0.0)),
            Activation::Tanh => z.mapv(libm::tanhf),
            Activation::Sigmoid => z.mapv(sigmoid),
            Activation::Step => z.mapv(|v| if v >= 0.0 { 1.0 } else { 0.0 }),
            Activation::Softmax => {
                let mut out = z.clone();
                for mut row in out.rows_mut() {
                    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    row.mapv_inplace(|v| exp(v - max));
                    let sum: f32 = row.iter().sum();
                    row.mapv_inplace(|v| v / sum);
                }
                out
            }
        }
    }

    /// dL/dz from dL/da, given the pre-activations `z` and outputs `a`. Softmax's full Jacobian
    /// is applied row by row; the step has no gradient (zero).
    pub fn backward(self, z: &Array2<f32>, a: &Array2<f32>, grad: &Array2<f32>) -> Array2<f32> {
        match self {
            Activation::Linear => grad.clone(),
            Activation::Relu => {
                let mut g = grad.clone();
                g.zip_mut_with(z, |g, &z| {
                    if z <= 0.0 {
                        *g = 0.0;
                    }
                });
                g
            }
            Activation::Tanh => {
                let mut g = grad.clone();
                g.zip_mut_with(a, |g, &a| *g *= 1.0 - a * a);
                g
            }
            Activation::Sigmoid => {
                let mut g = grad.clone();
                g.zip_mut_with(a, |g, &a| *g *= a * (1.0 - a));
                g
            }
            Activation::Softmax => {
                let mut g = grad.clone();
                for (mut grow, arow) in g.rows_mut().into_iter().zip(a.rows()) {
                    let dot: f32 = grow.iter().zip(arow.iter()).map(|(g, a)| g * a).sum();
                    grow.zip_mut_with(&arow, |g, &a| *g = a * (*g - dot));
                }
                g
            }
            Activation::Step => Array2::zeros(grad.dim()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences of Σ c·a(z) against backward with dL/da = c.
    #[test]
    fn gradients_match_finite_differences() {
        let z = Array2::from_shape_vec((2, 3), vec![-1.3, 0.4, 2.1, 0.7, -0.2, -2.5]).unwrap();
        let c = Array2::from_shape_vec((2, 3), vec![0.3, -1.1, 0.8, 1.5, 0.2, -0.7]).unwrap();
        for act in [
            Activation::Linear,
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Softmax,
        ] {
            let a = act.forward(&z);
            let g = act.backward(&z, &a, &c);
            let f = |z: &Array2<f32>| -> f64 {
                act.forward(z)
                    .iter()
                    .zip(c.iter())
                    .map(|(a, c)| f64::from(a * c))
                    .sum()
            };
            for idx in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)] {
                let eps = 1e-2;
                let (mut zp, mut zm) = (z.clone(), z.clone());
                zp[idx] += eps;
                zm[idx] -= eps;
                let numeric = (f(&zp) - f(&zm)) / (2.0 * f64::from(eps));
                let err = (numeric - f64::from(g[idx])).abs();
                assert!(
                    err < 2e-3,
                    "{act:?} {idx:?}: numeric {numeric} analytic {}",
                    g[idx]
                );
            }
        }
    }

    #[test]
    fn sigmoid_is_stable() {
        assert_eq!(sigmoid(-200.0), 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
        assert_eq!(sigmoid(0.0), 0.5);
        let s = Activation::Softmax
            .forward(&Array2::from_shape_vec((1, 2), vec![1000.0, 1000.0]).unwrap());
        assert_eq!(s[[0, 0]], 0.5);
    }
}
