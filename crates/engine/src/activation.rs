//! Activations, each forward pass next to its derivative. Transcendentals come from our own
//! `math` (exp) and `libm` (tanh), whose results do not depend on the platform.

use ndarray::Array2;

use super::math::exp;
use super::simd::multiversion;

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

/// σ(z) = 1 / (1 + e^−z), computed without overflow for large |z|: with e = e^−|z|, σ is
/// 1/(1 + e) for z ≥ 0 and e/(1 + e) below (one exp, no branch, so loops vectorise).
#[inline(always)]
pub fn sigmoid(z: f32) -> f32 {
    let e = exp(-z.abs());
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

impl Activation {
    /// Every activation, in the order their names are listed to authors.
    pub const ALL: [Activation; 6] = [
        Activation::Linear,
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Softmax,
        Activation::Step,
    ];
    /// Every name an author may write.
    pub const NAMES: &'static [&'static str] =
        &["linear", "relu", "tanh", "sigmoid", "softmax", "step"];

    /// The name as written in a block (and stored in the cache).
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Softmax => "softmax",
            Activation::Step => "step",
        }
    }

    /// The activation of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// g(z) of one unit in f64, for figures and worked examples. Softmax of one unit is taken
    /// as the softmax of the pair (z, 0): the sigmoid again, by another name.
    pub fn value_f64(self, z: f64) -> f64 {
        match self {
            Activation::Linear => z,
            Activation::Relu => z.max(0.0),
            Activation::Tanh => libm::tanh(z),
            Activation::Sigmoid | Activation::Softmax => 1.0 / (1.0 + libm::exp(-z)),
            Activation::Step => f64::from(u8::from(z >= 0.0)),
        }
    }

    /// g'(z) of one unit in f64, from z and its output a = g(z), as backpropagation texts
    /// write it (softmax: its diagonal a(1 − a)). The step's is zero everywhere but at 0, where
    /// it does not exist: why it cannot train.
    pub fn slope_f64(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Linear => 1.0,
            Activation::Relu => f64::from(u8::from(z > 0.0)),
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid | Activation::Softmax => a * (1.0 - a),
            Activation::Step => 0.0,
        }
    }

    /// Apply to pre-activations `z` (one row per sample).
    pub fn forward(self, z: &Array2<f32>) -> Array2<f32> {
        let z = z.as_standard_layout();
        let mut a = Array2::zeros(z.dim());
        if let (Some(zs), Some(out)) = (z.as_slice(), a.as_slice_mut()) {
            self.forward_slice(zs, out, z.ncols());
        }
        a
    }

    /// a = g(z) on whole rows of `cols` values (softmax works row by row).
    pub fn forward_slice(self, z: &[f32], a: &mut [f32], cols: usize) {
        forward_rows(self, z, a, cols);
    }

    /// dL/dz from dL/da, given the pre-activations `z` and outputs `a`. Softmax's full Jacobian
    /// is applied row by row; the step has no gradient (zero).
    pub fn backward(self, z: &Array2<f32>, a: &Array2<f32>, grad: &Array2<f32>) -> Array2<f32> {
        let mut g = grad.as_standard_layout().into_owned();
        let (z, a) = (z.as_standard_layout(), a.as_standard_layout());
        if let (Some(zs), Some(as_), Some(gs)) = (z.as_slice(), a.as_slice(), g.as_slice_mut()) {
            self.backward_slice(zs, as_, gs, grad.ncols());
        }
        g
    }

    /// `g` holds dL/da on whole rows of `cols` values and becomes dL/dz, in place.
    pub fn backward_slice(self, z: &[f32], a: &[f32], g: &mut [f32], cols: usize) {
        backward_rows(self, z, a, g, cols);
    }
}

multiversion! {
    fn forward_rows(act: Activation, z: &[f32], a: &mut [f32], cols: usize) {
        match act {
            Activation::Linear => a.copy_from_slice(z),
            Activation::Relu => a.iter_mut().zip(z).for_each(|(a, z)| *a = z.max(0.0)),
            Activation::Tanh => a.iter_mut().zip(z).for_each(|(a, z)| *a = libm::tanhf(*z)),
            Activation::Sigmoid => a.iter_mut().zip(z).for_each(|(a, z)| *a = sigmoid(*z)),
            Activation::Step => a
                .iter_mut()
                .zip(z)
                .for_each(|(a, z)| *a = if *z >= 0.0 { 1.0 } else { 0.0 }),
            Activation::Softmax => {
                if cols == 0 {
                    return;
                }
                for (row, zr) in a.chunks_exact_mut(cols).zip(z.chunks_exact(cols)) {
                    let max = zr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    row.iter_mut().zip(zr).for_each(|(a, z)| *a = exp(z - max));
                    let sum: f32 = row.iter().sum();
                    row.iter_mut().for_each(|v| *v /= sum);
                }
            }
        }
    }
}

multiversion! {
    fn backward_rows(act: Activation, z: &[f32], a: &[f32], g: &mut [f32], cols: usize) {
        match act {
            Activation::Linear => {}
            Activation::Relu => g.iter_mut().zip(z).for_each(|(g, z)| {
                if *z <= 0.0 {
                    *g = 0.0;
                }
            }),
            Activation::Tanh => g.iter_mut().zip(a).for_each(|(g, a)| *g *= 1.0 - a * a),
            Activation::Sigmoid => g.iter_mut().zip(a).for_each(|(g, a)| *g *= a * (1.0 - a)),
            Activation::Softmax => {
                if cols == 0 {
                    return;
                }
                for (gr, ar) in g.chunks_exact_mut(cols).zip(a.chunks_exact(cols)) {
                    let dot: f32 = gr.iter().zip(ar).map(|(g, a)| g * a).sum();
                    gr.iter_mut().zip(ar).for_each(|(g, a)| *g = a * (*g - dot));
                }
            }
            Activation::Step => g.fill(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The f64 formulas of figures and worked examples are the engine's, to f32 precision, and
    /// every name reads back as its activation.
    #[test]
    fn f64_formulas_match_the_engine_and_names_round_trip() {
        let zs = [-3.0f32, -0.5, 0.0, 0.25, 2.0];
        for act in Activation::ALL {
            assert_eq!(Activation::from_name(act.name()), Some(act));
            if act == Activation::Softmax {
                continue;
            }
            let z = Array2::from_shape_vec((1, zs.len()), zs.to_vec()).unwrap();
            let a = act.forward(&z);
            let g = act.backward(&z, &a, &Array2::ones((1, zs.len())));
            for (i, &zi) in zs.iter().enumerate() {
                let v = act.value_f64(f64::from(zi));
                assert!((v - f64::from(a[(0, i)])).abs() < 1e-6, "{act:?} g({zi})");
                let d = act.slope_f64(f64::from(zi), v);
                assert!((d - f64::from(g[(0, i)])).abs() < 1e-6, "{act:?} g'({zi})");
            }
        }
        assert_eq!(Activation::NAMES.len(), Activation::ALL.len());
        assert_eq!(Activation::from_name("gelu"), None);
    }

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
