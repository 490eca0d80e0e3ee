//! Values in prose: a code span `` `{nn} xor.accuracy:.1%` `` prints a number an experiment
//! computed. Rendering leaves a placeholder and checks the experiment and metric names; the
//! number is filled in after training, so prose edits never retrain and the text cannot drift
//! from the figures. `` `{{nn}} …` `` is the escape: it prints the code span `{nn} …`.

use crate::diag::{Diagnostic, Location};

/// The marker that opens a value's code span.
pub const MARKER: &str = "{nn}";
/// The escape: a code span starting with this prints `{nn}` as written.
pub const ESCAPED: &str = "{{nn}}";

/// The metrics prose can print: each one's name and what it is.
pub const METRICS: &[(&str, &str)] = &[
    ("loss", "the training loss of the last epoch"),
    (
        "accuracy",
        "the training accuracy of the last epoch (classifiers)",
    ),
    (
        "mse",
        "the training mean squared error of the last epoch (regressors)",
    ),
    ("val_loss", "the loss on the `validate:` data"),
    (
        "val_accuracy",
        "the accuracy on the `validate:` data (classifiers)",
    ),
    (
        "val_mse",
        "the mean squared error on the `validate:` data (regressors)",
    ),
    (
        "epochs",
        "the epochs trained: the stopping epoch when `stop:` ended training early",
    ),
    ("params", "the model's trainable parameters"),
];

/// The names in `METRICS`.
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|(n, _)| *n).collect()
}

/// A value written in prose, as parsed from its code span.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRef {
    pub experiment: String,
    pub metric: String,
    pub format: Format,
}

/// How to print a number: a subset of Python's format mini-language (`.1%`, `.3f`, `,`, `,d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Format {
    /// Digits after the decimal point; None prints the shortest exact form.
    pub precision: Option<usize>,
    /// Multiply by 100 and add `%`.
    pub percent: bool,
    /// Group thousands with commas.
    pub thousands: bool,
}

/// Why a value's code span does not parse, with the byte offset (in the span's text) and
/// length of the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub message: String,
    pub hint: String,
    pub offset: usize,
    pub len: usize,
}

/// What a code span holds: an ordinary code span, an escaped marker or a value expression
/// (the text after the marker, and its offset in the span).
pub enum Span<'a> {
    Code,
    Escaped(String),
    Value(&'a str, usize),
}

/// Classify a code span's text.
pub fn classify(code: &str) -> Span<'_> {
    if let Some(rest) = code.strip_prefix(ESCAPED) {
        Span::Escaped(format!("{MARKER}{rest}"))
    } else if let Some(rest) = code.strip_prefix(MARKER) {
        let expr = rest.trim_start();
        Span::Value(expr.trim_end(), code.len() - expr.len())
    } else {
        Span::Code
    }
}

/// Parse `experiment.metric[:format]`. The experiment id may hold dots: the metric is after
/// the last one.
pub fn parse(expr: &str) -> Result<ValueRef, Bad> {
    let (name, spec) = match expr.split_once(':') {
        Some((n, s)) => (n, Some(s)),
        None => (expr, None),
    };
    let Some((experiment, metric)) = name.rsplit_once('.') else {
        return Err(Bad {
            message: format!("`{expr}` does not name an experiment and a metric"),
            hint: "write `{nn} EXPERIMENT.METRIC`, e.g. `{nn} xor.accuracy:.1%`".into(),
            offset: 0,
            len: expr.len(),
        });
    };
    let format = match spec {
        None => Format::default(),
        Some(s) => parse_format(s).ok_or_else(|| Bad {
            message: format!("unknown number format `{s}`"),
            hint: "formats are `.1%` (a percentage), `.3f` (fixed decimals), `,` (thousands \
                   grouped) or `,d` / `,.2f` combined"
                .into(),
            offset: name.len() + 1,
            len: s.len().max(1),
        })?,
    };
    Ok(ValueRef {
        experiment: experiment.to_string(),
        metric: metric.to_string(),
        format,
    })
}

