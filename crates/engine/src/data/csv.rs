//! CSV data files: a header row naming the columns, then one row per sample. Fields are
//! separated by commas and may be quoted (`"a, b"`, with `""` for a quote inside); lines end in
//! LF or CRLF, and the last one may or may not. A UTF-8 byte-order mark is skipped.
//!
//! Nothing is guessed: every problem (a ragged row, a value that is not a finite number, a blank
//! line in the middle, a header that does not name the columns a block asks for, one class
//! only) is an error at the file's own line and column. Sizes are bounded before anything
//! large is allocated.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::Dataset;

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

fn error(line: usize, col: usize, len: usize, message: String, hint: &str) -> CsvError {
    CsvError {
        line,
        col,
        len: len.max(1),
        message,
        hint: Hint::Text(hint.to_string()),
    }
}

/// One field: its text (quotes removed, unquoted fields trimmed of spaces and tabs) and where
/// it starts.
#[derive(Debug)]
struct Field<'a> {
    text: Cow<'a, str>,
    line: usize,
    col: usize,
    len: usize,
    quoted: bool,
}

#[derive(Debug)]
struct Record<'a> {
    fields: Vec<Field<'a>>,
    line: usize,
    /// Where the row ends (before its line break).
    end_line: usize,
    end_col: usize,
}

impl Record<'_> {
    /// An empty line, or one of spaces and tabs only.
    fn is_blank(&self) -> bool {
        self.fields.len() == 1 && !self.fields[0].quoted && self.fields[0].text.is_empty()
    }
}

struct Lexer<'a> {
    s: &'a str,
    i: usize,
    line: usize,
    col: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn peek2(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i + 1).copied()
    }

    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'\r') => self.peek2() == Some(b'\n'),
            _ => false,
        }
    }

    /// Step over one byte, keeping line and column (in characters) up to date.
    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    /// Characters between two byte offsets.
    fn chars(&self, from: usize, to: usize) -> usize {
        self.s.get(from..to).map_or(1, |t| t.chars().count())
    }

    fn record(&mut self) -> Result<Option<Record<'a>>, CsvError> {
        if self.peek().is_none() {
            return Ok(None);
        }
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            if fields.len() >= MAX_COLUMNS {
                return Err(error(
                    self.line,
                    self.col,
                    1,
                    format!("a row has more than {MAX_COLUMNS} fields"),
                    "nnbook reads tables of at most 10,000 columns",
                ));
            }
            fields.push(self.field()?);
            if self.peek() == Some(b',') {
                self.bump();
                continue;
            }
            let (end_line, end_col) = (self.line, self.col);
            if self.peek() == Some(b'\r') {
                self.bump();
            }
            self.bump();
            return Ok(Some(Record {
                fields,
                line,
                end_line,
                end_col,
            }));
        }
    }

    fn field(&mut self) -> Result<Field<'a>, CsvError> {
        let (line, col, start) = (self.line, self.col, self.i);
        // Spaces before an opening quote are not part of the field (`a, "b"`).
        let lead = self
            .s
            .as_bytes()
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        if self.s.as_bytes().get(start + lead) == Some(&b'"') {
            for _ in 0..lead {
                self.bump();
            }
            return self.quoted();
        }
        while !self.at_line_end() && self.peek() != Some(b',') {
            if self.peek() == Some(b'"') {
                return Err(error(
                    self.line,
                    self.col,
                    1,
                    "a quote inside a field that does not start with one".into(),
                    "quote the whole field, as in \"5'11\"\"\", writing \"\" for a quote inside",
                ));
            }
            self.bump();
        }
        let raw = &self.s[start..self.i];
        let text = raw.trim_matches([' ', '\t']);
        let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
        Ok(Field {
            text: Cow::Borrowed(text),
            line,
            col: col + lead,
            len: text.chars().count(),
            quoted: false,
        })
    }

    /// A quoted field, from its opening quote.
    fn quoted(&mut self) -> Result<Field<'a>, CsvError> {
        let (line, col, start) = (self.line, self.col, self.i);
        self.bump();
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let mut seg = self.i;
        loop {
            match self.peek() {
                None => {
                    return Err(error(
                        line,
                        col,
                        1,
                        "this quoted field is never closed".into(),
                        "end the field with a quote; write \"\" for a quote inside a field",
                    ));
                }
                Some(b'"') if self.peek2() == Some(b'"') => {
                    let mut owned = text.into_owned();
                    owned.push_str(&self.s[seg..=self.i]);
                    text = Cow::Owned(owned);
                    self.bump();
                    self.bump();
                    seg = self.i;
                }
                Some(b'"') => {
                    let part = &self.s[seg..self.i];
                    text = match text {
                        Cow::Borrowed(_) => Cow::Borrowed(part),
                        Cow::Owned(mut o) => {
                            o.push_str(part);
                            Cow::Owned(o)
                        }
                    };
                    self.bump();
                    break;
                }
                Some(_) => self.bump(),
            }
        }
        let len = if self.line == line {
            self.chars(start, self.i)
        } else {
            1
        };
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.bump();
        }
        if !self.at_line_end() && self.peek() != Some(b',') {
            return Err(error(
                self.line,
                self.col,
                1,
                "text after the closing quote of a field".into(),
                "a quoted field ends at its closing quote; put a comma after it, or write \"\" for a quote inside",
            ));
        }
        Ok(Field {
            text,
            line,
            col,
            len,
            quoted: true,
        })
    }
}

