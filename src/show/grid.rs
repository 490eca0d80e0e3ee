//! Grid sampling: a model evaluated over the input plane, the class of each cell (decision
//! regions), p(class 1) at cell centres (probability mesh), the kept models' fields frame by
//! frame (evolution, boundary history), and every unit's output as a small image.

use ndarray::Array2;

use crate::engine::{Activation, Model};
use crate::figures::{self, Field};
use crate::run::{self, ExperimentResult};
use nnbook_live::grid::{self as live, Frames};

/// p(class 1) at the centres of an n × n grid (shared with the browser's redraw).
pub fn probability_field(
    model: &Model,
    x: [f64; 2],
    y: [f64; 2],
    n: usize,
) -> Result<Field, String> {
    live::probability_field(model, x, y, n, &run::predict)
}

/// The centres of a field's cells, row by row from the bottom, as model inputs.
fn centres(field: &Field) -> Array2<f32> {
    live::centres(field)
}

/// Every kept model's frame of an evolution (shared with the browser's redraw).
pub fn evolution_frames(
    r: &ExperimentResult,
    frames: Option<&[usize]>,
    grid: Option<usize>,
    x: [f64; 2],
    y: [f64; 2],
) -> Result<Frames, String> {
    let t = r.trained.as_ref().ok_or("no trained model")?;
    live::evolution_frames(
        &t.model,
        &t.history,
        t.train.epochs,
        &r.data.x,
        frames,
        grid,
        [x, y],
        &run::predict,
    )
}

/// One column's heatmaps (a PNG per unit) and the colour key they share.
pub type ColumnMaps = (Vec<Vec<u8>>, figures::Key);

/// Every unit's output over the input plane as a small PNG, column by column (the inputs
/// first), with the colour key each column shares: zero is white, positive values blue and
/// negative ones red, scaled to the column's largest magnitude, so units of one layer compare
/// (TensorFlow Playground's picture of a network, with its scale); an output probability is
/// drawn as the probability mesh draws it.
pub fn unit_heatmaps(model: &Model, x: [f64; 2], y: [f64; 2]) -> Result<Vec<ColumnMaps>, String> {
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
