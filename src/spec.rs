//! The experiment-block schema: parse a fenced ```nn block into a typed spec, fill defaults and
//! validate, with every error pointing at the block's line and column.

use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Location};
use crate::yaml::{self, Map, Node, YamlError, YamlErrorKind};

/// A parsed experiment block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    /// The experiment id (for `use:` blocks, the id of the reused experiment).
    pub id: String,
    /// Data, model and training; None for a block that reuses an earlier experiment.
    pub experiment: Option<Experiment>,
    /// `use: id`: show more of an earlier experiment without retraining.
    pub uses: bool,
    pub show: Vec<Show>,
    /// Where the block's id (or `use:`) is, for errors about the experiment as a whole.
    #[serde(skip)]
    pub location: Location,
    /// The block's YAML as the author wrote it (shown under its figures).
    #[serde(skip)]
    pub source: String,
}

/// What to train: data, model and training settings, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Experiment {
    pub data: DataSpec,
    /// None for a data-only block (e.g. a scatter of a dataset).
    pub model: Option<ModelSpec>,
    pub train: Option<TrainSpec>,
    /// Held-out data the trained model is evaluated on (final loss and metric).
    pub validate: Option<DataSpec>,
}

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
    /// Where the data's files are: filled in by the build (see `datasets`), never written by
    /// the author, and not part of the cache key (the files' contents are).
    #[serde(skip)]
    pub files: DataFiles,
    /// For held-out CSV data: the training data, whose classes its labels must be among.
    #[serde(skip)]
    pub classes_from: Option<Box<DataSpec>>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    /// SHA-256 of the file's bytes, filled in by the build: part of the cache key, so editing
    /// the file (training or held-out data) retrains and renaming it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where `csv:` names the file.
    #[serde(skip)]
    pub location: Location,
}

/// The files a block's data is read from, as the build found them.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DataFiles {
    /// Nothing to find (generated data), or not looked up.
    #[default]
    Unresolved,
    /// Every file was found.
    Found(Vec<DataFile>),
    /// An external dataset that is not on this machine: the folders searched (as shown to the
    /// author) and, when a download was tried, why it failed.
    Missing {
        searched: Vec<String>,
        note: Option<String>,
    },
}

/// A file found for a block's data.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Where it is (absolute, symlinks resolved).
    pub path: std::path::PathBuf,
    /// The path shown in messages: relative to the book root, or as the author wrote it
    /// (`$NNBOOK_DATA_DIR/mnist/…`); never absolute.
    pub shown: String,
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

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }
        impl $name {
            /// Every name an author may write.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// The name as written in a block.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

named_enum!(
    /// Dataset generators (INVENTORY §1.1, §2.1 and the XOR table).
    Generator {
        /// Bagheri D1: two separated 2-D clusters, 30 points.
        TwoClusters = "two-clusters",
        /// Bagheri D2: two 3-D blobs, 100 points.
        TwoBlobs3d = "two-blobs-3d",
        /// Bagheri D3: three 2-D blobs, 150 points, labels 1..3.
        ThreeBlobs = "three-blobs",
        /// Bagheri D4: a square nested in an L.
        CornerSquare = "corner-square",
        /// Bagheri D5: 100 points of a downward parabola.
        Parabola = "parabola",
        /// The four rows of XOR.
        Xor = "xor",
        /// Leo's L1: class 1 at (±1, ±1) on the diagonal, class 0 between them.
        DiagonalGaussians = "diagonal-gaussians",
        /// The real MNIST digits, read from the book's datasets folder (not generated).
        Mnist = "mnist",
    }
);

named_enum!(
    /// What the target column of a CSV file holds.
    Task {
        /// Class labels (text or numbers).
        Classification = "classification",
        /// A number to predict.
        Regression = "regression",
    }
);

named_enum!(
    /// Layer activations.
    Activation {
        Linear = "linear",
        Relu = "relu",
        Tanh = "tanh",
        Sigmoid = "sigmoid",
        Softmax = "softmax",
        Step = "step",
    }
);

named_enum!(
    /// Loss functions.
    Loss {
        BinaryCrossentropy = "binary-crossentropy",
        CategoricalCrossentropy = "categorical-crossentropy",
        Mse = "mse",
        SquaredError = "squared-error",
    }
);

named_enum!(
    /// Optimizers.
    OptimizerKind {
        Adam = "adam",
        Sgd = "sgd",
    }
);

named_enum!(
    /// Figure kinds.
    FigureKind {
        Scatter = "scatter",
        DecisionRegions = "decision-regions",
        TrainingCurve = "training-curve",
        /// A trained 1-input regressor's prediction over its training points.
        RegressionFit = "regression-fit",
        /// An activation function g(z) (needs no data or model).
        ActivationCurve = "activation-curve",
        /// The network's layers and connections (from the model, or from `layers:`).
        NetworkDiagram = "network-diagram",
        /// The first samples of image data (such as MNIST digits) in a grid.
        ImageGrid = "image-grid",
        /// The model's output probability over the input plane, with its p = 0.5 contour.
        ProbabilityMesh = "probability-mesh",
        /// Training frame by frame: a 2-unit hidden layer's space beside the input-space
        /// probability mesh (animated, with a scrubber).
        Evolution = "evolution",
        /// A 1-input regressor with one hidden layer taken apart: each unit's output a_i, its
        /// weighted share w_i·a_i, the bias, their sum and the prediction, in a grid of panels.
        UnitDecomposition = "unit-decomposition",
        /// The weighted shares w_i·a_i of the live units and their sum plus bias, overlaid.
        UnitOverlay = "unit-overlay",
        /// Points in 3-D (three features, or a 3-unit hidden layer's outputs), with the model's
        /// p = 0.5 plane and weight arrows, in one or more views.
        Scatter3d = "scatter-3d",
        /// The p = 0.5 boundary after several epochs, overlaid in one panel.
        BoundaryHistory = "boundary-history",
        /// Small multiples: one panel per listed experiment (a sweep over settings).
        Sweep = "sweep",
        /// A regular grid of input-plane lines pushed through a 2-unit hidden layer.
        HiddenGrid = "hidden-grid",
    }
);

named_enum!(
    /// Table kinds.
    TableKind {
        /// Layers, output shapes and parameter counts (as Keras's model.summary()).
        Summary = "summary",
        /// Epochs run, final loss and metrics.
        Metrics = "metrics",
        /// The dataset itself, one row per sample (small datasets such as the XOR table).
        Data = "data",
        /// One row per listed experiment: model, optimizer, epochs run, final metrics.
        Runs = "runs",
        /// A worked forward pass for one input: each unit's weighted sum and activation.
        ForwardPass = "forward-pass",
        /// A worked backward pass for one input and target: error and each unit's delta.
        Backprop = "backprop",
        /// The trained weights and biases, layer by layer.
        Weights = "weights",
        /// Training (or `validate:`) samples counted by true and predicted class.
        Confusion = "confusion",
    }
);

named_enum!(
    /// Metrics a training curve can plot.
    Metric {
        Loss = "loss",
        Accuracy = "accuracy",
        Mse = "mse",
    }
);

/// The network: a stack of dense layers (the input size comes from the data), or one of the
/// classic models the articles compare with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSpec {
    /// Empty for a classic model.
    pub layers: Vec<LayerSpec>,
    pub classic: Option<Classic>,
    #[serde(skip)]
    pub location: Location,
}

