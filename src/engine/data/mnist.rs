//! MNIST: the four IDX files, found in the folders a book names (or `<dir>/mnist`), verified
//! against the SHA-256 of their decompressed bytes, so raw, official .gz and recompressed .gz
//! copies all pass.

use std::path::{Path, PathBuf};

use super::idx::{self, IdxError};

/// One of the two MNIST splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Test,
}

/// (file stem, SHA-256 of the decompressed IDX bytes): the training images and labels, then
/// the test images and labels.
pub const FILES: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
];

/// Images (rows of 784 values scaled to [0, 1]) and their digit labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Mnist {
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
    pub n: usize,
}

/// Why MNIST could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum MnistError {
    /// A file is in none of the folders searched.
    Missing {
        file: String,
        searched: Vec<PathBuf>,
    },
    /// A file is there but wrong.
    Bad { file: PathBuf, error: IdxError },
}

impl std::fmt::Display for MnistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MnistError::Missing { file, searched } => {
                let dirs: Vec<String> = searched.iter().map(|d| d.display().to_string()).collect();
                write!(
                    f,
                    "{file}(.gz) not found in {}",
                    if dirs.is_empty() {
                        "any folder".into()
                    } else {
                        dirs.join(", ")
                    }
                )
            }
            MnistError::Bad { file, error } => write!(f, "{}: {error}", file.display()),
        }
    }
}

/// Find a file as `<dir>/<name>`, `<dir>/<name>.gz`, `<dir>/mnist/<name>` or `<dir>/mnist/<name>.gz`.
pub fn find(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, MnistError> {
    for dir in dirs {
        for sub in [dir.clone(), dir.join("mnist")] {
            for candidate in [sub.join(name), sub.join(format!("{name}.gz"))] {
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    Err(MnistError::Missing {
        file: name.into(),
        searched: dirs.to_vec(),
    })
}

/// The indexes in [`FILES`] of a split's images and labels.
pub fn split_files(split: Split) -> [usize; 2] {
    match split {
        Split::Train => [0, 1],
        Split::Test => [2, 3],
    }
}

fn load_file(index: usize, path: &Path) -> Result<idx::Idx, MnistError> {
    idx::load(path, Some(FILES[index].1)).map_err(|error| MnistError::Bad {
        file: path.to_path_buf(),
        error,
    })
}

/// Load a split found in `dirs`, keeping rows `offset..offset + limit` (all by default).
pub fn load(
    split: Split,
    dirs: &[PathBuf],
    offset: usize,
    limit: Option<usize>,
) -> Result<Mnist, MnistError> {
    let [i, l] = split_files(split);
    let images = find(FILES[i].0, dirs)?;
    let labels = find(FILES[l].0, dirs)?;
    load_files(&images, &labels, offset, limit)
}

/// Load a split from its two files (images, labels), whichever split's they are; each must
/// match the SHA-256 of its name's file.
pub fn load_files(
    images_path: &Path,
    labels_path: &Path,
    offset: usize,
    limit: Option<usize>,
) -> Result<Mnist, MnistError> {
    let index_of = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = name.strip_suffix(".gz").unwrap_or(name);
        FILES.iter().position(|(n, _)| *n == stem)
    };
    let unknown = |p: &Path| MnistError::Bad {
        file: p.to_path_buf(),
        error: IdxError::Format("not one of the four MNIST files".into()),
    };
    let base = index_of(images_path).ok_or_else(|| unknown(images_path))?;
    let li = index_of(labels_path).ok_or_else(|| unknown(labels_path))?;
    let images = load_file(base, images_path)?;
    let labels = load_file(li, labels_path)?;
    let bad = |what: &str| MnistError::Bad {
        file: images_path.to_path_buf(),
        error: IdxError::Format(what.into()),
    };
    if images.dims.len() != 3
        || images.dims[1] * images.dims[2] != 784
        || labels.dims.len() != 1
        || labels.dims[0] != images.dims[0]
    {
        return Err(bad("unexpected MNIST shapes"));
    }
    let total = images.dims[0];
    let start = offset.min(total);
    let end = limit.map_or(total, |l| (start + l).min(total));
    let images: Vec<f32> = images.data[start * 784..end * 784]
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    Ok(Mnist {
        images,
        labels: labels.data[start..end].to_vec(),
        n: end - start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where CI keeps the real files; absent on a fresh clone.
    pub fn data_dirs() -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(d) = std::env::var_os("NNBOOK_DATA_DIR") {
            dirs.push(PathBuf::from(d));
        }
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"));
        dirs
    }

    #[test]
    #[ignore = "needs MNIST in ../shared/datasets/mnist or $NNBOOK_DATA_DIR/mnist (cargo test -- --include-ignored)"]
    fn real_mnist_labels_and_pixels() {
        let dirs = data_dirs();
        let train = match load(Split::Train, &dirs, 0, Some(10)) {
            Ok(m) => m,
            Err(MnistError::Missing { .. }) => {
                let reason = format!("MNIST not found in {dirs:?} (set NNBOOK_DATA_DIR)");
                // CI sets it: there a missing folder is a failure, not a skip.
                if std::env::var("NNBOOK_REQUIRE_MNIST").is_ok_and(|v| v == "1") {
                    panic!("required (NNBOOK_REQUIRE_MNIST=1) but {reason}");
                }
                eprintln!("skipped: {reason}");
                return;
            }
            Err(e) => panic!("{e}"),
        };
        assert_eq!(train.labels, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
        assert_eq!(train.images.len(), 10 * 784);
        assert!(train.images.iter().all(|p| (0.0..=1.0).contains(p)));
        let test = load(Split::Test, &dirs, 0, Some(10)).unwrap();
        assert_eq!(test.labels, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
        let tail = load(Split::Test, &dirs, 9990, None).unwrap();
        assert_eq!(tail.n, 10);
        assert!(matches!(
            find("nope", &dirs),
            Err(MnistError::Missing { .. })
        ));
    }
}
