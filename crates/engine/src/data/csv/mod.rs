//! CSV data files: a header row naming the columns, then one row per sample. Fields are
//! separated by commas and may be quoted (`"a, b"`, with `""` for a quote inside); lines end in
//! LF or CRLF, and the last one may or may not. A UTF-8 byte-order mark is skipped.
//!
//! Nothing is guessed: every problem (a ragged row, a value that is not a finite number, a blank
//! line in the middle, a header that does not name the columns a block asks for, one class
//! only) is an error at the file's own line and column. Sizes are bounded before anything
//! large is allocated.
//!
//! The parts: `lex` reads rows and fields (quoting, line ends, positions), `header` the
//! header and the selected columns, `rows` the rows below it, `target` types the target
//! column (numbers or classes), `error` says what went wrong where.

mod error;
mod header;
mod lex;
mod rows;
mod target;
#[cfg(test)]
mod tests;

use super::Dataset;
use error::error;
use lex::Lexer;

pub use error::{CsvError, Hint};
pub use target::label_name;

/// Files larger than this are refused.
pub const MAX_BYTES: usize = 64 << 20;
/// Columns of the header, at most.
pub const MAX_COLUMNS: usize = 10_000;
/// Data rows, at most.
pub const MAX_ROWS: usize = 1_000_000;
/// Distinct class labels, at most.
pub const MAX_CLASSES: usize = 1000;

/// What the target column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Class labels (text or numbers).
    Classification,
    /// A number to predict.
    Regression,
}

impl Task {
    /// Every name an author may write.
    pub const NAMES: &'static [&'static str] = &["classification", "regression"];

    /// The name as written in a block.
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }

    /// The task of a name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        [Task::Classification, Task::Regression]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

/// Class labels in index order (the sorted distinct labels) and whether they are numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    pub names: Vec<String>,
    /// Numeric labels sort as numbers and keep their value as `y`; text labels sort as text
    /// and `y` is the class index.
    pub numeric: bool,
}

/// Which columns to read, and how.
#[derive(Debug, Clone, Copy)]
pub struct Select<'a> {
    /// The column holding the label or value to predict.
    pub target: &'a str,
    /// Feature columns, in this order; None: every column but the target, in file order.
    pub features: Option<&'a [String]>,
    /// None: classification when the labels are text or whole numbers, else regression.
    pub task: Option<Task>,
    /// Fewest classes allowed (2 when a classifier trains on the data).
    pub min_classes: usize,
    /// The classes of the training data: labels must be among them (for held-out data).
    pub classes: Option<&'a Classes>,
}

/// A file's data, selected and parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub data: Dataset,
    /// Classes of a classification target (None for regression).
    pub classes: Option<Classes>,
    /// Names of the feature columns, in the order of `data`'s columns.
    pub features: Vec<String>,
}

/// Parse a CSV file's bytes and read the selected columns.
pub fn read(bytes: &[u8], select: &Select<'_>) -> Result<Table, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(error(
            1,
            1,
            1,
            format!("the file is larger than {} MiB", MAX_BYTES >> 20),
            "nnbook reads CSV files of at most 64 MiB; keep a sample of the rows",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let col = 1 + String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count();
        error(
            line,
            col,
            1,
            "the file is not UTF-8 text".into(),
            "save the file as UTF-8 (most spreadsheet programs offer \"CSV UTF-8\")",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lexer = Lexer::new(text);
    let header = header::read(&mut lexer)?;
    let (target, features) = header.select(select)?;
    let rows = rows::read(&mut lexer, &header, target, &features)?;
    target::table(&header, target, &features, rows, select)
}
