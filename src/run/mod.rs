//! The run stage: prepare each experiment's data, train it on the engine, and collect the
//! outcomes. Independent experiments run in parallel (rayon); results are keyed by id in a
//! BTreeMap, so the order of completion never shows in the output.

mod cache;
mod classic;
mod data;
mod facts;
mod family;
mod progress;

use progress::Progress;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ndarray::Array2;
use rayon::prelude::*;

pub use cache::{Cache, key as cache_key};
pub use data::Prepared;
pub use facts::{Facts, TrainedFacts};

/// An experiment's training data prepared as a build prepares it (the shard partition sizes
/// experiments with it).
pub(crate) fn prepare_data(
    spec: &crate::spec::DataSpec,
    source: &Source,
    model: Option<&ModelSpec>,
    train: Option<&TrainSpec>,
    dirs: &[PathBuf],
) -> Option<Prepared> {
    data::prepare(spec, source, None, model, train, dirs).ok()
}

use crate::config::Limits;
use crate::content::Chapter;
use crate::datasets::{Resolution, Role, Source};
use crate::diag::Diagnostic;
use crate::engine::{self, Batch, History, Model, TrainConfig};
use crate::spec::{Block, Experiment, Loss, ModelSpec, Optimizer, TrainSpec};

/// What became of one experiment.
#[derive(Debug, Clone)]
pub enum Outcome {
    Done(Box<ExperimentResult>),
    /// Not run, e.g. a dataset that is not on this machine; the build warns.
    Skipped {
        reason: String,
        help: String,
        warning: Diagnostic,
    },
    Failed(Diagnostic),
    /// Done in an earlier build, whose figures and tables all come from the cache: what the
    /// prose and the manifest print, without the data or the model.
    Cached(Box<Facts>),
}

/// Data and (when the block has a model) the trained model with its history.
#[derive(Debug, Clone)]
pub struct ExperimentResult {
    pub data: Prepared,
    pub trained: Option<Trained>,
    /// The model came from the cache rather than from training.
    pub cached: bool,
}

/// A trained model.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    pub history: History,
    pub train: TrainSpec,
    /// Loss and metric on the block's `validate:` data.
    pub validation: Option<engine::Evaluation>,
}

impl Trained {
    /// False for a model used as given (weights in the block or loaded from a file).
    pub fn trained_here(&self) -> bool {
        self.history.epochs_run > 0 || !self.history.loss.is_empty()
    }

    /// The last logged value of each metric, by name, as the shortest decimal that reads back
    /// as the same f32 (0.948, not 0.9480000138282776).
    pub fn final_metrics(&self) -> BTreeMap<String, f64> {
        let h = &self.history;
        let series = [
            ("loss", Some(&h.loss)),
            ("accuracy", h.accuracy.as_ref()),
            ("mse", h.mse.as_ref()),
        ];
        series
            .into_iter()
            .filter_map(|(name, values)| Some((name.to_string(), *values?.last()?)))
            .chain(self.validation.iter().flat_map(|v| {
                let metric = if v.classifier {
                    "val_accuracy"
                } else {
                    "val_mse"
                };
                [
                    ("val_loss".to_string(), v.loss),
                    (metric.to_string(), v.metric),
                ]
            }))
            .map(|(name, v)| (name, v.to_string().parse().unwrap_or(f64::from(v))))
            .collect()
    }
}

/// The number prose prints for `{nn} id.metric`: Ok(None) when the experiment did not run
/// (a dataset missing on this machine), an error naming what it has when it lacks the metric.
pub fn prose_value(id: &str, outcome: &Outcome, metric: &str) -> Result<Option<f64>, String> {
    let facts = match outcome {
        Outcome::Done(r) => Facts::of(r, false),
        Outcome::Cached(f) => (**f).clone(),
        Outcome::Skipped { .. } | Outcome::Failed(_) => return Ok(None),
    };
    let Some(have) = facts.values() else {
        return Err(format!("`{id}` has no model, so no metrics"));
    };
    have.get(metric).copied().map(Some).ok_or_else(|| {
        let names: Vec<&str> = have.keys().map(String::as_str).collect();
        format!("`{id}` has no `{metric}`; it has {}", names.join(", "))
    })
}

