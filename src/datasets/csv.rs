//! CSV data files: their bytes read with a bound on their size, parsed by the engine
//! (`crate::engine::data::csv`), and its errors turned into diagnostics at the file's own line
//! and column.

use std::io::Read;
use std::path::Path;

use crate::diag::{Diagnostic, Location};
use crate::engine::data::csv::{CsvError, Hint, MAX_BYTES};

/// A file's bytes, or one byte more than [`MAX_BYTES`] when it is larger (for the caller to
/// refuse).
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A hint's text: for a column the header lacks, the closest name or the names there are.
pub fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::Text(t) => t.clone(),
        Hint::Column { name, header } => {
            if let Some(s) = crate::diag::suggest(name, header.iter().map(String::as_str)) {
                return format!("did you mean `{s}`?");
            }
            let mut shown: Vec<&str> = header.iter().take(20).map(String::as_str).collect();
            if header.len() > 20 {
                shown.push("…");
            }
            format!("the header's columns are: {}", shown.join(", "))
        }
    }
}

/// A CSV error as a diagnostic at the file's own line and column (`shown`: the file as the
/// author knows it), with that line shown.
pub fn diagnostic(e: &CsvError, shown: &str, bytes: &[u8]) -> Diagnostic {
    let line = bytes
        .split(|b| *b == b'\n')
        .nth(e.line.saturating_sub(1))
        .map(|l| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned());
    let mut d = Diagnostic::error("E034", e.message.clone())
        .at(Location::at(shown, e.line, e.col, e.len))
        .hint(hint_text(&e.hint));
    // The BOM is no column of the file's.
    d.source_line = line.map(|l| l.trim_start_matches('\u{feff}').to_string());
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::csv::{Select, read};

    fn hint(text: &str, target: &str) -> String {
        let select = Select {
            target,
            features: None,
            task: None,
            min_classes: 0,
            classes: None,
        };
        hint_text(&read(text.as_bytes(), &select).unwrap_err().hint)
    }

    #[test]
    fn missing_columns_suggest_the_closest_or_list_them() {
        assert_eq!(
            hint("x1,x2,label\n1,2,0\n", "lable"),
            "did you mean `label`?"
        );
        assert_eq!(
            hint("x1,x2,label\n1,2,0\n", "banana"),
            "the header's columns are: x1, x2, label"
        );
        let wide: Vec<String> = (0..25).map(|k| format!("column{k}")).collect();
        let listed = hint(&format!("{}\n", wide.join(",")), "zzz");
        assert!(listed.ends_with("column19, …"), "{listed}");
    }

    #[test]
    fn diagnostics_point_into_the_file() {
        let bytes = b"\xef\xbb\xbfx,y\r\n1,NaN\r\n";
        let select = Select {
            target: "y",
            features: None,
            task: Some(crate::engine::data::csv::Task::Regression),
            min_classes: 0,
            classes: None,
        };
        let e = read(bytes, &select).unwrap_err();
        let d = diagnostic(&e, "data/p.csv", bytes);
        assert_eq!(d.source_line.as_deref(), Some("1,NaN"));
        let first = diagnostic(&CsvError { line: 1, ..e }, "data/p.csv", bytes);
        assert_eq!(first.source_line.as_deref(), Some("x,y"));
    }
}
