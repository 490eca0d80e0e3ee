//! Network diagrams: layer sizes, captions and, from a trained model, activations, edge
//! weights, unit heatmaps and worked values in the nodes.

use crate::figures;
use crate::spec::{DiagramOptions, Show};

use super::captions::{activation_label, diagram_meta};
use super::worked::{self, short};

/// A network diagram of `units` per layer, with the trained model's activations and weights
/// when there is one.
pub(super) fn diagram(
    show: &Show,
    o: &DiagramOptions,
    units: Vec<usize>,
    model: Option<&crate::engine::Model>,
) -> Result<String, String> {
    let n = units.len();
    let columns: Vec<figures::Column> = units
        .iter()
        .enumerate()
        .map(|(c, &u)| figures::Column {
            units: u,
            caption: o
                .captions
                .as_ref()
                .and_then(|v| v.get(c).cloned())
                .unwrap_or_else(|| match c {
                    0 => "Input".into(),
                    c if c + 1 == n => "Output".into(),
                    _ if n == 3 => "Hidden".into(),
                    c => format!("Hidden {c}"),
                }),
            activation: if c == 0 {
                None
            } else {
                model
                    .and_then(|m| m.layers.get(c - 1))
                    .map(|l| activation_label(l.activation))
            },
            node_labels: o
                .node_labels
                .as_ref()
                .and_then(|v| v.get(c).cloned())
                .unwrap_or_default(),
            heatmaps: Vec::new(),
            key: None,
        })
        .collect();
    let edges: Option<figures::EdgeLabels> = match (o.weights, model) {
        (Some(true), Some(m)) => Some(
            m.layers
                .iter()
                .map(|l| {
                    l.w.rows()
                        .into_iter()
                        .map(|row| row.iter().map(|w| short(f64::from(*w), 2)).collect())
                        .collect()
                })
                .collect(),
        ),
        (Some(true), None) => return Err("edge weights need a trained model".into()),
        _ => None,
    };
    let mut columns = columns;
    if o.heatmaps == Some(true) {
        let m = model.ok_or("heatmaps need a trained model")?;
        let maps =
            super::grid::unit_heatmaps(m, o.x.unwrap_or([-3.0, 3.0]), o.y.unwrap_or([-3.0, 3.0]))?;
        for (col, (pngs, key)) in columns.iter_mut().zip(maps) {
            col.heatmaps = pngs;
            col.key = Some(key);
            col.node_labels.clear();
        }
    }
    if let (Some(cols), Some(input)) = (&o.values, &o.input) {
        // Worked values written inside the nodes of the listed columns.
        let m = model.ok_or("node values need a model")?;
        let pass = worked::forward(m, input)?;
        // A diagram takes no `digits:`; its nodes are small.
        let digits = 3;
        for &c in cols {
            let values: &[f64] = match c {
                0 => input,
                c => {
                    &pass
                        .get(c - 1)
                        .ok_or(format!("the network has no column {c}"))?
                        .a
                }
            };
            if let Some(col) = columns.get_mut(c) {
                col.node_labels = values.iter().map(|v| short(*v, digits)).collect();
            }
        }
    }
    let mut meta = diagram_meta(show, &units);
    let keys: Vec<String> = columns
        .iter()
        .filter_map(|c| {
            c.key.map(|k| {
                let [lo, _, hi] = k.ticks();
                format!("{} from {lo} to {hi}", c.caption)
            })
        })
        .collect();
    if !keys.is_empty() {
        meta.desc.push_str(&format!(
            " Each node is drawn as its output over the input plane; the nodes of a column share one colour scale, shown by the key under it: {}.",
            keys.join("; ")
        ));
    }
    figures::network(&columns, edges.as_ref(), &meta).map_err(|e| e.to_string())
}
