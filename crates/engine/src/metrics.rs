//! Metrics Keras reports: binary accuracy (p > 0.5), categorical accuracy (arg-max, first
//! maximum wins) and mean squared error. Each returns a count or sum so batches can be pooled.

use ndarray::Array2;

/// Correct predictions in a batch: one output is thresholded at p > 0.5 (Keras's test), several
/// outputs by arg-max against the one-hot target.
pub fn correct(pred: &Array2<f32>, y: &Array2<f32>) -> usize {
    if pred.ncols() == 1 {
        pred.iter()
            .zip(y.iter())
            .filter(|(p, y)| (**p > 0.5) == (**y > 0.5))
            .count()
    } else {
        pred.rows()
            .into_iter()
            .zip(y.rows())
            .filter(|(p, y)| argmax(p.iter()) == argmax(y.iter()))
            .count()
    }
}

/// Index of the first largest value.
pub fn argmax<'a>(values: impl Iterator<Item = &'a f32>) -> usize {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// Sum over the batch of each sample's mean squared error across outputs.
pub fn squared_error_sum(pred: &Array2<f32>, y: &Array2<f32>) -> f32 {
    let cols = pred.ncols().max(1) as f32;
    pred.rows()
        .into_iter()
        .zip(y.rows())
        .map(|(p, y)| {
            p.iter()
                .zip(y.iter())
                .fold(0.0f32, |acc, (p, y)| acc + (p - y) * (p - y))
                / cols
        })
        .fold(0.0, |acc, v| acc + v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn accuracy_rules() {
        assert_eq!(
            correct(
                &array![[0.5], [0.51], [0.2f32]],
                &array![[1.0], [1.0], [0.0f32]]
            ),
            2
        );
        assert_eq!(
            correct(
                &array![[0.2, 0.7, 0.1], [0.4, 0.4, 0.2f32]],
                &array![[0.0, 1.0, 0.0], [0.0, 1.0, 0.0f32]]
            ),
            1
        );
        assert_eq!(
            squared_error_sum(&array![[1.0], [3.0f32]], &array![[0.0], [1.0f32]]),
            5.0
        );
    }
}
