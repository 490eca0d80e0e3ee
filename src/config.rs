//! `book.yaml`: the book's configuration, typed and validated. Unknown keys are errors with a
//! did-you-mean hint, like Zola's `deny_unknown_fields`.

use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Location};
use crate::yaml::{self, Node, YamlError, YamlErrorKind};

/// The configuration file's name, at the book root.
pub const FILE: &str = "book.yaml";

pub use crate::figures::style::Palette;

/// The keys book.yaml accepts (public so the guide can be checked against them).
pub const KEYS: &[&str] = &[
    "title",
    "authors",
    "description",
    "language",
    "site_url",
    "chapters",
    "theme",
    "output",
    "datasets",
    "download",
    "cache",
    "snapshots",
    "limits",
    "palette",
    "bibliography",
    "csl",
    "references",
];
pub const LIMIT_KEYS: &[&str] = &["work", "memory_mb"];

/// Upper bounds on one experiment, checked before it trains (book.yaml `limits:`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Parameters × training samples × epochs.
    pub work: f64,
    /// Estimated memory for data, weights, optimizer state and activations, in MiB.
    pub memory_mb: f64,
}

impl Default for Limits {
    /// Ten times the sample book's largest experiment (MNIST, 795,010 parameters × 60,000
    /// images × 5 epochs ≈ 2.4e11), and 2 GiB.
    fn default() -> Self {
        Limits {
            work: 3e12,
            memory_mb: 2048.0,
        }
    }
}

/// The book's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub authors: Vec<String>,
    pub description: String,
    pub language: String,
    /// Absolute URL of the published book (for sitemap.xml), always ending in `/`.
    pub site_url: Option<String>,
    /// Explicit chapter order (paths relative to `content/`), or None for `content/*.md` by name.
    pub chapters: Option<Vec<ChapterEntry>>,
    /// A folder of the book's own templates and static files, overriding the default theme.
    pub theme: Option<PathBuf>,
    /// Output folder, relative to the root (default `site`).
    pub output: PathBuf,
    /// Where book.yaml sets `output:` (None: the default), so a refusal points at the value.
    pub output_at: Option<Location>,
    /// Folder holding datasets such as MNIST and the book's CSV files, relative to the root.
    pub datasets: Option<PathBuf>,
    /// Missing external datasets (MNIST) may be downloaded into the cache (as `--download`).
    pub download: bool,
    /// The colours figures are drawn with: colour-blind safe (default) or the articles' own.
    pub palette: Palette,
    /// Folder of the experiment cache, relative to the root (default `.nnbook-cache`).
    pub cache: PathBuf,
    /// Folder of the figure and table snapshots `nnbook test` compares (default `snapshots`).
    pub snapshots: PathBuf,
    /// Bounds on each experiment's cost.
    pub limits: Limits,
    /// The BibTeX/BibLaTeX file prose cites from (`[@key]`), with where book.yaml names it.
    pub bibliography: Option<(PathBuf, Location)>,
    /// The book's own CSL style file (default: the bundled APA style).
    pub csl: Option<(PathBuf, Location)>,
    /// Where reference lists go: the end of each chapter, or the end of the book.
    pub references: References,
}

/// Where the reference list stands (book.yaml `references:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum References {
    /// At the end of each chapter, listing what that chapter cites.
    #[default]
    Chapter,
    /// Once, at the end of the last chapter, listing everything the book cites.
    Book,
}

impl References {
    pub const NAMES: [&str; 2] = ["chapter", "book"];
}

/// A chapter named in `book.yaml`, with where it was named (for "not found" errors).
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterEntry {
    pub path: String,
    pub location: Location,
}

impl Config {
    /// Read and validate `root/book.yaml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(FILE);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_CONFIG_BYTES) {
            return Err(Diagnostic::error(
                "E001",
                format!("{FILE} is larger than {} KiB", MAX_CONFIG_BYTES >> 10),
            )
            .at(Location::file(FILE))
            .hint("book.yaml holds settings only; chapters go in content/"));
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error("E001", format!("cannot read {FILE}: {e}"))
                .at(Location::file(FILE))
                .hint("run `nnbook init` to create a book, or pass --root DIR")
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::error("E001", format!("{FILE} is not UTF-8 text"))
                .at(Location::file(FILE))
                .hint("book.yaml is a YAML text file; save it as UTF-8")
        })?;
        Config::parse(&text)
    }

    /// Parse the text of a `book.yaml`.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let file = Path::new(FILE);
        let to_diag = |e: YamlError| {
            let code = match e.kind {
                YamlErrorKind::Syntax => "E001",
                YamlErrorKind::UnknownKey => "E002",
                _ if e.message.ends_with(OUTSIDE) => "E009",
                _ => "E003",
            };
            e.into_diagnostic(code, file, 1, text)
        };
        let root = yaml::parse(text).map_err(to_diag)?;
        from_node(&root, file).map_err(to_diag)
    }
}

