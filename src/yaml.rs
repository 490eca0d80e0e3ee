//! A YAML tree that remembers where each node came from, so that config and experiment-block
//! errors can point at the exact line and column. serde-saphyr parses; our own code turns the
//! tree into typed values, which keeps every error message (and its hint) under our control.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Location, did_you_mean};

/// A YAML node with its position in the parsed text (1-based; 0 = unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub col: usize,
    /// Length in characters of the node's text, when known (for carets).
    pub len: usize,
}

/// The value of a YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys are kept in document order; duplicate keys are rejected when parsed.
    Map(Vec<(Node, Node)>),
}

/// A problem found while reading YAML: a message, where, and perhaps a hint. The caller maps the
/// position into the author's file and gives it a diagnostic code.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub line: usize,
    pub col: usize,
    pub len: usize,
    pub hint: Option<String>,
}

/// What sort of YAML problem it is, so callers can pick diagnostic codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not valid YAML at all.
    Syntax,
    /// A key that is not allowed here.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A name outside a closed set (activation, loss, ...).
    UnknownName,
    /// Wrong type or out-of-range value.
    Invalid,
}

impl YamlError {
    /// An error pointing at a node.
    pub fn at(node: &Node, kind: YamlErrorKind, message: impl Into<String>) -> Self {
        YamlError {
            kind,
            message: message.into(),
            line: node.line,
            col: node.col,
            len: node.len.max(1),
            hint: None,
        }
    }

    /// Add a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl YamlError {
    /// Turn into a diagnostic in `file`, whose YAML starts at 1-based line `first_line` and
    /// whose text is `source` (for the caret line).
    pub fn into_diagnostic(
        self,
        code: &'static str,
        file: &std::path::Path,
        first_line: usize,
        source: &str,
    ) -> Diagnostic {
        let line = if self.line == 0 {
            first_line
        } else {
            first_line + self.line - 1
        };
        Diagnostic::error(code, self.message)
            .at(Location::at(file, line, self.col, self.len))
            .maybe_hint(self.hint)
            .with_source(source)
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Parse YAML text into a spanned tree. Empty text gives a `Null` node.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Null,
            line: 1,
            col: 1,
            len: 0,
        });
    }
    // YAML 1.2 booleans only: in YAML 1.1 a key such as `y:` would be read as `true`.
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| {
        let (line, col) = e
            .location()
            .map_or((0, 0), |l| (l.line() as usize, l.column() as usize));
        let message = first_line(&e.without_snippet().to_string());
        let (kind, message, hint) = if let Some(rest) = message.strip_prefix("non-finite float ") {
            let value = rest.split_whitespace().next().unwrap_or("");
            (
                YamlErrorKind::Invalid,
                format!("{value} is not a finite number"),
                "write a finite number such as 0.01",
            )
        } else if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
            let key = rest.split(',').next().unwrap_or(rest).trim();
            (
                YamlErrorKind::Syntax,
                format!("duplicate key `{key}`"),
                "each key may appear once in a mapping; remove one of them",
            )
        } else if message.starts_with("budget breached") {
            (
                YamlErrorKind::Syntax,
                "this YAML is too large (counting what its aliases expand to)".to_string(),
                "a block holds a few settings; if it uses `*alias`es, each copies what its `&anchor` names",
            )
        } else {
            (
                YamlErrorKind::Syntax,
                message,
                "check the indentation, colons and brackets of this YAML",
            )
        };
        YamlError {
            kind,
            message,
            line,
            col,
            len: 1,
            hint: Some(hint.into()),
        }
    })
}

/// serde-saphyr's messages may carry a location suffix and snippet; keep the sentence only.
fn first_line(msg: &str) -> String {
    let line = msg.lines().next().unwrap_or(msg).trim();
    let line = match line.find(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    line.trim_end_matches('.').to_string()
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<RawValue>::deserialize(d)?;
        let loc = spanned.referenced;
        let value = spanned.value.0;
        let len = match &value {
            Value::Str(s) => s.chars().count(),
            Value::Int(i) => i.to_string().len(),
            Value::Float(x) => format!("{x}").len(),
            Value::Bool(b) => b.to_string().len(),
            _ => 1,
        };
        Ok(Node {
            value,
            line: loc.line() as usize,
            col: loc.column() as usize,
            len,
        })
    }
}

struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        i64::try_from(v)
            .map(|v| RawValue(Value::Int(v)))
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        i64::try_from(v)
            .map(|v| RawValue(Value::Int(v)))
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        i64::try_from(v)
            .map(|v| RawValue(Value::Int(v)))
            .map_err(|_| E::custom("integer too large"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(RawValue(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries: Vec<(Node, Node)> = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            if entries.iter().any(|(k, _)| k.value == key.value) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}` (line {})",
                    key.describe(),
                    key.line
                )));
            }
            entries.push((key, value));
        }
        Ok(RawValue(Value::Map(entries)))
    }
}

impl Node {
    /// A short rendering of the node for messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(x) => x.to_string(),
            Value::Str(s) => s.clone(),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }

    /// The YAML type name, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    fn expected(&self, what: &str) -> YamlError {
        let hint = match what {
            "text" | "a string" => {
                "write text, in quotes if it holds `:`, `#`, `[` or `{`, e.g. \"A caption\""
            }
            "a whole number" => "write a whole number without quotes or a decimal point, e.g. 10",
            "a number" => "write a number without quotes, e.g. 0.01",
            "a list" => "write a list in brackets, e.g. [a, b], or one `- item` per line",
            "a mapping" => "write `key: value` pairs, e.g. {generator: xor}",
            "true or false" => "write true or false (without quotes)",
            _ => "check the value's type",
        };
        // `epochs: 2,000` in block style is the text "2,000": name the comma.
        if let Value::Str(s) = &self.value
            && what.ends_with("number")
            && let Some(plain) = without_thousands_commas(s)
        {
            return YamlError::at(
                self,
                YamlErrorKind::Invalid,
                format!("expected {what}, found the text `{s}`"),
            )
            .hint(format!(
                "YAML has no thousands separator; write `{plain}` without the comma"
            ));
        }
        YamlError::at(
            self,
            YamlErrorKind::Invalid,
            format!("expected {what}, found {}", self.type_name()),
        )
        .hint(hint)
    }

    /// The string value (scalars of other types are not converted).
    pub fn as_str(&self) -> Result<&str, YamlError> {
        match &self.value {
            Value::Str(s) => Ok(s),
            _ => Err(self.expected("a string")),
        }
    }

    /// Any scalar as text (numbers and booleans too), for captions and labels.
    pub fn as_text(&self) -> Result<String, YamlError> {
        match &self.value {
            Value::Str(s) => Ok(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Ok(self.describe()),
            _ => Err(self.expected("text")),
        }
    }

    /// A number (integers are accepted).
    pub fn as_f64(&self) -> Result<f64, YamlError> {
        match &self.value {
            Value::Float(x) if x.is_finite() => Ok(*x),
            Value::Float(_) => Err(YamlError::at(
                self,
                YamlErrorKind::Invalid,
                "expected a finite number",
            )),
            Value::Int(i) => Ok(*i as f64),
            _ => Err(self.expected("a number")),
        }
    }

    /// A whole number within `min..=max`.
    pub fn as_int(&self, min: i64, max: i64) -> Result<i64, YamlError> {
        let v = match &self.value {
            Value::Int(i) => *i,
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 9e15 => *x as i64,
            _ => return Err(self.expected("a whole number")),
        };
        if v < min || v > max {
            return Err(YamlError::at(
                self,
                YamlErrorKind::Invalid,
                format!("{v} is out of range"),
            )
            .hint(format!("use a value from {min} to {max}")));
        }
        Ok(v)
    }

    /// A whole number as usize within `min..=max`.
    pub fn as_usize(&self, min: usize, max: usize) -> Result<usize, YamlError> {
        self.as_int(min as i64, max as i64).map(|v| v as usize)
    }

    /// A boolean.
    pub fn as_bool(&self) -> Result<bool, YamlError> {
        match &self.value {
            Value::Bool(b) => Ok(*b),
            _ => Err(self.expected("true or false")),
        }
    }

    /// The items of a list.
    pub fn as_seq(&self) -> Result<&[Node], YamlError> {
        match &self.value {
            Value::Seq(items) => Ok(items),
            _ => Err(self.expected("a list")),
        }
    }

    /// A mapping, viewed with key tracking so unknown keys can be reported.
    pub fn as_map(&self) -> Result<Map<'_>, YamlError> {
        match &self.value {
            Value::Map(entries) => Ok(Map {
                node: self,
                entries,
            }),
            _ => Err(self.expected("a mapping")),
        }
    }

    /// A pair of numbers `[lo, hi]` with lo < hi.
    pub fn as_range(&self) -> Result<[f64; 2], YamlError> {
        let items = self.as_seq()?;
        if items.len() != 2 {
            return Err(YamlError::at(
                self,
                YamlErrorKind::Invalid,
                format!("expected two numbers [low, high], found {}", items.len()),
            )
            .hint("write two numbers in brackets, e.g. [-2, 2]"));
        }
        let (lo, hi) = (items[0].as_f64()?, items[1].as_f64()?);
        if lo >= hi {
            return Err(
                YamlError::at(self, YamlErrorKind::Invalid, "the range is empty")
                    .hint("write the lower limit first, e.g. [-2, 2]"),
            );
        }
        Ok([lo, hi])
    }

    /// One name out of a closed set, with a did-you-mean hint.
    pub fn as_choice<'a>(&self, what: &str, names: &[&'a str]) -> Result<&'a str, YamlError> {
        let s = self.as_text()?;
        names.iter().copied().find(|n| *n == s).ok_or_else(|| {
            YamlError::at(
                self,
                YamlErrorKind::UnknownName,
                format!("unknown {what} `{s}`"),
            )
            .hint(did_you_mean(&s, names))
        })
    }
}