/// Run every experiment of the book (blocks with `use:` reuse results and run nothing), on the
/// data the build found (`sources`). The experiments in `shown` have every figure and table
/// in the cache already: when the cache has their facts too, and their data files are the
/// ones they were made from, they come back as [`Outcome::Cached`], nothing read or loaded.
pub fn run_all(
    blocks: &[(&Chapter, &Block)],
    sources: &Resolution,
    data_dirs: &[PathBuf],
    jobs: Option<usize>,
    cache: &Cache,
    limits: &Limits,
    shown: &BTreeSet<String>,
) -> BTreeMap<String, Outcome> {
    let found = Around {
        sources,
        data_dirs,
        cache,
        limits,
        shown,
    };
    run_beside(blocks, &found, jobs, |_| ()).0
}

/// What every experiment of a build runs with.
pub struct Around<'a> {
    pub sources: &'a Resolution,
    pub data_dirs: &'a [PathBuf],
    pub cache: &'a Cache,
    pub limits: &'a Limits,
    /// Experiments whose every figure and table the cache has.
    pub shown: &'a BTreeSet<String>,
}

/// [`run_all`], with the experiment guessed to train longest on one side and every other one
/// beside it; `beside` is then given the others' outcomes while the longest still trains (a
/// cold build draws their figures there). Returns all outcomes and what `beside` made.
pub fn run_beside<R: Send>(
    blocks: &[(&Chapter, &Block)],
    around: &Around,
    jobs: Option<usize>,
    beside: impl FnOnce(&BTreeMap<String, Outcome>) -> R + Send,
) -> (BTreeMap<String, Outcome>, R) {
    let Around {
        sources,
        data_dirs,
        cache,
        limits,
        shown,
    } = *around;
    let hashes = crate::datasets::hashes::Hashes::open(cache.dir());
    let todo: Vec<(&Chapter, &Block, &Experiment)> = blocks
        .iter()
        .filter_map(|(c, b)| b.experiment.as_ref().map(|e| (*c, *b, e)))
        .collect();
    let (failed, skip) = family::over_limit(&todo, sources, data_dirs, limits);
    let mut todo: Vec<_> = todo
        .into_iter()
        .filter(|(_, b, _)| !skip.contains(&b.id))
        .collect();
    // Longest first (a stable sort: ties keep book order); outcomes are keyed by id, so the
    // order never shows in the output.
    todo.sort_by(|a, b| guessed_work(b.2).total_cmp(&guessed_work(a.2)));
    let split = usize::from(todo.first().is_some_and(|t| guessed_work(t.2) > 0.0));
    let (longest, rest) = todo.split_at(split);
    let progress = Progress::new(todo.len());
    let one = |&(ch, block, exp): &(&Chapter, &Block, &Experiment)| -> (String, Outcome) {
        let found = Found {
            data: sources.get(&block.id, Role::Data),
            validate: sources.get(&block.id, Role::Validate),
            model: sources.get(&block.id, Role::Model),
            dirs: data_dirs,
        };
        let outcome = shown
            .contains(&block.id)
            .then(|| from_facts(block, exp, &found, cache, limits, &hashes))
            .flatten()
            .unwrap_or_else(|| {
                let outcome = run_one(ch, block, exp, &found, cache, limits, &progress);
                if let Outcome::Done(r) = &outcome {
                    let key = experiment_key(exp, &found);
                    let trains = exp.model.is_some() && exp.train.is_some();
                    let facts = Facts::of(r, trains);
                    if Facts::load(cache, &key).as_ref() != Some(&facts) {
                        facts.store(cache, &key);
                    }
                }
                outcome
            });
        progress.done();
        (block.id.clone(), outcome)
    };
    let work = || {
        rayon::join(
            || longest.iter().map(&one).collect::<Vec<_>>(),
            || {
                let others: BTreeMap<String, Outcome> = rest.par_iter().map(&one).collect();
                let made = beside(&others);
                (others, made)
            },
        )
    };
    let (longest, (mut outcomes, made)) = with_jobs(jobs, work);
    progress.finish();
    // Once both sides are done: the digests both hashed are saved together.
    hashes.save();
    crate::datasets::hashes::release();
    outcomes.extend(longest);
    outcomes.extend(failed);
    (outcomes, made)
}

