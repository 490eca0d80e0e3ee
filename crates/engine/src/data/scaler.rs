//! scikit-learn's StandardScaler: subtract the mean and divide by the population standard
//! deviation (N, not N − 1), with sklearn's corrected two-pass variance; constant features keep
//! a scale of 1.

use super::Dataset;

/// Per-feature mean and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Scaler {
    /// Fit on every row of `data`.
    pub fn fit(data: &Dataset) -> Scaler {
        let n = data.n.max(1) as f64;
        let mut mean = vec![0.0; data.d];
        let mut scale = vec![1.0; data.d];
        for j in 0..data.d {
            let col: Vec<f64> = (0..data.n).map(|i| data.x[i * data.d + j]).collect();
            let m = col.iter().sum::<f64>() / n;
            let correction: f64 = col.iter().map(|v| v - m).sum();
            let sq: f64 = col.iter().map(|v| (v - m) * (v - m)).sum();
            let var = (sq - correction * correction / n) / n;
            mean[j] = m;
            let s = var.sqrt();
            // Like sklearn's _handle_zeros_in_scale: a (nearly) constant feature is not scaled.
            scale[j] = if s < 10.0 * f64::EPSILON * m.abs().max(1.0) {
                1.0
            } else {
                s
            };
        }
        Scaler { mean, scale }
    }

    /// Standardise `data` in place.
    pub fn apply(&self, data: &mut Dataset) {
        for i in 0..data.n {
            for j in 0..data.d {
                let v = &mut data.x[i * data.d + j];
                *v = (*v - self.mean[j]) / self.scale[j];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generators::{Generator, generate};
    use crate::data::tests::read_csv;

    #[test]
    fn standardised_articles_datasets_match_sklearn() {
        for (g, file) in [
            (Generator::TwoClusters, "D1_X.csv"),
            (Generator::TwoBlobs3d, "D2_X.csv"),
            (Generator::ThreeBlobs, "D3_X.csv"),
            (Generator::CornerSquare, "D4_X.csv"),
        ] {
            let mut data = generate(g, true, g.article_seed(), None).unwrap();
            Scaler::fit(&data).apply(&mut data);
            let want = read_csv(file);
            assert_eq!(want.len(), data.n, "{file}");
            for (i, row) in want.iter().enumerate() {
                for (j, w) in row.iter().enumerate() {
                    let got = data.row(i)[j];
                    assert!((got - w).abs() < 1e-12, "{file}[{i}][{j}]: {got} vs {w}");
                }
            }
        }
    }

    #[test]
    fn constant_features_are_left_unscaled() {
        let mut d = Dataset::from_rows(vec![vec![2.0, 1.0], vec![2.0, 3.0]], vec![0.0, 1.0], true);
        let s = Scaler::fit(&d);
        assert_eq!(s.scale, vec![1.0, 1.0]);
        s.apply(&mut d);
        assert_eq!(d.x, vec![0.0, -1.0, 0.0, 1.0]);
    }
}