impl ModelSpec {
    /// Every layer's weights are given: the model is used as written, without training.
    pub fn is_fixed(&self) -> bool {
        self.classic.is_none()
            && !self.layers.is_empty()
            && self.layers.iter().all(|l| l.weights.is_some())
    }
}

named_enum!(
    /// Models trained by their own classic rules rather than by gradient descent.
    Classic {
        /// Rosenblatt's rule: online, stored order, weights from zero.
        Perceptron = "perceptron",
        /// scikit-learn's LogisticRegression defaults (L2, C = 1), solved to convergence.
        LogisticRegression = "logistic-regression",
    }
);

/// One dense layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSpec {
    pub units: usize,
    pub activation: Activation,
    /// Given weights, one row per input (initial weights, or the model itself when every
    /// layer has them and the block has no `train:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<Vec<f64>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bias: Option<Vec<f64>>,
    #[serde(skip)]
    pub location: Location,
}

/// Training settings, defaults filled in (Keras's where Keras has one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainSpec {
    pub loss: Loss,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub epochs: usize,
    /// None = full batch.
    pub batch: Option<usize>,
    pub seed: u64,
    pub shuffle: bool,
    /// Stop after the first epoch whose logged loss is below this.
    pub stop_loss_below: Option<f64>,
    /// Inverse regularisation strength of logistic regression.
    pub c: f64,
    /// Epochs after which the model is kept (for evolution figures; 0 = untrained). Empty for
    /// most blocks, and then left out of the cache key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<usize>,
    #[serde(skip)]
    pub location: Location,
}

/// One figure or table to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Show {
    /// Unique id in the book; also the cross-reference label (`@id`).
    pub id: String,
    pub what: ShowKind,
    pub caption: Option<String>,
    pub options: FigureOptions,
    #[serde(skip)]
    pub location: Location,
}

/// A figure or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ShowKind {
    Figure(FigureKind),
    Table(TableKind),
}

impl ShowKind {
    /// The kind's name, as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            ShowKind::Figure(k) => k.name(),
            ShowKind::Table(k) => k.name(),
        }
    }
}

/// Options of a figure; which ones apply depends on the kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FigureOptions {
    pub x: Option<[f64; 2]>,
    pub y: Option<[f64; 2]>,
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    /// Grid resolution per axis for decision regions.
    pub grid: Option<usize>,
    pub metric: Option<Metric>,
    pub equal_aspect: Option<bool>,
    /// The function an activation curve draws.
    pub activation: Option<Activation>,
    /// Units per layer of a network diagram, input first.
    pub layers: Option<Vec<usize>>,
    /// Captions under the diagram's columns.
    pub captions: Option<Vec<String>>,
    /// Text inside the diagram's nodes, one list per column.
    pub node_labels: Option<Vec<Vec<String>>>,
    /// Label the diagram's edges with the trained weights.
    pub weights: Option<bool>,
    /// Images in an image grid.
    pub count: Option<usize>,
    /// Columns of an image grid.
    pub columns: Option<usize>,
    /// Epochs shown by an evolution figure (default: a schedule up to the last epoch).
    pub frames: Option<Vec<usize>>,
    /// Also write the evolution as an animated GIF.
    pub gif: Option<bool>,
    /// Experiments listed by a runs table.
    pub runs: Option<Vec<String>>,
    /// The input of a worked forward or backward pass.
    pub input: Option<Vec<f64>>,
    /// The target of a worked backward pass.
    pub target: Option<f64>,
    /// The one layer (1 = first hidden) a forward-pass table shows.
    pub layer: Option<usize>,
    /// Decimals printed in worked numbers.
    pub digits: Option<usize>,
    /// Columns of a diagram whose nodes show the worked values (0 = the input).
    pub values: Option<Vec<usize>>,
    /// Activation-curve panels `out·g(w·x + b)`, each as `{w, b, out}`.
    pub variants: Option<Vec<[f64; 3]>>,
    /// Draw the weight vectors on decision regions (pairwise differences for softmax).
    pub weight_arrows: Option<bool>,
    /// Length factor of the weight arrows.
    pub arrow_scale: Option<f64>,
    /// Camera elevation and azimuth of a 3-D view, in degrees.
    pub view: Option<[f64; 2]>,
    /// `hidden`: plot the first layer's outputs instead of the input features.
    pub space: Option<String>,
    /// Draw the model's p = 0.5 plane.
    pub plane: Option<bool>,
    pub plane_x: Option<[f64; 2]>,
    pub plane_y: Option<[f64; 2]>,
    pub plane_opacity: Option<f64>,
    /// Point opacity.
    pub opacity: Option<f64>,
    pub z_label: Option<String>,
    /// Several views side by side, each overriding the figure's settings.
    pub panels: Option<Vec<PanelSpec>>,
    /// The kind of figure each panel of a sweep draws.
    pub of: Option<FigureKind>,
    /// A sweep drawn as one panel: every run's p = 0.5 boundary overlaid.
    pub overlay: Option<bool>,
    /// Draw each node of a 2-input network as a heatmap of its output over the input plane.
    pub heatmaps: Option<bool>,
    /// Add the activation's derivative to an activation curve.
    pub derivative: Option<bool>,
    /// Set by a sweep for its panels: points as compact dots (not an author's key).
    #[serde(skip)]
    pub compact: bool,
}

/// One view of a multi-panel 3-D figure.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PanelSpec {
    pub view: Option<[f64; 2]>,
    pub plane: Option<bool>,
    pub opacity: Option<f64>,
    pub weight_arrows: Option<bool>,
    /// A 2-D decision-region panel of the input space instead of a 3-D view.
    pub regions: bool,
}

const BLOCK_KEYS: &[&str] = &["id", "use", "data", "model", "train", "validate", "show"];
const DATA_KEYS: &[&str] = &[
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
const LAYER_KEYS: &[&str] = &["dense", "activation", "weights", "bias"];
const TRAIN_KEYS: &[&str] = &[
    "loss",
    "optimizer",
    "lr",
    "momentum",
    "epochs",
    "batch",
    "seed",
    "shuffle",
    "stop",
];
const STOP_KEYS: &[&str] = &["loss-below"];

/// Upper bounds that keep a block from asking for unbounded work or memory.
pub const MAX_FRAMES: usize = 60;
pub const MAX_SAMPLES: usize = 1_000_000;
pub const MAX_UNITS: usize = 100_000;
pub const MAX_EPOCHS: usize = 1_000_000;
pub const MAX_GRID: usize = 1000;

/// Where a block sits in its chapter, for diagnostics.
pub struct BlockSource<'a> {
    /// The chapter file, relative to the book root.
    pub file: &'a Path,
    /// 1-based line of the block's first YAML line in the chapter.
    pub first_line: usize,
    /// The whole chapter text (for caret lines).
    pub chapter_text: &'a str,
}

impl BlockSource<'_> {
    fn loc(&self, node: &Node) -> Location {
        Location::at(
            self.file,
            self.first_line + node.line.max(1) - 1,
            node.col,
            node.len.max(1),
        )
    }
}