/// Training work of an experiment from its spec alone, before its data is read (a generator's
/// or file's size is guessed; only the order experiments start in depends on it).
fn guessed_work(exp: &Experiment) -> f64 {
    let (Some(model), Some(train)) = (&exp.model, &exp.train) else {
        return 0.0;
    };
    let d = &exp.data;
    let (inputs, available) = if d.is_mnist() {
        let rows = if d.split.as_deref() == Some("test") {
            10_000
        } else {
            60_000
        };
        (784, rows)
    } else {
        (2, d.n.unwrap_or(200))
    };
    let rows = available.saturating_sub(d.offset);
    let samples = d.limit.map_or(rows, |l| l.min(rows));
    let layers: Vec<usize> = model.layers.iter().map(|l| l.units).collect();
    estimate(inputs, &layers, samples, train.batch, train.epochs).work
}

/// What the build found for one experiment's data.
struct Found<'a> {
    data: &'a Source,
    validate: &'a Source,
    /// The weight file of `model: {load: …}`.
    model: &'a Source,
    /// Folders MNIST is looked for in when nothing looked its files up.
    dirs: &'a [PathBuf],
}

impl Found<'_> {
    /// Prepare an experiment's held-out data (CSV labels map onto the training data's classes).
    fn held_out(
        &self,
        exp: &Experiment,
        spec: &crate::spec::DataSpec,
        model: &ModelSpec,
        train: &TrainSpec,
    ) -> Result<data::Prepared, data::DataProblem> {
        let classes_from = spec.csv.as_ref().map(|_| (&exp.data, self.data));
        data::prepare(
            spec,
            self.validate,
            classes_from,
            Some(model),
            Some(train),
            self.dirs,
        )
    }
}

/// The cache key of a block's experiment, from the spec and the digests of the files the
/// build found, before any data is prepared.
fn experiment_key(exp: &Experiment, found: &Found<'_>) -> String {
    let csv = found.data.csv.as_ref().map(|c| c.sha256.as_str());
    cache::key(
        &cache::with_digests(exp, found.data, found.validate, found.model),
        &data::digest(&exp.data, csv),
    )
}

/// The cache key of every experiment of the book, by id, as the run computes it.
pub fn experiment_keys(
    blocks: &[(&Chapter, &Block)],
    sources: &Resolution,
) -> BTreeMap<String, String> {
    blocks
        .iter()
        .filter_map(|(_, b)| {
            let exp = b.experiment.as_ref()?;
            let found = Found {
                data: sources.get(&b.id, Role::Data),
                validate: sources.get(&b.id, Role::Validate),
                model: sources.get(&b.id, Role::Model),
                dirs: &[],
            };
            Some((b.id.clone(), experiment_key(exp, &found)))
        })
        .collect()
}

/// An experiment done in an earlier build, from its facts: None when they are not stored, or
/// a data file is missing or not the one the experiment was made from (then it runs).
fn from_facts(
    block: &Block,
    exp: &Experiment,
    found: &Found<'_>,
    cache: &Cache,
    limits: &Limits,
    hashes: &crate::datasets::hashes::Hashes,
) -> Option<Outcome> {
    use crate::datasets::DataFiles;
    use crate::engine::data::mnist::{FILES, file_index};
    for (spec, source) in [
        (Some(&exp.data), found.data),
        (exp.validate.as_ref(), found.validate),
    ] {
        let Some(spec) = spec else { continue };
        if !spec.is_mnist() {
            continue;
        }
        // MNIST's key says "verified by SHA-256": check the files are still those.
        let DataFiles::Found(files) = &source.files else {
            return None;
        };
        for f in files {
            let name = f.path.file_name()?.to_str()?;
            let expected = FILES[file_index(name)?].1;
            if hashes.digest(&f.path).ok()? != expected {
                return None;
            }
        }
    }
    let facts = Facts::load(cache, &experiment_key(exp, found))?;
    if let (Some(m), Some(t)) = (&exp.model, &exp.train)
        && let Err(d) = check_cost(block, m, t, facts.inputs, facts.samples, limits)
    {
        return Some(Outcome::Failed(d));
    }
    Some(Outcome::Cached(Box::new(facts)))
}

