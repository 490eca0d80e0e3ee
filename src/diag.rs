//! Diagnostics: every user-facing error is a value with a code, a source location, a message
//! and a hint. The CLI renders them like rustc does (source line and a caret).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// Where in the author's files a diagnostic points (1-based line and column; 0 = unknown).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// Path relative to the book root, as the author would type it.
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    /// Width of the caret underline, in characters (at least 1 when shown).
    pub len: usize,
}

impl Location {
    /// A location at the start of a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            ..Location::default()
        }
    }

    /// A value given on the command line: the pseudo-file [`COMMAND_LINE`] with no line, and
    /// the column and width of the value within the argument shown as its source line.
    pub fn command_line(col: usize, len: usize) -> Self {
        Location {
            file: COMMAND_LINE.into(),
            line: 0,
            col,
            len,
        }
    }

    /// A location at a line and column of a file.
    pub fn at(file: impl Into<PathBuf>, line: usize, col: usize, len: usize) -> Self {
        Location {
            file: file.into(),
            line,
            col,
            len,
        }
    }
}

/// The file name of a location on the command line. It cannot be a book's file: book paths
/// are relative and never start with `<`.
pub const COMMAND_LINE: &str = "<command line>";

/// One error or warning for the author.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as `E011`.
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
    /// The source line the location points at, for the caret display.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error with a code and a message.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            hint: None,
            source_line: None,
        }
    }

    /// A warning with a code and a message.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Attach a location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Attach a hint (shown as `help:`).
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach a hint only when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }

    /// Fill in the source line from the file's text, if the location has a line and the
    /// line is not there already (a data file's error carries its own).
    pub fn with_source(mut self, text: &str) -> Self {
        if let Some(loc) = &self.location
            && loc.line > 0
            && self.source_line.is_none()
        {
            self.source_line = text.lines().nth(loc.line - 1).map(str::to_string);
        }
        self
    }

    /// Attach the source line when there is one (a value on the command line brings its own).
    pub fn maybe_source(mut self, line: Option<String>) -> Self {
        if line.is_some() {
            self.source_line = line;
        }
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, or just the file, or nothing.
    pub fn position(&self) -> Option<String> {
        let loc = self.location.as_ref()?;
        let file = display_path(&loc.file);
        Some(match (loc.line, loc.col) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        })
    }

    /// One JSON object (one line) for editors and CI annotations: code, severity, message,
    /// file, line, col, len, hint and the human rendering.
    pub fn to_json(&self) -> String {
        let loc = self.location.as_ref();
        serde_json::json!({
            "code": self.code,
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "message": self.message,
            "file": loc.map(|l| display_path(&l.file)),
            "line": loc.map(|l| l.line),
            "col": loc.map(|l| l.col),
            "len": loc.map(|l| l.len),
            "hint": self.hint,
            "rendered": self.render(false),
        })
        .to_string()
    }

    /// Render like rustc: header, arrow with position, source line with caret, help line.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, blue, reset) = if color {
            ("\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let paint = if color { paint } else { "" };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{paint}{label}[{}]{reset}{bold}: {}{reset}",
            self.code, self.message
        );
        if let Some(pos) = self.position() {
            let loc = self.location.as_ref();
            // The command line has no line numbers: its gutter stays blank.
            let line_no = match loc.map_or(0, |l| l.line) {
                0 => String::new(),
                n => n.to_string(),
            };
            let width = line_no.len().max(1);
            let pad = " ".repeat(width);
            let _ = writeln!(out, "{pad}{blue}-->{reset} {pos}");
            if let (Some(line), Some(loc)) = (&self.source_line, loc) {
                let (src, col, len) = window(line, loc.col.max(1), loc.len.max(1));
                let prefix: String = src
                    .chars()
                    .take(col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let carets = "^".repeat(len);
                let _ = writeln!(out, "{pad} {blue}|{reset}");
                let _ = writeln!(out, "{blue}{line_no:>width$}{reset} {blue}|{reset} {src}");
                let _ = writeln!(out, "{pad} {blue}|{reset} {prefix}{paint}{carets}{reset}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  {blue}= help:{reset} {hint}");
        }
        out
    }
}

