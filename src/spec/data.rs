//! The `data:` (and `validate:`) part of a block: a generator or a CSV file, and how the
//! samples are prepared.

use serde::Serialize;

use super::{BlockSource, MAX_SAMPLES, ModelSpec, TrainSpec, choice};
use crate::diag::Location;
use crate::engine::data::generators;
use crate::yaml::{Map, Node, YamlError, YamlErrorKind};

/// Where the data comes from and how it is prepared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSpec {
    /// The generator; None for data read from a CSV file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// A CSV data file of the book's, instead of a generator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv: Option<CsvSpec>,
    /// Sample count for generators that take one.
    pub n: Option<usize>,
    pub seed: u64,
    pub rng: RngKind,
    pub scale: Scale,
    /// MNIST split (`train` or `test`).
    pub split: Option<String>,
    /// First row kept (MNIST).
    pub offset: usize,
    /// Rows kept (MNIST, CSV), all by default.
    pub limit: Option<usize>,
    #[serde(skip)]
    pub location: Location,
}

impl DataSpec {
    /// The dataset's name: the generator's, or the CSV file as written.
    pub fn name(&self) -> &str {
        match (&self.generator, &self.csv) {
            (Some(g), _) => g.name(),
            (None, Some(c)) => &c.path,
            (None, None) => "",
        }
    }

    /// The MNIST digits (read from IDX files).
    pub fn is_mnist(&self) -> bool {
        self.generator == Some(Generator::Mnist)
    }
}

/// `data: {csv: points.csv, target: label, features: [x1, x2], task: classification}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvSpec {
    /// The file as written: under the book's `datasets:` folder, or else the book's root. Left
    /// out of the cache key, which has the SHA-256 of the file's bytes instead.
    #[serde(skip)]
    pub path: String,
    /// The column holding the label or value to predict.
    pub target: String,
    /// The feature columns, in order (None: every column but the target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// What the target is: as written, else from the loss (None for a block without
    /// training: inferred from the column).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "task_name")]
    pub task: Option<Task>,
    /// SHA-256 of the file's bytes: None in the parsed spec, set only on the copy the cache key
    /// is made from (`run::cache::with_digests`), so editing the file (training or held-out
    /// data) retrains and renaming it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where `csv:` names the file.
    #[serde(skip)]
    pub location: Location,
}

/// Random stream used by a generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RngKind {
    /// NumPy's legacy `np.random.seed` stream, bit for bit (for the articles' own datasets).
    Numpy,
    /// ChaCha8 (the default).
    Chacha,
}

/// Feature scaling applied after generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scale {
    None,
    /// scikit-learn's StandardScaler (population standard deviation).
    Standard,
}

pub use crate::engine::data::csv::Task;

/// Where a block's data is drawn from: one of the engine's generators, or the real MNIST
/// digits (read from the book's datasets folder, not generated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Synthetic(generators::Generator),
    Mnist,
}

impl Generator {
    /// Every name an author may write: the engine's generators, then MNIST.
    pub fn names() -> Vec<&'static str> {
        generators::Generator::ALL
            .iter()
            .map(|g| g.name())
            .chain(["mnist"])
            .collect()
    }

    /// The name as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Synthetic(g) => g.name(),
            Generator::Mnist => "mnist",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "mnist" => Some(Generator::Mnist),
            _ => generators::Generator::from_name(name).map(Generator::Synthetic),
        }
    }
}

/// As its name, the way the author wrote it (the cache key holds it).
impl Serialize for Generator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

fn task_name<S: serde::Serializer>(t: &Option<Task>, s: S) -> Result<S::Ok, S::Error> {
    t.map(Task::name).serialize(s)
}

pub(super) const DATA_KEYS: &[&str] = &[
    "generator",
    "csv",
    "target",
    "features",
    "task",
    "n",
    "seed",
    "rng",
    "scale",
    "split",
    "offset",
    "limit",
];

