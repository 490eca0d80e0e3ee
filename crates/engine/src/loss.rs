//! Losses, each value next to its gradient. Cross-entropy after a sigmoid or softmax output is
//! computed from the logits in the stable form, as TF Keras does; the combined gradient with
//! respect to the logits is then simply (p − y)/n.

use ndarray::Array2;

use super::activation::Activation;
use super::math::{exp, ln};
use super::simd::multiversion;

/// A training loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    BinaryCrossentropy,
    CategoricalCrossentropy,
    /// Mean over samples and outputs of (ŷ − y)².
    Mse,
    /// ½ Σ (ŷ − y)² summed over outputs, averaged over samples (the textbook "squared error").
    SquaredError,
}

/// Probabilities are clipped to [ε, 1 − ε] when no logits are available (Keras's ε).
const EPS: f32 = 1e-7;

/// Sum in index order (a fixed summation order, the same on every machine).
fn ordered_sum(values: impl Iterator<Item = f32>) -> f32 {
    values.fold(0.0, |acc, v| acc + v)
}

impl Loss {
    /// Every loss, in the order their names are listed to authors.
    pub const ALL: [Loss; 4] = [
        Loss::BinaryCrossentropy,
        Loss::CategoricalCrossentropy,
        Loss::Mse,
        Loss::SquaredError,
    ];
    /// Every name an author may write.
    pub const NAMES: &'static [&'static str] = &[
        "binary-crossentropy",
        "categorical-crossentropy",
        "mse",
        "squared-error",
    ];

    /// The name as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            Loss::BinaryCrossentropy => "binary-crossentropy",
            Loss::CategoricalCrossentropy => "categorical-crossentropy",
            Loss::Mse => "mse",
            Loss::SquaredError => "squared-error",
        }
    }

    /// The loss of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Loss::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Whether the loss trains a classifier (its targets are classes).
    pub fn is_classification(self) -> bool {
        matches!(
            self,
            Loss::BinaryCrossentropy | Loss::CategoricalCrossentropy
        )
    }

    /// Loss value and dL/dz of the output layer, from its pre-activations `z` and outputs `a`.
    pub fn value_and_grad(
        self,
        out: Activation,
        z: &Array2<f32>,
        a: &Array2<f32>,
        y: &Array2<f32>,
    ) -> (f32, Array2<f32>) {
        let n = y.nrows().max(1) as f32;
        match (self, out) {
            (Loss::BinaryCrossentropy, Activation::Sigmoid) => {
                let (zs, as_, ys) = (
                    z.as_standard_layout(),
                    a.as_standard_layout(),
                    y.as_standard_layout(),
                );
                let terms = match (zs.as_slice(), as_.as_slice(), ys.as_slice()) {
                    (Some(z), Some(a), Some(y)) if z.len() == a.len() && a.len() == y.len() => {
                        bce_logit_terms(z, a, y)
                    }
                    _ => Vec::new(),
                };
                let value = ordered_sum(terms.into_iter()) / (n * z.ncols() as f32);
                let mut g = a.clone();
                g.zip_mut_with(y, |g, &y| *g = (*g - y) / (n * z.ncols() as f32));
                (value, g)
            }
            (Loss::CategoricalCrossentropy, Activation::Softmax) => {
                let mut total = 0.0f32;
                for (zr, yr) in z.rows().into_iter().zip(y.rows()) {
                    let max = zr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let lse = max + ln(ordered_sum(zr.iter().map(|v| exp(v - max))));
                    total += ordered_sum(zr.iter().zip(yr.iter()).map(|(z, y)| y * (lse - z)));
                }
                let mut g = a.clone();
                g.zip_mut_with(y, |g, &y| *g = (*g - y) / n);
                (total / n, g)
            }
            (Loss::BinaryCrossentropy, act) => {
                let cols = a.ncols() as f32;
                let value = ordered_sum(a.iter().zip(y.iter()).map(|(&p, &y)| {
                    let p = p.clamp(EPS, 1.0 - EPS);
                    -(y * ln(p) + (1.0 - y) * ln(1.0 - p))
                })) / (n * cols);
                let mut da = a.clone();
                da.zip_mut_with(y, |d, &y| {
                    let p = d.clamp(EPS, 1.0 - EPS);
                    *d = (p - y) / (p * (1.0 - p)) / (n * cols);
                });
                (value, act.backward(z, a, &da))
            }
            (Loss::CategoricalCrossentropy, act) => {
                let value = ordered_sum(
                    a.iter()
                        .zip(y.iter())
                        .map(|(&p, &y)| -y * ln(p.clamp(EPS, 1.0 - EPS))),
                ) / n;
                let mut da = a.clone();
                da.zip_mut_with(y, |d, &y| *d = -y / d.clamp(EPS, 1.0 - EPS) / n);
                (value, act.backward(z, a, &da))
            }
            (Loss::Mse, act) => {
                let count = (a.len().max(1)) as f32;
                let value =
                    ordered_sum(a.iter().zip(y.iter()).map(|(p, y)| (p - y) * (p - y))) / count;
                let mut da = a.clone();
                da.zip_mut_with(y, |d, &y| *d = 2.0 * (*d - y) / count);
                (value, act.backward(z, a, &da))
            }
            (Loss::SquaredError, act) => {
                let value =
                    0.5 * ordered_sum(a.iter().zip(y.iter()).map(|(p, y)| (p - y) * (p - y))) / n;
                let mut da = a.clone();
                da.zip_mut_with(y, |d, &y| *d = (*d - y) / n);
                (value, act.backward(z, a, &da))
            }
        }
    }

    /// The loss value alone (for evaluation).
    pub fn value(self, out: Activation, z: &Array2<f32>, a: &Array2<f32>, y: &Array2<f32>) -> f32 {
        self.value_and_grad(out, z, a, y).0
    }
}