fn run_one(
    ch: &Chapter,
    block: &Block,
    exp: &Experiment,
    found: &Found<'_>,
    cache: &Cache,
    limits: &Limits,
    progress: &Progress,
) -> Outcome {
    let data = match data::prepare(
        &exp.data,
        found.data,
        None,
        exp.model.as_ref(),
        exp.train.as_ref(),
        found.dirs,
    ) {
        Ok(d) => d,
        Err(problem) => return unusable_data(problem, block, ch, &exp.data.location),
    };
    if let (Some(m), None) = (&exp.model, &exp.train)
        && m.is_fixed()
    {
        return match fixed(block, m, &data, found.model.weights.as_deref()) {
            Ok(t) => Outcome::Done(Box::new(ExperimentResult {
                data,
                trained: Some(t),
                cached: false,
            })),
            Err(d) => Outcome::Failed(d.with_source(&ch.text)),
        };
    }
    let (Some(model_spec), Some(train)) = (&exp.model, &exp.train) else {
        return Outcome::Done(Box::new(ExperimentResult {
            data,
            trained: None,
            cached: false,
        }));
    };
    if let Err(d) = check_cost(
        block,
        model_spec,
        train,
        data.x.ncols(),
        data.x.nrows(),
        limits,
    ) {
        return Outcome::Failed(d.with_source(&ch.text));
    }
    if let Some(live) = &block.live
        && let Err(d) = crate::live::check_work(&block.id, live, model_spec, train, &data)
    {
        return Outcome::Failed(d.with_source(&ch.text));
    }
    // Held-out data is read before training, so it can be scored after every epoch.
    let vdata = match &exp.validate {
        Some(spec) if model_spec.classic.is_none() => {
            match found.held_out(exp, spec, model_spec, train) {
                Ok(v) => Some(v),
                Err(problem) => return unusable_data(problem, block, ch, &spec.location),
            }
        }
        _ => None,
    };
    let key = cache::key(
        &cache::with_digests(exp, found.data, found.validate, found.model),
        &data.digest,
    );
    let (trained, cached) = match cache.load(&key, train) {
        Some(t) => (t, true),
        None => {
            crate::test_pause("train");
            let bar = progress.training(&block.id, train.epochs);
            let mut series: Vec<[f32; 2]> = Vec::new();
            let fitted = fit(
                block,
                model_spec,
                train,
                &data,
                &mut |epoch, loss, model| {
                    bar.set_position(epoch as u64);
                    bar.set_message(format!("{loss:.4}"));
                    if let Some(v) = &vdata
                        && let Ok(e) = engine::evaluate(model, &v.x, &v.targets, train.loss)
                    {
                        series.push([e.loss, e.metric]);
                    }
                },
            )
            .map(|mut t| {
                t.history.validation = std::mem::take(&mut series);
                t
            });
            bar.finish_and_clear();
            match fitted {
                Ok(t) => {
                    // A cache that cannot be written costs a retrain next time, nothing more.
                    let _ = cache.store(&key, &t);
                    (t, false)
                }
                Err(d) => return Outcome::Failed(d.with_source(&ch.text)),
            }
        }
    };
    let mut trained = trained;
    if let Some(spec) = &exp.validate {
        match validate(exp, spec, model_spec, train, &trained, found, vdata) {
            Ok(v) => trained.validation = Some(v),
            Err(problem) => return unusable_data(problem, block, ch, &spec.location),
        }
    }
    Outcome::Done(Box::new(ExperimentResult {
        data,
        trained: Some(trained),
        cached,
    }))
}

/// Missing data skips the experiment with a warning; bad data fails it.
fn unusable_data(
    problem: data::DataProblem,
    block: &Block,
    ch: &Chapter,
    at: &crate::diag::Location,
) -> Outcome {
    match problem {
        data::DataProblem::Missing { reason, help } => {
            let warning = Diagnostic::warning(
                "W001",
                format!("experiment `{}` skipped: {reason}", block.id),
            )
            .at(at.clone())
            .hint(help.clone())
            .with_source(&ch.text);
            Outcome::Skipped {
                reason,
                help,
                warning,
            }
        }
        data::DataProblem::Invalid(d) => Outcome::Failed(d.with_source(&ch.text)),
    }
}

