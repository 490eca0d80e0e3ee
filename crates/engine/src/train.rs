//! The training loop, with Keras's bookkeeping: the loss and metrics logged for an epoch are
//! computed on each batch before its update and pooled over the epoch weighted by batch size.

use crate::par::*;
use ndarray::{Array, Array1, Array2, Dimension};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use super::EngineError;
use super::activation::Activation;
use super::adam::Adam;
use super::dense::{Cache, Grads, PARALLEL_ELEMENTS, ensure};
use super::loss::Loss;
use super::metrics;
use super::model::Model;
use super::sgd::Sgd;
use super::simd::multiversion;
use super::update::Checked;

/// An optimizer and its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    Sgd {
        lr: f32,
        momentum: f32,
    },
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        epsilon: f32,
    },
}

impl Optimizer {
    /// Adam with Keras's defaults and a learning rate.
    pub fn adam(lr: f32) -> Self {
        let a = Adam::keras(lr);
        Optimizer::Adam {
            lr: a.lr,
            beta1: a.beta1,
            beta2: a.beta2,
            epsilon: a.epsilon,
        }
    }
}

/// Batch size: the whole dataset, or a fixed size (the last batch may be smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    Full,
    Size(usize),
}

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub loss: Loss,
    pub optimizer: Optimizer,
    pub epochs: usize,
    pub batch: Batch,
    /// Seed of the per-epoch shuffle.
    pub seed: u64,
    pub shuffle: bool,
    /// Stop after the first epoch whose logged loss is below this.
    pub stop_loss_below: Option<f32>,
    /// Epochs after which to keep a copy of the model (0 = before training).
    pub snapshot_epochs: Vec<usize>,
}

/// What training recorded, one value per epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub loss: Vec<f32>,
    /// For classifiers.
    pub accuracy: Option<Vec<f32>>,
    /// For regressors.
    pub mse: Option<Vec<f32>>,
    pub epochs_run: usize,
    pub stopped_by_threshold: bool,
    pub snapshots: Vec<(usize, Model)>,
    /// Loss and metric (accuracy or MSE) on held-out data after each epoch, when the caller
    /// measures them (empty otherwise).
    pub validation: Vec<[f32; 2]>,
}

/// Per-parameter optimizer state (moments or velocities), shaped like the model.
struct State {
    w1: Vec<Array2<f32>>,
    b1: Vec<Array1<f32>>,
    w2: Vec<Array2<f32>>,
    b2: Vec<Array1<f32>>,
    t: u32,
}

impl State {
    fn new(model: &Model) -> Self {
        let w: Vec<Array2<f32>> = model
            .layers
            .iter()
            .map(|l| Array2::zeros(l.w.dim()))
            .collect();
        let b: Vec<Array1<f32>> = model
            .layers
            .iter()
            .map(|l| Array1::zeros(l.b.len()))
            .collect();
        State {
            w1: w.clone(),
            b1: b.clone(),
            w2: w,
            b2: b,
            t: 0,
        }
    }
}

/// Train `model` on rows of `x` with targets `y`.
pub fn train(
    model: &mut Model,
    x: &Array2<f32>,
    y: &Array2<f32>,
    cfg: &TrainConfig,
) -> Result<History, EngineError> {
    train_observed(model, x, y, cfg, &mut |_, _, _| {})
}

