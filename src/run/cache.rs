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
use crate::atomic::write_atomic;
use crate::datasets::Source;
use crate::engine::{Activation, Dense, History, Model};
use crate::spec::{Experiment, TrainSpec};

/// Bumped when the entry layout changes (2: per-epoch validation).
const FORMAT: u32 = 2;

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
    /// Models kept during training (evolution figures), by epoch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    snapshots: Vec<(usize, Vec<Layer>)>,
    /// Held-out loss and metric per epoch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    validation: Vec<[f32; 2]>,
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

/// The experiment as its key names it: with the SHA-256 of each CSV file it reads (training and
/// held-out data), which the parsed spec does not carry.
pub fn with_digests(
    exp: &Experiment,
    data: &Source,
    validate: &Source,
    model: &Source,
) -> Experiment {
    let mut keyed = exp.clone();
    // A loaded model is its file: editing the file changes every figure drawn from it.
    if let (Some(load), Some(w)) = (
        keyed.model.as_mut().and_then(|m| m.load.as_mut()),
        &model.weights,
    ) {
        load.sha256 = Some(w.sha256.clone());
    }
    let specs = std::iter::once((&mut keyed.data, data))
        .chain(keyed.validate.as_mut().map(|v| (v, validate)));
    for (spec, source) in specs {
        if let (Some(c), Some(file)) = (spec.csv.as_mut(), &source.csv) {
            c.sha256 = Some(file.sha256.clone());
        }
    }
    keyed
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
        let snapshots = p
            .snapshots
            .into_iter()
            .map(|(epoch, layers)| Some((epoch, model_from(layers)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Trained {
            model: model_from(p.layers)?,
            history: History {
                loss: p.loss,
                accuracy: p.accuracy,
                mse: p.mse,
                epochs_run: p.epochs_run,
                stopped_by_threshold: p.stopped_by_threshold,
                snapshots,
                validation: p.validation,
            },
            train: train.clone(),
            validation: None,
        })
    }

    /// A derived file (such as a GIF) cached under the hash of everything it is made from, or
    /// made by `make` and stored. Entries end with their own SHA-256, so a truncated or altered
    /// file is remade, never used.
    pub fn blob(
        &self,
        inputs: &[&[u8]],
        ext: &str,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>, String> {
        if let Some(body) = self.get_blob(inputs, ext) {
            return Ok(body);
        }
        let body = make()?;
        self.put_blob(inputs, ext, &body);
        Ok(body)
    }

    fn blob_path(&self, inputs: &[&[u8]], ext: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut h = Sha256::new();
        h.update(format!("nnbook {}\n", crate::VERSION));
        for part in inputs {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Some(dir.join("files").join(format!("{key}.{ext}")))
    }

    /// The blob stored under `inputs`, if present and intact.
    pub fn get_blob(&self, inputs: &[&[u8]], ext: &str) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.blob_path(inputs, ext)?).ok()?;
        let body_len = bytes.len().checked_sub(32)?;
        let (body, sum) = bytes.split_at(body_len);
        if Sha256::digest(body).as_slice() != sum {
            return None;
        }
        bytes.truncate(body_len);
        Some(bytes)
    }

    /// Store a blob under `inputs`, atomically, ending with its SHA-256. A cache that cannot
    /// be written costs the work next time, nothing more.
    pub fn put_blob(&self, inputs: &[&[u8]], ext: &str, body: &[u8]) {
        let Some(p) = self.blob_path(inputs, ext) else {
            return;
        };
        let mut stored = Vec::with_capacity(body.len() + 32);
        stored.extend_from_slice(body);
        stored.extend_from_slice(&Sha256::digest(body));
        let _ = write_atomic(&p, &stored);
    }

    /// The cache's folder, when caching is on.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Store a result atomically (temporary file, then rename). Failures only cost a retrain.
    pub fn store(&self, key: &str, t: &Trained) -> std::io::Result<()> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        let payload = Payload {
            layers: layers_of(&t.model),
            loss: t.history.loss.clone(),
            accuracy: t.history.accuracy.clone(),
            mse: t.history.mse.clone(),
            epochs_run: t.history.epochs_run,
            stopped_by_threshold: t.history.stopped_by_threshold,
            snapshots: t
                .history
                .snapshots
                .iter()
                .map(|(epoch, m)| (*epoch, layers_of(m)))
                .collect(),
            validation: t.history.validation.clone(),
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

fn layers_of(model: &Model) -> Vec<Layer> {
    model
        .layers
        .iter()
        .map(|l| Layer {
            rows: l.w.nrows(),
            cols: l.w.ncols(),
            w: l.w.iter().copied().collect(),
            b: l.b.to_vec(),
            activation: l.activation.name().into(),
        })
        .collect()
}

/// A model from stored layers; None if an entry's shapes do not fit.
fn model_from(stored: Vec<Layer>) -> Option<Model> {
    let mut layers = Vec::with_capacity(stored.len());
    for l in stored {
        layers.push(Dense {
            w: Array2::from_shape_vec((l.rows, l.cols), l.w).ok()?,
            b: Array1::from_vec(l.b),
            activation: Activation::from_name(&l.activation)?,
        });
    }
    Some(Model { layers })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample book's cache keys, by block id: `block-id key` per line.
    const PINNED: &str = "tests/data/cache-keys.txt";

    /// Every trained experiment's key, computed from content/ and its data files as a build
    /// computes it, without training.
    fn sample_book_keys() -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::Config::load(root).unwrap();
        let chapters = crate::content::load_chapters(root, &config).unwrap();
        let sources = crate::datasets::locate(root, &config, &chapters, false).unwrap();
        let mut lines = Vec::new();
        for block in chapters.iter().flat_map(|c| &c.blocks) {
            let Some(exp) = &block.experiment else {
                continue;
            };
            // As run_one: only a model with training settings is cached.
            if exp.model.is_none() || exp.train.is_none() {
                continue;
            }
            let data = sources.get(&block.id, crate::datasets::Role::Data);
            let validate = sources.get(&block.id, crate::datasets::Role::Validate);
            let sha = data.csv.as_ref().map(|c| c.sha256.as_str());
            let digest = crate::run::data::digest(&exp.data, sha);
            let model = sources.get(&block.id, crate::datasets::Role::Model);
            let keyed = with_digests(exp, data, validate, model);
            lines.push(format!("{} {}\n", block.id, key(&keyed, &digest)));
        }
        lines.concat()
    }

    /// Changing how keys are computed retrains every experiment of every book: this fails
    /// until the change is deliberate (then PINNED is rewritten with the new keys).
    #[test]
    fn the_sample_books_cache_keys_are_pinned() {
        let keys = sample_book_keys();
        assert!(keys.lines().count() > 20, "{keys}");
        let pinned = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PINNED))
            .unwrap_or_default();
        assert!(
            keys == pinned,
            "the cache keys of the sample book changed (every experiment would retrain); if that is meant, write this to {PINNED}:\n{keys}"
        );
    }

    /// A small trained-looking result: a real model, a short history, one snapshot.
    fn sample() -> (Trained, TrainSpec) {
        use crate::engine::LayerSpec;
        let layers = [
            LayerSpec {
                units: 3,
                activation: Activation::Tanh,
            },
            LayerSpec {
                units: 1,
                activation: Activation::Sigmoid,
            },
        ];
        let model = Model::new(2, &layers, 7).unwrap();
        let train = TrainSpec {
            loss: crate::spec::Loss::BinaryCrossentropy,
            optimizer: crate::spec::Optimizer::Sgd {
                lr: 0.1,
                momentum: 0.0,
            },
            epochs: 3,
            batch: None,
            seed: 7,
            shuffle: false,
            stop_loss_below: None,
            c: 1.0,
            snapshots: vec![1],
            location: crate::diag::Location::default(),
        };
        let trained = Trained {
            model: model.clone(),
            history: History {
                loss: vec![0.7, 0.5, 0.3],
                accuracy: Some(vec![0.5, 0.75, 1.0]),
                mse: None,
                epochs_run: 3,
                stopped_by_threshold: false,
                snapshots: vec![(1, model)],
                validation: vec![[0.6, 0.5]],
            },
            train: train.clone(),
            validation: None,
        };
        (trained, train)
    }

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nnbook-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// Same key, same bytes, wherever the cache is: nothing of the machine (folder, user,
    /// host, time) is inside an entry, so merging caches is copying files.
    #[test]
    fn entries_are_the_same_bytes_on_any_machine() {
        let (t, _) = sample();
        let key = "ab".repeat(32);
        let (a, b) = (temp("portable-a"), temp("portable-b/deeper"));
        Cache::new(Some(a.clone())).store(&key, &t).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        Cache::new(Some(b.clone())).store(&key, &t).unwrap();
        let rel = Path::new("ab").join(format!("{key}.json"));
        let (x, y) = (
            std::fs::read(a.join(&rel)).unwrap(),
            std::fs::read(b.join(&rel)).unwrap(),
        );
        assert!(x == y);
        let text = String::from_utf8(x).unwrap();
        let machine = [
            a.to_string_lossy().to_string(),
            std::env::temp_dir().to_string_lossy().to_string(),
            std::env::var("USER").unwrap_or_default(),
            std::fs::read_to_string("/etc/hostname")
                .unwrap_or_default()
                .trim()
                .to_string(),
        ];
        for word in machine.iter().filter(|w| w.len() > 2) {
            assert!(
                !text.contains(word.as_str()),
                "entry holds `{word}`: {text}"
            );
        }
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(b.parent().unwrap());
    }

    /// Every truncation and every flipped bit of an entry, and an entry of another key under
    /// this key's file name, are refused (then recomputed), never used.
    #[test]
    fn damaged_or_foreign_entries_are_never_trusted() {
        let (t, train) = sample();
        let dir = temp("damaged");
        let cache = Cache::new(Some(dir.clone()));
        let key = "cd".repeat(32);
        cache.store(&key, &t).unwrap();
        let path = cache.path(&key).unwrap();
        let good = std::fs::read(&path).unwrap();
        let back = cache.load(&key, &train).unwrap();
        assert_eq!(back.model, t.model);
        assert_eq!(back.history, t.history);
        for len in 0..good.len() {
            std::fs::write(&path, &good[..len]).unwrap();
            assert!(cache.load(&key, &train).is_none(), "truncated to {len}");
        }
        for i in 0..good.len() {
            for bit in [0x01u8, 0x10, 0x80] {
                let mut bad = good.clone();
                bad[i] ^= bit;
                std::fs::write(&path, &bad).unwrap();
                assert!(
                    cache.load(&key, &train).is_none(),
                    "byte {i} ^ {bit:#x}: {}",
                    String::from_utf8_lossy(&bad)
                );
            }
        }
        // Another experiment's entry under this key's name.
        let other = "ce".repeat(32);
        cache.store(&other, &t).unwrap();
        std::fs::copy(cache.path(&other).unwrap(), &path).unwrap();
        assert!(cache.load(&key, &train).is_none());
        assert!(cache.load(&other, &train).is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn blobs_are_made_once_and_checked() {
        let dir = std::env::temp_dir().join(format!("nnbook-blob-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::new(Some(dir.clone()));
        let mut calls = 0;
        let mut get = |cache: &Cache| {
            cache
                .blob(&[b"a", b"b"], "gif", || {
                    calls += 1;
                    Ok(b"GIF89a-bytes".to_vec())
                })
                .unwrap()
        };
        assert_eq!(get(&cache), b"GIF89a-bytes");
        assert_eq!(get(&cache), b"GIF89a-bytes");
        // Damage the entry: it is remade, not used.
        let file = std::fs::read_dir(dir.join("files"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "gif"))
            .unwrap();
        std::fs::write(&file, b"GIF89a-bytez0123456789012345678901234567890").unwrap();
        assert_eq!(get(&cache), b"GIF89a-bytes");
        assert_eq!(calls, 2);
        let off = Cache::new(None);
        assert_eq!(off.blob(&[b"x"], "gif", || Ok(vec![1])).unwrap(), vec![1]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
