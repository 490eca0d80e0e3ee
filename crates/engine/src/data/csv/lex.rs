//! Reading rows: fields separated by commas, quoting (`"a, b"`, `""` for a quote inside), LF
//! or CRLF line ends, and where each field starts (line and column, in characters).

use std::borrow::Cow;

use super::MAX_COLUMNS;
use super::error::{CsvError, error};

/// One field: its text (quotes removed, unquoted fields trimmed of spaces and tabs) and where
/// it starts.
#[derive(Debug)]
pub(super) struct Field<'a> {
    pub(super) text: Cow<'a, str>,
    pub(super) line: usize,
    pub(super) col: usize,
    pub(super) len: usize,
    pub(super) quoted: bool,
}

#[derive(Debug)]
pub(super) struct Record<'a> {
    pub(super) fields: Vec<Field<'a>>,
    pub(super) line: usize,
    /// Where the row ends (before its line break).
    pub(super) end_line: usize,
    pub(super) end_col: usize,
}

impl Record<'_> {
    /// An empty line, or one of spaces and tabs only.
    pub(super) fn is_blank(&self) -> bool {
        self.fields.len() == 1 && !self.fields[0].quoted && self.fields[0].text.is_empty()
    }
}

pub(super) struct Lexer<'a> {
    s: &'a str,
    i: usize,
    line: usize,
    col: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `s`.
    pub(super) fn new(s: &'a str) -> Self {
        Lexer {
            s,
            i: 0,
            line: 1,
            col: 1,
        }
    }

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

    /// The next row, or None at the end of the text.
    pub(super) fn record(&mut self) -> Result<Option<Record<'a>>, CsvError> {
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
