//! Where the site may go. `nnbook build` replaces the output folder and `nnbook clean` deletes
//! it, so both ask this module first.
//!
//! - book.yaml's `output:` names a folder inside the book (relative, symlinks included): the
//!   book's configuration travels with its repository, and a cloned book must not write
//!   outside its own folder. `--out` is the user's own choice on their machine and may name
//!   any folder, relative to the book root or absolute (as mdBook's `--dest-dir`).
//! - Wherever it is, the output folder is never the book's folder or a folder above it (nor
//!   the home folder), and never holds or lies inside anything the book reads or keeps:
//!   book.yaml, the chapters, the theme, the datasets, the CSV files its blocks read, the
//!   snapshots, the cache, a git repository.
//! - An existing folder is replaced only when it is empty or holds a site nnbook wrote (its
//!   `manifest.json` with `nnbook_version`); `clean` deletes only the latter.
//!
//! A refusal (E008) points at the value: `book.yaml:LINE:COL`, or `--out` on the command line.

use std::path::{Component, Path, PathBuf};

use crate::config::{self, Config};
use crate::diag::{Diagnostic, Location, display_path};

/// The output folder of a build, checked against the book's own paths.
#[derive(Debug, Clone)]
pub struct Output {
    /// Where the site is written: the root joined with the value (an absolute `--out` as is).
    pub path: PathBuf,
    /// The folder with every symlink resolved.
    resolved: PathBuf,
    /// The folder's own entry (its parent resolved, not the entry itself): what a swap renames.
    entry: PathBuf,
    /// The value as the user wrote it.
    shown: String,
    at: Location,
    source_line: Option<String>,
    /// The value came from `--out`.
    from_cli: bool,
    /// Neither `--out` nor book.yaml named it: the default `site`.
    default: bool,
}

/// A path the output folder must keep clear of.
struct Protected {
    path: PathBuf,
    /// How the author knows it: "the datasets folder `data`".
    what: String,
    /// The book's folder and the home folder hold the output folder legitimately; only being
    /// them or above them is refused.
    holder: bool,
    /// What to do instead, when moving the output folder is not the obvious fix.
    hint: Option<&'static str>,
}

/// The biggest manifest.json read when deciding whether a folder is nnbook's.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

impl Output {
    /// The output folder of the book at `root`: `--out` when given, else book.yaml's
    /// `output:`. Refused when it would replace the book or anything it reads or keeps that
    /// book.yaml names (the blocks' CSV files are checked by [`Output::check_files`]).
    pub fn choose(root: &Path, config: &Config, cli: Option<&Path>) -> Result<Output, Diagnostic> {
        let (value, at, source_line) = match cli {
            Some(v) => {
                let shown = display_path(v);
                let line = format!("--out {shown}");
                (
                    v.to_path_buf(),
                    Location::command_line(7, shown.chars().count().max(1)),
                    Some(line),
                )
            }
            None => (
                config.output.clone(),
                config
                    .output_at
                    .clone()
                    .unwrap_or_else(|| Location::file(config::FILE)),
                None,
            ),
        };
        let mut out = Output {
            path: root.join(&value),
            resolved: PathBuf::new(),
            entry: PathBuf::new(),
            shown: display_path(&value),
            at,
            source_line,
            from_cli: cli.is_some(),
            default: cli.is_none() && config.output_at.is_none(),
        };
        if out.source_line.is_none() && out.at.line > 0 {
            // The caret line: book.yaml was read a moment ago; without it there is no caret.
            out.source_line = std::fs::read_to_string(root.join(config::FILE))
                .ok()
                .and_then(|t| t.lines().nth(out.at.line - 1).map(str::to_string));
        }
        if value.as_os_str().is_empty() {
            return Err(out.refuse(
                "the output folder is empty".into(),
                "name a folder of its own, such as `site`",
            ));
        }
        if !out.from_cli && leaves(&value) {
            return Err(out.refuse(
                format!("the output folder `{}` leaves the book's folder", out.shown),
                "book.yaml's `output:` is a folder inside the book, such as `site`; \
                 to build elsewhere, pass `--out DIR` on the command line",
            ));
        }
        let croot = root.canonicalize().map_err(|e| {
            Diagnostic::error(
                "E001",
                format!("cannot resolve the book folder {}: {e}", display_path(root)),
            )
            .hint("pass an existing folder with --root")
        })?;
        out.resolved = resolve(&out.path);
        out.entry = match (out.path.parent(), out.path.file_name()) {
            (Some(parent), Some(name)) => resolve(parent).join(name),
            _ => out.resolved.clone(),
        };
        if !out.from_cli && !out.resolved.starts_with(&croot) {
            return Err(Diagnostic::error(
                "E009",
                format!(
                    "the output folder `{}` leaves the book (it resolves to a place outside the book's folder)",
                    out.shown
                ),
            )
            .at(out.at.clone())
            .maybe_source(out.source_line.clone())
            .hint(
                "book.yaml's `output:` stays inside the book; replace the symlink by a folder, \
                 or pass `--out DIR` to build elsewhere",
            ));
        }
        out.check(&protected(root, &croot, config))?;
        Ok(out)
    }

