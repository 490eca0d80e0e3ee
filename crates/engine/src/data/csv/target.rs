//! Typing the target column: numbers for regression; for classification, text or numeric
//! labels, the classes they make, and each row's class.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::error::{CsvError, bad_number, error};
use super::header::Header;
use super::lex::Field;
use super::rows::Rows;
use super::{Classes, Dataset, MAX_CLASSES, Select, Table, Task};

/// A number that is finite, or what is wrong with the text.
pub(super) fn number(text: &str) -> Result<f64, &'static str> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("not a finite number"),
        Err(_) if text.trim().is_empty() => Err("missing"),
        Err(_) => Err("not a number"),
    }
}

/// "1" for whole numbers, else the shortest decimal (the names of numeric classes).
pub fn label_name(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The table of the rows read: the target typed (as `select` asks, or by its values), the
/// classes found or checked against the training data's.
pub(super) fn table(
    header: &Header<'_>,
    target: usize,
    features: &[usize],
    rows: Rows<'_>,
    select: &Select<'_>,
) -> Result<Table, CsvError> {
    let Rows { x, labels, n } = rows;
    let d = features.len();
    let target_name = &header.names[target];
    let target_field = &header.rec.fields[target];
    let numeric: Vec<Result<f64, &'static str>> = labels.iter().map(|(t, ..)| number(t)).collect();
    let task = select.task.unwrap_or_else(|| {
        if numeric
            .iter()
            .all(|v| v.as_ref().is_ok_and(|v| v.fract() == 0.0))
            || numeric.iter().any(|v| v == &Err("not a number"))
        {
            Task::Classification
        } else {
            Task::Regression
        }
    });
    if task == Task::Regression {
        let mut y = Vec::with_capacity(n);
        for ((t, line, col, len), v) in labels.iter().zip(numeric) {
            let f = Field {
                text: Cow::Borrowed(t),
                line: *line,
                col: *col,
                len: *len,
                quoted: false,
            };
            y.push(v.map_err(|why| bad_number(&f, target_name, why, true))?);
        }
        return Ok(Table {
            data: Dataset {
                x,
                n,
                d,
                y,
                classification: false,
            },
            classes: None,
            features: features.iter().map(|&k| header.names[k].clone()).collect(),
        });
    }

    // Classification: every label present; numbers when all of them are, else text.
    for (t, line, col, len) in &labels {
        if t.trim().is_empty() {
            return Err(error(
                *line,
                *col,
                *len,
                format!("the label in column `{target_name}` is missing"),
                "every row needs a class label; fill it in or drop the row",
            ));
        }
    }
    let all_numeric = match select.classes {
        Some(c) => c.numeric,
        None => numeric.iter().all(Result::is_ok),
    };
    let name_of = |k: usize| -> String {
        if all_numeric {
            numeric[k]
                .as_ref()
                .map_or(String::new(), |v| label_name(*v))
        } else {
            labels[k].0.trim().to_string()
        }
    };
    let classes = match select.classes {
        Some(c) => c.clone(),
        None if all_numeric => {
            let mut values: Vec<f64> = numeric.iter().filter_map(|v| v.ok()).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            Classes {
                names: values.iter().map(|v| label_name(*v)).collect(),
                numeric: true,
            }
        }
        None => {
            let names: std::collections::BTreeSet<String> = (0..n).map(name_of).collect();
            Classes {
                names: names.into_iter().collect(),
                numeric: false,
            }
        }
    };
    let at_target = |message: String, hint: &str| {
        error(
            target_field.line,
            target_field.col,
            target_field.len,
            message,
            hint,
        )
    };
    if classes.names.len() > MAX_CLASSES {
        return Err(at_target(
            format!(
                "the target column `{target_name}` has more than {MAX_CLASSES} distinct labels"
            ),
            "is it a value to predict? use `task: regression` or a loss such as `mse`",
        ));
    }
    if classes.names.len() < select.min_classes {
        return Err(at_target(
            format!(
                "the target column `{target_name}` holds one class only (`{}`)",
                classes.names.first().map_or("", String::as_str)
            ),
            "a classifier needs at least two classes: check that the file is complete, or predict a number with `task: regression`",
        ));
    }
    let index: BTreeMap<&str, usize> = classes
        .names
        .iter()
        .enumerate()
        .map(|(k, s)| (s.as_str(), k))
        .collect();
    let mut y = Vec::with_capacity(n);
    for (k, (t, line, col, len)) in labels.iter().enumerate() {
        let name = name_of(k);
        let Some(&class) = index.get(name.as_str()) else {
            let why = if all_numeric && numeric[k].is_err() {
                "the training data's labels are numbers".to_string()
            } else {
                format!(
                    "the training data's classes are {}",
                    classes.names.join(", ")
                )
            };
            return Err(error(
                *line,
                *col,
                *len,
                format!(
                    "the label `{}` is not one of the training data's classes",
                    t.trim()
                ),
                &format!("{why}; held-out data can only hold classes the model was trained on"),
            ));
        };
        y.push(match &numeric[k] {
            Ok(v) if all_numeric => *v,
            _ => class as f64,
        });
    }
    Ok(Table {
        data: Dataset {
            x,
            n,
            d,
            y,
            classification: true,
        },
        classes: Some(classes),
        features: features.iter().map(|&k| header.names[k].clone()).collect(),
    })
}
