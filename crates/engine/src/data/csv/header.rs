//! The header row: one name per column, each once, and which columns a block reads.

use std::collections::BTreeMap;

use super::Select;
use super::error::{CsvError, Hint, error};
use super::lex::{Lexer, Record};

/// The header row as read.
pub(super) struct Header<'a> {
    pub(super) rec: Record<'a>,
    /// Column names, trimmed, in file order.
    pub(super) names: Vec<String>,
    /// Each name's column.
    seen: BTreeMap<String, usize>,
    /// Characters the header spans (to underline it).
    pub(super) len: usize,
}

/// Read the header row: the file's first line, naming every column once.
pub(super) fn read<'a>(lexer: &mut Lexer<'a>) -> Result<Header<'a>, CsvError> {
    let empty = || {
        error(
            1,
            1,
            1,
            "the file is empty".into(),
            "a CSV data file starts with a header row naming its columns, e.g. `x1,x2,label`",
        )
    };
    let header_rec = lexer.record()?.ok_or_else(empty)?;
    if header_rec.is_blank() {
        // Only blank lines: empty; a blank line before the header: the header must come first.
        while let Some(r) = lexer.record()? {
            if !r.is_blank() {
                return Err(error(
                    header_rec.line,
                    1,
                    1,
                    "a blank line before the header".into(),
                    "the first line of a CSV data file is its header row; remove the blank line",
                ));
            }
        }
        return Err(empty());
    }
    let mut header: Vec<String> = Vec::with_capacity(header_rec.fields.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (k, f) in header_rec.fields.iter().enumerate() {
        let name = f.text.trim().to_string();
        if name.is_empty() {
            return Err(error(
                f.line,
                f.col,
                1,
                format!("column {} of the header has no name", k + 1),
                "the first line names every column, e.g. `x1,x2,label`",
            ));
        }
        if let Some(first) = seen.insert(name.clone(), k) {
            return Err(error(
                f.line,
                f.col,
                f.len,
                format!("the header names column `{name}` twice"),
                &format!(
                    "column {} is also `{name}`; give each column a name of its own",
                    first + 1
                ),
            ));
        }
        header.push(name);
    }
    let header_len = header_rec
        .fields
        .last()
        .map_or(1, |f| (f.col + f.len).saturating_sub(1));
    Ok(Header {
        rec: header_rec,
        names: header,
        seen,
        len: header_len,
    })
}

impl Header<'_> {
    /// The target's column and the feature columns, in the order `select` asks for.
    pub(super) fn select(&self, select: &Select<'_>) -> Result<(usize, Vec<usize>), CsvError> {
        let missing_column = |name: &str, key: &str| CsvError {
            hint: Hint::Column {
                name: name.to_string(),
                header: self.names.clone(),
            },
            ..error(
                1,
                1,
                self.len,
                format!("the header has no column `{name}` (named by `{key}:`)"),
                "",
            )
        };
        let target = *self
            .seen
            .get(select.target)
            .ok_or_else(|| missing_column(select.target, "target"))?;
        let features: Vec<usize> = match select.features {
            Some(names) => {
                let mut cols = Vec::with_capacity(names.len());
                for name in names {
                    let k = *self
                        .seen
                        .get(name.as_str())
                        .ok_or_else(|| missing_column(name, "features"))?;
                    if k == target {
                        let f = &self.rec.fields[k];
                        return Err(error(
                            f.line,
                            f.col,
                            f.len,
                            format!("`{name}` is the target column; it cannot also be a feature"),
                            "list the input columns under `features:` and the one to predict under `target:`",
                        ));
                    }
                    cols.push(k);
                }
                cols
            }
            None => (0..self.names.len()).filter(|k| *k != target).collect(),
        };
        if features.is_empty() {
            return Err(error(
                1,
                1,
                self.len,
                format!("no feature columns besides the target `{}`", select.target),
                "a data file needs at least one column of inputs besides the target",
            ));
        }
        Ok((target, features))
    }
}
