//! A fully connected layer: a = g(x·W + b). The backward pass sits right under the forward one.

use crate::par::*;
use ndarray::{Array1, Array2, ArrayView2};

use super::activation::Activation;
use super::matmul::{
    Epilogue, matmul_a_bt_into, matmul_at_b_into, matmul_bias_act_into, matmul_bias_into,
    small_gradients, weight_grads_small,
};

/// Weights `w` (inputs × units), biases `b` (units) and the activation.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
    pub activation: Activation,
}

/// What the backward pass needs from the forward pass (the layer's input is kept by the
/// caller). The buffers are reused from batch to batch.
#[derive(Debug, Clone)]
pub struct Cache {
    pub z: Array2<f32>,
    pub a: Array2<f32>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            z: Array2::zeros((0, 0)),
            a: Array2::zeros((0, 0)),
        }
    }
}

/// Gradients of one layer's parameters.
#[derive(Debug, Clone)]
pub struct Grads {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
}

/// Element counts above which element-wise work is split across threads (by whole rows: no
/// sum ever crosses a split).
pub const PARALLEL_ELEMENTS: usize = 1 << 16;
const ROWS_PER_TASK: usize = 64;

/// Make `a` a standard-layout array of shape `dim`, reusing its memory when it already is.
pub fn ensure(a: &mut Array2<f32>, dim: (usize, usize)) {
    if a.dim() != dim || !a.is_standard_layout() {
        *a = Array2::zeros(dim);
    }
}

/// Run `f` on matching blocks of whole rows of two buffers (in parallel when they are large).
pub fn zip_rows(
    x: &mut [f32],
    y: &mut [f32],
    cols: usize,
    f: &(dyn Fn(&mut [f32], &mut [f32]) + Sync),
) {
    if cols == 0 {
        return;
    }
    if x.len() >= PARALLEL_ELEMENTS {
        let step = ROWS_PER_TASK * cols;
        x.par_chunks_mut(step)
            .zip(y.par_chunks_mut(step))
            .for_each(|(x, y)| f(x, y));
    } else {
        f(x, y);
    }
}

impl Dense {
    /// Number of units.
    pub fn units(&self) -> usize {
        self.w.ncols()
    }

    /// Pre-activations z = x·W + b.
    pub fn pre_activation(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut cache = Cache::default();
        self.forward_train(x.view(), &mut cache, false);
        cache.z
    }

    /// Forward pass for inference.
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut cache = Cache::default();
        self.forward_train(x.view(), &mut cache, true);
        cache.a
    }

    /// z = x·W + b and, when `activate`, a = g(z), into the cache's buffers.
    pub fn forward_train(&self, x: ArrayView2<f32>, cache: &mut Cache, activate: bool) {
        let bias = self.b.as_standard_layout();
        let bias = bias.as_slice().unwrap_or(&[]);
        let units = self.units();
        ensure(
            &mut cache.a,
            if activate { (x.nrows(), units) } else { (0, 0) },
        );
        let act = self.activation;
        let f = move |z: &[f32], a: &mut [f32]| act.forward_slice(z, a, units);
        match cache.a.as_slice_mut().filter(|_| activate) {
            // a = g(z) on each block of rows as the product finishes it (whole rows, so the
            // same bits as one pass over z afterwards).
            Some(out) => {
                let epi = Epilogue { out, f: &f };
                matmul_bias_act_into(x, self.w.view(), bias, &mut cache.z, epi);
            }
            None => matmul_bias_into(x, self.w.view(), bias, &mut cache.z),
        }
    }

    /// Backward pass from dL/dz of this layer, whose input was `x`: the parameter gradients
    /// into `grads` and, when `dx` is given, dL/dx (the previous layer's dL/da; the first
    /// layer's is never used, and it is the largest product).
    pub fn backward_from_z(
        &self,
        x: ArrayView2<f32>,
        dz: &Array2<f32>,
        grads: &mut Grads,
        dx: Option<&mut Array2<f32>>,
    ) {
        if small_gradients(x.ncols(), dz.ncols()) {
            weight_grads_small(x, dz.view(), &mut grads.w, &mut grads.b);
        } else {
            matmul_at_b_into(x, dz.view(), &mut grads.w);
            column_sums(dz, &mut grads.b);
        }
        if let Some(dx) = dx {
            matmul_a_bt_into(dz.view(), self.w.view(), dx);
        }
    }
}

/// Column sums, each in row order: a fixed summation order (columns in parallel when large).
fn column_sums(d: &Array2<f32>, out: &mut Array1<f32>) {
    let units = d.ncols();
    if out.len() != units {
        *out = Array1::zeros(units);
    }
    let d = d.as_standard_layout();
    let (Some(rows), Some(sums)) = (d.as_slice(), out.as_slice_mut()) else {
        return;
    };
    let sum_columns = |j0: usize, sums: &mut [f32]| {
        sums.fill(0.0);
        for row in rows.chunks_exact(units) {
            for (s, v) in sums.iter_mut().zip(&row[j0..]) {
                *s += v;
            }
        }
    };
    if rows.len() >= PARALLEL_ELEMENTS && units >= 128 {
        sums.par_chunks_mut(64)
            .enumerate()
            .for_each(|(i, s)| sum_columns(i * 64, s));
    } else if units > 0 {
        sum_columns(0, sums);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The activation applied to each block of rows inside the product equals the product
    /// followed by a separate pass, bit for bit, on every path and for every activation.
    #[test]
    fn fused_activation_equals_the_separate_ops() {
        use crate::matmul::matmul_bias_into;
        use crate::simd::{set_force_avx2, set_force_portable};
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / 16_777_216.0 - 0.5
        };
        // Large enough to be split across threads and tiles; a few zero rows and a -0.0 bias.
        for &(m, k, n) in &[(203, 70, 100), (37, 9, 10), (300, 64, 130), (5, 0, 12)] {
            let mut x = Array2::from_shape_simple_fn((m, k), &mut next);
            x.row_mut(m / 2).fill(0.0);
            let w = Array2::from_shape_simple_fn((k, n), &mut next) * 4.0;
            let mut b = Array1::from_shape_simple_fn(n, &mut next);
            b[0] = -0.0;
            for act in Activation::ALL {
                if act == Activation::Step && k == 0 {
                    continue;
                }
                let layer = Dense {
                    w: w.clone(),
                    b: b.clone(),
                    activation: act,
                };
                for force in 0..3 {
                    set_force_portable(force == 1);
                    set_force_avx2(force == 2);
                    let mut cache = Cache::default();
                    layer.forward_train(x.view(), &mut cache, true);
                    let mut z = Array2::zeros((0, 0));
                    matmul_bias_into(x.view(), w.view(), b.as_slice().unwrap(), &mut z);
                    let a = act.forward(&z);
                    set_force_avx2(false);
                    let bits = |v: &Array2<f32>| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&cache.z), bits(&z), "z {act:?} {m}x{k}x{n} {force}");
                    assert_eq!(bits(&cache.a), bits(&a), "a {act:?} {m}x{k}x{n} {force}");
                }
            }
        }
    }

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
        let mut cache = Cache::default();
        layer.forward_train(x.view(), &mut cache, true);
        let dz = layer.activation.backward(&cache.z, &cache.a, &c);
        let mut g = Grads {
            w: Array2::zeros((0, 0)),
            b: Array1::zeros(0),
        };
        let mut dx = Array2::zeros((0, 0));
        layer.backward_from_z(x.view(), &dz, &mut g, Some(&mut dx));
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