/// Parse and validate the YAML text of one ```nn block.
pub fn parse_block(text: &str, src: &BlockSource<'_>) -> Result<Block, Diagnostic> {
    let to_diag = |e: YamlError| {
        let code = match e.kind {
            YamlErrorKind::Syntax => "E010",
            YamlErrorKind::UnknownKey => "E011",
            YamlErrorKind::UnknownName => "E012",
            YamlErrorKind::MissingKey | YamlErrorKind::Invalid => "E013",
        };
        e.into_diagnostic(code, src.file, src.first_line, src.chapter_text)
    };
    let root = yaml::parse(text).map_err(to_diag)?;
    let mut block = block_from(&root, src).map_err(to_diag)?;
    block.source = text.to_string();
    Ok(block)
}

fn block_from(root: &Node, src: &BlockSource<'_>) -> Result<Block, YamlError> {
    let map = root.as_map().map_err(|e| {
        e.hint("an nn block is a YAML mapping with `id:`, `data:`, `model:`, `train:` and `show:`")
    })?;
    map.check_keys(BLOCK_KEYS)?;
    if let Some(used) = map.get("use") {
        for key in ["data", "model", "train", "validate"] {
            if let Some(n) = map.get(key) {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    format!("`{key}` cannot be combined with `use`"),
                )
                .hint("a `use:` block shows more of an earlier experiment; it cannot change it"));
            }
        }
        if let Some(n) = map.get("id") {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                "`id` cannot be combined with `use`",
            )
            .hint("figures of a `use:` block get their own ids under `show:`"));
        }
        let id = parse_id(used)?;
        let show_node = map.require("show")?;
        let show = parse_show(show_node, &id, src)?;
        for (s, node) in show.iter().zip(show_node.as_seq()?) {
            if matches!(
                s.what,
                ShowKind::Figure(FigureKind::Evolution | FigureKind::BoundaryHistory)
            ) {
                return Err(YamlError::at(
                    node,
                    YamlErrorKind::Invalid,
                    format!(
                        "`{}` belongs in the block that trains the model",
                        s.what.name()
                    ),
                )
                .hint("its frames are models kept while training; move the figure to that block"));
            }
        }
        return Ok(Block {
            id,
            experiment: None,
            uses: true,
            show,
            location: src.loc(used),
            source: String::new(),
        });
    }
    let id_node = map
        .require("id")
        .map_err(|e| e.hint("give the experiment an id, e.g. `id: xor-relu`"))?;
    let id = parse_id(id_node)?;
    let Some(data_node) = map.get("data") else {
        return static_block(id, &map, id_node, src);
    };
    let data = parse_data(data_node, src)?;
    let model = map.opt("model", |n| parse_model(n, src))?;
    let train = match (&model, map.get("train")) {
        (
            Some(ModelSpec {
                classic: Some(c), ..
            }),
            t,
        ) => Some(parse_classic_train(t, *c, map.require("model")?, src)?),
        (Some(m), Some(t)) => Some(parse_train(t, m, src)?),
        (Some(m), None) if m.is_fixed() => None,
        (Some(_), None) => {
            return Err(
                YamlError::at(root, YamlErrorKind::MissingKey, "missing key `train`")
                    .hint("a model needs training settings, e.g. `train: {epochs: 100}`"),
            );
        }
        (None, Some(t)) => {
            return Err(YamlError::at(
                t,
                YamlErrorKind::Invalid,
                "`train` needs a `model`",
            ));
        }
        (None, None) => None,
    };
    let mut validate = match map.get("validate") {
        Some(n) if model.is_none() => {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                "`validate` needs a `model`",
            ));
        }
        Some(n) => Some(parse_data(n, src)?),
        None => None,
    };
    let mut data = data;
    csv_task(&mut data, data_node, model.as_ref(), train.as_ref())?;
    if let (Some(v), Some(n)) = (validate.as_mut(), map.get("validate")) {
        csv_task(v, n, model.as_ref(), train.as_ref())?;
    }
    let show = match map.get("show") {
        Some(n) => parse_show(n, &id, src)?,
        None => Vec::new(),
    };
    let block = Block {
        id,
        experiment: Some(Experiment {
            data,
            model,
            train,
            validate,
        }),
        uses: false,
        show,
        location: src.loc(id_node),
        source: String::new(),
    };
    check_show_needs(&block, map.get("show"))?;
    let mut block = block;
    let frames = evolution_frames(&block);
    if let Some(t) = block.experiment.as_mut().and_then(|e| e.train.as_mut()) {
        t.snapshots = frames;
    }
    Ok(block)
}

/// A block without data shows only figures that need none (activation curves).
fn static_block(
    id: String,
    map: &Map<'_>,
    id_node: &Node,
    src: &BlockSource<'_>,
) -> Result<Block, YamlError> {
    for key in ["model", "train"] {
        if let Some(n) = map.get(key) {
            return Err(YamlError::at(
                n,
                YamlErrorKind::MissingKey,
                format!("`{key}` needs `data`"),
            )
            .hint("add `data: {generator: …}` to train a model"));
        }
    }
    let show_node = map.require("show").map_err(|e| {
        e.hint("a block needs `data:` to train, or `show:` with figures that need no data")
    })?;
    let show = parse_show(show_node, &id, src)?;
    for (s, node) in show.iter().zip(show_node.as_seq()?) {
        match s.what {
            ShowKind::Figure(FigureKind::ActivationCurve) if s.options.activation.is_none() => {
                return Err(YamlError::at(
                    node,
                    YamlErrorKind::MissingKey,
                    "missing key `activation`",
                )
                .hint(format!("activations: {}", Activation::NAMES.join(", "))));
            }
            ShowKind::Figure(FigureKind::ActivationCurve) => {}
            ShowKind::Table(TableKind::Runs) | ShowKind::Figure(FigureKind::Sweep)
                if s.options.runs.is_some() => {}
            ShowKind::Figure(FigureKind::Sweep) => {
                return Err(
                    YamlError::at(node, YamlErrorKind::MissingKey, "missing key `runs`")
                        .hint("list the experiments to draw side by side, e.g. `runs: [a, b, c]`"),
                );
            }
            ShowKind::Table(TableKind::Runs) => {
                return Err(
                    YamlError::at(node, YamlErrorKind::MissingKey, "missing key `runs`")
                        .hint("list the experiments, e.g. `runs: [xor-relu, xor-tanh]`"),
                );
            }
            ShowKind::Figure(FigureKind::NetworkDiagram)
                if s.options.layers.is_some()
                    && s.options.weights != Some(true)
                    && s.options.heatmaps != Some(true) => {}
            ShowKind::Figure(FigureKind::NetworkDiagram) => {
                return Err(YamlError::at(
                    node,
                    YamlErrorKind::MissingKey,
                    "a diagram without a model needs `layers:`",
                )
                .hint(
                    "e.g. `layers: [2, 3, 1]`; trained weights need `data`, `model` and `train`",
                ));
            }
            other => {
                return Err(YamlError::at(
                    node,
                    YamlErrorKind::Invalid,
                    format!("`{}` needs data", other.name()),
                )
                .hint("add `data:` to this block"));
            }
        }
    }
    Ok(Block {
        id,
        experiment: None,
        uses: false,
        show,
        location: src.loc(id_node),
        source: String::new(),
    })
}

fn parse_id(node: &Node) -> Result<String, YamlError> {
    let id = node.as_text()?;
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !id.ends_with('.');
    if ok {
        Ok(id)
    } else {
        Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            format!("`{id}` is not a valid id"),
        )
        .hint("use letters, digits, `-`, `_` and `.`, starting with a letter or digit"))
    }
}