/// Evaluate a trained model on a block's `validate:` data.
fn validate(
    exp: &Experiment,
    spec: &crate::spec::DataSpec,
    model_spec: &ModelSpec,
    train: &TrainSpec,
    trained: &Trained,
    found: &Found<'_>,
    prepared: Option<Prepared>,
) -> Result<engine::Evaluation, data::DataProblem> {
    // Held-out data read for the per-epoch scores is not read again.
    let vdata = match prepared {
        Some(v) => v,
        None => found.held_out(exp, spec, model_spec, train)?,
    };
    engine::evaluate(&trained.model, &vdata.x, &vdata.targets, train.loss).map_err(|e| {
        data::DataProblem::Invalid(
            Diagnostic::error("E014", format!("cannot validate: {e}"))
                .at(spec.location.clone())
                .hint("the validation data needs the training data's features and classes"),
        )
    })
}

/// What training an experiment costs, estimated before anything is allocated for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub parameters: f64,
    /// Parameters × samples × epochs.
    pub work: f64,
    pub memory_mb: f64,
}

/// Estimate the cost of training `layers` on `samples` rows of `inputs` features.
pub fn estimate(
    inputs: usize,
    layers: &[usize],
    samples: usize,
    batch: Option<usize>,
    epochs: usize,
) -> Cost {
    let mut parameters = 0.0;
    let mut fan_in = inputs as f64;
    for &units in layers {
        parameters += (fan_in + 1.0) * units as f64;
        fan_in = units as f64;
    }
    let rows = batch.map_or(samples, |b| b.min(samples)) as f64;
    let activations: f64 = layers.iter().map(|&u| u as f64).sum::<f64>() * rows;
    // Data (features and targets), weights with their gradient and two optimizer moments,
    // and each layer's pre-activation, output and gradient for one batch.
    let bytes =
        4.0 * (samples as f64 * (inputs as f64 + fan_in) + 4.0 * parameters + 3.0 * activations);
    Cost {
        parameters,
        work: parameters * samples as f64 * epochs as f64,
        memory_mb: bytes / (1024.0 * 1024.0),
    }
}

/// Refuse an experiment whose estimated cost is past the book's limits.
fn check_cost(
    block: &Block,
    model_spec: &ModelSpec,
    train: &TrainSpec,
    inputs: usize,
    samples: usize,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    let layers: Vec<usize> = model_spec.layers.iter().map(|l| l.units).collect();
    let cost = estimate(inputs, &layers, samples, train.batch, train.epochs);
    let refuse = |what: String, smaller: &str, raise: String| {
        Diagnostic::error("E030", format!("experiment `{}` {what}", block.id))
            .at(train.location.clone())
            .hint(format!(
                "make {smaller} smaller, or raise the limit in book.yaml: `limits: {{{raise}}}`"
            ))
    };
    if cost.work > limits.work {
        return Err(refuse(
            format!(
                "would cost {:.3e} parameter-sample-epochs ({:.0} parameters × {} samples × {} epochs), more than the limit of {:.3e}",
                cost.work, cost.parameters, samples, train.epochs, limits.work
            ),
            "the model, the data or `epochs:`",
            format!("work: {:.3e}", cost.work),
        ));
    }
    if cost.memory_mb > limits.memory_mb {
        return Err(refuse(
            format!(
                "would need about {:.0} MiB of memory, more than the limit of {:.0} MiB",
                cost.memory_mb, limits.memory_mb
            ),
            "the model, the data or `batch:`",
            format!("memory_mb: {:.0}", cost.memory_mb.ceil()),
        ));
    }
    Ok(())
}

