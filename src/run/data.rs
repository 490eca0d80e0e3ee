//! Preparing an experiment's data: generate, scale, and shape the targets for the model's loss
//! (a 0/1 column for binary cross-entropy, one-hot rows for softmax, the value for regression).

use std::path::PathBuf;

use ndarray::Array2;

use crate::datasets::mnist::{self, MnistError};
use crate::datasets::{self, DataDir, DataFiles, Source};
use crate::diag::Diagnostic;
use crate::engine::data::Dataset;
use crate::engine::data::csv::{self, Classes, label_name};
use crate::engine::data::generators;
use crate::engine::data::mnist::Split;
use crate::engine::data::scaler::Scaler;
use crate::spec::{
    Activation, CsvSpec, DataSpec, Generator, Loss, ModelSpec, RngKind, Scale, Task, TrainSpec,
};

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
    /// Names of the feature columns and of the target column (CSV data), else empty.
    pub feature_names: Vec<String>,
    pub target_name: String,
}

/// Why data could not be prepared.
#[derive(Debug, Clone)]
pub enum DataProblem {
    /// A dataset that is not on this machine (the experiment is skipped with a warning).
    Missing { reason: String, help: String },
    /// A mistake in the block.
    Invalid(Diagnostic),
}

/// What to tell an author whose MNIST files are missing.
fn mnist_help(searched: &[String], note: Option<&str>) -> String {
    let mut help = format!(
        "put the four MNIST IDX files (raw or .gz, such as t10k-images-idx3-ubyte.gz) in a `mnist/` folder under the book's `datasets:` folder or under $NNBOOK_DATA_DIR, or build with `--download` (searched: {})",
        if searched.is_empty() {
            "nothing".into()
        } else {
            searched.join(", ")
        }
    );
    if let Some(note) = note {
        help.push_str("; ");
        help.push_str(note);
    }
    help
}

/// Read MNIST rows as a dataset with the ten digit classes, from the files the build found
/// (or, when nothing looked them up, from the folders given).
fn mnist(spec: &DataSpec, source: &Source, dirs: &[PathBuf]) -> Result<Dataset, DataProblem> {
    let split = if spec.split.as_deref() == Some("train") {
        Split::Train
    } else {
        Split::Test
    };
    let loaded = match &source.files {
        DataFiles::Found(files) if files.len() == 2 => {
            mnist::load_files(&files[0].path, &files[1].path, spec.offset, spec.limit).map_err(
                |e| match e {
                    MnistError::Bad { file, error } => {
                        let shown = files
                            .iter()
                            .find(|f| f.path == file)
                            .map_or_else(|| crate::diag::display_path(&file), |f| f.shown.clone());
                        format!("{shown}: {error}")
                    }
                    other => other.to_string(),
                },
            )
        }
        DataFiles::Missing { searched, note } => {
            return Err(DataProblem::Missing {
                reason: "needs dataset mnist".into(),
                help: mnist_help(searched, note.as_deref()),
            });
        }
        _ => {
            let dirs: Vec<DataDir> = dirs.iter().cloned().map(DataDir::plain).collect();
            match mnist::load(split, &dirs, spec.offset, spec.limit) {
                Err(MnistError::Missing { .. }) => {
                    return Err(DataProblem::Missing {
                        reason: "needs dataset mnist".into(),
                        help: mnist_help(&[], None),
                    });
                }
                other => other.map_err(|e| e.to_string()),
            }
        }
    };
    match loaded {
        Ok(m) => Ok(Dataset {
            x: m.images.iter().map(|&p| f64::from(p)).collect(),
            n: m.n,
            d: 784,
            y: m.labels.iter().map(|&l| f64::from(l)).collect(),
            classification: true,
        }),
        Err(e) => Err(DataProblem::Invalid(
            Diagnostic::error("E032", format!("dataset mnist: {e}"))
                .at(spec.location.clone())
                .hint("replace the file with an intact copy; nnbook checks the SHA-256 of the decompressed bytes"),
        )),
    }
}

/// A CSV file's rows, selected and parsed.
struct CsvData {
    data: Dataset,
    classes: Option<Classes>,
    features: Vec<String>,
    sha256: String,
}

/// The training data of held-out data: its spec and what the build found for it.
pub type TrainingData<'a> = (&'a DataSpec, &'a Source);

