//! Rosenblatt's perceptron rule, as the article runs it: weights and bias start at zero, one
//! pass over the samples in stored order per epoch, ŷ = 1 when w·x + b ≥ 0, and
//! w += η(y − ŷ)x, b += η(y − ŷ). In f64, like the NumPy original.

/// A trained perceptron and the number of mistakes it made in each epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct Perceptron {
    pub w: Vec<f64>,
    pub b: f64,
    pub mistakes: Vec<usize>,
}

/// Train on `n` rows of `d` features (row-major `x`) with 0/1 labels `y`.
pub fn train(x: &[f64], d: usize, y: &[f64], eta: f64, epochs: usize) -> Perceptron {
    let mut w = vec![0.0; d];
    let mut b = 0.0;
    let mut mistakes = Vec::with_capacity(epochs);
    for _ in 0..epochs {
        let mut wrong = 0;
        for (row, &target) in x.chunks_exact(d.max(1)).zip(y) {
            let z = row.iter().zip(&w).fold(b, |acc, (xi, wi)| acc + xi * wi);
            let pred = if z >= 0.0 { 1.0 } else { 0.0 };
            let delta = eta * (target - pred);
            if delta != 0.0 {
                wrong += 1;
                for (wi, xi) in w.iter_mut().zip(row) {
                    *wi += delta * xi;
                }
                b += delta;
            }
        }
        mistakes.push(wrong);
    }
    Perceptron { w, b, mistakes }
}

#[cfg(test)]
mod tests {
    #[test]
    fn separates_a_separable_set_and_starts_from_zero() {
        let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 2.0, 2.0];
        let y = [0.0, 0.0, 0.0, 1.0, 1.0];
        let p = super::train(&x, 2, &y, 0.1, 50);
        assert_eq!(*p.mistakes.last().unwrap(), 0);
        for (row, t) in x.chunks(2).zip(y) {
            let z = p.b + row[0] * p.w[0] + row[1] * p.w[1];
            assert_eq!(f64::from(u8::from(z >= 0.0)), t);
        }
        // First sample (0, 0) with target 0: z = 0 → ŷ = 1, so the very first update is −η.
        let one = super::train(&x[..2], 2, &y[..1], 0.1, 1);
        assert_eq!((one.b, one.mistakes[0]), (-0.1, 1));
    }
}