/// Source lines longer than this many characters are shown in part, around the caret.
const MAX_LINE_CHARS: usize = 200;

/// The part of a long source line worth showing (`…` marks what is cut), with the caret's
/// 1-based column and width within it; the caret never runs past what is shown.
fn window(line: &str, col: usize, len: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE_CHARS {
        return (line.to_string(), col, len);
    }
    // Some context before the caret, then as much as fits.
    let start = (col - 1)
        .min(chars.len())
        .saturating_sub(MAX_LINE_CHARS / 4);
    let end = (start + MAX_LINE_CHARS).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    let new_col = col - start + usize::from(start > 0);
    let visible = end.saturating_sub(col - 1).max(1);
    (shown, new_col, len.min(visible))
}

/// Paths are shown with forward slashes so messages are the same on every platform.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = edit_distance(&word_l, &cand.to_lowercase());
        let limit = (cand.chars().count().max(word.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// A "did you mean" hint, or the list of valid names when nothing is close.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match suggest(word, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}

/// Levenshtein distance with transpositions counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let acts = ["linear", "relu", "tanh", "sigmoid", "softmax"];
        assert_eq!(suggest("rleu", acts), Some("relu"));
        assert_eq!(suggest("sigmiod", acts), Some("sigmoid"));
        assert_eq!(suggest("banana", acts), None);
        assert!(did_you_mean("banana", &acts).starts_with("expected one of"));
    }

    #[test]
    fn renders_caret_under_span() {
        let d = Diagnostic::error("E012", "unknown activation `rleu`")
            .at(Location::at("content/a.md", 3, 13, 4))
            .hint("did you mean `relu`?")
            .with_source("x\ny\nactivation: rleu\n");
        let text = d.render(false);
        assert!(text.contains("error[E012]: unknown activation `rleu`"));
        assert!(text.contains("--> content/a.md:3:13"));
        assert!(text.contains("3 | activation: rleu"));
        assert!(text.contains("  |             ^^^^"), "{text}");
        assert!(text.contains("= help: did you mean `relu`?"));
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(json["code"], "E012");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["file"], "content/a.md");
        assert_eq!(
            (json["line"].as_u64(), json["col"].as_u64()),
            (Some(3), Some(13))
        );
        assert_eq!(json["len"], 4);
        assert_eq!(json["hint"], "did you mean `relu`?");
        assert_eq!(json["rendered"], text);
        assert!(!d.to_json().contains('\n'), "one line");
    }

    #[test]
    fn long_lines_are_shown_around_the_caret() {
        let line = format!("$${}$$", "{".repeat(3000));
        let d = Diagnostic::error("E021", "nested too deep")
            .at(Location::at("content/a.md", 5, 1, 3004))
            .with_source(&format!("a\nb\nc\nd\n{line}\n"));
        let text = d.render(false);
        let shown = format!("5 | $${}…\n", "{".repeat(198));
        assert!(text.contains(&shown), "{text}");
        assert!(
            text.contains(&format!("  | {}\n", "^".repeat(200))),
            "{text}"
        );
        // Deep in the line: cut on both sides, the caret under its character.
        let (src, col, len) = window(&"ab".repeat(300), 301, 4);
        assert_eq!(src.chars().count(), 202);
        assert!(src.starts_with('…') && src.ends_with('…'));
        assert_eq!(src.chars().nth(col - 1), Some('a'));
        assert_eq!(len, 4);
        let short = window("x: 1", 4, 9);
        assert_eq!(short, ("x: 1".to_string(), 4, 9));
    }

    #[test]
    fn command_line_values_have_a_blank_gutter() {
        let mut d = Diagnostic::error("E008", "the output folder `..` holds the book's folder")
            .at(Location::command_line(7, 2))
            .hint("use a folder of its own");
        d.source_line = Some("--out ..".into());
        let text = d.render(false);
        assert!(text.contains("\n --> <command line>\n"), "{text}");
        assert!(text.contains("\n  | --out ..\n  |       ^^\n"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(json["file"], COMMAND_LINE);
        assert_eq!(
            (json["line"].as_u64(), json["col"].as_u64()),
            (Some(0), Some(7))
        );
    }
}