fn parse_data(node: &Node, src: &BlockSource<'_>) -> Result<DataSpec, YamlError> {
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
            Generator::NAMES,
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
                Generator::NAMES.join(", ")
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
        files: DataFiles::Unresolved,
        classes_from: None,
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
fn csv_task(
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
        (_, Some(t)) => Some(match t.loss {
            Loss::BinaryCrossentropy | Loss::CategoricalCrossentropy => Task::Classification,
            Loss::Mse | Loss::SquaredError => Task::Regression,
        }),
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

fn choice<T>(
    node: &Node,
    what: &str,
    names: &[&str],
    from: impl Fn(&str) -> Option<T>,
) -> Result<T, YamlError> {
    let name = node.as_choice(what, names)?;
    from(name)
        .ok_or_else(|| YamlError::at(node, YamlErrorKind::UnknownName, format!("unknown {what}")))
}

fn parse_model(node: &Node, src: &BlockSource<'_>) -> Result<ModelSpec, YamlError> {
    if matches!(node.value, yaml::Value::Str(_)) {
        let classic = choice(node, "model", Classic::NAMES, Classic::from_name).map_err(|e| {
            if e.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
            {
                e
            } else {
                e.hint(format!(
                    "a model is a list of layers, or one of: {}",
                    Classic::NAMES.join(", ")
                ))
            }
        })?;
        return Ok(ModelSpec {
            layers: Vec::new(),
            classic: Some(classic),
            location: src.loc(node),
        });
    }
    let items = node
        .as_seq()
        .map_err(|e| e.hint("write the layers as a list, e.g. `[{dense: 3, activation: relu}, {dense: 1, activation: sigmoid}]`"))?;
    if items.is_empty() {
        return Err(
            YamlError::at(node, YamlErrorKind::Invalid, "the model has no layers")
                .hint("list at least one layer, e.g. [{dense: 1, activation: sigmoid}]"),
        );
    }
    let mut layers: Vec<LayerSpec> = Vec::new();
    for item in items {
        let map = item.as_map()?;
        map.check_keys(LAYER_KEYS)?;
        let units = map.require("dense")?.as_usize(1, MAX_UNITS)?;
        let activation = map
            .opt("activation", |n| {
                choice(n, "activation", Activation::NAMES, Activation::from_name)
            })?
            .unwrap_or(Activation::Linear);
        let weights = map.opt("weights", |n| {
            let rows = n.as_seq()?;
            if rows.is_empty() || rows.len() * units > MAX_UNITS {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "weights need one row per input",
                ));
            }
            rows.iter()
                .map(|row| {
                    let cells = row.as_seq()?;
                    if cells.len() != units {
                        return Err(YamlError::at(
                            row,
                            YamlErrorKind::Invalid,
                            format!("a weight row needs {units} values, one per unit"),
                        ));
                    }
                    cells.iter().map(Node::as_f64).collect()
                })
                .collect::<Result<Vec<Vec<f64>>, _>>()
        })?;
        let bias = map.opt("bias", |n| {
            let cells = n.as_seq()?;
            if cells.len() != units {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    format!("the bias needs {units} values, one per unit"),
                ));
            }
            cells
                .iter()
                .map(Node::as_f64)
                .collect::<Result<Vec<f64>, _>>()
        })?;
        if let (Some(b), None) = (map.get("bias"), &weights) {
            return Err(YamlError::at(
                b,
                YamlErrorKind::Invalid,
                "`bias` needs `weights`",
            ));
        }
        if let (Some(w), Some(prev)) = (&weights, layers.last())
            && w.len() != prev.units
            && let Some(n) = map.get("weights")
        {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                format!(
                    "{} weight rows, but the layer before has {} units",
                    w.len(),
                    prev.units
                ),
            )
            .hint("write one row per input of the layer"));
        }
        layers.push(LayerSpec {
            units,
            activation,
            weights,
            bias,
            location: src.loc(item),
        });
    }
    let last = layers.len() - 1;
    for (i, (layer, item)) in layers.iter().zip(items).enumerate() {
        if layer.activation == Activation::Softmax && i != last {
            return Err(YamlError::at(
                item,
                YamlErrorKind::Invalid,
                "softmax is only supported on the output layer",
            ));
        }
        if layer.activation == Activation::Step {
            return Err(YamlError::at(
                item,
                YamlErrorKind::Invalid,
                "a step activation has no gradient and cannot be trained",
            )
            .hint("use sigmoid for a trainable neuron; the perceptron rule trains step units"));
        }
    }
    Ok(ModelSpec {
        layers,
        classic: None,
        location: src.loc(node),
    })
}

const PERCEPTRON_KEYS: &[&str] = &["epochs", "lr"];
const LOGISTIC_KEYS: &[&str] = &["c"];

/// Training settings of a classic model: the perceptron's epochs and η, logistic regression's C.
fn parse_classic_train(
    node: Option<&Node>,
    classic: Classic,
    at: &Node,
    src: &BlockSource<'_>,
) -> Result<TrainSpec, YamlError> {
    let mut spec = TrainSpec {
        loss: Loss::BinaryCrossentropy,
        optimizer: OptimizerKind::Sgd,
        lr: 1.0,
        momentum: 0.0,
        epochs: 1,
        batch: Some(1),
        seed: 0,
        shuffle: false,
        stop_loss_below: None,
        c: 1.0,
        snapshots: Vec::new(),
        location: src.loc(node.unwrap_or(at)),
    };
    match (classic, node) {
        (Classic::Perceptron, None) => {
            return Err(
                YamlError::at(at, YamlErrorKind::MissingKey, "missing key `train`")
                    .hint("the perceptron needs `train: {epochs: 150, lr: 0.05}`"),
            );
        }
        (Classic::Perceptron, Some(n)) => {
            let map = n.as_map()?;
            map.check_keys(PERCEPTRON_KEYS)?;
            spec.epochs = map.require("epochs")?.as_usize(1, MAX_EPOCHS)?;
            spec.lr = map.opt("lr", |n| positive(n, 1e6))?.unwrap_or(1.0);
        }
        (Classic::LogisticRegression, Some(n)) => {
            let map = n.as_map()?;
            map.check_keys(LOGISTIC_KEYS)?;
            spec.c = map.opt("c", |n| positive(n, 1e12))?.unwrap_or(1.0);
        }
        (Classic::LogisticRegression, None) => {}
    }
    Ok(spec)
}