/// Parse a block's CSV file (read by the build), with every problem at its line and column.
/// Held-out data (`classes_from`) takes its classes from the training data's file.
fn read_csv(
    source: &Source,
    c: &CsvSpec,
    classes_from: Option<TrainingData<'_>>,
    training: bool,
) -> Result<CsvData, DataProblem> {
    let (DataFiles::Found(files), Some(csv_file)) = (&source.files, &source.csv) else {
        return Err(DataProblem::Invalid(
            Diagnostic::error("E033", format!("the CSV file `{}` was not found", c.path))
                .at(c.location.clone())
                .hint("CSV files are looked up under the book's `datasets:` folder, then the book's root"),
        ));
    };
    let shown = files.first().map_or(c.path.as_str(), |f| f.shown.as_str());
    let bytes: &[u8] = &csv_file.bytes;
    let train_classes = match (classes_from, c.task) {
        (Some((train, train_source)), Some(Task::Classification) | None) => match &train.csv {
            Some(tc) => read_csv(train_source, tc, None, false)?.classes,
            None => None,
        },
        _ => None,
    };
    let select = csv::Select {
        target: &c.target,
        features: c.features.as_deref(),
        task: c.task,
        min_classes: if training && classes_from.is_none() {
            2
        } else {
            0
        },
        classes: train_classes.as_ref(),
    };
    let table = csv::read(bytes, &select)
        .map_err(|e| DataProblem::Invalid(datasets::csv::diagnostic(&e, shown, bytes)))?;
    Ok(CsvData {
        data: table.data,
        classes: table.classes,
        features: table.features,
        sha256: csv_file.sha256.clone(),
    })
}

/// Generate (or read) and prepare the data of a block, from what the build found for it
/// (`source`; for held-out data, `classes_from` is the training data).
pub fn prepare(
    spec: &DataSpec,
    source: &Source,
    classes_from: Option<TrainingData<'_>>,
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
    let training = model.is_some() && train.is_some();
    let mut read: Option<CsvData> = None;
    let mut data = match (spec.generator, &spec.csv) {
        (Some(Generator::Mnist), _) => mnist(spec, source, data_dirs)?,
        (Some(Generator::Synthetic(g)), _) => {
            generators::generate(g, spec.rng == RngKind::Numpy, seed, spec.n)
                .map_err(|e| invalid(e, "check the generator's settings"))?
        }
        (None, Some(c)) => {
            let r = read_csv(source, c, classes_from, training)?;
            let data = rows(&r.data, spec.offset, spec.limit);
            read = Some(r);
            data
        }
        (None, None) => {
            return Err(invalid(
                "no data source".into(),
                "add `generator:` or `csv:`",
            ));
        }
    };
    if data.n == 0 {
        return Err(invalid(
            "the dataset is empty".into(),
            if spec.csv.is_some() {
                "`offset:` is past the file's last row"
            } else {
                "increase `n`"
            },
        ));
    }
    if spec.scale == Scale::Standard {
        Scaler::fit(&data).apply(&mut data);
    }
    let x = Array2::from_shape_vec((data.n, data.d), data.x.iter().map(|v| *v as f32).collect())
        .map_err(|e| invalid(format!("bad data shape: {e}"), "report this as a bug"))?;
    let csv_classes = read.as_ref().and_then(|r| r.classes.clone());
    let (class_of, classes) = if spec.is_mnist() {
        // All ten digits are classes even when a slice of the data lacks one.
        let names = (0..10).map(|d| d.to_string()).collect();
        (data.y.iter().map(|v| *v as usize).collect(), names)
    } else if let Some(c) = csv_classes {
        // The whole file's classes (and the training data's, for held-out data), even when
        // a slice of the rows lacks one.
        let class_of = data
            .y
            .iter()
            .map(|v| {
                if c.numeric {
                    let name = csv::label_name(*v);
                    c.names.iter().position(|n| *n == name).unwrap_or(0)
                } else {
                    *v as usize
                }
            })
            .collect();
        (class_of, c.names)
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
    Ok(Prepared {
        digest: digest(spec, read.as_ref().map(|r| r.sha256.as_str())),
        x,
        targets,
        class_of,
        classes,
        y: data.y,
        target_name: spec
            .csv
            .as_ref()
            .map(|c| c.target.clone())
            .unwrap_or_default(),
        feature_names: read.map(|r| r.features).unwrap_or_default(),
    })
}

/// What a block's data is, for the cache key (`csv_sha256`: the SHA-256 of its CSV file's
/// bytes, for CSV data). Generated data is fixed by the block; MNIST files must match their
/// pinned SHA-256; a CSV file is what its bytes are.
pub fn digest(spec: &DataSpec, csv_sha256: Option<&str>) -> String {
    match (csv_sha256, spec.is_mnist()) {
        (Some(sha), _) => format!("csv sha256 {sha}"),
        (None, true) => format!(
            "mnist {} verified by SHA-256",
            spec.split.as_deref().unwrap_or("")
        ),
        (None, false) => "generated".to_string(),
    }
}

/// Rows `offset..offset + limit` of a dataset (all by default).
fn rows(data: &Dataset, offset: usize, limit: Option<usize>) -> Dataset {
    let start = offset.min(data.n);
    let end = limit.map_or(data.n, |l| start.saturating_add(l).min(data.n));
    Dataset {
        x: data.x[start * data.d..end * data.d].to_vec(),
        n: end - start,
        d: data.d,
        y: data.y[start..end].to_vec(),
        classification: data.classification,
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
