//! A fully connected layer: a = g(x·W + b). The backward pass sits right under the forward one.

use ndarray::{Array1, Array2};

use super::activation::Activation;
use super::matmul::{matmul, matmul_a_bt, matmul_at_b};

/// Weights `w` (inputs × units), biases `b` (units) and the activation.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
    pub activation: Activation,
}

/// What the backward pass needs from the forward pass.
#[derive(Debug, Clone)]
pub struct Cache {
    pub x: Array2<f32>,
    pub z: Array2<f32>,
    pub a: Array2<f32>,
}

/// Gradients of one layer's parameters.
#[derive(Debug, Clone)]
pub struct Grads {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
}

impl Dense {
    /// Number of units.
    pub fn units(&self) -> usize {
        self.w.ncols()
    }

    /// Pre-activations z = x·W + b.
    pub fn pre_activation(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut z = matmul(x, &self.w);
        // Plain slice loops: ndarray's broadcasting costs more than the product for small layers.
        let units = self.b.len();
        if let (Some(zs), Some(bs)) = (z.as_slice_mut(), self.b.as_slice())
            && units > 0
        {
            for row in zs.chunks_exact_mut(units) {
                for (v, b) in row.iter_mut().zip(bs) {
                    *v += b;
                }
            }
        }
        z
    }

    /// Forward pass for inference.
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        self.activation.forward(&self.pre_activation(x))
    }

    /// Forward pass keeping what backward needs.
    pub fn forward_train(&self, x: &Array2<f32>) -> Cache {
        let z = self.pre_activation(x);
        let a = self.activation.forward(&z);
        Cache { x: x.clone(), z, a }
    }

    /// Backward pass from dL/dz: parameter gradients, and dL/dx when `need_dx` (the first
    /// layer's input gradient is never used, and it is the largest product).
    pub fn backward_from_z(
        &self,
        cache: &Cache,
        dz: &Array2<f32>,
        need_dx: bool,
    ) -> (Grads, Option<Array2<f32>>) {
        let w = matmul_at_b(&cache.x, dz);
        // Column sums in row order: a fixed summation order.
        let units = dz.ncols();
        let mut sums = vec![0f32; units];
        let dz_std = dz.as_standard_layout();
        if units > 0 {
            for row in dz_std.as_slice().unwrap_or(&[]).chunks_exact(units) {
                for (s, v) in sums.iter_mut().zip(row) {
                    *s += v;
                }
            }
        }
        let b = Array1::from_vec(sums);
        let dx = need_dx.then(|| matmul_a_bt(dz, &self.w));
        (Grads { w, b }, dx)
    }

    /// Backward pass from dL/da (through the activation).
    pub fn backward(
        &self,
        cache: &Cache,
        da: &Array2<f32>,
        need_dx: bool,
    ) -> (Grads, Option<Array2<f32>>) {
        let dz = self.activation.backward(&cache.z, &cache.a, da);
        self.backward_from_z(cache, &dz, need_dx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn backward_matches_finite_differences() {
        let layer = Dense {
            w: array![[0.3, -0.7, 0.2], [0.9, 0.1, -0.4]],
            b: array![0.05, -0.1, 0.2],
            activation: Activation::Tanh,
        };
        let x = array![[0.5, -1.2], [1.5, 0.3], [-0.8, 0.9f32]];
        let c = array![[1.0, -0.5, 0.3], [0.2, 0.7, -1.1], [0.4, 0.1, 0.9f32]];
        let loss = |l: &Dense, x: &Array2<f32>| -> f64 {
            l.forward(x)
                .iter()
                .zip(c.iter())
                .map(|(a, c)| f64::from(a * c))
                .sum()
        };
        let cache = layer.forward_train(&x);
        let (g, dx) = layer.backward(&cache, &c, true);
        let dx = dx.unwrap();
        assert!(layer.backward(&cache, &c, false).1.is_none());
        let eps = 1e-2f32;
        for i in 0..2 {
            for j in 0..3 {
                let (mut p, mut m) = (layer.clone(), layer.clone());
                p.w[[i, j]] += eps;
                m.w[[i, j]] -= eps;
                let num = (loss(&p, &x) - loss(&m, &x)) / f64::from(2.0 * eps);
                assert!((num - f64::from(g.w[[i, j]])).abs() < 2e-3, "dW {i},{j}");
            }
        }
        for j in 0..3 {
            let (mut p, mut m) = (layer.clone(), layer.clone());
            p.b[j] += eps;
            m.b[j] -= eps;
            let num = (loss(&p, &x) - loss(&m, &x)) / f64::from(2.0 * eps);
            assert!((num - f64::from(g.b[j])).abs() < 2e-3, "db {j}");
        }
        for i in 0..3 {
            for j in 0..2 {
                let (mut xp, mut xm) = (x.clone(), x.clone());
                xp[[i, j]] += eps;
                xm[[i, j]] -= eps;
                let num = (loss(&layer, &xp) - loss(&layer, &xm)) / f64::from(2.0 * eps);
                assert!((num - f64::from(dx[[i, j]])).abs() < 2e-3, "dx {i},{j}");
            }
        }
    }
}