/// "2,000" or "1,500.5" without the commas, when the commas separate groups of three digits.
fn without_thousands_commas(s: &str) -> Option<String> {
    let (int, frac) = s.split_once('.').map_or((s, None), |(a, b)| (a, Some(b)));
    let mut groups = int.split(',');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let ok = !rest.is_empty()
        && digits(first.trim_start_matches('-'))
        && !first.trim_start_matches('-').starts_with('0')
        && first.trim_start_matches('-').len() <= 3
        && rest.iter().all(|g| g.len() == 3 && digits(g))
        && frac.is_none_or(digits);
    ok.then(|| s.replace(',', ""))
}

/// `{epochs: 2,000}`: in a flow mapping the comma ends the entry, so YAML reads `epochs: 2`
/// and a key `000`. Said plainly, since "unknown key `0`" hides the comma.
fn thousands_split(prev: &(Node, Node), key: &Node) -> Option<YamlError> {
    let (prev_key, prev_value) = prev;
    // Integers may come through as whole floats, depending on how the parser typed them.
    let whole_number = |v: &Value| match v {
        Value::Int(i) => Some(*i),
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => Some(*x as i64),
        Value::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    };
    let (Some(whole), Some(group)) = (whole_number(&prev_value.value), whole_number(&key.value))
    else {
        return None;
    };
    // The key follows the number and its comma directly, as in `2,000`.
    let adjacent = key.line == prev_value.line && key.col == prev_value.col + prev_value.len + 1;
    if !adjacent || group < 0 || whole <= 0 {
        return None;
    }
    let name = prev_key.describe();
    Some(
        YamlError::at(
            key,
            YamlErrorKind::Invalid,
            format!(
                "the comma after `{name}: {whole}` ends the entry: YAML has no thousands separator"
            ),
        )
        // The key's own digits are gone (`000` reads as 0): a thousands group has three.
        .hint(format!(
            "write the number without a comma, such as `{name}: {whole}{group:03}`"
        )),
    )
}

/// A mapping whose keys are checked against an allowed list.
pub struct Map<'a> {
    pub node: &'a Node,
    entries: &'a [(Node, Node)],
}