/// Train a block's model on its prepared data.
fn fit(
    block: &Block,
    model_spec: &ModelSpec,
    train: &TrainSpec,
    data: &Prepared,
    on_epoch: &mut dyn FnMut(usize, f32, &Model),
) -> Result<Trained, Diagnostic> {
    let fail = |msg: String, hint: &str, at: &crate::diag::Location| {
        Diagnostic::error("E030", msg)
            .at(at.clone())
            .hint(hint.to_string())
    };
    if let Some(classic) = model_spec.classic {
        return classic::train(classic, data, train).map_err(|msg| {
            fail(
                format!("experiment `{}`: {msg}", block.id),
                "the classic models take two classes labelled 0 and 1",
                &model_spec.location,
            )
        });
    }
    let mut model =
        Model::new(data.x.ncols(), &engine_layers(model_spec), train.seed).map_err(|e| {
            fail(
                format!("experiment `{}`: {e}", block.id),
                "check the model's layer sizes",
                &model_spec.location,
            )
        })?;
    given_weights(block, model_spec, &mut model)?;
    let cfg = TrainConfig {
        loss: train.loss,
        optimizer: train.optimizer.engine(),
        epochs: train.epochs,
        batch: train.batch.map_or(Batch::Full, Batch::Size),
        // A stream of its own for shuffling, so it does not repeat the initialiser's numbers.
        seed: train.seed ^ 0x9E37_79B9_7F4A_7C15,
        shuffle: train.shuffle,
        stop_loss_below: train.stop_loss_below.map(|v| v as f32),
        snapshot_epochs: train.snapshots.clone(),
    };
    let history = engine::train_observed(&mut model, &data.x, &data.targets, &cfg, on_epoch)
        .map_err(|e| {
            fail(
                format!("experiment `{}`: {e}", block.id),
                "a smaller learning rate (`lr:`) usually helps a diverging run",
                &train.location,
            )
        })?;
    Ok(Trained {
        model,
        history,
        train: train.clone(),
        validation: None,
    })
}

/// Put the block's given weights (and biases, zero when left out) into the model.
fn given_weights(block: &Block, spec: &ModelSpec, model: &mut Model) -> Result<(), Diagnostic> {
    for (layer, ls) in model.layers.iter_mut().zip(&spec.layers) {
        let Some(w) = &ls.weights else { continue };
        if w.len() != layer.w.nrows() {
            return Err(Diagnostic::error(
                "E030",
                format!(
                    "experiment `{}`: {} weight rows, but the layer has {} inputs",
                    block.id,
                    w.len(),
                    layer.w.nrows()
                ),
            )
            .at(ls.location.clone())
            .hint("write one row per input of the layer (the first layer: one per feature)"));
        }
        for (i, row) in w.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                layer.w[[i, j]] = *v as f32;
            }
        }
        for (j, b) in layer.b.iter_mut().enumerate() {
            *b = ls
                .bias
                .as_ref()
                .and_then(|v| v.get(j))
                .copied()
                .unwrap_or(0.0) as f32;
        }
    }
    Ok(())
}

/// Run `work` on a pool of `jobs` threads, or on rayon's global pool (one per core).
pub fn with_jobs<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> T {
    match jobs.and_then(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .ok()
    }) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The engine's layer list for a block's model.
fn engine_layers(spec: &ModelSpec) -> Vec<engine::LayerSpec> {
    spec.layers
        .iter()
        .map(|l| engine::LayerSpec {
            units: l.units,
            activation: l.activation,
        })
        .collect()
}

/// A model used as written (every layer's weights given, or loaded from a file; no training).
fn fixed(
    block: &Block,
    spec: &ModelSpec,
    data: &Prepared,
    loaded: Option<&crate::datasets::weights::Loaded>,
) -> Result<Trained, Diagnostic> {
    let model = match (loaded, &spec.load) {
        (Some(l), Some(load)) => loaded_model(block, load, l, data.x.ncols())?,
        _ => {
            let mut model = Model::new(data.x.ncols(), &engine_layers(spec), 0).map_err(|e| {
                Diagnostic::error("E030", format!("experiment `{}`: {e}", block.id))
                    .at(spec.location.clone())
                    .hint("check the model's layer sizes")
            })?;
            given_weights(block, spec, &mut model)?;
            model
        }
    };
    Ok(Trained {
        model,
        history: History {
            loss: Vec::new(),
            accuracy: None,
            mse: None,
            epochs_run: 0,
            stopped_by_threshold: false,
            snapshots: Vec::new(),
            validation: Vec::new(),
        },
        train: TrainSpec {
            loss: Loss::Mse,
            optimizer: Optimizer::Sgd {
                lr: 0.0,
                momentum: 0.0,
            },
            epochs: 0,
            batch: None,
            seed: 0,
            shuffle: false,
            stop_loss_below: None,
            c: 1.0,
            snapshots: Vec::new(),
            location: spec.location.clone(),
        },
        validation: None,
    })
}