fn parse_train(
    node: &Node,
    model: &ModelSpec,
    src: &BlockSource<'_>,
) -> Result<TrainSpec, YamlError> {
    let map = node.as_map()?;
    map.check_keys(TRAIN_KEYS)?;
    let out = model
        .layers
        .last()
        .map_or(Activation::Linear, |l| l.activation);
    let out_units = model.layers.last().map_or(1, |l| l.units);
    let loss_node = map.get("loss");
    let loss = match loss_node {
        Some(n) => choice(n, "loss", Loss::NAMES, Loss::from_name)?,
        None => match out {
            Activation::Sigmoid => Loss::BinaryCrossentropy,
            Activation::Softmax => Loss::CategoricalCrossentropy,
            _ => Loss::Mse,
        },
    };
    let at = loss_node.unwrap_or(node);
    match (loss, out) {
        (Loss::BinaryCrossentropy, Activation::Softmax) => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                "binary cross-entropy does not fit a softmax output",
            )
            .hint("use `loss: categorical-crossentropy` with softmax, or a sigmoid output"));
        }
        (Loss::CategoricalCrossentropy, a) if a != Activation::Softmax => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                format!(
                    "categorical cross-entropy needs a softmax output, not {}",
                    a.name()
                ),
            )
            .hint("end the model with `{dense: C, activation: softmax}`"));
        }
        (Loss::BinaryCrossentropy, a) if a != Activation::Sigmoid || out_units != 1 => {
            return Err(YamlError::at(
                at,
                YamlErrorKind::Invalid,
                "binary cross-entropy needs one sigmoid output unit",
            )
            .hint("end the model with `{dense: 1, activation: sigmoid}`"));
        }
        _ => {}
    }
    let optimizer = map
        .opt("optimizer", |n| {
            choice(
                n,
                "optimizer",
                OptimizerKind::NAMES,
                OptimizerKind::from_name,
            )
        })?
        .unwrap_or(OptimizerKind::Adam);
    let lr = map
        .opt("lr", |n| positive(n, 10.0))?
        .unwrap_or(if optimizer == OptimizerKind::Adam {
            0.001
        } else {
            0.01
        });
    let momentum = map
        .opt("momentum", |n| {
            let m = n.as_f64()?;
            if !(0.0..1.0).contains(&m) {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "momentum must be in [0, 1)",
                ));
            }
            Ok(m)
        })?
        .unwrap_or(0.0);
    if momentum != 0.0 && optimizer != OptimizerKind::Sgd {
        return Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "momentum applies to `optimizer: sgd` only",
        ));
    }
    let epochs_node = map
        .require("epochs")
        .map_err(|e| e.hint("say how long to train, e.g. `epochs: 200`"))?;
    let batch = match map.get("batch") {
        None => Some(32),
        Some(n) if matches!(&n.value, yaml::Value::Str(s) if s == "full") => None,
        Some(n) => Some(
            n.as_usize(1, MAX_SAMPLES)
                .map_err(|e| e.hint("a batch size, or `full`"))?,
        ),
    };
    let stop_loss_below = match map.get("stop") {
        None => None,
        Some(n) => {
            let stop = n.as_map()?;
            stop.check_keys(STOP_KEYS)?;
            stop.opt("loss-below", |n| positive(n, 1e6))?
        }
    };
    Ok(TrainSpec {
        loss,
        optimizer,
        lr,
        momentum,
        epochs: epochs_node.as_usize(1, MAX_EPOCHS)?,
        batch,
        seed: map
            .opt("seed", |n| n.as_int(0, u32::MAX as i64))?
            .unwrap_or(0) as u64,
        shuffle: map.opt("shuffle", Node::as_bool)?.unwrap_or(true),
        stop_loss_below,
        c: 1.0,
        snapshots: Vec::new(),
        location: src.loc(node),
    })
}

/// `[elevation, azimuth]` in degrees.
fn parse_view(node: &Node) -> Result<[f64; 2], YamlError> {
    let items = node.as_seq()?;
    let bad = || {
        YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "a view is [elevation, azimuth] in degrees",
        )
        .hint("e.g. `view: [30, -60]` (matplotlib's default)")
    };
    let [e, a] = items else { return Err(bad()) };
    let (e, a) = (e.as_f64()?, a.as_f64()?);
    if e.abs() > 90.0 || a.abs() > 360.0 {
        return Err(bad());
    }
    Ok([e, a])
}

/// A number in [0, 1].
fn opacity(node: &Node) -> Result<f64, YamlError> {
    let v = node.as_f64()?;
    if !(0.0..=1.0).contains(&v) {
        return Err(YamlError::at(
            node,
            YamlErrorKind::Invalid,
            "an opacity is between 0 and 1",
        ));
    }
    Ok(v)
}

fn positive(node: &Node, max: f64) -> Result<f64, YamlError> {
    let v = node.as_f64()?;
    if v <= 0.0 || v > max {
        return Err(
            YamlError::at(node, YamlErrorKind::Invalid, format!("{v} is out of range"))
                .hint(format!("use a positive value up to {max}")),
        );
    }
    Ok(v)
}

fn parse_show(node: &Node, exp_id: &str, src: &BlockSource<'_>) -> Result<Vec<Show>, YamlError> {
    let items = node.as_seq()?;
    let mut out: Vec<Show> = Vec::new();
    for item in items {
        let map = item.as_map()?;
        let what = if let Some(n) = map.get("figure") {
            ShowKind::Figure(choice(
                n,
                "figure kind",
                FigureKind::NAMES,
                FigureKind::from_name,
            )?)
        } else if let Some(n) = map.get("table") {
            ShowKind::Table(choice(
                n,
                "table kind",
                TableKind::NAMES,
                TableKind::from_name,
            )?)
        } else {
            return Err(YamlError::at(
                item,
                YamlErrorKind::MissingKey,
                "expected `figure:` or `table:`",
            )
            .hint(format!(
                "figures: {}; tables: {}",
                FigureKind::NAMES.join(", "),
                TableKind::NAMES.join(", ")
            )));
        };
        map.check_keys(allowed_show_keys(what))?;
        let id = match map.get("id") {
            Some(n) => parse_id(n)?,
            None => {
                let base = format!("{exp_id}-{}", what.name());
                let mut id = base.clone();
                let mut k = 2;
                while out.iter().any(|s| s.id == id) {
                    id = format!("{base}-{k}");
                    k += 1;
                }
                id
            }
        };
        if let Some(prev) = out.iter().find(|s| s.id == id) {
            return Err(YamlError::at(
                map.get("id").unwrap_or(item),
                YamlErrorKind::Invalid,
                format!("duplicate id `{}`", prev.id),
            ));
        }
        out.push(Show {
            id,
            what,
            caption: map.opt("caption", Node::as_text)?,
            options: parse_options(&map)?,
            location: src.loc(item),
        });
    }
    Ok(out)
}