/// book.yaml is read whole; a settings file is never this large.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The end of the message of a path that leaves the book (mapped to E009).
const OUTSIDE: &str = "leaves the book";

/// A path named in book.yaml, checked lexically: relative and never climbing out of the book.
/// Symlinks are checked when the path is used ([`inside_root`]).
fn book_path(n: &Node, under: &Path) -> Result<PathBuf, YamlError> {
    let text = n.as_text()?;
    let path = PathBuf::from(&text);
    let mut depth = under.components().count() as isize;
    let mut escapes = path.is_absolute();
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => escapes = true,
        }
        escapes |= depth < 0;
    }
    if escapes {
        return Err(YamlError::at(
            n,
            YamlErrorKind::Invalid,
            format!("the path `{text}` {OUTSIDE}"),
        )
        .hint(
            "paths in book.yaml are relative to the book's folder and stay inside it; \
             for datasets elsewhere, set NNBOOK_DATA_DIR",
        ));
    }
    Ok(path)
}

/// Resolve `rel` under `root`, symlinks included, and check the result stays inside the root.
/// A path that does not exist yet is checked through its nearest existing ancestor.
pub fn inside_root(root: &Path, rel: &Path) -> Result<PathBuf, Diagnostic> {
    let outside = |what: String| {
        Diagnostic::error("E009", what).hint(
            "a book may only read and write inside its own folder; \
             replace the symlink by the file itself, or set NNBOOK_DATA_DIR for datasets",
        )
    };
    let croot = root.canonicalize().map_err(|e| {
        Diagnostic::error("E001", format!("cannot resolve the book folder: {e}"))
            .hint("pass an existing folder with --root")
    })?;
    let full = root.join(rel);
    let mut probe = full.as_path();
    let mut rest = Vec::new();
    let resolved = loop {
        match probe.canonicalize() {
            Ok(p) => break p,
            Err(_) => match (probe.parent(), probe.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    probe = parent;
                }
                _ => return Err(outside(format!("cannot resolve `{}`", rel.display()))),
            },
        }
    };
    let resolved = rest.iter().rev().fold(resolved, |p, n| p.join(n));
    if resolved.starts_with(&croot) {
        Ok(resolved)
    } else {
        Err(outside(format!(
            "`{}` {OUTSIDE} (it resolves to a place outside the book's folder)",
            crate::diag::display_path(rel)
        )))
    }
}

