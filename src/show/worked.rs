//! Worked passes: a model's forward pass for one input, and the backward pass's deltas for a
//! target, in f64 from the model's weights, written out the way a textbook does
//! ("1 × 0.8 + 1 × 0.2 = 1"). The tables and diagram labels of worked examples come from here.

use crate::engine::{Activation, Model};

/// One layer of a forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerPass {
    /// The layer's inputs (the previous layer's outputs).
    pub inputs: Vec<f64>,
    /// `w[i][j]` from input i to unit j.
    pub w: Vec<Vec<f64>>,
    pub b: Vec<f64>,
    pub z: Vec<f64>,
    pub a: Vec<f64>,
    pub activation: Activation,
}

/// A weight as the shortest decimal that reads back as the same f32 (0.8, not 0.800000011…),
/// so worked sums come out as the author wrote them.
fn exact(v: f32) -> f64 {
    v.to_string().parse().unwrap_or(f64::from(v))
}

fn apply(act: Activation, z: &[f64]) -> Vec<f64> {
    match act {
        Activation::Softmax => {
            let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = z.iter().map(|v| libm::exp(v - m)).collect();
            let s: f64 = e.iter().sum();
            e.iter().map(|v| v / s).collect()
        }
        other => z.iter().map(|v| other.value_f64(*v)).collect(),
    }
}

/// The forward pass of `model` for `input`.
pub fn forward(model: &Model, input: &[f64]) -> Result<Vec<LayerPass>, String> {
    if input.len() != model.input_dim() {
        return Err(format!(
            "the input has {} values but the model takes {}",
            input.len(),
            model.input_dim()
        ));
    }
    let mut x = input.to_vec();
    let mut out = Vec::with_capacity(model.layers.len());
    for layer in &model.layers {
        let w: Vec<Vec<f64>> = layer
            .w
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|v| exact(*v)).collect())
            .collect();
        let b: Vec<f64> = layer.b.iter().map(|v| exact(*v)).collect();
        let z: Vec<f64> = (0..b.len())
            .map(|j| b[j] + x.iter().zip(&w).map(|(xi, row)| xi * row[j]).sum::<f64>())
            .collect();
        let a = apply(layer.activation, &z);
        out.push(LayerPass {
            inputs: x,
            w,
            b,
            z,
            a: a.clone(),
            activation: layer.activation,
        });
        x = a;
    }
    Ok(out)
}

/// g'(z) written in terms of the unit's output a, as backpropagation texts do.
fn slope(act: Activation, z: f64, a: f64) -> Result<f64, String> {
    match act {
        Activation::Step | Activation::Softmax => {
            Err("a worked backward pass needs linear, ReLU, tanh or sigmoid units".into())
        }
        other => Ok(other.slope_f64(z, a)),
    }
}

/// The deltas of every layer for squared error against `target`, output layer last:
/// δ = g'(z)·(t − y) at the output, δ_i = g'(z_i)·Σ_j w_ij δ_j below it.
pub fn deltas(pass: &[LayerPass], target: f64) -> Result<Vec<Vec<f64>>, String> {
    let Some(last) = pass.last() else {
        return Err("the model has no layers".into());
    };
    if last.a.len() != 1 {
        return Err("a worked backward pass needs a model with one output".into());
    }
    let mut out = vec![vec![
        slope(last.activation, last.z[0], last.a[0])? * (target - last.a[0]),
    ]];
    for l in (0..pass.len() - 1).rev() {
        let above = &pass[l + 1];
        let next = &out[0];
        let layer = &pass[l];
        let d = (0..layer.a.len())
            .map(|i| {
                let back: f64 = above.w[i].iter().zip(next).map(|(w, d)| w * d).sum();
                Ok(slope(layer.activation, layer.z[i], layer.a[i])? * back)
            })
            .collect::<Result<Vec<f64>, String>>()?;
        out.insert(0, d);
    }
    Ok(out)
}

/// A value with `digits` decimals.
pub fn fixed(v: f64, digits: usize) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v:.digits$}").replace('-', "−")
}

