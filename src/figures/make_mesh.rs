//! Glue for the figures that evaluate a model over the input plane frame by frame: the
//! probability mesh and the training evolution.

use ndarray::Array2;

use super::{Field, Frame};
use crate::engine::{Activation, Model};
use crate::run::{self, ExperimentResult};
use crate::spec::{FigureOptions, default_frames};

/// p(class 1) at the centres of an n × n grid: the one sigmoid output, or the second of two
/// softmax outputs.
pub fn probability_field(
    model: &Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
) -> Result<Field, String> {
    let column = match model.output_dim() {
        1 => 0,
        2 => 1,
        k => {
            return Err(format!(
                "a probability mesh needs two classes, not {k} outputs"
            ));
        }
    };
    let mut field = Field {
        nx: n,
        ny: n,
        x,
        y,
        p: Vec::with_capacity(n * n),
    };
    let mut pts = Array2::<f32>::zeros((n * n, 2));
    for j in 0..n {
        for i in 0..n {
            let [cx, cy] = field.centre(i, j);
            pts[[j * n + i, 0]] = cx as f32;
            pts[[j * n + i, 1]] = cy as f32;
        }
    }
    field.p = run::predict(model, &pts)
        .column(column)
        .iter()
        .map(|v| f64::from(*v))
        .collect();
    Ok(field)
}

/// The frames of an evolution, the hidden panel's limits, and the hidden labels.
pub struct Frames {
    pub frames: Vec<Frame>,
    pub hidden_x: [f64; 2],
    pub hidden_y: [f64; 2],
}

/// Evaluate every kept model: hidden outputs of the points, the output unit's line in hidden
/// space, and the input-space probability field.
pub fn evolution_frames(
    r: &ExperimentResult,
    o: &FigureOptions,
    x: [f64; 2],
    y: [f64; 2],
) -> Result<Frames, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    let shape_ok = t.model.layers.len() == 2
        && t.model.layers[0].w.ncols() == 2
        && t.model.input_dim() == 2
        && matches!(t.model.output_dim(), 1 | 2);
    if !shape_ok {
        return Err(
            "an evolution draws a 2-input network with one hidden layer of 2 units and a two-class output"
                .into(),
        );
    }
    let wanted = o
        .frames
        .clone()
        .unwrap_or_else(|| default_frames(t.train.epochs));
    let snaps = &t.history.snapshots;
    let last = snaps.last().map(|s| s.0);
    let kept: Vec<&(usize, Model)> = snaps
        .iter()
        .filter(|(e, _)| wanted.contains(e) || Some(*e) == last)
        .collect();
    if kept.is_empty() {
        return Err(
            "no models were kept while training; was the figure added to a `use:` block?".into(),
        );
    }
    let n = o.grid.unwrap_or(100);
    let mut frames = Vec::with_capacity(kept.len());
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for (epoch, model) in kept {
        let outs = model.layer_outputs(&r.data.x);
        let hidden: Vec<[f64; 2]> = outs[0]
            .rows()
            .into_iter()
            .map(|row| [f64::from(row[0]), f64::from(row[1])])
            .collect();
        for h in &hidden {
            for k in 0..2 {
                lo[k] = lo[k].min(h[k]);
                hi[k] = hi[k].max(h[k]);
            }
        }
        let out = &model.layers[1];
        let w = |i: usize, j: usize| f64::from(out.w[[i, j]]);
        let line = if out.w.ncols() == 1 {
            [w(0, 0), w(1, 0), f64::from(out.b[0])]
        } else {
            // Two softmax outputs: p1 = 0.5 where z1 − z0 = 0.
            [
                w(0, 1) - w(0, 0),
                w(1, 1) - w(1, 0),
                f64::from(out.b[1]) - f64::from(out.b[0]),
            ]
        };
        frames.push(Frame {
            epoch: *epoch,
            loss: epoch
                .checked_sub(1)
                .and_then(|i| t.history.loss.get(i))
                .map(|v| f64::from(*v)),
            hidden,
            line: Some(line),
            field: probability_field(model, x, y, n)?,
        });
    }
    let (hidden_x, hidden_y) = if t.model.layers[0].activation == Activation::Tanh {
        ([-1.0, 1.0], [-1.0, 1.0])
    } else {
        let pad = |k: usize| {
            let span = (hi[k] - lo[k]).max(1e-3);
            [lo[k] - span * 0.05, hi[k] + span * 0.05]
        };
        (pad(0), pad(1))
    };
    Ok(Frames {
        frames,
        hidden_x,
        hidden_y,
    })
}

/// The probability field of every kept model that the figure asks for (its `frames`, or the
/// default schedule), with the last kept epoch always included.
pub fn boundary_fields(
    r: &ExperimentResult,
    o: &FigureOptions,
    x: [f64; 2],
    y: [f64; 2],
) -> Result<Vec<(usize, Field)>, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    if t.model.input_dim() != 2 {
        return Err("a boundary history needs two inputs".into());
    }
    let wanted = o
        .frames
        .clone()
        .unwrap_or_else(|| default_frames(t.train.epochs));
    let snaps = &t.history.snapshots;
    let last = snaps.last().map(|s| s.0);
    let n = o.grid.unwrap_or(150);
    snaps
        .iter()
        .filter(|(e, _)| wanted.contains(e) || Some(*e) == last)
        .map(|(e, m)| Ok((*e, probability_field(m, x, y, n)?)))
        .collect::<Result<Vec<_>, String>>()
        .and_then(|v| {
            if v.is_empty() {
                Err(
                    "no models were kept while training; was the figure added to a `use:` block?"
                        .into(),
                )
            } else {
                Ok(v)
            }
        })
}
