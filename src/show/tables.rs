//! The tables a block can show, as data (header and formatted cells): the model summary, the
//! data, final metrics, worked forward and backward passes, weights, the confusion matrix, and
//! a comparison of runs.

use std::collections::BTreeMap;

use crate::run::{self, ExperimentResult, Outcome};
use crate::spec::{BackpropOptions, ForwardOptions, RunsOptions, WeightsOptions};

use super::captions::activation_label;
use super::sweep::{hidden_layers, listed, trained_run};
use super::worked::{self, fixed, short, sum_text};

// The table type, the summary and the number formats the browser's module shares.
pub(super) use nnbook_live::tables::{Table, thousands};

/// Keras's model.summary(): one row per layer with its output shape and parameter count.
pub(super) fn summary(r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    Some(nnbook_live::tables::summary(&t.model, r.data.x.ncols()))
}

/// Rows of the dataset: its features and label. Refused above 100 rows (a table that long helps
/// nobody; show a figure instead).
pub(super) fn data_table(r: &ExperimentResult) -> Option<Table> {
    let (n, d) = r.data.x.dim();
    if n > 100 {
        return None;
    }
    // A CSV file's own column names and class labels; x1, x2, …, y for generated data.
    let named = r.data.feature_names.len() == d;
    let mut header: Vec<String> = if named {
        r.data.feature_names.clone()
    } else {
        (1..=d).map(|j| format!("x{j}")).collect()
    };
    header.push(if named {
        r.data.target_name.clone()
    } else {
        "y".into()
    });
    let fmt = |v: f64| {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let rows = (0..n)
        .map(|i| {
            let mut row: Vec<String> = (0..d).map(|j| fmt(f64::from(r.data.x[[i, j]]))).collect();
            row.push(match r.data.classes.get(r.data.class_of[i]) {
                Some(label) if named => label.clone(),
                _ => fmt(r.data.y[i]),
            });
            row
        })
        .collect();
    Some(Table { header, rows })
}

pub(super) fn metrics(r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    let mut header = vec!["Epochs run".to_string()];
    let mut row = vec![t.history.epochs_run.to_string()];
    for (name, v) in t.final_metrics() {
        header.push(match name.as_str() {
            "loss" => "Final loss".into(),
            "accuracy" => "Training accuracy".into(),
            "mse" => "Final MSE".into(),
            "val_loss" => "Validation loss".into(),
            "val_accuracy" => "Validation accuracy".into(),
            "val_mse" => "Validation MSE".into(),
            other => other.to_string(),
        });
        row.push(format!("{v:.4}"));
    }
    header.push("Stopped by threshold".into());
    row.push(
        if t.history.stopped_by_threshold {
            "yes"
        } else {
            "no"
        }
        .into(),
    );
    Some(Table {
        header,
        rows: vec![row],
    })
}

/// A worked forward pass: each unit's weighted sum written out, z, and its activation.
pub(super) fn forward_table(
    o: &ForwardOptions,
    r: &ExperimentResult,
) -> Result<Option<Table>, String> {
    let t = r.trained.as_ref().ok_or("a forward pass needs a model")?;
    let input = o.input.as_deref().unwrap_or(&[]);
    let pass = worked::forward(&t.model, input)?;
    let digits = o.digits.unwrap_or(3);
    let n = pass.len();
    if let Some(l) = o.layer
        && l > n
    {
        return Err(format!("the model has {n} layers, not {l}"));
    }
    let mut rows = Vec::new();
    for (l, layer) in pass.iter().enumerate() {
        if o.layer.is_some_and(|k| k != l + 1) {
            continue;
        }
        let (name, unit) = if l + 1 == n {
            ("Output".to_string(), "y")
        } else if n == 2 {
            ("Hidden".to_string(), "h")
        } else {
            (format!("Hidden {}", l + 1), "h")
        };
        for j in 0..layer.z.len() {
            let label = if layer.z.len() == 1 {
                unit.to_string()
            } else {
                format!("{unit}{}", j + 1)
            };
            rows.push(vec![
                format!("{name}, {label}"),
                sum_text(layer, j, digits, l == 0),
                fixed(layer.z[j], digits),
                activation_label(layer.activation),
                fixed(layer.a[j], digits),
            ]);
        }
    }
    Ok(Some(Table {
        header: ["Unit", "Weighted sum", "z", "Activation", "Output"]
            .map(String::from)
            .to_vec(),
        rows,
    }))
}

/// A worked backward pass: the output, its squared error against the target, and every unit's
/// delta.
pub(super) fn backprop_table(
    o: &BackpropOptions,
    r: &ExperimentResult,
) -> Result<Option<Table>, String> {
    let t = r.trained.as_ref().ok_or("a backward pass needs a model")?;
    let pass = worked::forward(&t.model, o.input.as_deref().unwrap_or(&[]))?;
    let target = o.target.unwrap_or(0.0);
    let d = worked::deltas(&pass, target)?;
    let digits = o.digits.unwrap_or(4);
    let n = pass.len();
    let y = pass[n - 1].a[0];
    let mut rows = vec![
        vec![
            "Output y".to_string(),
            match pass[n - 1].activation {
                crate::engine::Activation::Sigmoid => "σ(z)".to_string(),
                a => format!("{}(z)", activation_label(a)),
            },
            fixed(y, digits),
        ],
        vec![
            "Squared error".to_string(),
            format!("(t − y)², t = {}", short(target, 6)),
            fixed((target - y) * (target - y), digits),
        ],
    ];
    let factor = |act: crate::engine::Activation, a: &str| match act {
        crate::engine::Activation::Sigmoid => format!("{a}(1 − {a})"),
        crate::engine::Activation::Tanh => format!("(1 − {a}²)"),
        crate::engine::Activation::Relu => format!("[z_{a} > 0]"),
        _ => String::new(),
    };
    rows.push(vec![
        "δ output".to_string(),
        format!("{}(t − y)", factor(pass[n - 1].activation, "y")),
        fixed(d[n - 1][0], digits),
    ]);
    for l in (0..n - 1).rev() {
        for (i, delta) in d[l].iter().enumerate() {
            let unit = if n == 2 {
                format!("h{}", i + 1)
            } else {
                format!("h{}_{}", l + 1, i + 1)
            };
            let w = &pass[l + 1].w[i];
            let back = if w.len() == 1 {
                format!("{} · δ", short(w[0], 6))
            } else {
                "Σⱼ wᵢⱼ δⱼ".to_string()
            };
            rows.push(vec![
                format!("δ {unit}"),
                format!("{}·{back}", factor(pass[l].activation, &unit)),
                fixed(*delta, digits),
            ]);
        }
    }
    Ok(Some(Table {
        header: ["Quantity", "Formula", "Value"].map(String::from).to_vec(),
        rows,
    }))
}

/// Each layer's weights (one row per input) and biases.
pub(super) fn weights_table(o: &WeightsOptions, r: &ExperimentResult) -> Option<Table> {
    let t = r.trained.as_ref()?;
    let digits = o.digits.unwrap_or(3);
    let n = t.model.layers.len();
    let mut rows = Vec::new();
    for (l, layer) in t.model.layers.iter().enumerate() {
        let name = if l + 1 == n {
            "Output".to_string()
        } else if n == 2 {
            "Hidden".to_string()
        } else {
            format!("Hidden {}", l + 1)
        };
        let from = |i: usize| {
            if l == 0 {
                format!("x{}", i + 1)
            } else {
                format!("h{}", i + 1)
            }
        };
        for (i, row) in layer.w.rows().into_iter().enumerate() {
            let values: Vec<String> = row.iter().map(|v| fixed(f64::from(*v), digits)).collect();
            rows.push(vec![name.clone(), from(i), values.join("  ")]);
        }
        let bias: Vec<String> = layer
            .b
            .iter()
            .map(|v| fixed(f64::from(*v), digits))
            .collect();
        rows.push(vec![name, "bias".into(), bias.join("  ")]);
    }
    Some(Table {
        header: ["Layer", "From", "Weights to each unit"]
            .map(String::from)
            .to_vec(),
        rows,
    })
}

/// Counts of (true class, predicted class) on the training data.
pub(super) fn confusion_table(r: &ExperimentResult) -> Result<Option<Table>, String> {
    let Some(t) = r.trained.as_ref() else {
        return Ok(None);
    };
    if r.data.classes.is_empty() {
        return Err("a confusion matrix needs a classifier".into());
    }
    let k = r.data.classes.len();
    let grid = run::predict(&t.model, &r.data.x);
    let mut counts = vec![vec![0usize; k]; k];
    for (row, &truth) in grid.rows().into_iter().zip(&r.data.class_of) {
        let predicted = if row.len() == 1 {
            usize::from(row[0] >= 0.5)
        } else {
            let mut best = 0;
            for (c, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = c;
                }
            }
            best
        };
        if truth < k && predicted < k {
            counts[truth][predicted] += 1;
        }
    }
    let mut header = vec!["True ↓ predicted →".to_string()];
    header.extend(r.data.classes.iter().cloned());
    let rows = counts
        .iter()
        .enumerate()
        .map(|(c, row)| {
            let mut cells = vec![r.data.classes[c].clone()];
            cells.extend(row.iter().map(|v| thousands(*v)));
            cells
        })
        .collect();
    Ok(Some(Table { header, rows }))
}

