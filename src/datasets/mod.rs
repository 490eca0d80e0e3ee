//! Finding the files a book's data comes from, before anything trains: a block's CSV file under
//! the book's `datasets:` folder or its root (never outside the book, symlinks included), and
//! MNIST's IDX files in the data folders or the cache, downloaded into the cache when the
//! author allows it. What is found goes into a `Resolution` by block, apart from the parsed
//! spec, with each path also as the author knows it (relative to the book, or
//! `$NNBOOK_DATA_DIR/…`) for messages.
//!
//! This layer is where files are: `csv`, `idx` and `mnist` read them (bounded, checked) and
//! turn the engine's parse errors into diagnostics at file positions; `download` fetches
//! MNIST. The engine only parses bytes it is given.

pub mod csv;
pub mod download;
pub mod hashes;
pub mod idx;
pub mod mnist;
mod sources;
pub mod weights;

pub use sources::{CsvFile, DataFile, DataFiles, Resolution, Role, Source};

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::Chapter;
use crate::diag::{Diagnostic, display_path};
use crate::engine::data::csv::MAX_BYTES as CSV_MAX_BYTES;
use crate::engine::data::mnist::{FILES, Split, split_files};
use crate::spec::{CsvSpec, DataSpec};
use download::DownloadError;

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A folder datasets are looked for in.
#[derive(Debug, Clone, PartialEq)]
pub struct DataDir {
    pub path: PathBuf,
    /// As shown to the author: `datasets`, `$NNBOOK_DATA_DIR`, `.nnbook-cache/datasets`.
    pub shown: String,
}

impl DataDir {
    /// A folder shown as its own path (for tests and tools that name folders directly).
    pub fn plain(path: PathBuf) -> DataDir {
        let shown = path.display().to_string();
        DataDir { path, shown }
    }
}

/// The environment variable naming a data folder outside the book.
pub const DATA_DIR_ENV: &str = "NNBOOK_DATA_DIR";

/// Where datasets such as MNIST are looked for: book.yaml's `datasets`, `$NNBOOK_DATA_DIR`,
/// then the cache's `datasets/` (where downloads go).
pub fn data_dirs(root: &Path, config: &Config) -> Vec<DataDir> {
    let mut dirs = Vec::new();
    if let Some(d) = &config.datasets {
        dirs.push(DataDir {
            path: root.join(d),
            shown: display_path(d),
        });
    }
    if let Some(d) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        dirs.push(DataDir {
            path: PathBuf::from(d),
            shown: format!("${DATA_DIR_ENV}"),
        });
    }
    dirs.push(download_dir(root, config));
    dirs
}

/// The cache's folder of downloaded datasets.
fn download_dir(root: &Path, config: &Config) -> DataDir {
    DataDir {
        path: root.join(&config.cache).join("datasets"),
        shown: format!("{}/datasets", display_path(&config.cache)),
    }
}

