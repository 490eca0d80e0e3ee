//! Datasets: the articles' generators (bit-identical to NumPy's with `rng: numpy`), the
//! StandardScaler, and the random streams behind them.

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
    /// Read one of the NumPy reference CSVs shipped under tests/data/numpy.
    pub fn read_csv(name: &str) -> Vec<Vec<f64>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/numpy/");
        let text = std::fs::read_to_string(format!("{path}{name}")).unwrap();
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