/// A value with at most `digits` decimals, trailing zeros dropped (1.3, not 1.300).
pub fn short(v: f64, digits: usize) -> String {
    let s = format!("{:.digits$}", if v == 0.0 { 0.0 } else { v });
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s.replace('-', "−")
    }
}

/// "1 × 0.8 + 1 × 0.2" (+ the bias when it is not zero) for unit j. The author's input is
/// written as given; a hidden layer's inputs are computed, so they get `digits` decimals.
pub fn sum_text(layer: &LayerPass, j: usize, digits: usize, first: bool) -> String {
    let mut terms: Vec<String> = layer
        .inputs
        .iter()
        .zip(&layer.w)
        .map(|(x, row)| {
            let x = if first {
                short(*x, 6)
            } else {
                fixed(*x, digits)
            };
            format!("{x} × {}", short(row[j], 6))
        })
        .collect();
    if layer.b[j] != 0.0 {
        terms.push(short(layer.b[j], 6));
    }
    terms.join(" + ").replace("+ −", "− ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{LayerSpec, Model};

    /// The introductory article's network: inputs (1, 1), three hidden units, one output.
    fn ann(hidden: Activation, out: Activation) -> Model {
        let mut m = Model::new(
            2,
            &[
                LayerSpec {
                    units: 3,
                    activation: hidden,
                },
                LayerSpec {
                    units: 1,
                    activation: out,
                },
            ],
            0,
        )
        .unwrap();
        let w1 = [[0.8, 0.4, 0.3], [0.2, 0.9, 0.5]];
        for (i, row) in w1.iter().enumerate() {
            for (j, w) in row.iter().enumerate() {
                m.layers[0].w[[i, j]] = *w;
            }
        }
        for (j, w) in [0.3, 0.5, 0.9].iter().enumerate() {
            m.layers[1].w[[j, 0]] = *w;
        }
        for l in &mut m.layers {
            l.b.fill(0.0);
        }
        m
    }

    #[test]
    fn the_articles_forward_pass() {
        let lin = forward(&ann(Activation::Linear, Activation::Linear), &[1.0, 1.0]).unwrap();
        let z: Vec<String> = lin[0].z.iter().map(|v| short(*v, 3)).collect();
        assert_eq!(z, ["1", "1.3", "0.8"]);
        assert_eq!(short(lin[1].z[0], 3), "1.67");
        assert_eq!(sum_text(&lin[0], 1, 3, true), "1 × 0.4 + 1 × 0.9");
        assert_eq!(
            sum_text(&lin[1], 0, 2, false),
            "1.00 × 0.3 + 1.30 × 0.5 + 0.80 × 0.9"
        );

        let sig = forward(&ann(Activation::Sigmoid, Activation::Linear), &[1.0, 1.0]).unwrap();
        let a: Vec<String> = sig[0].a.iter().map(|v| fixed(*v, 3)).collect();
        assert_eq!(a, ["0.731", "0.786", "0.690"], "rounded, not truncated");
        assert_eq!(fixed(sig[1].z[0], 4), "1.2332");
        assert!(forward(&ann(Activation::Linear, Activation::Linear), &[1.0]).is_err());
    }

    #[test]
    fn the_backward_pass_continues_it() {
        let pass = forward(&ann(Activation::Sigmoid, Activation::Sigmoid), &[1.0, 1.0]).unwrap();
        let y = pass[1].a[0];
        assert_eq!(fixed(y, 4), "0.7744");
        let d = deltas(&pass, 0.0).unwrap();
        assert_eq!(fixed(d[1][0], 4), "−0.1353");
        let hidden: Vec<String> = d[0].iter().map(|v| fixed(*v, 4)).collect();
        assert_eq!(hidden, ["−0.0080", "−0.0114", "−0.0260"]);
        let two = forward(&ann(Activation::Sigmoid, Activation::Softmax), &[1.0, 1.0]).unwrap();
        assert!(
            deltas(&two, 0.0).is_err(),
            "softmax has no worked slope here"
        );
    }
}
