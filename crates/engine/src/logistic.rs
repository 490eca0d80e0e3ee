//! Logistic regression as scikit-learn fits it by default: L2 penalty with C = 1, the intercept
//! not penalised, solved to convergence. Objective: ½‖w‖² + C·Σ log-loss; we minimise it with
//! Newton's method (the problem is small and convex), in f64.

/// A fitted binary logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    pub w: Vec<f64>,
    pub b: f64,
    pub iterations: usize,
    /// Norm of the objective's gradient at the solution.
    pub gradient_norm: f64,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

/// The objective ½‖w‖² + C·Σ log-loss at (w, b).
pub fn objective(x: &[f64], d: usize, y: &[f64], c: f64, w: &[f64], b: f64) -> f64 {
    let mut loss = 0.0;
    for (row, &t) in x.chunks_exact(d).zip(y) {
        let z = row.iter().zip(w).fold(b, |acc, (xi, wi)| acc + xi * wi);
        // log(1 + e^z) − t·z, stably.
        loss += z.max(0.0) + libm::log1p(libm::exp(-z.abs())) - t * z;
    }
    0.5 * w.iter().map(|v| v * v).sum::<f64>() + c * loss
}

/// Fit on `n` rows of `d` features with 0/1 labels. `c` is the inverse regularisation strength.
pub fn fit(x: &[f64], d: usize, y: &[f64], c: f64) -> Result<Logistic, String> {
    if d == 0 || y.is_empty() || x.len() != y.len() * d {
        return Err("logistic regression needs at least one sample with features".into());
    }
    let p = d + 1; // weights then the intercept
    let mut theta = vec![0.0; p];
    let mut gradient_norm = f64::INFINITY;
    for iteration in 1..=100 {
        let mut grad = vec![0.0; p];
        let mut hess = vec![0.0; p * p];
        for (row, &t) in x.chunks_exact(d).zip(y) {
            let z = row
                .iter()
                .zip(&theta)
                .fold(theta[d], |acc, (xi, wi)| acc + xi * wi);
            let prob = sigmoid(z);
            let (r, s) = (c * (prob - t), c * prob * (1.0 - prob));
            for a in 0..p {
                let xa = if a < d { row[a] } else { 1.0 };
                grad[a] += r * xa;
                for bcol in 0..p {
                    let xb = if bcol < d { row[bcol] } else { 1.0 };
                    hess[a * p + bcol] += s * xa * xb;
                }
            }
        }
        for a in 0..d {
            grad[a] += theta[a];
            hess[a * p + a] += 1.0;
        }
        gradient_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        if gradient_norm < 1e-10 {
            return Ok(Logistic {
                w: theta[..d].to_vec(),
                b: theta[d],
                iterations: iteration - 1,
                gradient_norm,
            });
        }
        let step = solve(&mut hess, &mut grad, p).ok_or("the Hessian is singular")?;
        for (t, s) in theta.iter_mut().zip(&step) {
            *t -= s;
        }
    }
    Ok(Logistic {
        w: theta[..d].to_vec(),
        b: theta[d],
        iterations: 100,
        gradient_norm,
    })
}

/// Solve A·x = v (A is p × p, row-major) by Gaussian elimination with partial pivoting.
fn solve(a: &mut [f64], v: &mut [f64], p: usize) -> Option<Vec<f64>> {
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&i, &j| a[i * p + col].abs().total_cmp(&a[j * p + col].abs()))?;
        if a[pivot * p + col].abs() < 1e-300 {
            return None;
        }
        for k in 0..p {
            a.swap(col * p + k, pivot * p + k);
        }
        v.swap(col, pivot);
        for row in col + 1..p {
            let f = a[row * p + col] / a[col * p + col];
            for k in col..p {
                a[row * p + k] -= f * a[col * p + k];
            }
            v[row] -= f * v[col];
        }
    }
    let mut x = vec![0.0; p];
    for row in (0..p).rev() {
        let s = (row + 1..p).fold(v[row], |acc, k| acc - a[row * p + k] * x[k]);
        x[row] = s / a[row * p + row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generators::{Generator, generate};
    use crate::data::scaler::Scaler;

    #[test]
    fn matches_scikit_learn_on_d1() {
        // scikit-learn 1.9.1: LogisticRegression(tol=1e-12, max_iter=10000).fit(D1_X, D1_y).
        let mut d1 = generate(Generator::TwoClusters, true, 3, None).unwrap();
        Scaler::fit(&d1).apply(&mut d1);
        let m = fit(&d1.x, 2, &d1.y, 1.0).unwrap();
        for (got, want) in [
            (m.w[0], -1.533_437_17),
            (m.w[1], 1.564_832_24),
            (m.b, -0.394_894_82),
        ] {
            assert!((got - want).abs() < 1e-7, "{got} vs {want}");
        }
    }

    #[test]
    fn converges_with_an_unpenalised_intercept() {
        // Separable data: without the penalty the weights would grow without bound.
        let x = [
            -2.0, 0.5, -1.0, 1.0, -1.5, -0.5, 1.0, 2.0, 2.0, 1.5, 1.5, -1.0,
        ];
        let y = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let m = fit(&x, 2, &y, 1.0).unwrap();
        assert!(m.gradient_norm < 1e-10 && m.iterations < 30, "{m:?}");
        let f = |w: &[f64], b: f64| objective(&x, 2, &y, 1.0, w, b);
        let best = f(&m.w, m.b);
        for (dw0, dw1, db) in [
            (1e-4, 0.0, 0.0),
            (0.0, -1e-4, 0.0),
            (0.0, 0.0, 1e-4),
            (0.0, 0.0, -1e-4),
        ] {
            assert!(f(&[m.w[0] + dw0, m.w[1] + dw1], m.b + db) > best);
        }
        // The intercept is not shrunk: shifting every x shifts only b.
        let shifted: Vec<f64> = x.chunks(2).flat_map(|r| [r[0] + 10.0, r[1]]).collect();
        let s = fit(&shifted, 2, &y, 1.0).unwrap();
        assert!((s.w[0] - m.w[0]).abs() < 1e-8 && (s.b - (m.b - 10.0 * m.w[0])).abs() < 1e-7);
        // A larger C means less shrinkage.
        assert!(fit(&x, 2, &y, 100.0).unwrap().w[0].abs() > m.w[0].abs());
        assert!(fit(&[], 2, &[], 1.0).is_err());
    }
}