/// [`train`], calling `on_epoch(epoch, logged loss, model)` after every epoch (for progress
/// bars and per-epoch validation).
pub fn train_observed(
    model: &mut Model,
    x: &Array2<f32>,
    y: &Array2<f32>,
    cfg: &TrainConfig,
    on_epoch: &mut dyn FnMut(usize, f32, &Model),
) -> Result<History, EngineError> {
    check(model, x, y, cfg)?;
    let n = x.nrows();
    let batch = match cfg.batch {
        Batch::Full => n,
        Batch::Size(b) => b.clamp(1, n),
    };
    let out_act = model
        .layers
        .last()
        .map_or(Activation::Linear, |l| l.activation);
    let classifier = matches!(
        cfg.loss,
        Loss::BinaryCrossentropy | Loss::CategoricalCrossentropy
    );
    let mut history = History {
        loss: Vec::with_capacity(cfg.epochs),
        accuracy: classifier.then(Vec::new),
        mse: (!classifier).then(Vec::new),
        epochs_run: 0,
        stopped_by_threshold: false,
        snapshots: Vec::new(),
        validation: Vec::new(),
    };
    if cfg.snapshot_epochs.contains(&0) {
        history.snapshots.push((0, model.clone()));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut state = State::new(model);
    let mut step = Step::new(model);
    // The gathered batch (unused when a batch is the whole data).
    let (mut x_batch, mut y_batch) = (Array2::zeros((0, 0)), Array2::zeros((0, 0)));
    let mut order: Vec<usize> = (0..n).collect();
    for epoch in 1..=cfg.epochs {
        if cfg.shuffle && batch < n {
            // Fisher–Yates from the end, with an unbiased bounded draw.
            for i in (1..n).rev() {
                let j = bounded(&mut rng, (i + 1) as u32) as usize;
                order.swap(i, j);
            }
        }
        let (mut loss_sum, mut correct, mut se_sum) = (0.0f32, 0usize, 0.0f32);
        for (bi, idx) in order.chunks(batch).enumerate() {
            let diverged = |what| EngineError::Diverged {
                epoch,
                batch: bi + 1,
                what,
            };
            // A full batch is the data itself, in stored order: no copy per step.
            let (xb, yb) = if batch == n {
                (x, y)
            } else {
                gather(x, idx, &mut x_batch);
                gather(y, idx, &mut y_batch);
                (&x_batch, &y_batch)
            };
            step.forward(model, xb);
            let last = step
                .caches
                .last()
                .ok_or(EngineError::Shape("the model has no layers".into()))?;
            let (value, dz) = cfg.loss.value_and_grad(out_act, &last.z, &last.a, yb);
            if !value.is_finite() {
                return Err(diverged("loss"));
            }
            loss_sum += value * idx.len() as f32;
            if classifier {
                correct += metrics::correct(&last.a, yb);
            } else {
                se_sum += metrics::squared_error_sum(&last.a, yb);
            }
            step.backward(model, xb, dz);
            let seen = apply(model, &step.grads, &mut state, cfg.optimizer);
            if !seen.grads_finite {
                return Err(diverged("gradient"));
            }
            if !seen.params_finite {
                return Err(diverged("weight"));
            }
        }
        let epoch_loss = loss_sum / n as f32;
        history.loss.push(epoch_loss);
        if let Some(acc) = &mut history.accuracy {
            acc.push(correct as f32 / n as f32);
        }
        if let Some(mse) = &mut history.mse {
            mse.push(se_sum / n as f32);
        }
        history.epochs_run = epoch;
        on_epoch(epoch, epoch_loss, model);
        if cfg.snapshot_epochs.contains(&epoch) {
            history.snapshots.push((epoch, model.clone()));
        }
        if cfg.stop_loss_below.is_some_and(|t| epoch_loss < t) {
            history.stopped_by_threshold = true;
            if !cfg.snapshot_epochs.contains(&epoch) && !cfg.snapshot_epochs.is_empty() {
                history.snapshots.push((epoch, model.clone()));
            }
            break;
        }
    }
    Ok(history)
}

/// A model's loss and metric on held-out data (computed in chunks, in row order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub loss: f32,
    /// Accuracy for classifiers, mean squared error for regressors.
    pub metric: f32,
    pub classifier: bool,
}