/// Find the data files of every block (and its `validate:` data), reading each CSV file once.
/// With `download`, missing MNIST files are fetched into the cache first. A CSV file that is
/// missing or outside the book, or a download that fails its checksum, is an error; a missing
/// MNIST is left for the run to skip with a warning.
pub fn locate(
    root: &Path,
    config: &Config,
    chapters: &[Chapter],
    download: bool,
) -> Result<Resolution, Vec<Diagnostic>> {
    let dirs = data_dirs(root, config);
    let mut downloads = Downloads {
        allowed: download,
        dest: download_dir(root, config).path.join("mnist"),
        tried: BTreeMap::new(),
    };
    let mut errors = Vec::new();
    let mut found = Resolution::default();
    // A file named by several blocks (or by `data:` and `validate:`) is read once.
    let mut read = BTreeMap::new();
    for ch in chapters {
        for block in &ch.blocks {
            let Some(exp) = &block.experiment else {
                continue;
            };
            let specs = [
                (Role::Data, Some(&exp.data)),
                (Role::Validate, exp.validate.as_ref()),
            ];
            for (role, spec) in specs {
                let Some(spec) = spec else { continue };
                match locate_one(root, config, &dirs, &mut downloads, &mut read, spec) {
                    Ok(source) => found.insert(&block.id, role, source),
                    Err(d) => errors.push(d.with_source(&ch.text)),
                }
            }
            if let Some(m) = &exp.model
                && let Some(spec) = &m.load
            {
                match weights::load(root, m, spec) {
                    Ok(w) => found.insert(
                        &block.id,
                        Role::Model,
                        Source {
                            files: DataFiles::Found(vec![w.file.clone()]),
                            csv: None,
                            weights: Some(w.into()),
                        },
                    ),
                    Err(d) => errors.push(d.with_source(&ch.text)),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

fn locate_one(
    root: &Path,
    config: &Config,
    dirs: &[DataDir],
    downloads: &mut Downloads,
    read: &mut BTreeMap<PathBuf, CsvFile>,
    spec: &DataSpec,
) -> Result<Source, Diagnostic> {
    if let Some(c) = &spec.csv {
        let file = find_csv(root, config, c)?;
        if let Some(done) = read.get(&file.path) {
            return Ok(Source {
                csv: Some(done.clone()),
                files: DataFiles::Found(vec![file]),
                weights: None,
            });
        }
        // The file's bytes are part of the cache key: editing it retrains.
        let bytes = csv::read_bytes(&file.path).map_err(|e| {
            Diagnostic::error("E033", format!("cannot read {}: {e}", file.shown))
                .at(c.location.clone())
                .hint("check that the file is readable")
        })?;
        if bytes.len() > CSV_MAX_BYTES {
            return Err(Diagnostic::error(
                "E034",
                format!("{} is larger than {} MiB", file.shown, CSV_MAX_BYTES >> 20),
            )
            .at(c.location.clone())
            .hint("nnbook reads CSV files of at most 64 MiB; keep a sample of the rows"));
        }
        let csv_file = CsvFile {
            sha256: sha256_hex(&bytes),
            bytes: bytes.into(),
        };
        read.insert(file.path.clone(), csv_file.clone());
        return Ok(Source {
            files: DataFiles::Found(vec![file]),
            csv: Some(csv_file),
            weights: None,
        });
    }
    if spec.is_mnist() {
        return Ok(Source {
            files: find_mnist(spec, dirs, downloads)?,
            csv: None,
            weights: None,
        });
    }
    Ok(Source::default())
}

/// `rel` joined to `base` and normalised without touching the file system, or None when it
/// climbs out of the book root.
fn normalise(base: &Path, rel: &Path) -> Option<PathBuf> {
    let mut out: Vec<Component> = Vec::new();
    for c in base.components().chain(rel.components()) {
        match c {
            Component::Normal(_) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            _ => return None,
        }
    }
    Some(out.iter().collect())
}

/// A block's CSV file: `<datasets>/<path>`, else `<root>/<path>`, inside the book.
fn find_csv(root: &Path, config: &Config, c: &CsvSpec) -> Result<DataFile, Diagnostic> {
    let rel = Path::new(&c.path);
    let mut bases: Vec<PathBuf> = config.datasets.iter().cloned().collect();
    bases.push(PathBuf::new());
    let candidates: Vec<PathBuf> = bases
        .iter()
        .filter_map(|b| normalise(b, rel).filter(|p| !p.as_os_str().is_empty()))
        .collect();
    if candidates.is_empty() {
        return Err(Diagnostic::error(
            "E009",
            format!("the CSV path `{}` leaves the book", c.path),
        )
        .at(c.location.clone())
        .hint("a CSV file is named relative to the book's `datasets:` folder or its root, and stays inside the book"));
    }
    for cand in &candidates {
        if std::fs::symlink_metadata(root.join(cand)).is_err() {
            continue;
        }
        let path = crate::config::inside_root(root, cand).map_err(|d| d.at(c.location.clone()))?;
        if !path.is_file() {
            return Err(Diagnostic::error(
                "E033",
                format!("`{}` is not a file", display_path(cand)),
            )
            .at(c.location.clone())
            .hint("name a CSV file, e.g. `csv: points.csv`"));
        }
        return Ok(DataFile {
            path,
            shown: display_path(cand),
        });
    }
    let looked: Vec<String> = candidates.iter().map(|p| display_path(p)).collect();
    let hint = match &config.datasets {
        Some(_) => format!(
            "looked for {}; a CSV path is relative to the book's `datasets:` folder, then to its root",
            looked.join(" and ")
        ),
        None => format!(
            "looked for {}; a CSV path is relative to the book's root (or to the folder named by `datasets:` in book.yaml)",
            looked.join(" and ")
        ),
    };
    Err(
        Diagnostic::error("E033", format!("cannot find the CSV file `{}`", c.path))
            .at(c.location.clone())
            .hint(hint),
    )
}

/// What downloading has done in this build, so each file is tried once.
struct Downloads {
    allowed: bool,
    dest: PathBuf,
    tried: BTreeMap<usize, Result<(), DownloadError>>,
}

fn find_mnist(
    spec: &DataSpec,
    dirs: &[DataDir],
    downloads: &mut Downloads,
) -> Result<DataFiles, Diagnostic> {
    let split = if spec.split.as_deref() == Some("train") {
        Split::Train
    } else {
        Split::Test
    };
    let wanted = split_files(split);
    let mut note: Option<String> = None;
    let mut found = Vec::new();
    for index in wanted {
        let (name, sum) = FILES[index];
        if let Some(f) = mnist::find(name, dirs) {
            found.push(f);
            continue;
        }
        if !downloads.allowed {
            continue;
        }
        let dest = downloads.dest.clone();
        let result = downloads
            .tried
            .entry(index)
            .or_insert_with(|| {
                download::ensure(
                    &download::mnist_mirrors(),
                    &format!("{name}.gz"),
                    sum,
                    &dest,
                )
                .map(|_| ())
            })
            .clone();
        match result {
            Ok(()) => found.extend(mnist::find(name, dirs)),
            Err(e @ DownloadError::Unavailable(_)) => {
                note.get_or_insert_with(|| format!("the download failed: {e}"));
            }
            Err(e) => {
                // Reported once; later blocks needing the file see it as missing.
                downloads.tried.insert(
                    index,
                    Err(DownloadError::Unavailable(vec![format!(
                        "{name}.gz: see the error above"
                    )])),
                );
                return Err(download_error(spec, &e));
            }
        }
    }
    if found.len() == wanted.len() {
        Ok(DataFiles::Found(found))
    } else {
        Ok(DataFiles::Missing {
            searched: dirs.iter().map(|d| d.shown.clone()).collect(),
            note,
        })
    }
}

fn download_error(spec: &DataSpec, e: &DownloadError) -> Diagnostic {
    let (message, hint) = match e {
        DownloadError::Bad { url, why } => (
            format!("the download of {url} failed its check: {why}"),
            format!(
                "nothing was kept; the mirror may be damaged or a network portal may have answered instead: try again later, or name another mirror with ${}",
                download::MIRROR_ENV
            ),
        ),
        other => (
            format!("cannot download dataset mnist: {other}"),
            "check the permissions of the cache folder".to_string(),
        ),
    };
    Diagnostic::error("E035", message)
        .at(spec.location.clone())
        .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_paths_stay_inside_the_book() {
        let n = |b: &str, r: &str| normalise(Path::new(b), Path::new(r));
        assert_eq!(
            n("data", "points.csv"),
            Some(PathBuf::from("data/points.csv"))
        );
        assert_eq!(
            n("data", "../points.csv"),
            Some(PathBuf::from("points.csv"))
        );
        assert_eq!(n("", "./a/../b.csv"), Some(PathBuf::from("b.csv")));
        assert_eq!(n("", "../points.csv"), None);
        assert_eq!(n("data", "../../points.csv"), None);
        assert_eq!(n("", "/etc/passwd"), None);
    }
}