    /// Refuse an output folder that holds or lies inside a data file the blocks read (known
    /// once the chapters are parsed; checked before anything is trained or replaced).
    pub fn check_files<'a>(
        &self,
        root: &Path,
        files: impl IntoIterator<Item = (&'a Path, &'a str)>,
    ) -> Result<(), Diagnostic> {
        let list: Vec<Protected> = files
            .into_iter()
            .map(|(path, shown)| Protected {
                path: resolve(&root.join(path)),
                what: format!("the data file `{shown}`"),
                holder: false,
                hint: Some(
                    "a build replaces its output folder; keep the blocks' data elsewhere, \
                     such as in the book's `datasets:` folder",
                ),
            })
            .collect();
        self.check(&list)
    }

    fn check(&self, protected: &[Protected]) -> Result<(), Diagnostic> {
        for p in protected {
            for out in [&self.resolved, &self.entry] {
                let relation = if *out == p.path {
                    "is"
                } else if p.path.starts_with(out) {
                    "holds"
                } else if out.starts_with(&p.path) && !p.holder {
                    "is inside"
                } else {
                    continue;
                };
                let hint = p.hint.map_or_else(|| self.choose_hint(), str::to_string);
                return Err(self.refuse(
                    format!("the output folder `{}` {relation} {}", self.shown, p.what),
                    &hint,
                ));
            }
        }
        Ok(())
    }

    /// Refuse to replace what is there unless it is nothing, an empty folder or a site nnbook
    /// wrote. Called before training and again just before the swap.
    pub fn check_replaceable(&self) -> Result<(), Diagnostic> {
        match self.existing()? {
            Existing::Nothing | Existing::Empty | Existing::Site => Ok(()),
            Existing::Foreign => Err(self.refuse(
                format!(
                    "the output folder `{}` holds files nnbook did not write (it has no nnbook manifest.json)",
                    self.shown
                ),
                "nnbook replaces only an empty folder or a site it built; choose another \
                 folder, or empty this one yourself",
            )),
            Existing::File => Err(self.refuse(
                format!("the output folder `{}` is a file", self.shown),
                &self.choose_hint(),
            )),
            Existing::Git => Err(self.refuse(
                format!(
                    "the output folder `{}` holds a git repository (`.git`)",
                    self.shown
                ),
                "replacing the site would delete the repository; build into a folder of its \
                 own and copy the site into the repository's working tree",
            )),
        }
    }

    /// `nnbook clean`: delete the folder if it holds a site nnbook wrote. Returns the folder
    /// deleted, or None when there was none.
    pub fn remove(&self) -> Result<Option<PathBuf>, Diagnostic> {
        match self.existing()? {
            Existing::Nothing => return Ok(None),
            Existing::Site => {}
            Existing::Git => return self.check_replaceable().map(|()| None),
            Existing::Empty | Existing::Foreign | Existing::File => {
                return Err(self.refuse(
                    format!(
                        "`{}` does not look like a site nnbook built (no nnbook manifest.json)",
                        self.shown
                    ),
                    "nnbook only deletes folders it wrote; remove it by hand if you are sure",
                ));
            }
        }
        // A symlink is removed, never the folder it points to.
        let removed = if self.path.is_symlink() {
            std::fs::remove_file(&self.path)
        } else {
            std::fs::remove_dir_all(&self.path)
        };
        removed.map_err(|e| {
            Diagnostic::error(
                "E050",
                format!("cannot remove {}: {e}", display_path(&self.path)),
            )
            .hint("check the folder's permissions")
        })?;
        Ok(Some(self.path.clone()))
    }

    fn existing(&self) -> Result<Existing, Diagnostic> {
        let io = |e: std::io::Error| {
            Diagnostic::error(
                "E050",
                format!("cannot read the output folder `{}`: {e}", self.shown),
            )
            .at(self.at.clone())
            .maybe_source(self.source_line.clone())
            .hint("check the folder's permissions")
        };
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            // A dangling symlink is replaced like a missing folder.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
            Err(e) => return Err(io(e)),
        };
        if !meta.is_dir() {
            return Ok(Existing::File);
        }
        let mut entries = std::fs::read_dir(&self.path).map_err(io)?.peekable();
        if entries.peek().is_none() {
            return Ok(Existing::Empty);
        }
        if std::fs::symlink_metadata(self.path.join(".git")).is_ok() {
            return Ok(Existing::Git);
        }
        Ok(if is_nnbook_manifest(&self.path.join("manifest.json")) {
            Existing::Site
        } else {
            Existing::Foreign
        })
    }

    fn choose_hint(&self) -> String {
        let other = if self.shown == "site" {
            "public"
        } else {
            "site"
        };
        let why = "a build replaces its output folder and `nnbook clean` deletes it";
        if self.from_cli {
            format!("{why}; pass a folder of its own, such as `--out {other}`")
        } else if self.default {
            format!(
                "{why}, and it is `site` when book.yaml sets no `output:`; set `output:` to a \
                 folder of its own, such as `output: public`"
            )
        } else {
            format!(
                "{why}; use a folder of its own, such as `output: {other}` (or `--out DIR` for \
                 a folder outside the book)"
            )
        }
    }

    fn refuse(&self, message: String, hint: &str) -> Diagnostic {
        Diagnostic::error("E008", message)
            .at(self.at.clone())
            .maybe_source(self.source_line.clone())
            .hint(hint)
    }
}