/// One row per listed experiment.
pub(super) fn runs(o: &RunsOptions, outcomes: &BTreeMap<String, Outcome>) -> Result<Table, String> {
    let ids = o.runs.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for id in &ids {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            rows.push(vec![
                id.clone(),
                "not run".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        };
        let t = trained_run(id, r)?;
        let hidden = hidden_layers(&t.model);
        let m = t.final_metrics();
        let metric = m
            .get("accuracy")
            .or_else(|| m.get("mse"))
            .map_or(String::new(), |v| small(*v));
        rows.push(vec![
            id.clone(),
            if hidden.is_empty() {
                "none".into()
            } else {
                hidden.join(", ")
            },
            format!("{} {}", t.train.optimizer.name(), t.train.optimizer.lr()),
            t.history.epochs_run.to_string(),
            m.get("loss").map_or(String::new(), |v| small(*v)),
            metric,
            if t.history.stopped_by_threshold {
                "yes"
            } else {
                "no"
            }
            .into(),
        ]);
    }
    Ok(Table {
        header: [
            "Experiment",
            "Hidden layers",
            "Optimizer, lr",
            "Epochs run",
            "Final loss",
            "Accuracy or MSE",
            "Stopped by threshold",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}

/// Four decimals, or four significant digits for values too small to show that way.
pub(super) fn small(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.001 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// Leaves out the columns (but the first, which names the row) that hold the same value in
/// every one of two or more rows, and says what they held ("Same in every run: Optimizer, lr:
/// adam 0.01."), so a runs table shows only what the runs differ in and still fits the page.
pub(super) fn drop_same_columns(t: &mut Table) -> String {
    if t.rows.len() < 2 {
        return String::new();
    }
    let same: Vec<usize> = (1..t.header.len())
        .filter(|&c| {
            let first = t.rows[0].get(c);
            first.is_some_and(|v| !v.is_empty()) && t.rows.iter().all(|r| r.get(c) == first)
        })
        .collect();
    if same.is_empty() {
        return String::new();
    }
    let said: Vec<String> = same
        .iter()
        .map(|&c| format!("{}: {}", t.header[c], t.rows[0][c]))
        .collect();
    for &c in same.iter().rev() {
        t.header.remove(c);
        for r in &mut t.rows {
            if c < r.len() {
                r.remove(c);
            }
        }
    }
    format!("Same in every run: {}.", said.join("; "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_columns_leave_the_table_and_enter_the_caption() {
        let row = |v: [&str; 4]| v.map(String::from).to_vec();
        let mut t = super::Table {
            header: row(["Experiment", "Optimizer, lr", "Epochs run", "Stopped"]),
            rows: vec![
                row(["a", "adam 0.1", "5", "no"]),
                row(["b", "adam 0.1", "9", "no"]),
            ],
        };
        let note = super::drop_same_columns(&mut t);
        assert_eq!(
            note,
            "Same in every run: Optimizer, lr: adam 0.1; Stopped: no."
        );
        assert_eq!(
            t.header,
            vec!["Experiment".to_string(), "Epochs run".to_string()]
        );
        assert_eq!(t.rows[1], vec!["b".to_string(), "9".to_string()]);
        // One row: nothing to compare, the table stays whole.
        let mut one = super::Table {
            header: row(["Experiment", "Optimizer, lr", "Epochs run", "Stopped"]),
            rows: vec![row(["a", "adam 0.1", "5", "no"])],
        };
        assert_eq!(super::drop_same_columns(&mut one), "");
        assert_eq!(one.header.len(), 4);
    }
}
