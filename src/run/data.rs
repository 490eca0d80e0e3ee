//! Preparing an experiment's data: generate, scale, and shape the targets for the model's loss
//! (a 0/1 column for binary cross-entropy, one-hot rows for softmax, the value for regression).

use std::path::PathBuf;

use ndarray::Array2;

use crate::diag::Diagnostic;
use crate::engine::data::Dataset;
use crate::engine::data::generators::{self, Generator as G};
use crate::engine::data::mnist::{self, MnistError, Split};
use crate::engine::data::scaler::Scaler;
use crate::spec::{Activation, DataSpec, Generator, Loss, ModelSpec, RngKind, Scale, TrainSpec};

/// Data ready for the engine and for figures.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Features after scaling, as the model sees them.
    pub x: Array2<f32>,
    /// Training targets shaped for the loss (empty columns for a data-only block).
    pub targets: Array2<f32>,
    /// Class index per row (classification), else all 0.
    pub class_of: Vec<usize>,
    /// Class names in index order (the sorted distinct labels), or empty for regression.
    pub classes: Vec<String>,
    /// Raw label or target per row.
    pub y: Vec<f64>,
    /// What the data's bytes are, for the cache key: generated data is fixed by the block
    /// itself; read data by the digests of its files.
    pub digest: String,
}

/// Why data could not be prepared.
#[derive(Debug, Clone)]
pub enum DataProblem {
    /// A dataset that is not on this machine (the experiment is skipped with a warning).
    Missing { reason: String, help: String },
    /// A mistake in the block.
    Invalid(Diagnostic),
}

/// The engine's generator for a block's; None for MNIST, which is read rather than generated.
fn generator(g: Generator) -> Option<G> {
    Some(match g {
        Generator::Mnist => return None,
        Generator::TwoClusters => G::TwoClusters,
        Generator::TwoBlobs3d => G::TwoBlobs3d,
        Generator::ThreeBlobs => G::ThreeBlobs,
        Generator::CornerSquare => G::CornerSquare,
        Generator::Parabola => G::Parabola,
        Generator::Xor => G::Xor,
        Generator::DiagonalGaussians => G::DiagonalGaussians,
    })
}

/// Read MNIST rows as a dataset with the ten digit classes.
fn mnist(spec: &DataSpec, dirs: &[PathBuf]) -> Result<Dataset, DataProblem> {
    let split = if spec.split.as_deref() == Some("train") {
        Split::Train
    } else {
        Split::Test
    };
    match mnist::load(split, dirs, spec.offset, spec.limit) {
        Ok(m) => Ok(Dataset {
            x: m.images.iter().map(|&p| f64::from(p)).collect(),
            n: m.n,
            d: 784,
            y: m.labels.iter().map(|&l| f64::from(l)).collect(),
            classification: true,
        }),
        Err(MnistError::Missing { file, searched }) => {
            let searched: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
            Err(DataProblem::Missing {
                reason: "needs dataset mnist".into(),
                help: format!(
                    "put the four MNIST IDX files (raw or .gz, such as {file}.gz) in a `mnist/` folder under the book's `datasets:` folder or under $NNBOOK_DATA_DIR (searched: {})",
                    if searched.is_empty() { "nothing".into() } else { searched.join(", ") }
                ),
            })
        }
        Err(e) => Err(DataProblem::Invalid(
            Diagnostic::error("E032", format!("dataset mnist: {e}"))
                .at(spec.location.clone())
                .hint("replace the file with an intact copy; nnbook checks the SHA-256 of the decompressed bytes"),
        )),
    }
}