/// What is at the output folder's place now.
enum Existing {
    Nothing,
    Empty,
    /// A site nnbook wrote.
    Site,
    /// A folder holding files nnbook did not write.
    Foreign,
    File,
    /// A git repository or worktree.
    Git,
}

/// Whether `path` is a manifest nnbook wrote: a JSON object with a `nnbook_version` string.
fn is_nnbook_manifest(path: &Path) -> bool {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes));
    if read.is_err() || bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|v| v.get("nnbook_version").is_some_and(|n| n.is_string()))
}

/// Whether a relative path climbs out of the folder it is relative to (or is absolute).
fn leaves(path: &Path) -> bool {
    let mut depth = 0isize;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// A relative path with `.` and `a/..` taken out, for messages (`content/../notes.md` is
/// `notes.md`).
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` made absolute with every symlink resolved, as far as it exists; the part that does
/// not exist yet is appended as written, `..` taken lexically (nothing there to link).
pub fn resolve(path: &Path) -> PathBuf {
    let mut out = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut exists = true;
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => {
                out.push(other);
                if exists {
                    match out.canonicalize() {
                        Ok(p) => out = p,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    out
}

/// The paths book.yaml and the environment tell us the book reads or keeps.
fn protected(root: &Path, croot: &Path, config: &Config) -> Vec<Protected> {
    let folder = |p: &Path, what: &str| Protected {
        path: resolve(&root.join(p)),
        what: format!("{what} `{}`", display_path(p)),
        holder: false,
        hint: None,
    };
    let mut list = vec![Protected {
        path: croot.to_path_buf(),
        what: "the book's folder".into(),
        holder: true,
        hint: None,
    }];
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        list.push(Protected {
            path: resolve(Path::new(&home)),
            what: "your home folder".into(),
            holder: true,
            hint: None,
        });
    }
    list.push(Protected {
        path: croot.join(config::FILE),
        what: format!("the book's configuration `{}`", config::FILE),
        holder: false,
        hint: None,
    });
    list.push(folder(Path::new("content"), "the chapters folder"));
    for ch in config.chapters.iter().flatten() {
        list.push(folder(
            &tidy(&Path::new("content").join(&ch.path)),
            "the chapter",
        ));
    }
    if let Some(t) = &config.theme {
        list.push(folder(t, "the theme folder"));
    }
    if let Some(d) = &config.datasets {
        list.push(folder(d, "the datasets folder"));
    }
    if let Some(d) = std::env::var_os(crate::datasets::DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        list.push(Protected {
            path: resolve(Path::new(&d)),
            what: format!("the datasets folder `${}`", crate::datasets::DATA_DIR_ENV),
            holder: false,
            hint: None,
        });
    }
    list.push(folder(&config.snapshots, "the snapshots folder"));
    list.push(folder(&config.cache, "the experiment cache"));
    // The repository the book lives in, at its root or above it.
    let mut up = PathBuf::new();
    for dir in croot.ancestors() {
        let git = dir.join(".git");
        if std::fs::symlink_metadata(&git).is_ok() {
            list.push(Protected {
                path: git,
                what: format!("the git repository `{}`", display_path(&up.join(".git"))),
                holder: false,
                hint: None,
            });
        }
        up.push("..");
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing_out_is_seen_lexically() {
        assert!(leaves(Path::new("../site")));
        assert!(leaves(Path::new("a/../../site")));
        assert!(leaves(Path::new("/tmp/site")));
        assert!(!leaves(Path::new("a/../site")));
        assert!(!leaves(Path::new("./site")));
        assert_eq!(
            tidy(Path::new("content/../notes.md")),
            Path::new("notes.md")
        );
        assert_eq!(
            tidy(Path::new("content/./a/b.md")),
            Path::new("content/a/b.md")
        );
    }

    #[test]
    fn resolve_follows_what_exists_and_appends_the_rest() {
        let tmp = std::env::temp_dir().canonicalize().unwrap();
        assert_eq!(resolve(&tmp.join("no-such-dir/../x")), tmp.join("x"));
        assert_eq!(resolve(&tmp.join(".")), tmp);
        assert_eq!(resolve(Path::new("/")), PathBuf::from("/"));
        assert_eq!(resolve(&tmp.join("..")), tmp.parent().unwrap());
    }
}