fn allowed_show_keys(what: ShowKind) -> &'static [&'static str] {
    match what {
        ShowKind::Figure(FigureKind::Scatter) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "equal-aspect",
        ],
        ShowKind::Figure(FigureKind::DecisionRegions) => &[
            "figure",
            "id",
            "caption",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
            "grid",
            "equal-aspect",
            "weight-arrows",
            "arrow-scale",
        ],
        ShowKind::Figure(FigureKind::TrainingCurve) => {
            &["figure", "id", "caption", "metric", "title"]
        }
        ShowKind::Figure(FigureKind::RegressionFit) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::ImageGrid) => {
            &["figure", "id", "caption", "count", "columns", "weights"]
        }
        ShowKind::Figure(FigureKind::ProbabilityMesh) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid",
        ],
        ShowKind::Figure(FigureKind::Evolution) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
            "gif",
        ],
        ShowKind::Figure(FigureKind::NetworkDiagram) => &[
            "figure",
            "id",
            "caption",
            "layers",
            "captions",
            "node-labels",
            "weights",
            "input",
            "values",
            "heatmaps",
            "x",
            "y",
        ],
        ShowKind::Figure(FigureKind::BoundaryHistory) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label", "grid", "frames",
        ],
        ShowKind::Figure(FigureKind::Sweep) => &[
            "figure", "id", "caption", "runs", "of", "columns", "x", "y", "grid", "title",
            "x-label", "y-label", "metric", "overlay",
        ],
        ShowKind::Figure(FigureKind::HiddenGrid) => &[
            "figure", "id", "caption", "x", "y", "grid", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::Scatter3d) => &[
            "figure",
            "id",
            "caption",
            "title",
            "x-label",
            "y-label",
            "z-label",
            "view",
            "space",
            "plane",
            "plane-x",
            "plane-y",
            "plane-opacity",
            "opacity",
            "weight-arrows",
            "arrow-scale",
            "panels",
            "x",
            "y",
            "grid",
        ],
        ShowKind::Figure(FigureKind::UnitDecomposition | FigureKind::UnitOverlay) => &[
            "figure", "id", "caption", "x", "y", "title", "x-label", "y-label",
        ],
        ShowKind::Figure(FigureKind::ActivationCurve) => &[
            "figure",
            "id",
            "caption",
            "activation",
            "variants",
            "derivative",
            "x",
            "y",
            "title",
            "x-label",
            "y-label",
        ],
        ShowKind::Table(TableKind::Runs) => &["table", "id", "caption", "runs"],
        ShowKind::Table(TableKind::ForwardPass) => {
            &["table", "id", "caption", "input", "layer", "digits"]
        }
        ShowKind::Table(TableKind::Weights) => &["table", "id", "caption", "digits"],
        ShowKind::Table(TableKind::Backprop) => {
            &["table", "id", "caption", "input", "target", "digits"]
        }
        ShowKind::Table(_) => &["table", "id", "caption"],
    }
}

/// Every key an experiment block accepts, by where it is written ("block", "data", "train",
/// a figure or table kind, ...), so the guide can be checked against the parser.
pub fn accepted_keys() -> Vec<(String, &'static [&'static str])> {
    let mut out: Vec<(String, &'static [&'static str])> = vec![
        ("block".into(), BLOCK_KEYS),
        ("data".into(), DATA_KEYS),
        ("layer".into(), LAYER_KEYS),
        ("train".into(), TRAIN_KEYS),
        ("stop".into(), STOP_KEYS),
        ("perceptron train".into(), PERCEPTRON_KEYS),
        ("logistic-regression train".into(), LOGISTIC_KEYS),
        ("panels".into(), PANEL_KEYS),
        ("variants".into(), VARIANT_KEYS),
    ];
    for name in FigureKind::NAMES {
        if let Some(kind) = FigureKind::from_name(name) {
            out.push(((*name).into(), allowed_show_keys(ShowKind::Figure(kind))));
        }
    }
    for name in TableKind::NAMES {
        if let Some(kind) = TableKind::from_name(name) {
            out.push(((*name).into(), allowed_show_keys(ShowKind::Table(kind))));
        }
    }
    out
}

const PANEL_KEYS: &[&str] = &["view", "plane", "opacity", "weight-arrows", "regions"];
const VARIANT_KEYS: &[&str] = &["w", "b", "out"];

fn parse_options(map: &Map<'_>) -> Result<FigureOptions, YamlError> {
    Ok(FigureOptions {
        x: map.opt("x", Node::as_range)?,
        y: map.opt("y", Node::as_range)?,
        title: map.opt("title", Node::as_text)?,
        x_label: map.opt("x-label", Node::as_text)?,
        y_label: map.opt("y-label", Node::as_text)?,
        grid: map.opt("grid", |n| n.as_usize(10, MAX_GRID))?,
        metric: map.opt("metric", |n| {
            choice(n, "metric", Metric::NAMES, Metric::from_name)
        })?,
        equal_aspect: map.opt("equal-aspect", Node::as_bool)?,
        activation: map.opt("activation", |n| {
            choice(n, "activation", Activation::NAMES, Activation::from_name)
        })?,
        layers: map.opt("layers", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 12 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a diagram has 1 to 12 layers",
                ));
            }
            items.iter().map(|i| i.as_usize(1, MAX_UNITS)).collect()
        })?,
        captions: map.opt("captions", |n| {
            n.as_seq()?.iter().map(Node::as_text).collect()
        })?,
        node_labels: map.opt("node-labels", |n| {
            n.as_seq()?
                .iter()
                .map(|col| col.as_seq()?.iter().map(Node::as_text).collect())
                .collect()
        })?,
        weights: map.opt("weights", Node::as_bool)?,
        count: map.opt("count", |n| n.as_usize(1, 100))?,
        columns: map.opt("columns", |n| n.as_usize(1, 20))?,
        frames: map.opt("frames", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > MAX_FRAMES {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    format!("an evolution has 1 to {MAX_FRAMES} frames"),
                ));
            }
            let mut epochs = items
                .iter()
                .map(|i| i.as_usize(0, MAX_EPOCHS))
                .collect::<Result<Vec<_>, _>>()?;
            epochs.sort_unstable();
            epochs.dedup();
            Ok(epochs)
        })?,
        gif: map.opt("gif", Node::as_bool)?,
        overlay: map.opt("overlay", Node::as_bool)?,
        heatmaps: map.opt("heatmaps", Node::as_bool)?,
        derivative: map.opt("derivative", Node::as_bool)?,
        compact: false,
        of: map.opt("of", |n| {
            const PANELS: &[&str] = &[
                "decision-regions",
                "probability-mesh",
                "training-curve",
                "regression-fit",
            ];
            choice(n, "panel kind", PANELS, FigureKind::from_name)
        })?,
        input: map.opt("input", |n| {
            let cells = n.as_seq()?;
            if cells.is_empty() || cells.len() > 1000 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "an input is a list of 1 to 1000 numbers",
                ));
            }
            cells.iter().map(Node::as_f64).collect()
        })?,
        target: map.opt("target", Node::as_f64)?,
        layer: map.opt("layer", |n| n.as_usize(1, 100))?,
        digits: map.opt("digits", |n| n.as_usize(0, 8))?,
        weight_arrows: map.opt("weight-arrows", Node::as_bool)?,
        view: map.opt("view", parse_view)?,
        space: map.opt("space", |n| {
            n.as_choice("space", &["input", "hidden"])
                .map(str::to_string)
        })?,
        plane: map.opt("plane", Node::as_bool)?,
        plane_x: map.opt("plane-x", Node::as_range)?,
        plane_y: map.opt("plane-y", Node::as_range)?,
        plane_opacity: map.opt("plane-opacity", opacity)?,
        opacity: map.opt("opacity", opacity)?,
        z_label: map.opt("z-label", Node::as_text)?,
        panels: map.opt("panels", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 4 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a figure has 1 to 4 panels",
                ));
            }
            items
                .iter()
                .map(|item| {
                    let m = item.as_map()?;
                    m.check_keys(PANEL_KEYS)?;
                    Ok(PanelSpec {
                        view: m.opt("view", parse_view)?,
                        plane: m.opt("plane", Node::as_bool)?,
                        opacity: m.opt("opacity", opacity)?,
                        weight_arrows: m.opt("weight-arrows", Node::as_bool)?,
                        regions: m.opt("regions", Node::as_bool)?.unwrap_or(false),
                    })
                })
                .collect()
        })?,
        arrow_scale: map.opt("arrow-scale", |n| positive(n, 1000.0))?,
        variants: map.opt("variants", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 12 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "give 1 to 12 variants",
                ));
            }
            items
                .iter()
                .map(|item| {
                    let m = item.as_map()?;
                    m.check_keys(VARIANT_KEYS)?;
                    Ok([
                        m.opt("w", Node::as_f64)?.unwrap_or(1.0),
                        m.opt("b", Node::as_f64)?.unwrap_or(0.0),
                        m.opt("out", Node::as_f64)?.unwrap_or(1.0),
                    ])
                })
                .collect()
        })?,
        values: map.opt("values", |n| {
            n.as_seq()?.iter().map(|c| c.as_usize(0, 12)).collect()
        })?,
        runs: map.opt("runs", |n| {
            let items = n.as_seq()?;
            if items.is_empty() || items.len() > 100 {
                return Err(YamlError::at(
                    n,
                    YamlErrorKind::Invalid,
                    "a runs table lists 1 to 100 experiments",
                ));
            }
            items.iter().map(parse_id).collect()
        })?,
    })
}