multiversion! {
    /// max(z, 0) − z·y + ln(1 + e^−|z|) per element, where ln(1 + e^−|z|) = −ln σ(|z|) and
    /// σ(|z|) = max(a, 1 − a) is already known from the forward pass. (Terms first, summed
    /// after in order, so the logarithms vectorise.)
    fn bce_logit_terms(z: &[f32], a: &[f32], y: &[f32]) -> Vec<f32> {
        let mut terms = vec![0f32; z.len()];
        for (((t, &z), &a), &y) in terms.iter_mut().zip(z).zip(a).zip(y) {
            *t = z.max(0.0) - z * y - ln(a.max(1.0 - a));
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::sigmoid;
    use ndarray::array;

    /// A single-probability BCE from its definition.
    fn bce_from_logit(z: f32, y: f32) -> f32 {
        -(y * ln(sigmoid(z)) + (1.0 - y) * ln(1.0 - sigmoid(z)))
    }

    fn check(loss: Loss, act: Activation, z: Array2<f32>, y: Array2<f32>) {
        let a = act.forward(&z);
        let (_, g) = loss.value_and_grad(act, &z, &a, &y);
        let f = |z: &Array2<f32>| f64::from(loss.value(act, z, &act.forward(z), &y));
        for idx in [(0, 0), (1, 0), (0, z.ncols() - 1), (2, z.ncols() - 1)] {
            let eps = 1e-2f32;
            let (mut zp, mut zm) = (z.clone(), z.clone());
            zp[idx] += eps;
            zm[idx] -= eps;
            let num = (f(&zp) - f(&zm)) / f64::from(2.0 * eps);
            assert!(
                (num - f64::from(g[idx])).abs() < 1e-3,
                "{loss:?}/{act:?} {idx:?}: {num} vs {}",
                g[idx]
            );
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let z1 = array![[0.3], [-1.2], [2.0], [0.1f32]];
        let y1 = array![[1.0], [0.0], [1.0], [0.0f32]];
        check(
            Loss::BinaryCrossentropy,
            Activation::Sigmoid,
            z1.clone(),
            y1.clone(),
        );
        check(
            Loss::BinaryCrossentropy,
            Activation::Tanh,
            z1.mapv(|v| v * 0.2 + 0.8),
            y1.mapv(|v| v * 0.5 + 0.2),
        );
        check(Loss::Mse, Activation::Linear, z1.clone(), y1.clone());
        check(Loss::Mse, Activation::Relu, z1.clone(), y1.clone());
        check(Loss::SquaredError, Activation::Sigmoid, z1, y1);
        let z3 = array![[0.3, -0.2, 1.0], [1.2, 0.4, -0.5], [0.0, 0.1, 0.2f32]];
        let y3 = array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0f32]];
        check(
            Loss::CategoricalCrossentropy,
            Activation::Softmax,
            z3.clone(),
            y3.clone(),
        );
        check(Loss::CategoricalCrossentropy, Activation::Sigmoid, z3, y3);
    }

    #[test]
    fn stable_logits_form_agrees_with_the_definition() {
        let z = array![[0.7f32]];
        let y = array![[1.0f32]];
        let a = Activation::Sigmoid.forward(&z);
        let v = Loss::BinaryCrossentropy.value(Activation::Sigmoid, &z, &a, &y);
        assert!((v - bce_from_logit(0.7, 1.0)).abs() < 1e-6);
        // Untrained, uninformative model: ln 2.
        let v0 = Loss::BinaryCrossentropy.value(
            Activation::Sigmoid,
            &array![[0.0f32]],
            &array![[0.5f32]],
            &y,
        );
        assert!((v0 - std::f32::consts::LN_2).abs() < 1e-6);
        // Huge logits stay finite.
        let big = array![[80.0f32]];
        let v = Loss::BinaryCrossentropy.value(
            Activation::Sigmoid,
            &big,
            &Activation::Sigmoid.forward(&big),
            &array![[0.0f32]],
        );
        assert!((v - 80.0).abs() < 1e-3);
    }
}
