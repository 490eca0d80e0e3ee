//! The experiment cache: a trained model and its history, stored under a key made of the
//! canonical experiment (parsed, defaults filled, so comments, whitespace and key order do not
//! matter), the digest of its data, and the engine and nnbook versions. Prose edits and
//! figure options never retrain. Entries are written atomically and carry a checksum, so a
//! truncated or corrupt entry is detected and recomputed.

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Trained;
use crate::engine::{Activation, Dense, History, Model};
use crate::spec::{Experiment, TrainSpec};

/// Bumped when the entry layout changes.
const FORMAT: u32 = 1;

/// Where entries live (None: caching is off).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    nnbook: String,
    engine: String,
    key: String,
    /// SHA-256 of `payload` as written.
    sha256: String,
    payload: String,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    layers: Vec<Layer>,
    loss: Vec<f32>,
    accuracy: Option<Vec<f32>>,
    mse: Option<Vec<f32>>,
    epochs_run: usize,
    stopped_by_threshold: bool,
}

#[derive(Serialize, Deserialize)]
struct Layer {
    rows: usize,
    cols: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    activation: String,
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cache key of an experiment whose data has digest `data_digest`.
pub fn key(exp: &Experiment, data_digest: &str) -> String {
    let canonical = serde_json::to_string(exp).unwrap_or_default();
    hex(format!(
        "nnbook {}\nengine {}\nexperiment {canonical}\ndata {data_digest}\n",
        crate::VERSION,
        crate::engine::VERSION
    )
    .as_bytes())
}

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Linear => "linear",
        Activation::Relu => "relu",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        Activation::Softmax => "softmax",
        Activation::Step => "step",
    }
}

fn activation_from(name: &str) -> Option<Activation> {
    Some(match name {
        "linear" => Activation::Linear,
        "relu" => Activation::Relu,
        "tanh" => Activation::Tanh,
        "sigmoid" => Activation::Sigmoid,
        "softmax" => Activation::Softmax,
        "step" => Activation::Step,
        _ => return None,
    })
}

impl Cache {
    /// A cache in `dir`, or a disabled one.
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache { dir }
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(&key[..2.min(key.len())]).join(format!("{key}.json")))
    }

    /// The cached result for `key`, if present and intact.
    pub fn load(&self, key: &str, train: &TrainSpec) -> Option<Trained> {
        let path = self.path(key)?;
        // No model nnbook trains within its limits needs an entry this large: not ours.
        if std::fs::metadata(&path).ok()?.len() > 1 << 30 {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        let current = entry.format == FORMAT
            && entry.nnbook == crate::VERSION
            && entry.engine == crate::engine::VERSION
            && entry.key == key
            && entry.sha256 == hex(entry.payload.as_bytes());
        if !current {
            return None;
        }
        let p: Payload = serde_json::from_str(&entry.payload).ok()?;
        let mut layers = Vec::with_capacity(p.layers.len());
        for l in p.layers {
            layers.push(Dense {
                w: Array2::from_shape_vec((l.rows, l.cols), l.w).ok()?,
                b: Array1::from_vec(l.b),
                activation: activation_from(&l.activation)?,
            });
        }
        Some(Trained {
            model: Model { layers },
            history: History {
                loss: p.loss,
                accuracy: p.accuracy,
                mse: p.mse,
                epochs_run: p.epochs_run,
                stopped_by_threshold: p.stopped_by_threshold,
                snapshots: Vec::new(),
            },
            train: train.clone(),
            validation: None,
        })
    }

    /// Store a result atomically (temporary file, then rename). Failures only cost a retrain.
    pub fn store(&self, key: &str, t: &Trained) -> std::io::Result<()> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        let payload = Payload {
            layers: t
                .model
                .layers
                .iter()
                .map(|l| Layer {
                    rows: l.w.nrows(),
                    cols: l.w.ncols(),
                    w: l.w.iter().copied().collect(),
                    b: l.b.to_vec(),
                    activation: activation_name(l.activation).into(),
                })
                .collect(),
            loss: t.history.loss.clone(),
            accuracy: t.history.accuracy.clone(),
            mse: t.history.mse.clone(),
            epochs_run: t.history.epochs_run,
            stopped_by_threshold: t.history.stopped_by_threshold,
        };
        let payload = serde_json::to_string(&payload).map_err(std::io::Error::other)?;
        let entry = Entry {
            format: FORMAT,
            nnbook: crate::VERSION.into(),
            engine: crate::engine::VERSION.into(),
            key: key.into(),
            sha256: hex(payload.as_bytes()),
            payload,
        };
        let text = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        write_atomic(&path, text.as_bytes())
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    crate::test_pause("cache-write");
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