/// Evaluate `model` on rows of `x` with targets `y` under `loss`.
pub fn evaluate(
    model: &Model,
    x: &Array2<f32>,
    y: &Array2<f32>,
    loss: Loss,
) -> Result<Evaluation, EngineError> {
    if x.nrows() == 0
        || x.ncols() != model.input_dim()
        || y.nrows() != x.nrows()
        || y.ncols() != model.output_dim()
    {
        return Err(EngineError::Shape(
            "the validation data does not fit the model".into(),
        ));
    }
    let classifier = matches!(
        loss,
        Loss::BinaryCrossentropy | Loss::CategoricalCrossentropy
    );
    let last = model.layers.len() - 1;
    let out_act = model.layers[last].activation;
    let (mut loss_sum, mut correct, mut se) = (0.0f32, 0usize, 0.0f32);
    const CHUNK: usize = 4096;
    for start in (0..x.nrows()).step_by(CHUNK) {
        let end = (start + CHUNK).min(x.nrows());
        let xb = x.slice(ndarray::s![start..end, ..]).to_owned();
        let yb = y.slice(ndarray::s![start..end, ..]).to_owned();
        let mut h = xb;
        for layer in &model.layers[..last] {
            h = layer.forward(&h);
        }
        let z = model.layers[last].pre_activation(&h);
        let a = out_act.forward(&z);
        loss_sum += loss.value(out_act, &z, &a, &yb) * (end - start) as f32;
        if classifier {
            correct += metrics::correct(&a, &yb);
        } else {
            se += metrics::squared_error_sum(&a, &yb);
        }
    }
    let n = x.nrows() as f32;
    Ok(Evaluation {
        loss: loss_sum / n,
        metric: if classifier {
            correct as f32 / n
        } else {
            se / n
        },
        classifier,
    })
}

/// A uniform integer in [0, n) by rejection (no modulo bias).
fn bounded(rng: &mut ChaCha8Rng, n: u32) -> u32 {
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let v = rng.next_u32();
        if v < zone {
            return v % n;
        }
    }
}

fn check(
    model: &Model,
    x: &Array2<f32>,
    y: &Array2<f32>,
    cfg: &TrainConfig,
) -> Result<(), EngineError> {
    if x.nrows() == 0 {
        return Err(EngineError::Shape("there is no training data".into()));
    }
    if x.ncols() != model.input_dim() {
        return Err(EngineError::Shape(format!(
            "the model expects {} inputs but the data has {} features",
            model.input_dim(),
            x.ncols()
        )));
    }
    if y.nrows() != x.nrows() {
        return Err(EngineError::Shape(format!(
            "{} samples but {} targets",
            x.nrows(),
            y.nrows()
        )));
    }
    if y.ncols() != model.output_dim() {
        return Err(EngineError::Shape(format!(
            "the output layer has {} units but the targets have {} columns",
            model.output_dim(),
            y.ncols()
        )));
    }
    if model
        .layers
        .iter()
        .any(|l| l.activation == Activation::Step)
    {
        return Err(EngineError::Shape(
            "a step activation has no gradient; use the perceptron rule".into(),
        ));
    }
    let out = model.layers.last().map(|l| l.activation);
    if cfg.loss == Loss::BinaryCrossentropy && out == Some(Activation::Softmax) {
        return Err(EngineError::Shape(
            "binary cross-entropy does not fit a softmax output".into(),
        ));
    }
    if !all_finite(x) || !all_finite(y) {
        return Err(EngineError::Shape(
            "the data contains NaN or infinite values".into(),
        ));
    }
    Ok(())
}

/// Whether every value is finite: the data's rows in parallel blocks, each in one vectorised
/// pass (the check reads the whole training set on every call).
fn all_finite(a: &Array2<f32>) -> bool {
    let a = a.as_standard_layout();
    let Some(v) = a.as_slice() else {
        return a.iter().all(|v| v.is_finite());
    };
    v.par_chunks(1 << 16)
        .map(finite_slice)
        .reduce(|| true, |x, y| x && y)
}

multiversion! {
    fn finite_slice(v: &[f32]) -> bool {
        v.iter().fold(true, |ok, v| ok & v.is_finite())
    }
}

/// The buffers of a training step, kept from batch to batch so that a step allocates almost
/// nothing: each layer's z and a, its dL/dz and its gradients.
struct Step {
    caches: Vec<Cache>,
    dz: Vec<Array2<f32>>,
    grads: Vec<Grads>,
}

impl Step {
    fn new(model: &Model) -> Step {
        let layers = model.layers.len();
        Step {
            caches: vec![Cache::default(); layers],
            dz: vec![Array2::zeros((0, 0)); layers],
            grads: vec![
                Grads {
                    w: Array2::zeros((0, 0)),
                    b: Array1::zeros(0),
                };
                layers
            ],
        }
    }

    /// Every layer's z and a for the batch `x`.
    fn forward(&mut self, model: &Model, x: &Array2<f32>) {
        for (l, layer) in model.layers.iter().enumerate() {
            let (done, rest) = self.caches.split_at_mut(l);
            let input = done.last().map_or(x.view(), |c| c.a.view());
            layer.forward_train(input, &mut rest[0], true);
        }
    }

