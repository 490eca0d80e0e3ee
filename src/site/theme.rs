//! The theme: tera templates and static files. The default theme is embedded in the binary;
//! a book's own theme folder overrides templates and files by name (templates of the default
//! theme stay reachable as `nnbook/<name>`, so an override can extend them).

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Tera};

use crate::diag::{Diagnostic, Location, display_path};

/// Prefix under which the default templates are registered (tera's fallback prefix).
const DEFAULT_PREFIX: &str = "nnbook/";

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
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// Templates ready to render, and the static files to copy under `theme/`.
pub struct Theme {
    tera: Tera,
    /// Static files by name (relative to `theme/` in the site).
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// The default theme, overridden by `theme_dir` (relative to `root`) when given.
    pub fn load(root: &Path, theme_dir: Option<&Path>) -> Result<Theme, Diagnostic> {
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([DEFAULT_PREFIX])
            .map_err(|e| template_error(Path::new("themes/default"), &e))?;
        for (name, text) in DEFAULT_TEMPLATES {
            tera.add_raw_template(&format!("{DEFAULT_PREFIX}{name}"), text)
                .map_err(|e| template_error(Path::new("themes/default/templates"), &e))?;
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
            for (name, text, shown) in overrides {
                tera.add_raw_template(&name, &text)
                    .map_err(|e| template_error_in(&shown, Some(&text), &e))?;
            }
        }
        Ok(Theme { tera, statics })
    }

    /// Render a template by name (the book's override, else the default).
    pub fn render(&self, name: &str, ctx: &serde_json::Value) -> Result<String, Diagnostic> {
        let context =
            Context::from_serialize(ctx).map_err(|e| template_error(Path::new(name), &e))?;
        self.tera
            .render(name, &context)
            .map_err(|e| template_error(Path::new(name), &e))
    }
}

fn template_error(file: &Path, e: &tera::Error) -> Diagnostic {
    template_error_in(file, None, e)
}

/// Tera reports "error: …" followed by its own snippet with `--> name:line:col`; keep the
/// sentence, and point our diagnostic at the author's template file and position.
fn template_error_in(file: &Path, text: Option<&str>, e: &tera::Error) -> Diagnostic {
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
        Some((line, col))
    });
    let location = match position {
        Some((line, col)) => Location::at(file, line, col, 1),
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
