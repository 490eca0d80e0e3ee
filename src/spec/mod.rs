//! The experiment-block schema: parse a fenced ```nn block into a typed spec, fill defaults and
//! validate, with every error pointing at the block's line and column.
//!
//! One file per part of a block: `data`, `model`, `train` and `show`; this one holds the block
//! itself and the helpers the parts share.

use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Location};
use crate::yaml::{self, Map, Node, YamlError, YamlErrorKind};

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
            pub(crate) fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

mod data;
mod live;
mod model;
mod show;
mod train;
mod vary;

pub use data::{CsvSpec, DataSpec, Generator, RngKind, Scale, Task};
pub use live::LiveSpec;
pub use model::{Activation, Classic, LayerSpec, Layout, LoadSpec, ModelSpec};
pub use show::{
    ActivationOptions, BackpropOptions, Common, CurveOptions, DiagramOptions, EvolutionOptions,
    FigureKind, ForwardOptions, HistoryOptions, ImageOptions, MeshOptions, Metric, Options,
    PanelSpec, PlotOptions, RegionOptions, RunsOptions, Scatter3dOptions, ScatterOptions, Show,
    ShowKind, SweepOptions, TableKind, WeightsOptions, default_frames, needs_history,
};
pub use train::{Loss, Optimizer, TrainSpec};
pub use vary::{MAX_MEMBERS, MemberOf, expand_runs, families};

use data::{csv_task, parse_data};
use live::parse_live;
use model::parse_model;
use show::{check_show_needs, evolution_frames, parse_show};
use train::{parse_classic_train, parse_train};

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
    /// `live:`: what a reader may change to retrain the experiment in the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveSpec>,
    /// Where the block's id (or `use:`) is, for errors about the experiment as a whole.
    #[serde(skip)]
    pub location: Location,
    /// The block's YAML as the author wrote it (shown under its figures).
    #[serde(skip)]
    pub source: String,
    /// For a member of a `vary:` family: the family. Members stand where the family's block
    /// does and show nothing themselves.
    #[serde(skip)]
    pub member_of: Option<MemberOf>,
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

const BLOCK_KEYS: &[&str] = &[
    "id", "use", "data", "model", "train", "validate", "vary", "show", "live",
];

/// Upper bounds that keep a block from asking for unbounded work or memory.
pub const MAX_FRAMES: usize = nnbook_live::grid::MAX_FRAMES;
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

/// Parse and validate the YAML text of one ```nn block (for a `vary:` block, the family's own
/// block; its members are left out).
pub fn parse_block(text: &str, src: &BlockSource<'_>) -> Result<Block, Diagnostic> {
    let mut blocks = parse_blocks(text, src)?;
    blocks
        .pop()
        .ok_or_else(|| Diagnostic::error("E010", "empty nn block"))
}

/// Parse and validate one ```nn block into the experiments it stands for: one, or for a block
/// with `vary:` each member followed by the family's own block.
pub fn parse_blocks(text: &str, src: &BlockSource<'_>) -> Result<Vec<Block>, Diagnostic> {
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
    let vary = match root.as_map() {
        Ok(map) if map.get("use").is_none() => {
            map.check_keys(BLOCK_KEYS).map_err(to_diag)?;
            map.get("vary")
        }
        _ => None,
    };
    let mut blocks = match vary {
        Some(v) => vary::expand(&root, v, src).map_err(to_diag)?,
        None => vec![block_from(&root, src).map_err(to_diag)?],
    };
    for b in &mut blocks {
        b.source = text.to_string();
    }
    Ok(blocks)
}

fn block_from(root: &Node, src: &BlockSource<'_>) -> Result<Block, YamlError> {
    let map = root.as_map().map_err(|e| {
        e.hint("an nn block is a YAML mapping with `id:`, `data:`, `model:`, `train:` and `show:`")
    })?;
    map.check_keys(BLOCK_KEYS)?;
    if let Some(used) = map.get("use") {
        for key in ["data", "model", "train", "validate", "vary", "live"] {
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
            live: None,
            location: src.loc(used),
            source: String::new(),
            member_of: None,
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
        (Some(m), Some(t)) if m.load.is_some() => {
            return Err(
                YamlError::at(t, YamlErrorKind::Invalid, "a loaded model is not trained")
                    .hint("nnbook draws the weights as the file has them; leave `train:` out"),
            );
        }
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
    let live = map.opt("live", |n| {
        parse_live(n, model.as_ref(), train.as_ref(), src)
    })?;
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
        live,
        location: src.loc(id_node),
        source: String::new(),
        member_of: None,
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
    for key in ["model", "train", "live"] {
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
            ShowKind::Figure(FigureKind::ActivationCurve) if matches!(&s.options, Options::ActivationCurve(o) if o.activation.is_none()) =>
            {
                return Err(YamlError::at(
                    node,
                    YamlErrorKind::MissingKey,
                    "missing key `activation`",
                )
                .hint(format!("activations: {}", Activation::NAMES.join(", "))));
            }
            ShowKind::Figure(FigureKind::ActivationCurve) => {}
            ShowKind::Table(TableKind::Runs) | ShowKind::Figure(FigureKind::Sweep)
                if s.options.runs().is_some() => {}
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
                if matches!(&s.options, Options::NetworkDiagram(o)
                    if o.layers.is_some() && o.weights != Some(true) && o.heatmaps != Some(true)) =>
                {}
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
        live: None,
        location: src.loc(id_node),
        source: String::new(),
        member_of: None,
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

/// The engine's enums serialise as the names an author writes (the cache key holds them).
fn activation_name<S: serde::Serializer>(a: &Activation, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

fn option_activation_name<S: serde::Serializer>(
    a: &Option<Activation>,
    s: S,
) -> Result<S::Ok, S::Error> {
    a.map(Activation::name).serialize(s)
}

/// Every key an experiment block accepts, by where it is written ("block", "data", "train",
/// a figure or table kind, ...), so the guide can be checked against the parser.
pub fn accepted_keys() -> Vec<(String, &'static [&'static str])> {
    let mut out: Vec<(String, &'static [&'static str])> = vec![
        ("block".into(), BLOCK_KEYS),
        ("data".into(), data::DATA_KEYS),
        ("layer".into(), model::LAYER_KEYS),
        ("model load".into(), model::LOAD_KEYS),
        ("train".into(), train::TRAIN_KEYS),
        ("stop".into(), train::STOP_KEYS),
        ("perceptron train".into(), train::PERCEPTRON_KEYS),
        ("logistic-regression train".into(), train::LOGISTIC_KEYS),
        ("panels".into(), show::PANEL_KEYS),
        ("variants".into(), show::VARIANT_KEYS),
        ("vary".into(), vary::SHORTCUT_NAMES),
        ("live".into(), live::LIVE_KEYS),
        ("live vary".into(), live::VARY_KEYS),
    ];
    for name in FigureKind::NAMES {
        if let Some(kind) = FigureKind::from_name(name) {
            out.push(((*name).into(), show::keys(ShowKind::Figure(kind))));
        }
    }
    for name in TableKind::NAMES {
        if let Some(kind) = TableKind::from_name(name) {
            out.push(((*name).into(), show::keys(ShowKind::Table(kind))));
        }
    }
    out
}

#[cfg(test)]
mod tests;