    /// Gradients of every layer, from dL/dz of the output layer.
    fn backward(&mut self, model: &Model, x: &Array2<f32>, dz_out: Array2<f32>) {
        let last = model.layers.len() - 1;
        self.dz[last] = dz_out;
        for l in (0..=last).rev() {
            let input = if l == 0 {
                x.view()
            } else {
                self.caches[l - 1].a.view()
            };
            let (below, here) = self.dz.split_at_mut(l);
            let dx = below.last_mut();
            let has_dx = dx.is_some();
            model.layers[l].backward_from_z(input, &here[0], &mut self.grads[l], dx);
            if has_dx {
                let below_layer = &model.layers[l - 1];
                let cache = &self.caches[l - 1];
                backward_rows(below_layer.activation, cache, &mut below[l - 1]);
            }
        }
    }
}

/// dL/da of a layer becomes its dL/dz, in place (by blocks of rows in parallel when large).
fn backward_rows(act: Activation, cache: &Cache, g: &mut Array2<f32>) {
    let cols = g.ncols();
    let (Some(z), Some(a), Some(g)) = (cache.z.as_slice(), cache.a.as_slice(), g.as_slice_mut())
    else {
        return;
    };
    if cols == 0 {
        return;
    }
    if g.len() >= PARALLEL_ELEMENTS {
        let step = 64 * cols;
        g.par_chunks_mut(step)
            .zip(z.par_chunks(step))
            .zip(a.par_chunks(step))
            .for_each(|((g, z), a)| act.backward_slice(z, a, g, cols));
    } else {
        act.backward_slice(z, a, g, cols);
    }
}

/// Rows `idx` of `src` into `dst` (resized when the batch size changes).
fn gather(src: &Array2<f32>, idx: &[usize], dst: &mut Array2<f32>) {
    let cols = src.ncols();
    ensure(dst, (idx.len(), cols));
    let Some(out) = dst.as_slice_mut() else {
        return;
    };
    if cols == 0 {
        return;
    }
    let copy = |rows: &mut [f32], idx: &[usize]| {
        for (row, &i) in rows.chunks_exact_mut(cols).zip(idx) {
            for (d, s) in row.iter_mut().zip(src.row(i)) {
                *d = *s;
            }
        }
    };
    if out.len() >= PARALLEL_ELEMENTS {
        out.par_chunks_mut(64 * cols)
            .zip(idx.par_chunks(64))
            .for_each(|(rows, idx)| copy(rows, idx));
    } else {
        copy(out, idx);
    }
}

/// A tensor's elements as one slice (standard layout, made so if needed).
fn flat<D: Dimension>(a: &mut Array<f32, D>) -> &mut [f32] {
    if !a.is_standard_layout() {
        *a = a.as_standard_layout().into_owned();
    }
    a.as_slice_mut().unwrap_or_default()
}

