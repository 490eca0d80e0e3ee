//! Templates that cannot go silently empty. tera stops at an undefined variable it prints
//! (`{{ page.contnet }}`), but hands one to a filter (`{{ page.contnet | safe }}`) as an empty
//! value, and has no setting to make that strict. So nnbook reads the variable paths a template
//! prints, sets or loops over, and checks them against the context of every page it renders.
//!
//! Conditions (`{% if page.x %}`) may test a variable that is not there: that is what they are
//! for. So may `is defined` tests and the `default` filter.

use serde_json::Value;

/// A variable path a template reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The path from the context's root: field names, and `[]` for "each element of".
    pub path: Vec<String>,
    /// The path as written, e.g. `c.titel`.
    pub written: String,
    /// Byte offset in the template's source.
    pub offset: usize,
}

/// What a template reads, and the templates it extends or includes (names as written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub reads: Vec<Read>,
    pub uses: Vec<String>,
    /// Every name the template binds (`for`, `set`, a component's arguments): a template it
    /// includes or extends may read them too.
    pub binds: Vec<Binding>,
}

/// A read the context cannot satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing<'a> {
    pub read: &'a Read,
    /// The path up to and including the missing field, as written (`page.contnet`).
    pub name: String,
    /// The missing field.
    pub field: String,
    /// The fields that are there, sorted.
    pub fields: Vec<String>,
}

/// The first read in `reads` that `ctx` does not have. A read rooted at a name that a related
/// template binds (`bound`: the one that includes or extends it) stands for what that name
/// loops over, or is not checked when that is unknown.
pub fn check<'a>(reads: &'a [Read], ctx: &Value, bound: &[Binding]) -> Option<Missing<'a>> {
    reads.iter().find_map(|read| {
        let root = read.written.split('.').next().unwrap_or_default();
        let mut path = read.path.clone();
        let binds: Vec<&Binding> = bound.iter().filter(|b| b.name == root).collect();
        if path.first().is_some_and(|p| p == root) && !binds.is_empty() {
            match binds[0].over.as_ref() {
                // A context name rebound elsewhere: which one this read sees is tera's call.
                _ if ctx.get(root).is_some() => return None,
                Some(over) if binds.iter().all(|b| b.over.as_ref() == Some(over)) => {
                    path = over.iter().chain(&read.path[1..]).cloned().collect();
                }
                _ => return None,
            }
        }
        let (depth, fields) = missing(ctx, &path, 0)?;
        // Loop variables stand for a longer path: count back from the end of the written one.
        let written: Vec<&str> = read.written.split('.').collect();
        let from_end = path.len() - depth;
        let shown = written.len().saturating_sub(from_end) + 1;
        let mut fields = fields;
        fields.sort();
        Some(Missing {
            read,
            name: written[..shown.clamp(1, written.len())].join("."),
            field: path[depth].clone(),
            fields,
        })
    })
}

/// Where `path` leaves `v`: the index of the missing segment and the fields there.
fn missing(v: &Value, path: &[String], depth: usize) -> Option<(usize, Vec<String>)> {
    let (first, rest) = path.split_first()?;
    match v {
        Value::Array(items) if first == "[]" => {
            items.iter().find_map(|x| missing(x, rest, depth + 1))
        }
        Value::Array(items) => first
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .and_then(|x| missing(x, rest, depth + 1)),
        Value::Object(map) => match map.get(first.as_str()) {
            Some(x) => missing(x, rest, depth + 1),
            None => Some((depth, map.keys().cloned().collect())),
        },
        // Null is guarded by an `if` where it matters; what a string iterates over is tera's.
        Value::Null => None,
        _ if first == "[]" => None,
        _ => Some((depth, Vec::new())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(&'a str),
    Dot,
    OptDot,
    Pipe,
    LParen,
    LBracket,
    /// A lone `=` (a keyword argument or `set`), not `==`.
    Assign,
    Comma,
    Other,
}

/// Split a tag's inside into tokens with their byte offsets (relative to `base`).
fn tokens(s: &str, base: usize) -> Vec<(Tok<'_>, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            b'"' | b'\'' | b'`' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                out.push((Tok::Str(&s[start + 1..end]), base + start));
                i = end + 1;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Ident(&s[start..i]), base + start));
                continue;
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
                out.push((Tok::Other, base + start));
                continue;
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'?' if b.get(i + 1) == Some(&b'.') => {
                i += 1;
                Tok::OptDot
            }
            b'.' => Tok::Dot,
            b'|' if b.get(i + 1) == Some(&b'|') => {
                i += 1;
                Tok::Other
            }
            b'|' => Tok::Pipe,
            b'(' => Tok::LParen,
            b'[' => Tok::LBracket,
            b',' => Tok::Comma,
            b'=' | b'!' | b'<' | b'>' if b.get(i + 1) == Some(&b'=') => {
                i += 1;
                Tok::Other
            }
            b'=' => Tok::Assign,
            _ => Tok::Other,
        };
        i += 1;
        out.push((tok, base + start));
    }
    out
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None",
];

