//! A model over the input plane, and the models kept while training: the sampling the build's
//! show stage (src/show/grid.rs) and the browser's redraw share.

use ndarray::Array2;
use nnbook_engine::{Activation, History, Model};
use nnbook_figures::{Field, Frame};

/// The model's outputs for rows of inputs.
pub type Predict<'a> = &'a dyn Fn(&Model, &Array2<f32>) -> Array2<f32>;

/// The most frames an evolution or boundary history keeps (the spec's limit too).
pub const MAX_FRAMES: usize = 60;

/// The epochs an evolution figure shows by default: dense at first, where training moves
/// fastest, then sparser, always ending with the last epoch (the stopping epoch is added by
/// the engine when the stop rule fires).
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

/// The epochs to keep a model at for figures that ask for these frames (None: the default
/// schedule), sorted and unique, with the last epoch; empty without such figures.
pub fn snapshot_epochs<'a>(
    figures: impl IntoIterator<Item = Option<&'a [usize]>>,
    epochs: usize,
) -> Vec<usize> {
    let mut frames: Vec<usize> = figures
        .into_iter()
        .flat_map(|f| f.map_or_else(|| default_frames(epochs), <[usize]>::to_vec))
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

/// The models kept at the epochs a figure asks for (its `frames`, or the default schedule for
/// `epochs`), always with the last kept one (the last or stopping epoch).
pub fn kept_models<'a>(
    snapshots: &'a [(usize, Model)],
    epochs: usize,
    frames: Option<&[usize]>,
) -> Result<Vec<&'a (usize, Model)>, String> {
    let wanted = frames.map_or_else(|| default_frames(epochs), <[usize]>::to_vec);
    let last = snapshots.last().map(|s| s.0);
    let kept: Vec<&(usize, Model)> = snapshots
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

/// The centres of a field's cells as rows of inputs.
pub fn centres(field: &Field) -> Array2<f32> {
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

/// p(class 1) at the centres of an n × n grid: the one sigmoid output, or the second of two
/// softmax outputs.
pub fn probability_field(
    model: &Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
    predict: Predict,
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
    field.p = predict(model, &pts)
        .column(column)
        .iter()
        .map(|v| f64::from(*v))
        .collect();
    Ok(field)
}

/// The probability field of every kept model that the figure asks for, with the last kept
/// epoch always included.
#[allow(clippy::too_many_arguments)]
pub fn boundary_fields(
    snapshots: &[(usize, Model)],
    epochs: usize,
    frames: Option<&[usize]>,
    n: usize,
    x: [f64; 2],
    y: [f64; 2],
    predict: Predict,
) -> Result<Vec<(usize, Field)>, String> {
    kept_models(snapshots, epochs, frames)?
        .into_iter()
        .map(|(e, m)| Ok((*e, probability_field(m, x, y, n, predict)?)))
        .collect()
}

/// The frames of an evolution, the hidden panel's limits, and the hidden labels.
pub struct Frames {
    pub frames: Vec<Frame>,
    pub hidden_x: [f64; 2],
    pub hidden_y: [f64; 2],
}

/// Evaluate every kept model: hidden outputs of the points, the output unit's line in hidden
/// space, and the input-space probability field.
#[allow(clippy::too_many_arguments)]
pub fn evolution_frames(
    model: &Model,
    history: &History,
    epochs: usize,
    data: &Array2<f32>,
    frames: Option<&[usize]>,
    grid: Option<usize>,
    [x, y]: [[f64; 2]; 2],
    predict: Predict,
) -> Result<Frames, String> {
    let shape_ok = model.layers.len() == 2
        && model.layers[0].w.ncols() == 2
        && model.input_dim() == 2
        && matches!(model.output_dim(), 1 | 2);
    if !shape_ok {
        return Err(
            "an evolution draws a 2-input network with one hidden layer of 2 units and a two-class output"
                .into(),
        );
    }
    let kept = kept_models(&history.snapshots, epochs, frames)?;
    let n = grid.unwrap_or(100);
    let mut frames = Vec::with_capacity(kept.len());
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for (epoch, kept) in kept {
        let outs = kept.layer_outputs(data);
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
        let out = &kept.layers[1];
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
                .and_then(|i| history.loss.get(i))
                .map(|v| f64::from(*v)),
            hidden,
            line: Some(line),
            field: probability_field(kept, x, y, n, predict)?,
        });
    }
    let (hidden_x, hidden_y) = if model.layers[0].activation == Activation::Tanh {
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