fn apply(model: &mut Model, grads: &[Grads], state: &mut State, opt: Optimizer) -> Checked {
    state.t += 1;
    let mut seen = Checked {
        grads_finite: true,
        params_finite: true,
    };
    for (i, (layer, g)) in model.layers.iter_mut().zip(grads).enumerate() {
        let (gw, gb) = (g.w.as_standard_layout(), g.b.as_standard_layout());
        let (gw, gb) = (gw.as_slice().unwrap_or(&[]), gb.as_slice().unwrap_or(&[]));
        let (w, b) = (flat(&mut layer.w), flat(&mut layer.b));
        let (w1, b1) = (flat(&mut state.w1[i]), flat(&mut state.b1[i]));
        let (w2, b2) = (flat(&mut state.w2[i]), flat(&mut state.b2[i]));
        if gw.len() != w.len() || gb.len() != b.len() {
            continue;
        }
        seen = seen.and(match opt {
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            } => {
                let adam = Adam {
                    lr,
                    beta1,
                    beta2,
                    epsilon,
                };
                let alpha = adam.alpha(state.t);
                adam.step(alpha, w, gw, w1, w2)
                    .and(adam.step(alpha, b, gb, b1, b2))
            }
            Optimizer::Sgd { lr, momentum } => {
                let sgd = Sgd { lr, momentum };
                sgd.step(w, gw, w1, w2).and(sgd.step(b, gb, b1, b2))
            }
        });
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LayerSpec;

    fn blobs() -> (Array2<f32>, Array2<f32>) {
        // Class 1 in two corners, class 0 in the others (XOR-like, needs a hidden layer).
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for k in 0..80 {
            let (cx, cy, label) = [
                (1.0, 1.0, 1.0),
                (-1.0, -1.0, 1.0),
                (1.0, -1.0, 0.0),
                (-1.0, 1.0, 0.0),
            ][k % 4];
            let jitter = |r: &mut ChaCha8Rng| (r.next_u32() >> 8) as f32 / 16_777_216.0 * 0.6 - 0.3;
            xs.push(cx + jitter(&mut rng));
            xs.push(cy + jitter(&mut rng));
            ys.push(label);
        }
        (
            Array2::from_shape_vec((80, 2), xs).unwrap(),
            Array2::from_shape_vec((80, 1), ys).unwrap(),
        )
    }

    fn cfg(epochs: usize) -> TrainConfig {
        TrainConfig {
            loss: Loss::BinaryCrossentropy,
            optimizer: Optimizer::adam(0.05),
            epochs,
            batch: Batch::Full,
            seed: 1,
            shuffle: true,
            stop_loss_below: None,
            snapshot_epochs: vec![0, 5],
        }
    }

    fn model() -> Model {
        let spec = [
            LayerSpec {
                units: 4,
                activation: Activation::Tanh,
            },
            LayerSpec {
                units: 1,
                activation: Activation::Sigmoid,
            },
        ];
        Model::new(2, &spec, 3).unwrap()
    }

    #[test]
    fn learns_a_nonlinear_problem() {
        let (x, y) = blobs();
        let mut m = model();
        let h = train(&mut m, &x, &y, &cfg(300)).unwrap();
        assert_eq!(h.epochs_run, 300);
        assert_eq!(*h.accuracy.as_ref().unwrap().last().unwrap(), 1.0);
        assert!(h.loss.last().unwrap() < &h.loss[0]);
        assert_eq!(
            h.snapshots.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![0, 5]
        );
    }

    #[test]
    fn full_batch_logs_the_loss_before_the_update() {
        let (x, y) = blobs();
        let m0 = model();
        let out = m0.forward(&x);
        let z = m0.layers[1].pre_activation(&m0.layers[0].forward(&x));
        let initial = Loss::BinaryCrossentropy.value(Activation::Sigmoid, &z, &out, &y);
        let mut m = m0.clone();
        let h = train(&mut m, &x, &y, &cfg(1)).unwrap();
        assert_eq!(h.loss[0].to_bits(), initial.to_bits());
    }

    #[test]
    fn stop_rule_and_divergence() {
        let (x, y) = blobs();
        let mut c = cfg(500);
        c.stop_loss_below = Some(0.3);
        let h = train(&mut model(), &x, &y, &c).unwrap();
        assert!(h.stopped_by_threshold && h.epochs_run < 500);
        assert!(h.loss[h.epochs_run - 1] < 0.3 && h.loss[h.epochs_run - 2] >= 0.3);
        let mut bad = cfg(50);
        bad.loss = Loss::Mse;
        bad.optimizer = Optimizer::Sgd {
            lr: 1e30,
            momentum: 0.0,
        };
        let mut lin = Model::new(
            2,
            &[LayerSpec {
                units: 1,
                activation: Activation::Linear,
            }],
            0,
        )
        .unwrap();
        let err = train(&mut lin, &x.mapv(|v| v * 1e5), &y, &bad).unwrap_err();
        assert!(matches!(err, EngineError::Diverged { .. }), "{err}");
    }

    #[test]
    fn minibatches_are_deterministic() {
        let (x, y) = blobs();
        let mut c = cfg(20);
        c.batch = Batch::Size(32);
        let (mut a, mut b) = (model(), model());
        let ha = train(&mut a, &x, &y, &c).unwrap();
        let hb = train(&mut b, &x, &y, &c).unwrap();
        assert_eq!(a, b);
        assert_eq!(ha, hb);
        let wrong = Array2::zeros((80, 2));
        assert!(train(&mut a, &x, &wrong, &c).is_err());
    }
}