/// A name bound by a template: a loop variable over a known path, or a name (`set`, a
/// component's argument, a loop over something else) whose value is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub name: String,
    /// The path each value comes from (ending in `[]`), when known.
    pub over: Option<Vec<String>>,
}

/// An open `for` (the names it binds) or `if` (the paths its current branch tests: reads
/// under them are guarded).
#[derive(Debug, Clone)]
enum Block {
    For(Vec<Binding>),
    If(Vec<Vec<String>>),
}

/// A path found in an expression.
struct Found {
    path: Vec<String>,
    offset: usize,
    /// In an inline condition (`a if cond else b`).
    condition: bool,
    /// Tested (`is defined`), defaulted (`| default(…)`), a call or a keyword argument's name.
    exempt: bool,
}

struct Scanner {
    reads: Vec<Read>,
    uses: Vec<String>,
    /// Open blocks, innermost last.
    blocks: Vec<Block>,
    /// Names set or received as arguments: not checked from there on.
    local: Vec<String>,
    /// Every binding, for [`Scan::binds`].
    binds: Vec<Binding>,
}

/// Read a template's source.
pub fn scan(src: &str) -> Scan {
    let mut s = Scanner {
        reads: Vec::new(),
        uses: Vec::new(),
        blocks: Vec::new(),
        local: Vec::new(),
        binds: Vec::new(),
    };
    let mut i = 0;
    while let Some(rel) = src[i..].find('{') {
        let open = i + rel;
        let kind = src.as_bytes().get(open + 1).copied();
        let close = match kind {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                i = open + 1;
                continue;
            }
        };
        let Some(end) = tag_end(src, open + 2, close) else {
            break;
        };
        let mut inner = open + 2;
        if src.as_bytes().get(inner) == Some(&b'-') {
            inner += 1;
        }
        let mut inner_end = end;
        if inner_end > inner && src.as_bytes()[inner_end - 1] == b'-' {
            inner_end -= 1;
        }
        let body = &src[inner..inner_end];
        i = end + 2;
        match kind {
            Some(b'{') => s.expression(&tokens(body, inner)),
            Some(b'%') => {
                let toks = tokens(body, inner);
                if matches!(toks.first(), Some((Tok::Ident("raw"), _))) {
                    // Nothing inside a raw block is a tag.
                    i = src[i..]
                        .find("endraw")
                        .and_then(|e| tag_end(src, i + e, "%}"))
                        .map_or(src.len(), |e| e + 2);
                } else {
                    s.statement(&toks);
                }
            }
            _ => {}
        }
    }
    let mut binds = s.binds;
    binds.extend(s.local.into_iter().map(|name| Binding { name, over: None }));
    Scan {
        reads: s.reads,
        uses: s.uses,
        binds,
    }
}

