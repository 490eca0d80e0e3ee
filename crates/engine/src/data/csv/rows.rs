//! The rows below the header: one field per column, no blank line in the middle, the features
//! as numbers and the target's text kept for typing.

use std::borrow::Cow;

use super::MAX_ROWS;
use super::error::{CsvError, bad_number, error};
use super::header::Header;
use super::lex::Lexer;
use super::target::number;

/// A target field: its text, line, column and length.
pub(super) type Label<'a> = (Cow<'a, str>, usize, usize, usize);

/// The rows read: features row by row, the target's labels, and how many rows.
pub(super) struct Rows<'a> {
    pub(super) x: Vec<f64>,
    pub(super) labels: Vec<Label<'a>>,
    pub(super) n: usize,
}

/// Read every row after the header.
pub(super) fn read<'a>(
    lexer: &mut Lexer<'a>,
    header: &Header<'_>,
    target: usize,
    features: &[usize],
) -> Result<Rows<'a>, CsvError> {
    let header_names = &header.names;
    let mut x: Vec<f64> = Vec::new();
    let mut labels: Vec<Label<'a>> = Vec::new();
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
        if rec.fields.len() != header_names.len() {
            let (line, col, len) = match rec.fields.get(header_names.len()) {
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
                    header_names.len()
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
        for &k in features {
            let f = &rec.fields[k];
            x.push(number(&f.text).map_err(|why| bad_number(f, &header_names[k], why, false))?);
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
            header.len,
            "the file has a header but no rows".into(),
            "add one row per sample below the header",
        ));
    }
    Ok(Rows { x, labels, n })
}
