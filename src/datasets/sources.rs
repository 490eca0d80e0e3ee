//! What the build found for each block's data, kept apart from the parsed spec: the files (as
//! absolute paths for reading, and as the author knows them for messages), and a CSV file's
//! bytes with their SHA-256, so each file is read and hashed once per build; likewise the
//! weight file a loaded model comes from.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The files a block's data is read from, as the build found them.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DataFiles {
    /// Nothing to find (generated data), or not looked up.
    #[default]
    Unresolved,
    /// Every file was found.
    Found(Vec<DataFile>),
    /// An external dataset that is not on this machine: the folders searched (as shown to the
    /// author) and, when a download was tried, why it failed.
    Missing {
        searched: Vec<String>,
        note: Option<String>,
    },
}

/// A file found for a block's data.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Where it is (absolute, symlinks resolved).
    pub path: PathBuf,
    /// The path shown in messages: relative to the book root, or as the author wrote it
    /// (`$NNBOOK_DATA_DIR/mnist/…`); never absolute.
    pub shown: String,
}

/// A CSV file's contents, read once by the build.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvFile {
    pub bytes: Arc<[u8]>,
    /// SHA-256 of `bytes`: part of the cache key, so editing the file retrains and renaming
    /// it does not.
    pub sha256: String,
}

/// What the build found for one data spec.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    pub files: DataFiles,
    /// The bytes of `csv:` data.
    pub csv: Option<CsvFile>,
    /// `model: {load: FILE}`: the weights read from FILE.
    pub weights: Option<Arc<super::weights::Loaded>>,
}

/// Nothing found (generated data, or a spec nothing looked up).
const UNRESOLVED: &Source = &Source {
    files: DataFiles::Unresolved,
    csv: None,
    weights: None,
};

/// Which of a block's data specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// `data:`, what the model trains on.
    Data,
    /// `validate:`, the held-out data.
    Validate,
    /// `model: {load: FILE}`, a weight file.
    Model,
}

/// The sources of a book's data, by experiment id and role, in the order they were found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolution {
    sources: Vec<Source>,
    index: BTreeMap<(String, Role), usize>,
}

impl Resolution {
    /// Record what was found for a block's data.
    pub fn insert(&mut self, id: &str, role: Role, source: Source) {
        self.index
            .insert((id.to_string(), role), self.sources.len());
        self.sources.push(source);
    }

    /// What was found for a block's data (nothing, when it was not looked up).
    pub fn get(&self, id: &str, role: Role) -> &Source {
        self.index
            .get(&(id.to_string(), role))
            .and_then(|&i| self.sources.get(i))
            .unwrap_or(UNRESOLVED)
    }

    /// Every file found, in the order of the blocks.
    pub fn files(&self) -> impl Iterator<Item = &DataFile> {
        self.sources.iter().flat_map(|s| match &s.files {
            DataFiles::Found(found) => found.as_slice(),
            _ => &[],
        })
    }
}
