//! Training the classic models (perceptron, logistic regression) and presenting them as a
//! one-layer engine model, so every figure and table works for them as for networks.

use ndarray::{Array1, Array2};

use super::{Prepared, Trained};
use crate::engine::{Activation, Dense, History, Model, logistic, perceptron};
use crate::spec::{Classic, TrainSpec};

/// Fit `classic` on the prepared data (two classes, labels 0 and 1).
pub fn train(classic: Classic, data: &Prepared, spec: &TrainSpec) -> Result<Trained, String> {
    if data.classes.len() != 2 {
        return Err(format!(
            "{} needs two classes, the data has {}",
            classic.name(),
            data.classes.len()
        ));
    }
    let (n, d) = data.x.dim();
    let x: Vec<f64> = data.x.iter().map(|v| f64::from(*v)).collect();
    let y: Vec<f64> = data.class_of.iter().map(|&k| k as f64).collect();
    let (w, b, activation, history) = match classic {
        Classic::Perceptron => {
            let p = perceptron::train(&x, d, &y, spec.optimizer.lr(), spec.epochs);
            // The accuracy of each pass, counted while it ran (like Keras's pre-update metrics).
            let acc: Vec<f32> = p
                .mistakes
                .iter()
                .map(|&m| (n - m) as f32 / n as f32)
                .collect();
            let history = History {
                loss: acc.iter().map(|a| 1.0 - a).collect(),
                accuracy: Some(acc),
                mse: None,
                epochs_run: spec.epochs,
                stopped_by_threshold: false,
                snapshots: Vec::new(),
                validation: Vec::new(),
            };
            (p.w, p.b, Activation::Step, history)
        }
        Classic::LogisticRegression => {
            let m = logistic::fit(&x, d, &y, spec.c)?;
            let correct = x
                .chunks_exact(d)
                .zip(&y)
                .filter(|(row, t)| {
                    let z = row.iter().zip(&m.w).fold(m.b, |acc, (a, b)| acc + a * b);
                    (z > 0.0) == (**t > 0.5)
                })
                .count();
            let loss = logistic::objective(&x, d, &y, spec.c, &m.w, m.b) / n as f64;
            let history = History {
                loss: vec![loss as f32],
                accuracy: Some(vec![correct as f32 / n as f32]),
                mse: None,
                epochs_run: m.iterations,
                stopped_by_threshold: false,
                snapshots: Vec::new(),
                validation: Vec::new(),
            };
            (m.w, m.b, Activation::Sigmoid, history)
        }
    };
    let layer = Dense {
        w: Array2::from_shape_fn((d, 1), |(i, _)| w[i] as f32),
        b: Array1::from_elem(1, b as f32),
        activation,
    };
    Ok(Trained {
        model: Model {
            layers: vec![layer],
        },
        history,
        train: spec.clone(),
        validation: None,
    })
}