fn from_node(root: &Node, file: &Path) -> Result<Config, YamlError> {
    let map = root
        .as_map()
        .map_err(|e| e.hint("book.yaml is a mapping of keys such as `title:` and `chapters:`"))?;
    map.check_keys(KEYS)?;
    let title = map.require("title")?.as_text()?;
    if title.trim().is_empty() {
        return Err(YamlError::at(
            map.require("title")?,
            YamlErrorKind::Invalid,
            "the title is empty",
        ));
    }
    let authors = match map.get("authors") {
        None => Vec::new(),
        Some(n) if n.as_seq().is_ok() => n
            .as_seq()?
            .iter()
            .map(Node::as_text)
            .collect::<Result<_, _>>()?,
        Some(n) => vec![n.as_text()?],
    };
    let description = map.opt("description", Node::as_text)?.unwrap_or_default();
    let language = map
        .opt("language", Node::as_text)?
        .unwrap_or_else(|| "en".into());
    let site_url = map.opt("site_url", |n| {
        let url = n.as_text()?;
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(YamlError::at(
                n,
                YamlErrorKind::Invalid,
                "site_url must be an absolute URL",
            )
            .hint("for GitHub Pages: https://USER.github.io/REPO/"));
        }
        Ok(if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        })
    })?;
    let chapters = map.opt("chapters", |n| {
        let mut out: Vec<ChapterEntry> = Vec::new();
        for item in n.as_seq()? {
            let path = item.as_text()?;
            book_path(item, Path::new("content"))?;
            if out.iter().any(|c| c.path == path) {
                return Err(YamlError::at(
                    item,
                    YamlErrorKind::Invalid,
                    format!("chapter `{path}` is listed twice"),
                )
                .hint("list each chapter once; the order of `chapters:` is the book's order"));
            }
            out.push(ChapterEntry {
                path,
                location: Location::at(file, item.line, item.col, item.len),
            });
        }
        Ok(out)
    })?;
    let folder = |n: &Node| book_path(n, Path::new(""));
    Ok(Config {
        title,
        authors,
        description,
        language,
        site_url,
        chapters,
        theme: map.opt("theme", folder)?,
        // The output folder has stricter rules of its own (E008, checked by the build).
        output: map
            .opt("output", |n| n.as_text().map(PathBuf::from))?
            .unwrap_or_else(|| "site".into()),
        output_at: map
            .get("output")
            .map(|n| Location::at(file, n.line, n.col, n.len)),
        datasets: map.opt("datasets", folder)?,
        download: map.opt("download", Node::as_bool)?.unwrap_or(false),
        cache: map
            .opt("cache", folder)?
            .unwrap_or_else(|| ".nnbook-cache".into()),
        snapshots: map
            .opt("snapshots", folder)?
            .unwrap_or_else(|| "snapshots".into()),
        limits: map.opt("limits", limits)?.unwrap_or_default(),
        palette: map
            .opt("palette", |n| {
                n.as_choice("palette", &Palette::NAMES)
                    .map(|s| Palette::parse(s).unwrap_or_default())
            })?
            .unwrap_or_default(),
        bibliography: map.opt("bibliography", |n| {
            Ok((folder(n)?, Location::at(file, n.line, n.col, n.len)))
        })?,
        csl: map.opt("csl", |n| {
            Ok((folder(n)?, Location::at(file, n.line, n.col, n.len)))
        })?,
        references: map
            .opt("references", |n| {
                n.as_choice("references", &References::NAMES)
                    .map(|s| match s {
                        "book" => References::Book,
                        _ => References::Chapter,
                    })
            })?
            .unwrap_or_default(),
    })
}

fn limits(n: &Node) -> Result<Limits, YamlError> {
    let map = n.as_map()?;
    map.check_keys(LIMIT_KEYS)?;
    let positive = |n: &Node| {
        let v = n.as_f64()?;
        if v > 0.0 {
            Ok(v)
        } else {
            Err(
                YamlError::at(n, YamlErrorKind::Invalid, format!("{v} is out of range"))
                    .hint("a limit is a positive number"),
            )
        }
    };
    let d = Limits::default();
    Ok(Limits {
        work: map.opt("work", positive)?.unwrap_or(d.work),
        memory_mb: map.opt("memory_mb", positive)?.unwrap_or(d.memory_mb),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse(
            "title: A book\nauthors: [A, B]\nsite_url: https://u.github.io/r\nchapters: [a.md, b.md]\n",
        )
        .unwrap();
        assert_eq!(c.title, "A book");
        assert_eq!(c.authors, ["A", "B"]);
        assert_eq!(c.site_url.as_deref(), Some("https://u.github.io/r/"));
        assert_eq!(c.chapters.unwrap()[1].path, "b.md");
        assert_eq!(c.output, PathBuf::from("site"));
        assert_eq!(c.language, "en");
    }

    #[test]
    fn unknown_key_has_location_and_hint() {
        let d = Config::parse("title: A\nauthor: me\n").unwrap_err();
        assert_eq!(d.code, "E002");
        assert_eq!(d.position().as_deref(), Some("book.yaml:2:1"));
        assert_eq!(d.hint.as_deref(), Some("did you mean `authors`?"));
    }

    #[test]
    fn bad_values_are_errors() {
        assert_eq!(Config::parse("title: [\n").unwrap_err().code, "E001");
        assert_eq!(Config::parse("authors: [x]\n").unwrap_err().code, "E003");
        assert_eq!(Config::parse("- a\n").unwrap_err().code, "E003");
        let d = Config::parse("title: x\nchapters: [a.md, a.md]\n").unwrap_err();
        assert_eq!(d.position().as_deref(), Some("book.yaml:2:18"));
    }
}
