//! The theme: tera templates and static files. The default theme is embedded in the binary;
//! a book's own theme folder overrides templates and files by name (templates of the default
//! theme stay reachable as `nnbook/<name>`, so an override can extend them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use super::strict;
use crate::diag::{Diagnostic, Location, display_path, suggest};

/// Prefix under which the default templates are registered (tera's fallback prefix).
const DEFAULT_PREFIX: &str = "nnbook/";

/// In an order where each template comes after those it includes or extends (tera checks
/// them as each is added).
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "chapter.html",
        include_str!("../../themes/default/templates/chapter.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "figure-source.html",
        include_str!("../../themes/default/templates/figure-source.html"),
    ),
    (
        "figure.html",
        include_str!("../../themes/default/templates/figure.html"),
    ),
    (
        "animation.html",
        include_str!("../../themes/default/templates/animation.html"),
    ),
    (
        "table.html",
        include_str!("../../themes/default/templates/table.html"),
    ),
    (
        "notice.html",
        include_str!("../../themes/default/templates/notice.html"),
    ),
    (
        "live.html",
        include_str!("../../themes/default/templates/live.html"),
    ),
];

const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "book.js",
        include_bytes!("../../themes/default/static/book.js"),
    ),
    (
        "live.js",
        include_bytes!("../../themes/default/static/live.js"),
    ),
    (
        "live-worker.js",
        include_bytes!("../../themes/default/static/live-worker.js"),
    ),
    (
        "live-wasi.js",
        include_bytes!("../../themes/default/static/live-wasi.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    // STIX Two Math (SIL OFL 1.1, the licence beside it), subset to Latin, Greek, symbols,
    // operators, arrows, delimiters and math alphanumerics, its MATH table kept, so formulas
    // look alike on every system and stretchy delimiters stretch.
    (
        "fonts/STIXTwoMath-Regular.woff2",
        include_bytes!("../../themes/default/static/fonts/STIXTwoMath-Regular.woff2"),
    ),
    (
        "fonts/STIXTwoMath-OFL.txt",
        include_bytes!("../../themes/default/static/fonts/STIXTwoMath-OFL.txt"),
    ),
];

/// Templates ready to render, and the static files to copy under `theme/`.
pub struct Theme {
    tera: Tera,
    /// Static files by name (relative to `theme/` in the site).
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Every template by its tera name, for the strict check and for error positions.
    sources: BTreeMap<String, Source>,
}

/// A template's file as the author knows it, its text, and what it reads.
struct Source {
    shown: PathBuf,
    text: String,
    scan: strict::Scan,
}

impl Source {
    fn new(shown: PathBuf, text: &str) -> Source {
        Source {
            shown,
            text: text.to_string(),
            scan: strict::scan(text),
        }
    }
}

impl Theme {
    /// The default theme, overridden by `theme_dir` (relative to `root`) when given.
    pub fn load(root: &Path, theme_dir: Option<&Path>) -> Result<Theme, Diagnostic> {
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([DEFAULT_PREFIX])
            .map_err(|e| template_error(Path::new("themes/default"), &e))?;
        let mut sources = BTreeMap::new();
        for (name, text) in DEFAULT_TEMPLATES {
            tera.add_raw_template(&format!("{DEFAULT_PREFIX}{name}"), text)
                .map_err(|e| template_error(Path::new("themes/default/templates"), &e))?;
            let shown = Path::new("themes/default/templates").join(name);
            sources.insert(format!("{DEFAULT_PREFIX}{name}"), Source::new(shown, text));
        }
        let mut statics: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        if let Some(dir) = theme_dir {
            let abs = root.join(dir);
            if !abs.is_dir() {
                return Err(Diagnostic::error(
                    "E040",
                    format!("theme folder {} does not exist", display_path(dir)),
                )
                .at(Location::file("book.yaml"))
                .hint("`theme:` names a folder with templates/ and static/ inside the book"));
            }
            let mut overrides = Vec::new();
            for (sub, is_template) in [("templates", true), ("static", false)] {
                for entry in walkdir::WalkDir::new(abs.join(sub))
                    .sort_by_file_name()
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                {
                    let rel = entry
                        .path()
                        .strip_prefix(abs.join(sub))
                        .map(display_path)
                        .unwrap_or_default();
                    let shown = dir.join(sub).join(&rel);
                    let bytes = std::fs::read(entry.path()).map_err(|e| {
                        Diagnostic::error(
                            "E040",
                            format!("cannot read {}: {e}", display_path(&shown)),
                        )
                        .at(Location::file(&shown))
                    })?;
                    if is_template {
                        let text = String::from_utf8(bytes).map_err(|_| {
                            Diagnostic::error("E040", "template is not UTF-8")
                                .at(Location::file(&shown))
                                .hint("templates are tera text files; save it as UTF-8")
                        })?;
                        overrides.push((rel, text, shown));
                    } else {
                        statics.insert(rel, bytes);
                    }
                }
            }
            // All at once, so a template may include or extend one whose name sorts later.
            tera.add_raw_templates(overrides.iter().map(|(name, text, _)| (name, text)))
                .map_err(|e| {
                    let (_, position) = report(&e);
                    let named = position
                        .and_then(|(n, _, _)| overrides.iter().find(|(name, _, _)| *name == n));
                    match named {
                        Some((_, text, shown)) => template_error_in(shown, Some(text), &e),
                        None => template_error(&dir.join("templates"), &e),
                    }
                })?;
            for (name, text, shown) in overrides {
                sources.insert(name, Source::new(shown, &text));
            }
        }
        Ok(Theme {
            tera,
            statics,
            sources,
        })
    }

    /// Render a template by name (the book's override, else the default).
    pub fn render(&self, name: &str, ctx: &serde_json::Value) -> Result<String, Diagnostic> {
        self.check(name, ctx)?;
        let context =
            Context::from_serialize(ctx).map_err(|e| template_error(Path::new(name), &e))?;
        self.tera.render(name, &context).map_err(|e| {
            // Point at the template tera names (a parent, an include), as the author has it.
            let (_, position) = report(&e);
            match position.and_then(|(n, _, _)| self.source(&n)) {
                Some(src) => template_error_in(&src.shown, Some(&src.text), &e),
                None => template_error(Path::new(name), &e),
            }
        })
    }

    /// The template tera finds for `name`: the book's, else the default one.
    fn source(&self, name: &str) -> Option<&Source> {
        self.sources
            .get(name)
            .or_else(|| self.sources.get(&format!("{DEFAULT_PREFIX}{name}")))
    }

    /// Every variable the template (and what it extends or includes) reads must be in `ctx`:
    /// tera alone would let an undefined one through a filter as an empty value.
    fn check(&self, name: &str, ctx: &serde_json::Value) -> Result<(), Diagnostic> {
        let mut chain: Vec<&Source> = Vec::new();
        let mut todo = vec![name.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(next) = todo.pop() {
            let Some(src) = self.source(&next) else {
                continue;
            };
            if seen.insert(src.shown.clone()) {
                chain.push(src);
                todo.extend(src.scan.uses.iter().rev().cloned());
            }
        }
        // A name one template binds may be read by another it includes or extends.
        let bound: Vec<strict::Binding> = chain
            .iter()
            .flat_map(|s| s.scan.binds.iter().cloned())
            .collect();
        for src in chain {
            if let Some(m) = strict::check(&src.scan.reads, ctx, &bound) {
                return Err(undefined_error(src, &m));
            }
        }
        Ok(())
    }
}

/// An undefined variable in a template, at its place in the author's file.
fn undefined_error(src: &Source, m: &strict::Missing) -> Diagnostic {
    let (line, col) = crate::content::line_col(&src.text, m.read.offset);
    let parent = m.name.rsplit_once('.').map(|(p, _)| p);
    let there = match (parent, m.fields.is_empty()) {
        (Some(p), true) => format!("`{p}` has no fields"),
        (Some(p), false) => format!("the fields of `{p}` are {}", m.fields.join(", ")),
        (None, _) => format!("the variables are {}", m.fields.join(", ")),
    };
    let close = suggest(&m.field, m.fields.iter().map(String::as_str));
    let mut hint = match (close, parent) {
        (Some(s), Some(p)) => format!("did you mean `{p}.{s}`? "),
        (Some(s), None) => format!("did you mean `{s}`? "),
        (None, _) => String::new(),
    };
    hint.push_str("A value that may be missing needs `| default(value=…)` or an `is defined` test");
    Diagnostic::error(
        "E040",
        format!("template error: `{}` is not defined ({there})", m.name),
    )
    .at(Location::at(
        &src.shown,
        line,
        col,
        m.read.written.chars().count(),
    ))
    .hint(hint)
    .with_source(&src.text)
}

fn template_error(file: &Path, e: &tera::Error) -> Diagnostic {
    template_error_in(file, None, e)
}

/// tera's report as one text: its sentence, and the template name, line and column of its
/// `--> name:line:col` line.
fn report(e: &tera::Error) -> (String, Option<(String, usize, usize)>) {
    let mut report = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        report.push('\n');
        report.push_str(&s.to_string());
        source = s.source();
    }
    let message = report
        .lines()
        .map(|l| l.trim().trim_start_matches("error:").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("invalid template")
        .to_string();
    let position = report.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("-->")?;
        let mut parts = rest.trim().rsplitn(3, ':');
        let col = parts.next()?.parse::<usize>().ok()?;
        let line = parts.next()?.parse::<usize>().ok()?;
        let name = parts.next()?.to_string();
        Some((name, line, col))
    });
    (message, position)
}

/// Tera reports "error: …" followed by its own snippet with `--> name:line:col`; keep the
/// sentence, and point our diagnostic at the author's template file and position.
fn template_error_in(file: &Path, text: Option<&str>, e: &tera::Error) -> Diagnostic {
    let (message, position) = report(e);
    let location = match position {
        Some((_, line, col)) => Location::at(file, line, col, 1),
        None => Location::file(file),
    };
    let d = Diagnostic::error("E040", format!("template error: {message}"))
        .at(location)
        .hint("check the template's tags; the default templates are reachable as `nnbook/<name>`");
    match text {
        Some(t) => d.with_source(t),
        None => d,
    }
}