/// Generate (or read) and prepare the data of a block.
pub fn prepare(
    spec: &DataSpec,
    model: Option<&ModelSpec>,
    train: Option<&TrainSpec>,
    data_dirs: &[PathBuf],
) -> Result<Prepared, DataProblem> {
    let invalid = |msg: String, hint: &str| {
        DataProblem::Invalid(
            Diagnostic::error("E031", msg)
                .at(spec.location.clone())
                .hint(hint.to_string()),
        )
    };
    let seed = u32::try_from(spec.seed)
        .map_err(|_| invalid("the seed is too large".into(), "use a seed below 2^32"))?;
    let mut data = match generator(spec.generator) {
        Some(g) => generators::generate(g, spec.rng == RngKind::Numpy, seed, spec.n)
            .map_err(|e| invalid(e, "check the generator's settings"))?,
        None => mnist(spec, data_dirs)?,
    };
    if data.n == 0 {
        return Err(invalid("the dataset is empty".into(), "increase `n`"));
    }
    if spec.scale == Scale::Standard {
        Scaler::fit(&data).apply(&mut data);
    }
    let x = Array2::from_shape_vec((data.n, data.d), data.x.iter().map(|v| *v as f32).collect())
        .map_err(|e| invalid(format!("bad data shape: {e}"), "report this as a bug"))?;
    let (class_of, classes) = if spec.generator == Generator::Mnist {
        // All ten digits are classes even when a slice of the data lacks one.
        let names = (0..10).map(|d| d.to_string()).collect();
        (data.y.iter().map(|v| *v as usize).collect(), names)
    } else if data.classification {
        let mut labels: Vec<f64> = data.y.clone();
        labels.sort_by(f64::total_cmp);
        labels.dedup();
        let class_of = data
            .y
            .iter()
            .map(|v| labels.iter().position(|l| l == v).unwrap_or(0))
            .collect();
        (class_of, labels.iter().map(|l| label_name(*l)).collect())
    } else {
        (vec![0; data.n], Vec::new())
    };
    let targets = match (model, train) {
        (Some(m), Some(t)) => {
            targets(&data.y, &class_of, classes.len(), m, t).map_err(|(msg, hint)| {
                DataProblem::Invalid(
                    Diagnostic::error("E014", msg)
                        .at(m.location.clone())
                        .hint(hint),
                )
            })?
        }
        _ => Array2::zeros((data.n, 0)),
    };
    // Generated data is fixed by the block; MNIST files must match their pinned SHA-256.
    let digest = match spec.generator {
        Generator::Mnist => format!(
            "mnist {} verified by SHA-256",
            spec.split.as_deref().unwrap_or("")
        ),
        _ => "generated".to_string(),
    };
    Ok(Prepared {
        digest,
        x,
        targets,
        class_of,
        classes,
        y: data.y,
    })
}

/// "1" for whole numbers, else the shortest decimal.
fn label_name(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn targets(
    y: &[f64],
    class_of: &[usize],
    n_classes: usize,
    model: &ModelSpec,
    train: &TrainSpec,
) -> Result<Array2<f32>, (String, String)> {
    let out = model.layers.last().map_or(1, |l| l.units);
    let out_act = model
        .layers
        .last()
        .map_or(Activation::Linear, |l| l.activation);
    match train.loss {
        Loss::BinaryCrossentropy => {
            if y.iter().any(|v| *v != 0.0 && *v != 1.0) {
                return Err((
                    "binary cross-entropy needs labels 0 and 1".into(),
                    "use softmax with categorical cross-entropy for more classes".into(),
                ));
            }
            Ok(Array2::from_shape_fn((y.len(), 1), |(i, _)| y[i] as f32))
        }
        Loss::CategoricalCrossentropy => {
            if out != n_classes {
                return Err((
                    format!(
                        "the output layer has {out} units but the data has {n_classes} classes"
                    ),
                    format!("end the model with `{{dense: {n_classes}, activation: softmax}}`"),
                ));
            }
            Ok(Array2::from_shape_fn((y.len(), out), |(i, k)| {
                f32::from(u8::from(class_of[i] == k))
            }))
        }
        Loss::Mse | Loss::SquaredError => {
            if out != 1 {
                return Err((
                    format!("the output layer has {out} units but the data has one target"),
                    format!(
                        "end a regressor with `{{dense: 1, activation: {}}}`",
                        if out_act == Activation::Linear {
                            "linear"
                        } else {
                            out_act.name()
                        }
                    ),
                ));
            }
            Ok(Array2::from_shape_fn((y.len(), 1), |(i, _)| y[i] as f32))
        }
    }
}
