//! What went wrong in a CSV file, at its line and column, with a hint for the author.

use super::lex::Field;

/// A problem at a line and column of the file (1-based; the column counts characters).
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    pub line: usize,
    pub col: usize,
    /// Characters to underline.
    pub len: usize,
    pub message: String,
    pub hint: Hint,
}

/// What to tell the author about a [`CsvError`].
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    Text(String),
    /// A column the header lacks: the caller suggests the closest of the header's names, or
    /// lists them (see `crate::datasets::csv`).
    Column {
        name: String,
        header: Vec<String>,
    },
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for CsvError {}

pub(super) fn error(line: usize, col: usize, len: usize, message: String, hint: &str) -> CsvError {
    CsvError {
        line,
        col,
        len: len.max(1),
        message,
        hint: Hint::Text(hint.to_string()),
    }
}

/// A value that is not a number, described for its column (the target or a feature).
pub(super) fn bad_number(f: &Field<'_>, column: &str, why: &str, target: bool) -> CsvError {
    let (message, hint) = match why {
        "missing" => (
            format!("the value of column `{column}` is missing"),
            "every row needs a value in every column nnbook reads; fill it in or drop the row",
        ),
        "not a finite number" => (
            format!("`{}` in column `{column}` is not a finite number", f.text),
            "nnbook trains on finite numbers only: replace NaN and infinities, or drop the row",
        ),
        _ if target => (
            format!(
                "`{}` in the target column `{column}` is not a number",
                f.text
            ),
            "a regression target is a number; class labels need a classifier (a cross-entropy loss) or `task: classification`",
        ),
        _ => (
            format!("`{}` in column `{column}` is not a number", f.text),
            "feature columns hold numbers such as 1.5 or -2e3; encode categories as numbers, or leave the column out with `features:`",
        ),
    };
    error(f.line, f.col, f.len, message, hint)
}