pub(super) fn parse_data(node: &Node, src: &BlockSource<'_>) -> Result<DataSpec, YamlError> {
    let map = node.as_map()?;
    map.check_keys(DATA_KEYS)?;
    let generator = match (map.get("generator"), map.get("csv")) {
        (Some(_), Some(c)) => {
            return Err(YamlError::at(
                c,
                YamlErrorKind::Invalid,
                "`csv` and `generator` cannot be combined",
            )
            .hint("data comes from a generator or from a CSV file; keep one of the two"));
        }
        (Some(g), None) => Some(choice(
            g,
            "generator",
            &Generator::names(),
            Generator::from_name,
        )?),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(YamlError::at(
                node,
                YamlErrorKind::MissingKey,
                "missing key `generator`",
            )
            .hint(format!(
                "generators: {}; or a CSV file of the book's: {{csv: points.csv, target: label}}",
                Generator::names().join(", ")
            )));
        }
    };
    let rng = map
        .opt("rng", |n| {
            choice(n, "rng", &["numpy", "chacha"], |s| match s {
                "numpy" => Some(RngKind::Numpy),
                _ => Some(RngKind::Chacha),
            })
        })?
        .unwrap_or(RngKind::Chacha);
    let scale = map
        .opt("scale", |n| {
            choice(n, "scale", &["none", "standard"], |s| match s {
                "standard" => Some(Scale::Standard),
                _ => Some(Scale::None),
            })
        })?
        .unwrap_or(Scale::None);
    let applies = |key: &str| match key {
        "split" => generator == Some(Generator::Mnist),
        "offset" | "limit" => generator.is_none_or(|g| g == Generator::Mnist),
        "target" | "features" | "task" => generator.is_none(),
        "n" | "seed" | "rng" => generator.is_some(),
        _ => true,
    };
    if let Some(k) = map.keys().find(|k| !applies(&k.describe())) {
        let key = k.describe();
        let (only, hint) = match key.as_str() {
            "split" => (
                "`generator: mnist`",
                "only MNIST comes in `train` and `test` splits",
            ),
            "offset" | "limit" => (
                "`generator: mnist` and `csv:` data",
                "they keep some rows of data that is read; generated data has `n`",
            ),
            "target" | "features" | "task" => (
                "`csv:` data",
                "they name columns of a CSV file, e.g. `{csv: points.csv, target: label}`",
            ),
            _ => (
                "generated data",
                "a CSV file's rows are its data: leave the key out (`offset:` and `limit:` keep some rows)",
            ),
        };
        return Err(YamlError::at(
            k,
            YamlErrorKind::Invalid,
            format!("`{key}` applies to {only} only"),
        )
        .hint(hint));
    }
    let split = map.opt("split", |n| {
        n.as_choice("split", &["train", "test"]).map(str::to_string)
    })?;
    if generator == Some(Generator::Mnist) && split.is_none() {
        return Err(
            YamlError::at(node, YamlErrorKind::MissingKey, "missing key `split`")
                .hint("MNIST has a `train` split (60,000 images) and a `test` split (10,000)"),
        );
    }
    let csv = map.opt("csv", |n| parse_csv(n, &map, src))?;
    Ok(DataSpec {
        generator,
        csv,
        split,
        offset: map
            .opt("offset", |n| n.as_usize(0, MAX_SAMPLES))?
            .unwrap_or(0),
        limit: map.opt("limit", |n| n.as_usize(1, MAX_SAMPLES))?,
        n: map.opt("n", |n| n.as_usize(1, MAX_SAMPLES))?,
        seed: map
            .opt("seed", |n| n.as_int(0, u32::MAX as i64))?
            .unwrap_or(0) as u64,
        rng,
        scale,
        location: src.loc(node),
    })
}

/// Columns named by a block, at most (as many as a CSV file may have).
const MAX_COLUMNS: usize = crate::engine::data::csv::MAX_COLUMNS;

/// The keys of `csv:` data: the file, the target column, the feature columns and the task.
fn parse_csv(path: &Node, map: &Map<'_>, src: &BlockSource<'_>) -> Result<CsvSpec, YamlError> {
    let file = path.as_text()?;
    if file.trim().is_empty() || file.contains('\0') {
        return Err(
            YamlError::at(path, YamlErrorKind::Invalid, "the CSV file's path is empty")
                .hint("name a file under the book's `datasets:` folder, e.g. `csv: points.csv`"),
        );
    }
    let column = |n: &Node| -> Result<String, YamlError> {
        let name = n.as_text()?;
        if name.trim().is_empty() {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                "a column name is empty",
            ));
        }
        Ok(name.trim().to_string())
    };
    let target = column(map.require("target").map_err(|e| {
        e.hint("name the column holding the label or value to predict, e.g. `target: label`")
    })?)?;
    let features = map.opt("features", |n| {
        let items = n
            .as_seq()
            .map_err(|e| e.hint("list the columns, e.g. `features: [x1, x2]`"))?;
        if items.is_empty() || items.len() > MAX_COLUMNS {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                "`features` needs one or more column names",
            )
            .hint("leave `features:` out to use every column but the target"));
        }
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            let name = column(item)?;
            if names.contains(&name) {
                return Err(YamlError::at(
                    item,
                    YamlErrorKind::Invalid,
                    format!("column `{name}` is listed twice"),
                ));
            }
            if name == target {
                return Err(YamlError::at(
                    item,
                    YamlErrorKind::Invalid,
                    format!("`{name}` is the target; it cannot also be a feature"),
                ));
            }
            names.push(name);
        }
        Ok(names)
    })?;
    let task = map.opt("task", |n| choice(n, "task", Task::NAMES, Task::from_name))?;
    Ok(CsvSpec {
        path: file,
        target,
        features,
        task,
        sha256: None,
        location: src.loc(path),
    })
}

/// Fill in a CSV target's task from the training (cross-entropy: classes; otherwise a value),
/// or refuse a task that contradicts the loss.
pub(super) fn csv_task(
    data: &mut DataSpec,
    node: &Node,
    model: Option<&ModelSpec>,
    train: Option<&TrainSpec>,
) -> Result<(), YamlError> {
    let Some(csv) = data.csv.as_mut() else {
        return Ok(());
    };
    let from_training = match (model, train) {
        (Some(m), _) if m.classic.is_some() => Some(Task::Classification),
        (_, Some(t)) if t.loss.is_classification() => Some(Task::Classification),
        (_, Some(_)) => Some(Task::Regression),
        _ => None,
    };
    match (csv.task, from_training) {
        (Some(Task::Regression), Some(Task::Classification)) => {
            let at = node
                .as_map()
                .ok()
                .and_then(|m| m.get("task"))
                .unwrap_or(node);
            Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                "`task: regression` does not fit a classifier",
            )
            .hint("a cross-entropy loss (or a classic model) predicts classes; use `task: classification`, or `loss: mse` to predict a value"))
        }
        (None, t) => {
            csv.task = t;
            Ok(())
        }
        _ => Ok(()),
    }
}
