//! What the rest of a build needs of an experiment once its figures and tables come from the
//! cache: the numbers prose and the manifest print, and the data's shape the limits are
//! checked on. Stored next to the experiment's entry, under the same key, so a warm build
//! neither reads the data nor loads the model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Cache, ExperimentResult};

/// An experiment's results without its data or weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Rows and features of the prepared training data.
    pub samples: usize,
    pub inputs: usize,
    /// The model was trained (and so cached), not given in full.
    pub trains: bool,
    /// None for a block without a model.
    pub trained: Option<TrainedFacts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrainedFacts {
    pub epochs_run: usize,
    pub stopped_by_threshold: bool,
    pub params: usize,
    /// As [`super::Trained::final_metrics`] gives them.
    pub final_metrics: BTreeMap<String, f64>,
}

type StoredTrained = (usize, bool, usize, Vec<(String, u64)>);

/// As stored: metrics as their bits, so they read back exactly.
#[derive(Serialize, Deserialize)]
struct Stored {
    samples: usize,
    inputs: usize,
    trains: bool,
    /// Epochs run, stopped by the threshold, parameters, metrics.
    trained: Option<StoredTrained>,
}

impl Facts {
    /// The facts of a result made in this build.
    pub fn of(r: &ExperimentResult, trains: bool) -> Facts {
        Facts {
            samples: r.data.x.nrows(),
            inputs: r.data.x.ncols(),
            trains,
            trained: r.trained.as_ref().map(|t| TrainedFacts {
                epochs_run: t.history.epochs_run,
                stopped_by_threshold: t.history.stopped_by_threshold,
                params: t.model.param_count(),
                final_metrics: t.final_metrics(),
            }),
        }
    }

    /// The facts stored under an experiment's key, if intact.
    pub fn load(cache: &Cache, key: &str) -> Option<Facts> {
        let bytes = cache.get_blob(&[b"facts", key.as_bytes()], "json")?;
        let s: Stored = serde_json::from_slice(&bytes).ok()?;
        Some(Facts {
            samples: s.samples,
            inputs: s.inputs,
            trains: s.trains,
            trained: s
                .trained
                .map(|(epochs_run, stopped, params, m)| TrainedFacts {
                    epochs_run,
                    stopped_by_threshold: stopped,
                    params,
                    final_metrics: m.into_iter().map(|(k, v)| (k, f64::from_bits(v))).collect(),
                }),
        })
    }

    /// Store the facts under an experiment's key.
    pub fn store(&self, cache: &Cache, key: &str) {
        let s = Stored {
            samples: self.samples,
            inputs: self.inputs,
            trains: self.trains,
            trained: self.trained.as_ref().map(|t| {
                (
                    t.epochs_run,
                    t.stopped_by_threshold,
                    t.params,
                    t.final_metrics
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_bits()))
                        .collect(),
                )
            }),
        };
        if let Ok(bytes) = serde_json::to_vec(&s) {
            cache.put_blob(&[b"facts", key.as_bytes()], "json", &bytes);
        }
    }

    /// The numbers `{nn} id.metric` may print, by name.
    pub fn values(&self) -> Option<BTreeMap<String, f64>> {
        let t = self.trained.as_ref()?;
        let mut have = t.final_metrics.clone();
        have.insert("epochs".into(), t.epochs_run as f64);
        have.insert("params".into(), t.params as f64);
        Some(have)
    }
}
