//! Datasets: the articles' generators (bit-identical to NumPy's with `rng: numpy`), the
//! StandardScaler, the random streams behind them, and parsers of CSV and IDX bytes. Files are
//! read (and their errors placed in them) by `crate::datasets`: nothing here opens one.

pub mod csv;
pub mod generators;
pub mod idx;
pub mod log;
pub mod mnist;
pub mod numpy;
pub mod scaler;

/// A dataset: rows of features with one label or target per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Row-major features, `n × d`.
    pub x: Vec<f64>,
    pub n: usize,
    pub d: usize,
    /// Class label or regression target per row.
    pub y: Vec<f64>,
    /// True when `y` holds class labels.
    pub classification: bool,
}

impl Dataset {
    /// Row `i` of the features.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    /// Build from rows (all of length `d`).
    pub fn from_rows(rows: Vec<Vec<f64>>, y: Vec<f64>, classification: bool) -> Self {
        let d = rows.first().map_or(0, Vec::len);
        let n = rows.len();
        Dataset {
            x: rows.into_iter().flatten().collect(),
            n,
            d,
            y,
            classification,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// `(name, text)` of a NumPy reference CSV, compiled in: the engine reads no files, even
    /// in its tests.
    macro_rules! reference {
        ($name:literal) => {
            (
                $name,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../tests/data/numpy/",
                    $name
                )),
            )
        };
    }

    /// The reference CSVs shipped under tests/data/numpy.
    const REFERENCES: &[(&str, &str)] = &[
        reference!("D1_X.csv"),
        reference!("D1_raw_X.csv"),
        reference!("D1_y.csv"),
        reference!("D2_X.csv"),
        reference!("D2_raw_X.csv"),
        reference!("D3_X.csv"),
        reference!("D3_raw_X.csv"),
        reference!("D4_X.csv"),
        reference!("D4_raw_X.csv"),
        reference!("D4_y.csv"),
        reference!("seed0_permutation_10.csv"),
        reference!("seed0_randn_20.csv"),
        reference!("seed0_random_sample_20.csv"),
        reference!("seed0_uniform_0_4_10x2.csv"),
        reference!("seed3_randn_20.csv"),
        reference!("seed5_choice01_30.csv"),
        reference!("seed7_randint_0_10_20.csv"),
    ];

    /// Read one of the NumPy reference CSVs shipped under tests/data/numpy.
    pub fn read_csv(name: &str) -> Vec<Vec<f64>> {
        let text = REFERENCES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_else(|| panic!("no reference file {name}"));
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.split(',')
                    .map(|v| v.trim().parse::<f64>().unwrap())
                    .collect()
            })
            .collect()
    }
}
