//! Grid sampling: a model evaluated over the input plane, the class of each cell (decision
//! regions), p(class 1) at cell centres (probability mesh), the kept models' fields frame by
//! frame (evolution, boundary history), and every unit's output as a small image.

use ndarray::Array2;

use crate::engine::{Activation, Model};
use crate::figures::{self, Field, Frame};
use crate::run::{self, ExperimentResult};
use crate::spec::default_frames;

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
    let pts = centres(&field);
    field.p = run::predict(model, &pts)
        .column(column)
        .iter()
        .map(|v| f64::from(*v))
        .collect();
    Ok(field)
}

/// The centres of a field's cells, row by row from the bottom, as model inputs.
fn centres(field: &Field) -> Array2<f32> {
    let mut pts = Array2::<f32>::zeros((field.nx * field.ny, 2));
    for j in 0..field.ny {
        for i in 0..field.nx {
            let [cx, cy] = field.centre(i, j);
            pts[[j * field.nx + i, 0]] = cx as f32;
            pts[[j * field.nx + i, 1]] = cy as f32;
        }
    }
    pts
}

/// The models kept at the epochs a figure asks for (its `frames`, or the default schedule),
/// always with the last kept one (the last or stopping epoch).
fn kept_models<'a>(
    t: &'a crate::run::Trained,
    frames: Option<&[usize]>,
) -> Result<Vec<&'a (usize, Model)>, String> {
    let wanted = frames.map_or_else(|| default_frames(t.train.epochs), <[usize]>::to_vec);
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
    Ok(kept)
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
    frames: Option<&[usize]>,
    grid: Option<usize>,
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
    let kept = kept_models(t, frames)?;
    let n = grid.unwrap_or(100);
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
    frames: Option<&[usize]>,
    grid: Option<usize>,
    x: [f64; 2],
    y: [f64; 2],
) -> Result<Vec<(usize, Field)>, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    if t.model.input_dim() != 2 {
        return Err("a boundary history needs two inputs".into());
    }
    let n = grid.unwrap_or(150);
    kept_models(t, frames)?
        .into_iter()
        .map(|(e, m)| Ok((*e, probability_field(m, x, y, n)?)))
        .collect()
}

/// Every unit's output over the input plane as a small PNG, column by column (the inputs
/// first), with the colour key each column shares: zero is white, positive values blue and
/// negative ones red, scaled to the column's largest magnitude, so units of one layer compare
/// (TensorFlow Playground's picture of a network, with its scale); an output probability is
/// drawn as the probability mesh draws it.
pub fn unit_heatmaps(
    model: &Model,
    x: [f64; 2],
    y: [f64; 2],
) -> Result<Vec<(Vec<Vec<u8>>, figures::Key)>, String> {
    const N: usize = 28;
    if model.input_dim() != 2 {
        return Err("heatmaps need a network with 2 inputs".into());
    }
    let blank = Field {
        nx: N,
        ny: N,
        x,
        y,
        p: Vec::new(),
    };
    let pts = centres(&blank);
    let mut columns = vec![pts.clone()];
    columns.extend(model.layer_outputs(&pts));
    let last = columns.len() - 1;
    let probabilities = model
        .layers
        .last()
        .is_some_and(|l| matches!(l.activation, Activation::Sigmoid | Activation::Softmax));
    columns
        .iter()
        .enumerate()
        .map(|(c, out)| {
            // An output probability is shown as itself, on the probability mesh's scale.
            let key = if c == last && probabilities {
                figures::Key::Probability
            } else {
                // The inputs' scale is the plane's (not its cell centres', a little inside it).
                let m = if c == 0 {
                    [x[0], x[1], y[0], y[1]]
                        .iter()
                        .fold(0.0f64, |m, v| m.max(v.abs()))
                } else {
                    out.iter().fold(0.0f64, |m, v| m.max(f64::from(v.abs())))
                };
                // A column that is zero everywhere (dead units) is drawn white on a ±1 key.
                figures::Key::Signed(if m > 1e-12 { m } else { 1.0 })
            };
            let pngs = (0..out.ncols())
                .map(|u| {
                    let p = out
                        .column(u)
                        .iter()
                        .map(|v| match key {
                            figures::Key::Probability => f64::from(*v),
                            figures::Key::Signed(m) => 0.5 + 0.5 * f64::from(*v) / m,
                        })
                        .collect();
                    let field = Field { p, ..blank.clone() };
                    figures::field_png(&field).map_err(|e| e.to_string())
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((pngs, key))
        })
        .collect()
}

/// Classes on an n × n grid starting at the lower limits with step (hi − lo)/n (INVENTORY §0).
/// One sigmoid output is thresholded at p ≥ 0.5 (Equation 2), several outputs by arg-max.
pub(super) fn class_grid(
    model: &crate::engine::Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
) -> figures::ClassGrid {
    let (dx, dy) = ((x[1] - x[0]) / n as f64, (y[1] - y[0]) / n as f64);
    let mut pts = Array2::<f32>::zeros((n * n, 2));
    for j in 0..n {
        for i in 0..n {
            pts[[j * n + i, 0]] = (x[0] + i as f64 * dx) as f32;
            pts[[j * n + i, 1]] = (y[0] + j as f64 * dy) as f32;
        }
    }
    let out = run::predict(model, &pts);
    let class = out
        .rows()
        .into_iter()
        .map(|row| {
            if row.len() == 1 {
                u8::from(row[0] >= 0.5)
            } else {
                let mut best = 0;
                for (k, v) in row.iter().enumerate() {
                    if *v > row[best] {
                        best = k;
                    }
                }
                best as u8
            }
        })
        .collect();
    figures::ClassGrid {
        nx: n,
        ny: n,
        x0: x[0],
        x1: x[1],
        y0: y[0],
        y1: y[1],
        class,
    }
}