/// A number that is finite, or what is wrong with the text.
fn number(text: &str) -> Result<f64, &'static str> {
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

fn bad_number(f: &Field<'_>, column: &str, why: &str, target: bool) -> CsvError {
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
    let mut lexer = Lexer {
        s: text,
        i: 0,
        line: 1,
        col: 1,
    };
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
    let missing_column = |name: &str, key: &str| CsvError {
        hint: Hint::Column {
            name: name.to_string(),
            header: header.clone(),
        },
        ..error(
            1,
            1,
            header_len,
            format!("the header has no column `{name}` (named by `{key}:`)"),
            "",
        )
    };
    let target = *seen
        .get(select.target)
        .ok_or_else(|| missing_column(select.target, "target"))?;
    let features: Vec<usize> = match select.features {
        Some(names) => {
            let mut cols = Vec::with_capacity(names.len());
            for name in names {
                let k = *seen
                    .get(name.as_str())
                    .ok_or_else(|| missing_column(name, "features"))?;
                if k == target {
                    let f = &header_rec.fields[k];
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
        None => (0..header.len()).filter(|k| *k != target).collect(),
    };
    if features.is_empty() {
        return Err(error(
            1,
            1,
            header_len,
            format!("no feature columns besides the target `{}`", select.target),
            "a data file needs at least one column of inputs besides the target",
        ));
    }

    let d = features.len();
    let mut x: Vec<f64> = Vec::new();
    let mut labels: Vec<(Cow<'_, str>, usize, usize, usize)> = Vec::new();
    let mut blank: Option<usize> = None;
    let mut n = 0usize;
    while let Some(rec) = lexer.record()? {
        if rec.is_blank() {
            blank.get_or_insert(rec.line);
            continue;
        }
        if let Some(line) = blank {
            return Err(error(
                line,
                1,
                1,
                "a blank line in the middle of the data".into(),
                "remove the blank line (blank lines may only end the file)",
            ));
        }
        if rec.fields.len() != header.len() {
            let (line, col, len) = match rec.fields.get(header.len()) {
                Some(extra) => (extra.line, extra.col.saturating_sub(1).max(1), 1),
                None => (rec.end_line, rec.end_col, 1),
            };
            return Err(error(
                line,
                col,
                len,
                format!(
                    "this row has {} field{} but the header has {}",
                    rec.fields.len(),
                    if rec.fields.len() == 1 { "" } else { "s" },
                    header.len()
                ),
                "every row needs one field per column of the header (line 1): look for a missing or extra comma, or quote a field that contains one",
            ));
        }
        if n == MAX_ROWS {
            return Err(error(
                rec.line,
                1,
                1,
                format!("the file has more than {MAX_ROWS} rows"),
                "nnbook reads at most 1,000,000 rows; keep a sample of them",
            ));
        }
        for &k in &features {
            let f = &rec.fields[k];
            x.push(number(&f.text).map_err(|why| bad_number(f, &header[k], why, false))?);
        }
        let mut fields = rec.fields;
        let f = fields.swap_remove(target);
        labels.push((f.text, f.line, f.col, f.len));
        n += 1;
    }
    if n == 0 {
        return Err(error(
            1,
            1,
            header_len,
            "the file has a header but no rows".into(),
            "add one row per sample below the header",
        ));
    }

    let target_name = &header[target];
    let target_field = &header_rec.fields[target];
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
            features: features.iter().map(|&k| header[k].clone()).collect(),
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
        features: features.iter().map(|&k| header[k].clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(target: &str) -> Select<'_> {
        Select {
            target,
            features: None,
            task: None,
            min_classes: 0,
            classes: None,
        }
    }

    fn err(text: &str, select: &Select<'_>) -> CsvError {
        read(text.as_bytes(), select).unwrap_err()
    }

    fn at(e: &CsvError) -> (usize, usize) {
        (e.line, e.col)
    }

    #[test]
    fn reads_numbers_quotes_crlf_and_text_labels() {
        let text = "\u{feff}x1, \"x 2\",label\r\n1.5,-2e1,cat\r\n\"3\", 4 ,\"dog, big\"\r\n0,0,cat";
        let t = read(text.as_bytes(), &sel("label")).unwrap();
        assert_eq!(t.features, ["x1", "x 2"]);
        assert_eq!((t.data.n, t.data.d), (3, 2));
        assert_eq!(t.data.x, [1.5, -20.0, 3.0, 4.0, 0.0, 0.0]);
        let c = t.classes.unwrap();
        assert_eq!(c.names, ["cat", "dog, big"]);
        assert!(!c.numeric);
        assert_eq!(t.data.y, [0.0, 1.0, 0.0]);
        assert!(t.data.classification);
    }

    #[test]
    fn numeric_labels_sort_as_numbers_and_keep_their_value() {
        let t = read(b"a,y\n1,10\n2,2\n3,10\n4,-1\n", &sel("y")).unwrap();
        let c = t.classes.unwrap();
        assert_eq!(c.names, ["-1", "2", "10"]);
        assert_eq!(t.data.y, [10.0, 2.0, 10.0, -1.0]);
        // Fractions are a regression target unless told otherwise.
        let r = read(b"a,y\n1,0.5\n2,1.25\n", &sel("y")).unwrap();
        assert!(r.classes.is_none() && !r.data.classification);
        assert_eq!(r.data.y, [0.5, 1.25]);
    }

    #[test]
    fn features_choose_and_order_columns() {
        let names = vec!["c".to_string(), "a".to_string()];
        let s = Select {
            features: Some(&names),
            task: Some(Task::Regression),
            ..sel("b")
        };
        let t = read(b"a,b,c\n1,2,3\n4,5,6\n", &s).unwrap();
        assert_eq!(t.features, ["c", "a"]);
        assert_eq!(t.data.x, [3.0, 1.0, 6.0, 4.0]);
        assert_eq!(t.data.y, [2.0, 5.0]);
        // Unused columns may hold anything.
        let one = vec!["a".to_string()];
        let s = Select {
            features: Some(&one),
            ..sel("b")
        };
        assert!(read(b"a,b,note\n1,0,hello\n2,1,\n", &s).is_ok());
    }

    #[test]
    fn quoted_fields_may_hold_line_breaks_and_quotes() {
        let x = vec!["x".to_string()];
        let s = Select {
            features: Some(&x),
            ..sel("y")
        };
        let t = read(
            b"note,x,y\n\"two\nlines\",1,0\n\"say \"\"hi\"\"\",2,1\n",
            &s,
        )
        .unwrap();
        assert_eq!(t.data.x, [1.0, 2.0]);
        // Positions after a quoted line break still count lines.
        let e = err("n,x,y\n\"a\nb\",1,0\n\"c\",q,1\n", &s);
        assert_eq!(at(&e), (4, 5), "{e}");
    }

    #[test]
    fn every_problem_has_its_line_and_column() {
        let ragged = err("x1,x2,y\n1,2,0\n3,4,1,9\n", &sel("y"));
        assert_eq!(at(&ragged), (3, 6), "{ragged}");
        assert!(ragged.message.contains("4 fields but the header has 3"));
        let short = err("x1,x2,y\n1,2,0\n3,4\n", &sel("y"));
        assert_eq!(at(&short), (3, 4), "{short}");
        let nan = err("x1,x2,y\n1,2,0\n3,NaN,1\n", &sel("y"));
        assert_eq!(at(&nan), (3, 3));
        assert!(nan.message.contains("not a finite number"), "{nan}");
        let inf = err("x1,x2,y\n1,-inf,0\n", &sel("y"));
        assert_eq!(at(&inf), (2, 3));
        let big = err("x1,x2,y\n1,1e999,0\n", &sel("y"));
        assert!(big.message.contains("finite"));
        let text = err("x1,x2,y\n1,2,0\n3,  four ,1\n", &sel("y"));
        assert_eq!((text.line, text.col, text.len), (3, 5, 4));
        assert!(
            text.message
                .contains("`four` in column `x2` is not a number")
        );
        let missing = err("x1,x2,y\n1,,0\n", &sel("y"));
        assert!(missing.message.contains("missing"), "{missing}");
        let blank = err("x1,y\n1,0\n\n2,1\n", &sel("y"));
        assert_eq!(at(&blank), (3, 1));
        assert!(blank.message.contains("blank line"));
        let unclosed = err("x1,y\n1,\"0\n", &sel("y"));
        assert_eq!(at(&unclosed), (2, 3));
        let after = err("x1,y\n1,\"0\"x\n", &sel("y"));
        assert_eq!(at(&after), (2, 6));
        let inner = err("x1,y\n1,a\"b\n", &sel("y"));
        assert_eq!(at(&inner), (2, 4));
        // Columns count characters, not bytes.
        let wide = err("é,ü,y\n1,2,0\n3,ß,1\n", &sel("y"));
        assert_eq!(at(&wide), (3, 3));
    }

    #[test]
    fn header_problems() {
        let e = err("x1,x2,label\n1,2,0\n", &sel("lable"));
        assert_eq!((e.line, e.col, e.len), (1, 1, 11));
        assert!(e.message.contains("no column `lable` (named by `target:`)"));
        assert_eq!(
            e.hint,
            Hint::Column {
                name: "lable".into(),
                header: vec!["x1".into(), "x2".into(), "label".into()]
            }
        );
        let feats = vec!["x1".to_string(), "x3".to_string()];
        let e = err(
            "x1,x2,label\n1,2,0\n",
            &Select {
                features: Some(&feats),
                ..sel("label")
            },
        );
        assert!(e.message.contains("`x3` (named by `features:`)"), "{e}");
        assert!(matches!(&e.hint, Hint::Column { name, .. } if name == "x3"));
        let dup = err("x1,x2,x1,y\n1,2,3,0\n", &sel("y"));
        assert_eq!((dup.line, dup.col, dup.len), (1, 7, 2));
        assert!(dup.message.contains("twice"));
        let unnamed = err("x1,,y\n1,2,0\n", &sel("y"));
        assert_eq!(at(&unnamed), (1, 4));
        let self_feature = vec!["y".to_string()];
        let e = err(
            "x,y\n1,0\n",
            &Select {
                features: Some(&self_feature),
                ..sel("y")
            },
        );
        assert!(e.message.contains("target column"));
        let only_target = err("y\n1\n", &sel("y"));
        assert!(only_target.message.contains("no feature columns"));
        // The header says two columns, every row has three.
        let lying = err("x,y\n1,2,0\n3,4,1\n", &sel("y"));
        assert_eq!(at(&lying), (2, 4));
    }

    #[test]
    fn empty_files_and_encodings() {
        for text in ["", "\n", "\r\n\r\n", "  \n"] {
            let e = err(text, &sel("y"));
            assert_eq!(at(&e), (1, 1));
            assert!(e.message.contains("empty"), "{text:?}: {e}");
        }
        let before = err("\nx,y\n1,0\n", &sel("y"));
        assert!(before.message.contains("before the header"));
        let header_only = err("x,y\n", &sel("y"));
        assert!(header_only.message.contains("no rows"));
        let bytes = b"x,y\n1,0\n2,\xff\n";
        let e = read(bytes, &sel("y")).unwrap_err();
        assert_eq!(at(&e), (3, 3));
        assert!(e.message.contains("UTF-8"));
        // Trailing blank lines end the file quietly; so does a missing final newline.
        assert_eq!(read(b"x,y\n1,0\n2,1\n\n\n", &sel("y")).unwrap().data.n, 2);
        assert_eq!(read(b"x,y\n1,0\n2,1", &sel("y")).unwrap().data.n, 2);
    }

    #[test]
    fn classes_and_tasks() {
        let one = Select {
            min_classes: 2,
            ..sel("y")
        };
        let e = err("x,y\n1,a\n2,a\n", &one);
        assert_eq!((e.line, e.col, e.len), (1, 3, 1));
        assert!(e.message.contains("one class only (`a`)"), "{e}");
        let reg = Select {
            task: Some(Task::Regression),
            ..sel("y")
        };
        let e = err("x,y\n1,0.5\n2,big\n", &reg);
        assert_eq!(at(&e), (3, 3));
        assert!(e.message.contains("target column"));
        let cls = Select {
            task: Some(Task::Classification),
            ..sel("y")
        };
        let t = read(b"x,y\n1,0.5\n2,1.5\n3,0.5\n", &cls).unwrap();
        assert_eq!(t.classes.unwrap().names, ["0.5", "1.5"]);
        let e = err("x,y\n1,a\n2, \n", &cls);
        assert!(e.message.contains("label"), "{e}");
        // Held-out data maps its labels to the training classes.
        let train = read(b"x,y\n1,b\n2,a\n3,c\n", &sel("y")).unwrap();
        let classes = train.classes.unwrap();
        let held = Select {
            classes: Some(&classes),
            ..sel("y")
        };
        let v = read(b"x,y\n1,c\n2,c\n", &held).unwrap();
        assert_eq!(v.data.y, [2.0, 2.0]);
        let e = err("x,y\n1,c\n2,d\n", &held);
        assert_eq!(at(&e), (3, 3));
        assert!(e.message.contains("`d` is not one of"), "{e}");
    }

    #[test]
    fn refuses_what_is_too_large() {
        let wide = format!("{}\n", vec!["c"; MAX_COLUMNS + 1].join(","));
        assert!(err(&wide, &sel("c")).message.contains("more than"));
    }
}
