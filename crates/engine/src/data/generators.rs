//! The datasets of the three articles (INVENTORY §1.1 and §2.1) plus XOR. With `numpy: true`
//! they draw from NumPy's legacy stream in the notebook's order, so the points are bit-identical
//! to the notebook's; otherwise they draw from ChaCha8.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use super::Dataset;
use super::numpy::NumpyRng;

/// A dataset generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// Bagheri D1: 30 points, standard normal, labels drawn uniformly, class 1 shifted by (−4, +4).
    TwoClusters,
    /// Bagheri D2: 50 points of N((−2, 1, 0), 0.4) and 50 of N((1, 4, 3), 0.4).
    TwoBlobs3d,
    /// Bagheri D3: 50 each of N((2, 1), 0.4), N((6, 4), 0.7), N((2, 6), 0.5), labels 1..3.
    ThreeBlobs,
    /// Bagheri D4: an L of class 1 around a square of class 0 (from 1550 + 1550 uniform draws).
    CornerSquare,
    /// Bagheri D5: 100 evenly spaced x in [0, 1], y = −(x − 0.5)² + 0.25.
    Parabola,
    /// The XOR truth table.
    Xor,
    /// Leo L1: class 0 N((0, 0), 0.5) × 200; class 1 N((−1, −1), 0.5) × 100 and N((1, 1), 0.5) × 100.
    DiagonalGaussians,
}

impl Generator {
    /// Every generator, in the order their names are listed to authors.
    pub const ALL: [Generator; 7] = [
        Generator::TwoClusters,
        Generator::TwoBlobs3d,
        Generator::ThreeBlobs,
        Generator::CornerSquare,
        Generator::Parabola,
        Generator::Xor,
        Generator::DiagonalGaussians,
    ];

    /// The name as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            Generator::TwoClusters => "two-clusters",
            Generator::TwoBlobs3d => "two-blobs-3d",
            Generator::ThreeBlobs => "three-blobs",
            Generator::CornerSquare => "corner-square",
            Generator::Parabola => "parabola",
            Generator::Xor => "xor",
            Generator::DiagonalGaussians => "diagonal-gaussians",
        }
    }

    /// The generator of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Generator::ALL.into_iter().find(|g| g.name() == name)
    }
}

#[cfg(test)]
impl Generator {
    /// The seed the articles used (tests/parity.rs keeps its own copy).
    pub fn article_seed(self) -> u32 {
        match self {
            Generator::TwoClusters => 3,
            _ => 0,
        }
    }
}

/// Draws from either stream.
#[allow(clippy::large_enum_variant)] // one short-lived stream per dataset
enum Stream {
    Numpy(NumpyRng),
    Chacha(ChaCha8Rng, Option<f64>),
}

impl Stream {
    fn uniform01(&mut self) -> f64 {
        match self {
            Stream::Numpy(r) => r.random_sample(),
            // 53 random bits → [0, 1).
            Stream::Chacha(r, _) => (r.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0),
        }
    }

    fn gauss(&mut self) -> f64 {
        match self {
            Stream::Numpy(r) => r.gauss(),
            Stream::Chacha(_, cached) if cached.is_some() => cached.take().unwrap_or(0.0),
            Stream::Chacha(..) => loop {
                // The same polar method NumPy uses, on ChaCha8's doubles.
                let x1 = 2.0 * self.uniform01() - 1.0;
                let x2 = 2.0 * self.uniform01() - 1.0;
                let r2 = x1 * x1 + x2 * x2;
                if r2 < 1.0 && r2 != 0.0 {
                    let f = (-2.0 * super::log::ln(r2) / r2).sqrt();
                    if let Stream::Chacha(_, cached) = self {
                        *cached = Some(f * x1);
                    }
                    return f * x2;
                }
            },
        }
    }

    fn coin(&mut self) -> f64 {
        match self {
            Stream::Numpy(r) => r.choice(2) as f64,
            Stream::Chacha(r, _) => f64::from(r.next_u32() & 1),
        }
    }
}