fn parse_format(s: &str) -> Option<Format> {
    let mut f = Format::default();
    let mut rest = s;
    if let Some(r) = rest.strip_prefix(',') {
        f.thousands = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix('.') {
        let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
        let n: usize = digits.parse().ok()?;
        if n > 12 {
            return None;
        }
        f.precision = Some(n);
        rest = &r[digits.len()..];
    }
    // As in Python, `f` and `%` without a precision print six decimals.
    match rest {
        "" if f.precision.is_none() && !f.thousands => return None,
        "" => {}
        "f" => f.precision = f.precision.or(Some(6)),
        "%" => {
            f.percent = true;
            f.precision = f.precision.or(Some(6));
        }
        "d" if f.precision.is_none() => f.precision = Some(0),
        _ => return None,
    }
    Some(f)
}

/// Print `value` as `format` says.
pub fn format(value: f64, format: Format) -> String {
    let v = if format.percent { value * 100.0 } else { value };
    let mut text = match format.precision {
        Some(p) => format!("{v:.p$}"),
        // The shortest text that reads back as the same number: 0.948, not 0.94800001.
        None => format!("{v}"),
    };
    // No "-0.0": a rounded zero has no sign.
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text.remove(0);
    }
    if format.thousands {
        text = group_thousands(&text);
    }
    if format.percent {
        text.push('%');
    }
    text
}

fn group_thousands(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match unsigned.find('.') {
        Some(i) => unsigned.split_at(i),
        None => (unsigned, ""),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}{frac}")
}

/// Put the values into a rendered chapter's HTML; with it, each value as plain text (for the
/// search index). `lookup` gives a value's number (None when its experiment did not run here)
/// or says why the experiment has none.
pub fn fill(
    html: &str,
    values: &[(ValueRef, Location)],
    source: &str,
    lookup: impl Fn(&ValueRef) -> Result<Option<f64>, String>,
) -> Result<(String, Vec<String>), Vec<Diagnostic>> {
    let mut html = html.to_string();
    let mut texts = Vec::with_capacity(values.len());
    let mut errors = Vec::new();
    for (k, (v, at)) in values.iter().enumerate() {
        let shown = match lookup(v) {
            Ok(Some(x)) => {
                let text = format(x, v.format);
                let shown = super::escape(&text);
                texts.push(text);
                shown
            }
            // The build has warned that the experiment was skipped; the text says so too.
            Ok(None) => {
                texts.push("?".into());
                "<span class=\"nn-value-missing\" title=\"not computed on this machine\">?</span>"
                    .into()
            }
            Err(why) => {
                errors.push(
                    Diagnostic::error(
                        "E022",
                        format!("no value for `{}.{}`", v.experiment, v.metric),
                    )
                    .at(at.clone())
                    .hint(why)
                    .with_source(source),
                );
                continue;
            }
        };
        html = html.replacen(&placeholder(k), &shown, 1);
    }
    if errors.is_empty() {
        Ok((html, texts))
    } else {
        Err(errors)
    }
}

/// The placeholder standing where the k-th value of a chapter goes until training is done.
pub fn placeholder(k: usize) -> String {
    format!("<!--nnbook:value:{k}-->")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_formats() {
        let v = parse("ann-mnist.v2.val_accuracy:.1%").unwrap();
        assert_eq!(v.experiment, "ann-mnist.v2");
        assert_eq!(v.metric, "val_accuracy");
        assert_eq!(format(0.97245, v.format), "97.2%");
        let f = |s: &str| parse(&format!("a.loss:{s}")).map(|v| v.format);
        assert_eq!(format(0.123456, f(".3f").unwrap()), "0.123");
        assert_eq!(format(0.123456, f(".3").unwrap()), "0.123");
        assert_eq!(format(60000.0, f(",").unwrap()), "60,000");
        assert_eq!(format(1234567.891, f(",.2f").unwrap()), "1,234,567.89");
        assert_eq!(format(2200.0, f(",d").unwrap()), "2,200");
        assert_eq!(format(-0.0001, f(".2f").unwrap()), "0.00");
        assert_eq!(format(-1234.5, f(",.1f").unwrap()), "-1,234.5");
        assert_eq!(format(0.948, Format::default()), "0.948");
        assert_eq!(format(212.0, Format::default()), "212");
        for bad in ["x", ".q", ".1x", "%%", ".1d", ".99f"] {
            let e = f(bad).unwrap_err();
            assert_eq!(e.message, format!("unknown number format `{bad}`"));
            assert_eq!(e.offset, 7);
        }
        let e = parse("accuracy").unwrap_err();
        assert!(
            e.message
                .contains("does not name an experiment and a metric")
        );
    }

    #[test]
    fn classifies_code_spans() {
        assert!(matches!(classify("x + 1"), Span::Code));
        assert!(matches!(classify("{nn} a.loss"), Span::Value("a.loss", 5)));
        assert!(matches!(
            classify("{nn}  a.loss "),
            Span::Value("a.loss", 6)
        ));
        match classify("{{nn}} a.loss") {
            Span::Escaped(s) => assert_eq!(s, "{nn} a.loss"),
            _ => panic!("not escaped"),
        }
    }
}