/// The offset of `close` after `from`, skipping string literals (which may hold it).
fn tag_end(src: &str, from: usize, close: &str) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match quote {
            Some(_) if b[i] == b'\\' => i += 1,
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if close != "#}" && matches!(b[i], b'"' | b'\'' | b'`') => quote = Some(b[i]),
            None if b[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

impl Scanner {
    fn statement(&mut self, toks: &[(Tok<'_>, usize)]) {
        let Some((Tok::Ident(word), _)) = toks.first() else {
            return;
        };
        match *word {
            "for" => {
                let at_in = toks
                    .iter()
                    .position(|(t, _)| *t == Tok::Ident("in"))
                    .unwrap_or(toks.len());
                let names: Vec<&str> = toks[1..at_in]
                    .iter()
                    .filter_map(|(t, _)| match t {
                        Tok::Ident(n) => Some(*n),
                        _ => None,
                    })
                    .collect();
                let iterable = toks.get(at_in + 1..).unwrap_or_default();
                // `for x in path` binds x to each element of path; anything else, unchecked.
                let over = match (names.as_slice(), self.path_at(iterable, 0)) {
                    ([_], Some((path, used))) if used == iterable.len() => {
                        self.resolve(&path).map(|mut p| {
                            p.push("[]".into());
                            p
                        })
                    }
                    _ => None,
                };
                self.expression(iterable);
                let bound: Vec<Binding> = names
                    .iter()
                    .map(|n| Binding {
                        name: n.to_string(),
                        over: over.clone(),
                    })
                    .collect();
                self.binds.extend(bound.iter().cloned());
                self.blocks.push(Block::For(bound));
            }
            "endfor" => self.close(|b| matches!(b, Block::For(_))),
            // A branch may read what its condition tests; an `else` branch may not.
            "if" => {
                let tested = self.tested(&toks[1..]);
                self.blocks.push(Block::If(tested));
            }
            "elif" => {
                let tested = self.tested(&toks[1..]);
                if let Some(Block::If(paths)) = self.blocks.last_mut() {
                    *paths = tested;
                }
            }
            "else" => {
                if let Some(Block::If(paths)) = self.blocks.last_mut() {
                    paths.clear();
                }
            }
            "endif" => self.close(|b| matches!(b, Block::If(_))),
            "set" | "set_global" => {
                if let Some((Tok::Ident(name), _)) = toks.get(1) {
                    let from = toks
                        .iter()
                        .position(|(t, _)| *t == Tok::Assign)
                        .map_or(toks.len(), |p| p + 1);
                    self.expression(&toks[from..]);
                    self.local.push(name.to_string());
                }
            }
            "include" | "extends" => {
                if let Some((Tok::Str(name), _)) = toks.get(1) {
                    self.uses.push(name.to_string());
                }
            }
            // A component's arguments are its own names.
            "component" | "macro" => {
                for (t, _) in &toks[1..] {
                    if let Tok::Ident(n) = t {
                        self.local.push(n.to_string());
                    }
                }
            }
            _ => {}
        }
    }

    /// Close the innermost block `is` matches (and any left open inside it).
    fn close(&mut self, is: impl Fn(&Block) -> bool) {
        if let Some(k) = self.blocks.iter().rposition(is) {
            self.blocks.truncate(k);
        }
    }

    /// The paths a condition tests, from the context's root.
    fn tested(&self, toks: &[(Tok<'_>, usize)]) -> Vec<Vec<String>> {
        self.found(toks)
            .into_iter()
            .filter_map(|f| self.resolve(&f.path))
            .collect()
    }

    /// Record every variable path an expression reads, except those its own inline condition
    /// or an enclosing `if` tests.
    fn expression(&mut self, toks: &[(Tok<'_>, usize)]) {
        let found = self.found(toks);
        let mut guards: Vec<Vec<String>> = found
            .iter()
            .filter(|f| f.condition)
            .filter_map(|f| self.resolve(&f.path))
            .collect();
        for b in &self.blocks {
            if let Block::If(paths) = b {
                guards.extend(paths.iter().cloned());
            }
        }
        for f in found {
            if f.condition || f.exempt {
                continue;
            }
            let Some(full) = self.resolve(&f.path) else {
                continue;
            };
            if guards.iter().any(|g| full.starts_with(g)) {
                continue;
            }
            self.reads.push(Read {
                path: full,
                written: f.path.join("."),
                offset: f.offset,
            });
        }
    }

    /// Every variable path in an expression, as written.
    fn found(&self, toks: &[(Tok<'_>, usize)]) -> Vec<Found> {
        let mut out = Vec::new();
        let mut j = 0;
        let mut condition = false;
        while j < toks.len() {
            let prev = j.checked_sub(1).map(|p| &toks[p].0);
            match &toks[j].0 {
                Tok::Ident("if") => condition = true,
                Tok::Ident("else") => condition = false,
                Tok::Ident(name)
                    if !KEYWORDS.contains(name)
                        && !matches!(
                            prev,
                            Some(Tok::Dot | Tok::OptDot | Tok::Pipe | Tok::Ident("is"))
                        ) =>
                {
                    if let Some((path, used)) = self.path_at(toks, j) {
                        let next = toks.get(j + used).map(|(t, _)| t);
                        let after = toks.get(j + used + 1).map(|(t, _)| t);
                        let call = matches!(next, Some(Tok::LParen | Tok::Assign));
                        let tested = matches!(next, Some(Tok::Ident("is")));
                        let defaulted =
                            next == Some(&Tok::Pipe) && after == Some(&Tok::Ident("default"));
                        out.push(Found {
                            path,
                            offset: toks[j].1,
                            condition,
                            exempt: call || tested || defaulted,
                        });
                        j += used;
                        continue;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        out
    }

    /// The dotted path starting at token `j`, and how many tokens it spans. It stops before
    /// `?.` (optional from there) and `[` (an index is checked by tera).
    fn path_at(&self, toks: &[(Tok<'_>, usize)], j: usize) -> Option<(Vec<String>, usize)> {
        let Some((Tok::Ident(first), _)) = toks.get(j) else {
            return None;
        };
        let mut path = vec![first.to_string()];
        let mut k = j + 1;
        while let (Some((Tok::Dot, _)), Some((Tok::Ident(n), _))) = (toks.get(k), toks.get(k + 1)) {
            path.push(n.to_string());
            k += 2;
        }
        // A number after a dot is an index into an array.
        while let (Some((Tok::Dot, _)), Some((Tok::Other, _))) = (toks.get(k), toks.get(k + 1)) {
            k += 2;
        }
        Some((path, k - j))
    }

    /// The path from the context's root, or None when the root is the template's own name.
    fn resolve(&self, path: &[String]) -> Option<Vec<String>> {
        let root = path.first()?;
        if root == "loop" || root.starts_with("__") || self.local.contains(root) {
            return None;
        }
        for block in self.blocks.iter().rev() {
            if let Block::For(names) = block
                && let Some(b) = names.iter().find(|b| &b.name == root)
            {
                let mut full = b.over.clone()?;
                full.extend(path[1..].iter().cloned());
                return Some(full);
            }
        }
        Some(path.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Value {
        json!({
            "root": "",
            "book": {"title": "B", "authors": []},
            "chapters": [{"title": "A", "path": "a.html"}, {"title": "B", "path": "b.html"}],
            "page": {"title": "T", "content": "<p>x</p>", "prev": null,
                     "toc": [{"id": "a", "title": "A"}]},
        })
    }

    fn first_missing(src: &str) -> Option<(String, String, usize)> {
        let scan = scan(src);
        check(&scan.reads, &ctx(), &[]).map(|m| (m.name, m.field, m.read.offset))
    }

    #[test]
    fn undefined_reads_are_found_with_or_without_filters() {
        for src in [
            "{{ page.contnet }}",
            "{{ page.contnet | safe }}",
            "{{- page.contnet | upper | safe -}}",
            "{% set body = page.contnet | safe %}{{ body }}",
            "{{ page.contnet ~ 'x' }}",
        ] {
            let (name, field, _) = first_missing(src).expect(src);
            assert_eq!(
                (name.as_str(), field.as_str()),
                ("page.contnet", "contnet"),
                "{src}"
            );
        }
        let src = "<p>\n{{ book.title }} {{ pgae.title | safe }}";
        assert_eq!(
            first_missing(src),
            Some(("pgae".into(), "pgae".into(), src.find("pgae").unwrap()))
        );
        // Loop variables stand for each element.
        let src = "{% for c in chapters %}{{ c.titel | safe }}{% endfor %}";
        assert_eq!(
            first_missing(src),
            Some((
                "c.titel".into(),
                "titel".into(),
                src.find("c.titel").unwrap()
            ))
        );
        assert_eq!(
            first_missing("{% for t in page.toc %}{{ t.ttile | upper }}{% endfor %}").map(|m| m.0),
            Some("t.ttile".into())
        );
        assert_eq!(
            first_missing("{{ page.title.length | safe }}").map(|m| m.0),
            Some("page.title.length".into())
        );
    }

    #[test]
    fn defined_optional_and_local_reads_pass() {
        for src in [
            "{{ page.content | safe }} {{ book.authors | join(sep=\", \") }}",
            "{% if page.subtitle %}x{% endif %}{% if c.description %}{% endif %}",
            "{% if page.subtitle is defined %}{{ page.subtitle }}{% endif %}",
            "{{ page.subtitle | default(value=\"\") }} {{ page?.x }} {{ page.prev.title }}",
            "{% for c in chapters %}{{ c.title }} {{ loop.index }}{% endfor %}",
            "{% set x = 1 %}{{ x.y | safe }} {{ 'page.nope' }} {# {{ page.nope }} #}",
            "{% raw %}{{ page.nope }}{% endraw %}{{ root }}",
            "{{ \"a\" if page.nope else \"b\" }} {{ super() }} {{ range(end=3) | length }}",
            "{% component Card(item) %}{{ item.x }}{% endcomponent Card %}",
            "{% for k, v in page %}{{ v.anything }}{% endfor %}",
            "{% for c in chapters %}{% if c.description %}{{ c.description }}{% endif %}{% endfor %}",
            "{% if page.a %}{% elif page.b %}{{ page.b | safe }}{% endif %}",
            "{{ page.subtitle if page.subtitle else page.title }}",
            "{{ chapters.0.title }} {{ page.toc[0].title }}",
        ] {
            assert_eq!(first_missing(src), None, "{src}");
        }
    }

    #[test]
    fn only_the_guarded_branch_may_read_what_its_condition_tests() {
        for src in [
            "{% if page.subtitle %}{% else %}{{ page.subtitle | safe }}{% endif %}",
            "{% if page.a %}{{ page.a }}{% elif page.b %}{{ page.a | safe }}{% endif %}",
            "{% if page.subtitle %}{% endif %}{{ page.subtitle | safe }}",
            "{% for c in chapters %}{% if c.x %}{% endif %}{{ c.x }}{% endfor %}",
        ] {
            assert!(first_missing(src).is_some(), "{src}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Any text, tag-like or not, scans and checks without a panic.
        #[test]
        fn any_template_text_scans(src in "[{}%#\"'`|.?a-z_ =!()\\[\\]0-9é\\\\-]{0,80}") {
            let s = scan(&src);
            let _ = check(&s.reads, &ctx(), &s.binds);
            for r in &s.reads {
                proptest::prop_assert!(src.is_char_boundary(r.offset) && r.offset < src.len());
            }
        }
    }

    #[test]
    fn extends_includes_and_bound_names_are_listed() {
        let s = scan(
            "{% extends \"nnbook/chapter.html\" %}{% set item = 1 %}{% for c in chapters %}{% include 'nav.html' %}{% endfor %}",
        );
        assert_eq!(s.uses, ["nnbook/chapter.html", "nav.html"]);
        let names: Vec<&str> = s.binds.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["c", "item"]);
        // An included template may read what its includer binds (a loop variable stands for
        // each element), not what nobody does.
        let nav = scan("{{ item.title | safe }} {{ c.path }} {{ other.x | safe }}");
        assert_eq!(check(&nav.reads, &ctx(), &s.binds).unwrap().name, "other");
        let nav = scan("{{ item.title | safe }} {{ c.titel | safe }}");
        let m = check(&nav.reads, &ctx(), &s.binds).unwrap();
        assert_eq!(
            (m.name.as_str(), m.fields.join(",")),
            ("c.titel", "path,title".into())
        );
        // A parent's `page` is not a child's loop variable of the same name.
        let child = scan("{% for page in chapters %}{{ page.path }}{% endfor %}");
        let parent = scan("{{ page.content | safe }}");
        assert_eq!(check(&parent.reads, &ctx(), &child.binds), None);
    }
}