/// Generate a dataset (raw, unscaled). `n` overrides the sample count where the generator has one.
pub fn generate(g: Generator, numpy: bool, seed: u32, n: Option<usize>) -> Result<Dataset, String> {
    let mut s = if numpy {
        Stream::Numpy(NumpyRng::new(seed))
    } else {
        Stream::Chacha(ChaCha8Rng::seed_from_u64(u64::from(seed)), None)
    };
    let normal_rows = |s: &mut Stream, count: usize, loc: &[f64], sd: f64| -> Vec<Vec<f64>> {
        (0..count)
            .map(|_| loc.iter().map(|m| m + sd * s.gauss()).collect())
            .collect()
    };
    Ok(match g {
        Generator::TwoClusters => {
            let count = n.unwrap_or(30);
            let mut rows: Vec<Vec<f64>> = (0..count).map(|_| vec![s.gauss(), s.gauss()]).collect();
            let y: Vec<f64> = (0..count).map(|_| s.coin()).collect();
            for (row, &label) in rows.iter_mut().zip(&y) {
                if label == 1.0 {
                    row[0] -= 4.0;
                    row[1] += 4.0;
                }
            }
            Dataset::from_rows(rows, y, true)
        }
        Generator::TwoBlobs3d => {
            let half = n.unwrap_or(100) / 2;
            let mut rows = normal_rows(&mut s, half, &[-2.0, 1.0, 0.0], 0.4);
            rows.extend(normal_rows(&mut s, half, &[1.0, 4.0, 3.0], 0.4));
            let y = (0..2 * half)
                .map(|i| if i < half { 0.0 } else { 1.0 })
                .collect();
            Dataset::from_rows(rows, y, true)
        }
        Generator::ThreeBlobs => {
            let third = n.unwrap_or(150) / 3;
            let mut rows = normal_rows(&mut s, third, &[2.0, 1.0], 0.4);
            rows.extend(normal_rows(&mut s, third, &[6.0, 4.0], 0.7));
            rows.extend(normal_rows(&mut s, third, &[2.0, 6.0], 0.5));
            let y = (0..3 * third).map(|i| (i / third + 1) as f64).collect();
            Dataset::from_rows(rows, y, true)
        }
        Generator::CornerSquare => {
            let draws = n.unwrap_or(1550);
            let block = |s: &mut Stream| -> Vec<Vec<f64>> {
                (0..draws)
                    .map(|_| vec![4.0 * s.uniform01(), 4.0 * s.uniform01()])
                    .collect()
            };
            let ones: Vec<Vec<f64>> = block(&mut s)
                .into_iter()
                .filter(|p| !(p[0] < 3.0 && p[1] < 3.0))
                .collect();
            let zeros: Vec<Vec<f64>> = block(&mut s)
                .into_iter()
                .filter(|p| !(p[0] > 2.3 || p[1] > 2.3))
                .collect();
            let y = std::iter::repeat_n(1.0, ones.len())
                .chain(std::iter::repeat_n(0.0, zeros.len()))
                .collect();
            Dataset::from_rows(ones.into_iter().chain(zeros).collect(), y, true)
        }
        Generator::Parabola => {
            let count = n.unwrap_or(100).max(2);
            let xs = linspace(0.0, 1.0, count);
            let y = xs.iter().map(|x| -(x - 0.5) * (x - 0.5) + 0.25).collect();
            Dataset::from_rows(xs.into_iter().map(|x| vec![x]).collect(), y, false)
        }
        Generator::Xor => Dataset::from_rows(
            vec![
                vec![0.0, 0.0],
                vec![0.0, 1.0],
                vec![1.0, 0.0],
                vec![1.0, 1.0],
            ],
            vec![0.0, 1.0, 1.0, 0.0],
            true,
        ),
        Generator::DiagonalGaussians => {
            let quarter = n.unwrap_or(400) / 4;
            let mut rows = normal_rows(&mut s, 2 * quarter, &[0.0, 0.0], 0.5);
            rows.extend(normal_rows(&mut s, quarter, &[-1.0, -1.0], 0.5));
            rows.extend(normal_rows(&mut s, quarter, &[1.0, 1.0], 0.5));
            let y = (0..4 * quarter)
                .map(|i| if i < 2 * quarter { 0.0 } else { 1.0 })
                .collect();
            Dataset::from_rows(rows, y, true)
        }
    })
}

/// NumPy's `linspace(start, stop, num)`: i·step + start, with the last value exactly `stop`.
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    if let Some(last) = v.last_mut() {
        *last = stop;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tests::read_csv;

    fn assert_raw(g: Generator, x_file: &str, y_file: Option<&str>) -> Dataset {
        let d = generate(g, true, g.article_seed(), None).unwrap();
        let want = read_csv(x_file);
        assert_eq!(want.len(), d.n, "{x_file}");
        for (i, row) in want.iter().enumerate() {
            for (j, w) in row.iter().enumerate() {
                assert_eq!(d.row(i)[j].to_bits(), w.to_bits(), "{x_file}[{i}][{j}]");
            }
        }
        if let Some(y_file) = y_file {
            let y: Vec<f64> = read_csv(y_file).into_iter().flatten().collect();
            assert_eq!(y, d.y, "{y_file}");
        }
        d
    }

    #[test]
    fn articles_datasets_are_numpys_bit_for_bit() {
        let d1 = assert_raw(Generator::TwoClusters, "D1_raw_X.csv", Some("D1_y.csv"));
        assert_eq!(d1.y.iter().filter(|&&v| v == 0.0).count(), 17);
        assert_raw(Generator::TwoBlobs3d, "D2_raw_X.csv", None);
        assert_raw(Generator::ThreeBlobs, "D3_raw_X.csv", None);
        let d4 = assert_raw(Generator::CornerSquare, "D4_raw_X.csv", Some("D4_y.csv"));
        assert_eq!(d4.y.iter().filter(|&&v| v == 0.0).count(), 543);
        assert_eq!(d4.y.iter().filter(|&&v| v == 1.0).count(), 707);
    }

    #[test]
    fn parabola_and_leo() {
        let d5 = generate(Generator::Parabola, false, 0, None).unwrap();
        assert_eq!(d5.n, 100);
        assert_eq!(d5.row(99)[0], 1.0);
        let max = d5.y.iter().copied().fold(f64::MIN, f64::max);
        assert!((max - 0.249974).abs() < 1e-6);
        let l1 = generate(Generator::DiagonalGaussians, false, 7, None).unwrap();
        assert_eq!(l1.n, 400);
        assert_eq!(l1.y.iter().filter(|&&v| v == 0.0).count(), 200);
        assert!(l1.y[..200].iter().all(|&v| v == 0.0));
        assert_eq!(
            l1,
            generate(Generator::DiagonalGaussians, false, 7, None).unwrap()
        );
        assert_ne!(
            l1,
            generate(Generator::DiagonalGaussians, false, 8, None).unwrap()
        );
    }
}