impl<'a> Map<'a> {
    /// Reject keys outside `allowed`, with a did-you-mean hint.
    pub fn check_keys(&self, allowed: &[&str]) -> Result<(), YamlError> {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            let name = k.describe();
            if !allowed.contains(&name.as_str()) {
                if let Some(e) = i
                    .checked_sub(1)
                    .and_then(|p| thousands_split(&self.entries[p], k))
                {
                    return Err(e);
                }
                return Err(YamlError::at(
                    k,
                    YamlErrorKind::UnknownKey,
                    format!("unknown key `{name}`"),
                )
                .hint(did_you_mean(&name, allowed)));
            }
        }
        Ok(())
    }

    /// The value of a key, if present.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
            .map(|(_, v)| v)
    }

    /// The value of a required key.
    pub fn require(&self, key: &str) -> Result<&'a Node, YamlError> {
        self.get(key).ok_or_else(|| {
            YamlError::at(
                self.node,
                YamlErrorKind::MissingKey,
                format!("missing key `{key}`"),
            )
        })
    }

    /// The keys in document order.
    pub fn keys(&self) -> impl Iterator<Item = &'a Node> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The entries in document order.
    pub fn entries(&self) -> &'a [(Node, Node)] {
        self.entries
    }

    /// Apply `f` to a key's value when the key is present.
    pub fn opt<T>(
        &self,
        key: &str,
        f: impl FnOnce(&'a Node) -> Result<T, YamlError>,
    ) -> Result<Option<T>, YamlError> {
        self.get(key).map(f).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thousands_comma_is_named() {
        let node = parse("train: {lr: 0.1, epochs: 2,000, batch: full}\n").unwrap();
        let train = node
            .as_map()
            .unwrap()
            .get("train")
            .unwrap()
            .as_map()
            .unwrap();
        let spots: Vec<(usize, usize, usize)> = train
            .entries()
            .iter()
            .flat_map(|(k, v)| [(k.line, k.col, k.len), (v.line, v.col, v.len)])
            .collect();
        let e = train.check_keys(&["lr", "epochs", "batch"]).unwrap_err();
        assert_eq!(
            e.message,
            "the comma after `epochs: 2` ends the entry: YAML has no thousands separator",
            "{spots:?} {:?}",
            train.entries()[2].0.value
        );
        assert_eq!((e.line, e.col), (1, 28));
        assert_eq!(
            e.hint.as_deref(),
            Some("write the number without a comma, such as `epochs: 2000`")
        );
        // With a space after the comma it is a key of its own, and unknown as such.
        let node = parse("{epochs: 2, 500: x}\n").unwrap();
        let e = node.as_map().unwrap().check_keys(&["epochs"]).unwrap_err();
        assert_eq!(e.message, "unknown key `500`");
        let block = parse("epochs: 12,500\n").unwrap();
        let e = block
            .as_map()
            .unwrap()
            .get("epochs")
            .unwrap()
            .as_usize(1, 100_000);
        assert_eq!(
            e.unwrap_err().hint.as_deref(),
            Some("YAML has no thousands separator; write `12500` without the comma")
        );
        // A decimal comma is not a thousands separator, and other unknown keys stay unknown.
        assert_eq!(without_thousands_commas("0,001"), None);
        assert_eq!(without_thousands_commas("1,50"), None);
        assert_eq!(
            without_thousands_commas("-1,500.25").as_deref(),
            Some("-1500.25")
        );
        let node = parse("{lr: 0,001}\n").unwrap();
        let e = node.as_map().unwrap().check_keys(&["lr"]).unwrap_err();
        assert_eq!(e.message, "unknown key `1`");
    }

    #[test]
    fn nodes_carry_positions() {
        let n = parse("id: a\nmodel:\n  - {dense: 3, activation: rleu}\n").unwrap();
        let m = n.as_map().unwrap();
        let model = m.require("model").unwrap().as_seq().unwrap();
        let layer = model[0].as_map().unwrap();
        let act = layer.require("activation").unwrap();
        assert_eq!(act.describe(), "rleu");
        assert_eq!((act.line, act.col), (3, 28));
        assert_eq!(act.len, 4);
        let err = act.as_choice("activation", &["relu", "tanh"]).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `relu`?"));
    }

    #[test]
    fn unknown_keys_and_syntax_errors_have_positions() {
        let n = parse("id: a\nmodle: []\n").unwrap();
        let err = n
            .as_map()
            .unwrap()
            .check_keys(&["id", "model"])
            .unwrap_err();
        assert_eq!(
            (err.line, err.col, err.kind),
            (2, 1, YamlErrorKind::UnknownKey)
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `model`?"));
        let err = parse("id: [a\n").unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::Syntax);
        assert!(err.line >= 1, "{err:?}");
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let n = parse("y: [1, 2]\nn: yes\nok: true\n").unwrap();
        let m = n.as_map().unwrap();
        assert!(m.get("y").is_some());
        assert_eq!(m.get("n").unwrap().value, Value::Str("yes".into()));
        assert_eq!(m.get("ok").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }
}