/// The epochs an evolution figure shows by default: dense at first, where training moves
/// fastest, then sparser, always ending with the last epoch (the stopping epoch is added by the
/// engine when the stop rule fires).
pub fn default_frames(epochs: usize) -> Vec<usize> {
    const SCHEDULE: &[usize] = &[
        0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150,
    ];
    let mut frames: Vec<usize> = SCHEDULE.iter().copied().filter(|&e| e < epochs).collect();
    let mut e = 200;
    while e < epochs && frames.len() + 1 < MAX_FRAMES {
        frames.push(e);
        e += e / 2;
    }
    frames.push(epochs);
    frames
}

/// The epochs to keep a model at for the block's evolution figures (sorted, unique).
fn evolution_frames(block: &Block) -> Vec<usize> {
    let Some(epochs) = block
        .experiment
        .as_ref()
        .and_then(|e| e.train.as_ref())
        .map(|t| t.epochs)
    else {
        return Vec::new();
    };
    let mut frames: Vec<usize> = block
        .show
        .iter()
        .filter(|s| {
            matches!(
                s.what,
                ShowKind::Figure(FigureKind::Evolution | FigureKind::BoundaryHistory)
            )
        })
        .flat_map(|s| {
            s.options
                .frames
                .clone()
                .unwrap_or_else(|| default_frames(epochs))
        })
        .filter(|&e| e <= epochs)
        .collect();
    // The last frame is always the last epoch (or the stopping epoch, which the engine adds).
    if !frames.is_empty() {
        frames.push(epochs);
    }
    frames.sort_unstable();
    frames.dedup();
    frames
}