/// The engine's model from a weight file's layers, which must take the data's features.
fn loaded_model(
    block: &Block,
    load: &crate::spec::LoadSpec,
    loaded: &crate::datasets::weights::Loaded,
    features: usize,
) -> Result<Model, Diagnostic> {
    let first = loaded.layers.first();
    if let Some(l) = first
        && l.w.nrows() != features
    {
        return Err(Diagnostic::error(
            "E038",
            format!(
                "{}: tensor `{}` takes {} inputs, but the data of `{}` has {features} features",
                loaded.file.shown,
                l.kernel,
                l.w.nrows(),
                block.id
            ),
        )
        .at(load.location.clone())
        .hint(
            "load the model trained on this data, or give the block the data it was trained on",
        ));
    }
    let layers = loaded
        .layers
        .iter()
        .map(|l| engine::Dense {
            w: l.w.clone(),
            b: l.b.clone(),
            activation: l.activation,
        })
        .collect();
    Model::from_layers(layers).map_err(|e| {
        Diagnostic::error("E038", format!("{}: {e}", loaded.file.shown))
            .at(load.location.clone())
            .hint("check the layers' sizes against the model that was saved")
    })
}

/// Predict in chunks so a large grid never needs one huge activation matrix.
pub fn predict(model: &Model, x: &Array2<f32>) -> Array2<f32> {
    const CHUNK: usize = 4096;
    let out_dim = model.output_dim();
    if x.nrows() <= CHUNK || out_dim == 0 {
        return model.forward(x);
    }
    let mut out = vec![0f32; x.nrows() * out_dim];
    // Rows are independent, so chunks in parallel give the same bits as one pass.
    out.par_chunks_mut(CHUNK * out_dim)
        .enumerate()
        .for_each(|(i, part)| {
            let start = i * CHUNK;
            let rows = part.len() / out_dim;
            let y = model.forward(&x.slice(ndarray::s![start..start + rows, ..]).to_owned());
            if let Some(y) = y.as_slice() {
                part.copy_from_slice(y);
            }
        });
    Array2::from_shape_vec((x.nrows(), out_dim), out).unwrap_or_else(|_| model.forward(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run reads a CSV file's bytes from what the build found, not from the disk again:
    /// with the files gone after `locate`, training and held-out data still prepare.
    #[test]
    fn csv_files_are_read_once_by_locate() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv");
        let root = std::env::temp_dir().join(format!("nnbook-read-once-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for rel in [
            "book.yaml",
            "line.csv",
            "content/01-points.md",
            "datasets/points.csv",
        ] {
            let to = root.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(fixture.join(rel), &to).unwrap();
        }
        let config = crate::config::Config::load(&root).unwrap();
        let chapters = crate::content::load_chapters(&root, &config).unwrap();
        let sources = crate::datasets::locate(&root, &config, &chapters, false).unwrap();
        assert_eq!(sources.files().count(), 3);
        std::fs::remove_file(root.join("line.csv")).unwrap();
        std::fs::remove_file(root.join("datasets/points.csv")).unwrap();
        let blocks: Vec<(&Chapter, &Block)> = chapters
            .iter()
            .flat_map(|c| c.blocks.iter().map(move |b| (c, b)))
            .collect();
        let outcomes = run_all(
            &blocks,
            &sources,
            &[],
            Some(1),
            &Cache::new(None),
            &Limits::default(),
            &BTreeSet::new(),
        );
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(outcomes.len(), 2);
        for (id, outcome) in &outcomes {
            let Outcome::Done(r) = outcome else {
                panic!("{id}: {outcome:?}");
            };
            let trained = r.trained.as_ref().unwrap();
            assert_eq!(trained.validation.is_some(), id == "points", "{id}");
        }
    }

    #[test]
    fn cost_estimates() {
        // The sample book's MNIST network: Keras counts 795,010 parameters.
        let c = estimate(784, &[1000, 10], 60_000, Some(1024), 5);
        assert_eq!(c.parameters, 795_010.0);
        assert_eq!(c.work, 795_010.0 * 60_000.0 * 5.0);
        assert!(c.work < Limits::default().work / 10.0);
        assert!(
            (150.0..Limits::default().memory_mb).contains(&c.memory_mb),
            "{c:?}"
        );
        // Two layers of 100,000 units cannot be allocated quietly.
        let huge = estimate(2, &[100_000, 100_000], 4, None, 1);
        assert!(huge.memory_mb > 100_000.0, "{huge:?}");
    }
}
