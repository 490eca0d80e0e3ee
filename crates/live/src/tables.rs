//! Tables of a trained experiment built from the model alone: the build (src/show/tables.rs)
//! and the module in the reader's browser call the same functions, so at the authored
//! settings the page's rows are the build's.

use nnbook_engine::{Dense, Model};
use serde::{Deserialize, Serialize};

/// A table as data: header and rows of cells (already formatted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Keras's model.summary(): one row per layer with its output shape and parameter count, for
/// a model taking `inputs` features.
pub fn summary(model: &Model, inputs: usize) -> Table {
    let mut fan_in = inputs;
    let mut rows = Vec::new();
    let mut total = 0;
    for (i, layer) in model.layers.iter().enumerate() {
        let units = layer.w.ncols();
        let params = fan_in * units + units;
        total += params;
        let name = if i == 0 {
            "dense".to_string()
        } else {
            format!("dense_{i}")
        };
        rows.push(vec![
            format!("{name} (Dense, {})", activation_name(layer)),
            format!("(None, {units})"),
            thousands(params),
        ]);
        fan_in = units;
    }
    rows.push(vec!["Total".into(), String::new(), thousands(total)]);
    Table {
        header: vec![
            "Layer (type)".into(),
            "Output shape".into(),
            "Param #".into(),
        ],
        rows,
    }
}

/// A layer's activation as Keras names it (`relu`, `sigmoid`, …).
pub fn activation_name(layer: &Dense) -> String {
    format!("{:?}", layer.activation).to_lowercase()
}

/// 795010 → "795,010".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnbook_engine::{Activation, LayerSpec};

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(795_010), "795,010");
        assert_eq!(thousands(13), "13");
        assert_eq!(thousands(1_201), "1,201");
    }

    #[test]
    fn a_summary_counts_weights_and_biases_per_layer() {
        let layers = [
            LayerSpec {
                units: 3,
                activation: Activation::Relu,
            },
            LayerSpec {
                units: 1,
                activation: Activation::Sigmoid,
            },
        ];
        let t = summary(&Model::new(2, &layers, 0).unwrap(), 2);
        assert_eq!(t.rows[0], ["dense (Dense, relu)", "(None, 3)", "9"]);
        assert_eq!(t.rows[1], ["dense_1 (Dense, sigmoid)", "(None, 1)", "4"]);
        assert_eq!(t.rows[2], ["Total", "", "13"]);
    }
}