/// Figures that need a trained model cannot come from a data-only block.
fn check_show_needs(block: &Block, show_node: Option<&Node>) -> Result<(), YamlError> {
    let Some(exp) = &block.experiment else {
        return Ok(());
    };
    let items = show_node.map(|n| n.as_seq()).transpose()?.unwrap_or(&[]);
    for (show, node) in block.show.iter().zip(items) {
        if matches!(
            show.what,
            ShowKind::Table(TableKind::Runs) | ShowKind::Figure(FigureKind::Sweep)
        ) && show.options.runs.is_none()
        {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `runs`")
                    .hint("list the experiments, e.g. `runs: [xor-relu, xor-tanh]`"),
            );
        }
        let worked = matches!(
            show.what,
            ShowKind::Table(TableKind::ForwardPass | TableKind::Backprop)
        ) || show.options.values.is_some();
        if worked && show.options.input.is_none() {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `input`")
                    .hint("give the input the pass starts from, e.g. `input: [1, 1]`"),
            );
        }
        if show.what == ShowKind::Table(TableKind::Backprop) && show.options.target.is_none() {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `target`").hint(
                    "the backward pass starts from the error against a target, e.g. `target: 0`",
                ),
            );
        }
        if show.what == ShowKind::Figure(FigureKind::Evolution)
            && exp.model.as_ref().is_some_and(|m| m.classic.is_some())
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "an evolution needs a network trained by gradient descent",
            ));
        }
        let needs_model = match show.what {
            ShowKind::Figure(
                FigureKind::Scatter | FigureKind::ActivationCurve | FigureKind::ImageGrid,
            ) => false,
            ShowKind::Figure(FigureKind::NetworkDiagram) => {
                show.options.layers.is_none() || show.options.heatmaps == Some(true)
            }
            ShowKind::Table(TableKind::Data | TableKind::Runs) => false,
            ShowKind::Figure(FigureKind::Sweep) => false,
            ShowKind::Figure(FigureKind::Scatter3d) => {
                let o = &show.options;
                o.space.as_deref() == Some("hidden")
                    || o.plane == Some(true)
                    || o.weight_arrows == Some(true)
                    || o.panels.is_some()
            }
            _ => true,
        };
        if needs_model && exp.model.is_none() {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                format!("`{}` needs a trained model", show.what.name()),
            )
            .hint("add `model:` and `train:` to this block, or show a `scatter`"));
        }
        if show.options.metric == Some(Metric::Accuracy)
            && let Some(t) = &exp.train
            && t.loss != Loss::BinaryCrossentropy
            && t.loss != Loss::CategoricalCrossentropy
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "accuracy is only recorded for classifiers",
            )
            .hint("plot `metric: loss` or `metric: mse` for a regressor"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Block, Diagnostic> {
        let chapter = format!("# T\n\n```nn\n{text}```\n");
        parse_block(
            text,
            &BlockSource {
                file: Path::new("content/a.md"),
                first_line: 4,
                chapter_text: &chapter,
            },
        )
    }

    #[test]
    fn csv_data_keys_and_tasks() {
        let b = parse("id: p\ndata: {csv: d/points.csv, target: label, features: [x1, x2], scale: standard, limit: 10}\nmodel: [{dense: 1, activation: sigmoid}]\ntrain: {epochs: 2}\nvalidate: {csv: d/points.csv, target: label, offset: 10}\n").unwrap();
        let e = b.experiment.unwrap();
        let c = e.data.csv.as_ref().unwrap();
        assert_eq!(
            (c.path.as_str(), c.target.as_str()),
            ("d/points.csv", "label")
        );
        assert_eq!(
            c.features.as_deref(),
            Some(&["x1".to_string(), "x2".to_string()][..])
        );
        // The task follows the loss; held-out data too.
        assert_eq!(c.task, Some(Task::Classification));
        assert_eq!(
            e.validate.unwrap().csv.unwrap().task,
            Some(Task::Classification)
        );
        assert_eq!(
            (e.data.generator, e.data.limit, e.data.name()),
            (None, Some(10), "d/points.csv")
        );
        // The path is not part of the canonical experiment (the file's SHA-256 is).
        let json = serde_json::to_string(&e.data).unwrap();
        assert!(
            !json.contains("points.csv") && json.contains("\"target\":\"label\""),
            "{json}"
        );
        let r = parse(
            "id: r\ndata: {csv: a.csv, target: y}\nmodel: [{dense: 1}]\ntrain: {epochs: 2}\n",
        )
        .unwrap();
        assert_eq!(
            r.experiment.unwrap().data.csv.unwrap().task,
            Some(Task::Regression)
        );
        let open =
            parse("id: o\ndata: {csv: a.csv, target: y}\nshow: [{figure: scatter}]\n").unwrap();
        assert_eq!(open.experiment.unwrap().data.csv.unwrap().task, None);
        for (bad, at) in [
            ("data: {csv: a.csv}", "content/a.md:5:7"),
            (
                "data: {csv: a.csv, generator: xor, target: y}",
                "content/a.md:5:13",
            ),
            (
                "data: {csv: a.csv, target: y, features: [x, x]}",
                "content/a.md:5:45",
            ),
            (
                "data: {csv: a.csv, target: y, features: [y]}",
                "content/a.md:5:42",
            ),
            (
                "data: {csv: a.csv, target: y, features: []}",
                "content/a.md:5:41",
            ),
            (
                "data: {csv: a.csv, target: y, rng: numpy}",
                "content/a.md:5:31",
            ),
            ("data: {generator: xor, target: y}", "content/a.md:5:24"),
            ("data: {csv: '', target: y}", "content/a.md:5:13"),
        ] {
            let d = parse(&format!("id: p\n{bad}\n")).unwrap_err();
            assert_eq!(
                (d.code, d.position().as_deref()),
                ("E013", Some(at)),
                "{bad}: {d:?}"
            );
        }
        let d = parse("id: p\ndata: {csv: a.csv, target: y, task: regression}\nmodel: [{dense: 1, activation: sigmoid}]\ntrain: {epochs: 2}\n").unwrap_err();
        assert!(d.message.contains("does not fit a classifier"), "{d:?}");
        assert!(
            parse("id: p\ndata: {seed: 1}\n")
                .unwrap_err()
                .hint
                .unwrap()
                .contains("csv")
        );
    }

    const GOOD: &str = "id: xor-relu\ndata: {generator: xor}\nmodel: [{dense: 3, activation: relu}, {dense: 1, activation: sigmoid}]\ntrain: {epochs: 10, batch: full}\nshow:\n  - {figure: decision-regions, caption: Hi}\n  - {table: summary}\n";

    #[test]
    fn evolution_keeps_its_frames_and_runs_tables_need_runs() {
        let evo = GOOD.replace(
            "  - {table: summary}\n",
            "  - {figure: evolution, frames: [0, 3]}\n",
        );
        let b = parse(&evo).unwrap();
        let t = b.experiment.unwrap().train.unwrap();
        assert_eq!(
            t.snapshots,
            vec![0, 3, 10],
            "asked frames and the last epoch"
        );
        assert_eq!(default_frames(7), vec![0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(*default_frames(1000).last().unwrap(), 1000);
        assert!(default_frames(1_000_000).len() <= MAX_FRAMES);
        let many: Vec<String> = (0..61).map(|k| k.to_string()).collect();
        let d = parse(&evo.replace("[0, 3]", &format!("[{}]", many.join(", ")))).unwrap_err();
        assert!(d.message.contains("1 to 60 frames"), "{}", d.message);
        let d = parse("use: xor-relu\nshow:\n  - {figure: evolution}\n").unwrap_err();
        assert!(d.message.contains("block that trains"), "{}", d.message);
        let d = parse("id: r\nshow:\n  - {table: runs}\n").unwrap_err();
        assert_eq!(d.message, "missing key `runs`");
        assert!(parse("id: r\nshow:\n  - {table: runs, runs: [a, b]}\n").is_ok());
        // Without an evolution nothing is kept, and the cache key stays as it was.
        let plain = parse(GOOD).unwrap();
        let json = serde_json::to_string(&plain.experiment).unwrap();
        assert!(!json.contains("snapshots"), "{json}");
    }

    #[test]
    fn parses_and_fills_defaults() {
        let b = parse(GOOD).unwrap();
        assert_eq!(b.id, "xor-relu");
        let exp = b.experiment.unwrap();
        let t = exp.train.unwrap();
        assert_eq!(t.loss, Loss::BinaryCrossentropy);
        assert_eq!(t.optimizer, OptimizerKind::Adam);
        assert_eq!(t.lr, 0.001);
        assert_eq!(t.batch, None);
        assert_eq!(b.show[0].id, "xor-relu-decision-regions");
        assert_eq!(b.show[1].id, "xor-relu-summary");
        assert_eq!(exp.model.unwrap().layers[0].activation, Activation::Relu);
    }

    #[test]
    fn errors_point_into_the_chapter() {
        let d = parse(&GOOD.replace("activation: relu", "activation: rleu")).unwrap_err();
        assert_eq!(d.code, "E012");
        assert_eq!(d.position().as_deref(), Some("content/a.md:6:32"));
        assert_eq!(d.hint.as_deref(), Some("did you mean `relu`?"));
        assert!(d.source_line.unwrap().contains("rleu"));

        let d = parse(&GOOD.replace("train:", "trian:")).unwrap_err();
        assert_eq!(
            (d.code, d.hint.as_deref()),
            ("E011", Some("did you mean `train`?"))
        );
        assert_eq!(d.position().as_deref(), Some("content/a.md:7:1"));

        let d = parse(&GOOD.replace("dense: 3", "dense: 0")).unwrap_err();
        assert_eq!(d.code, "E013");
        assert_eq!(d.position().as_deref(), Some("content/a.md:6:17"));

        assert_eq!(parse("id: [\n").unwrap_err().code, "E010");
    }

    #[test]
    fn incompatible_combinations_are_errors() {
        let d = parse(
            &GOOD
                .replace("activation: sigmoid}]", "activation: softmax}]")
                .replace("epochs: 10", "epochs: 10, loss: binary-crossentropy"),
        )
        .unwrap_err();
        assert!(d.message.contains("softmax"), "{}", d.message);
        let d = parse("id: a\ndata: {generator: xor}\nshow: [{figure: decision-regions}]\n")
            .unwrap_err();
        assert!(d.message.contains("needs a trained model"));
        let d = parse("use: a\nid: b\nshow: []\n").unwrap_err();
        assert!(d.message.contains("`id` cannot be combined"));
    }

    #[test]
    fn classic_models() {
        let b = parse(
            "id: p\ndata: {generator: xor}\nmodel: perceptron\ntrain: {epochs: 150, lr: 0.05}\n",
        )
        .unwrap();
        let exp = b.experiment.unwrap();
        assert_eq!(exp.model.unwrap().classic, Some(Classic::Perceptron));
        assert_eq!(
            (exp.train.as_ref().unwrap().epochs, exp.train.unwrap().lr),
            (150, 0.05)
        );
        let b = parse("id: l\ndata: {generator: xor}\nmodel: logistic-regression\n").unwrap();
        assert_eq!(b.experiment.unwrap().train.unwrap().c, 1.0);
        let d = parse("id: l\ndata: {generator: xor}\nmodel: logistic-regresion\n").unwrap_err();
        assert_eq!(
            d.hint.as_deref(),
            Some("did you mean `logistic-regression`?")
        );
        let d = parse("id: p\ndata: {generator: xor}\nmodel: perceptron\ntrain: {epochs: 3, optimizer: adam}\n").unwrap_err();
        assert_eq!(d.code, "E011");
    }

    #[test]
    fn use_blocks_reuse_an_experiment() {
        let b = parse("use: xor-relu\nshow: [{figure: training-curve, id: curve}]\n").unwrap();
        assert!(b.uses && b.experiment.is_none());
        assert_eq!(b.id, "xor-relu");
        assert_eq!(b.show[0].id, "curve");
    }
}
