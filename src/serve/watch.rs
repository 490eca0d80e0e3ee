//! Watching: every place a book is built from, as one list ([`sources`]), polled for
//! modification times and sizes (no dependency, works on every file system). The data folders
//! are the ones the build searches (`datasets::data_dirs`), and the data files the last good
//! build read are watched wherever they are, so a new kind of data source needs no change here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{Shared, rebuild};
use crate::config::{self, Config};
use crate::pipeline::BuildOptions;

/// One place a book is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub path: PathBuf,
    pub scope: Scope,
}

/// What of a [`Source`] is watched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scope {
    /// The file itself (it may not exist yet).
    File,
    /// Every file below the folder.
    Folder,
    /// Files with a data extension below the folder (the book root: a block may name a CSV file
    /// relative to it), outside hidden folders, build folders and the folders listed apart.
    DataFiles,
}

/// Extensions of the data files a block names by path: seen under the book root before any
/// build has read them (once read, a file is watched whatever its name).
const DATA_EXTENSIONS: &[&str] = &["csv"];

/// Every place the book is built from: book.yaml, the chapters, the theme, the data folders the
/// build searches (book.yaml's `datasets:`, `$NNBOOK_DATA_DIR`, the cache's downloads) and data
/// files named relative to the root. Without a readable book.yaml, what needs none of it.
pub fn sources(root: &Path) -> Vec<Source> {
    let folder = |path: PathBuf| Source {
        path,
        scope: Scope::Folder,
    };
    let mut list = vec![
        Source {
            path: root.join(config::FILE),
            scope: Scope::File,
        },
        folder(root.join("content")),
    ];
    if let Ok(config) = Config::load(root) {
        list.extend(config.theme.iter().map(|t| folder(root.join(t))));
        list.extend(
            crate::datasets::data_dirs(root, &config)
                .into_iter()
                .map(|d| folder(d.path)),
        );
    }
    list.push(Source {
        path: root.to_path_buf(),
        scope: Scope::DataFiles,
    });
    list
}

type Stamp = (Option<SystemTime>, u64);

/// What the watcher compares: the sources' files and the data files the last good build read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    sources: BTreeMap<PathBuf, Stamp>,
    inputs: BTreeMap<PathBuf, Stamp>,
}

impl Snapshot {
    /// The sources of the book at `root` as they are now, with no inputs yet.
    pub fn take(root: &Path) -> Snapshot {
        Snapshot {
            sources: stamps(root, &sources(root)),
            inputs: BTreeMap::new(),
        }
    }

    /// The same inputs as `self`, stamped now.
    fn now(&self, root: &Path) -> Snapshot {
        Snapshot {
            sources: stamps(root, &sources(root)),
            inputs: self.inputs.keys().map(|p| (p.clone(), stamp(p))).collect(),
        }
    }

    /// After a build: watch the data files it read. One already watched keeps its stamp from
    /// before the build (an edit made while it ran is still a change); a new one starts now.
    fn follow(&mut self, inputs: &[PathBuf]) {
        let old = std::mem::take(&mut self.inputs);
        self.inputs = inputs
            .iter()
            .map(|p| (p.clone(), old.get(p).copied().unwrap_or_else(|| stamp(p))))
            .collect();
    }

    /// Every watched file (for tests and messages).
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.sources
            .keys()
            .chain(self.inputs.keys())
            .map(PathBuf::as_path)
    }
}

/// Poll the book's sources every 300 ms and rebuild when any changed.
pub(super) fn watch(shared: &Arc<Shared>, opts: &BuildOptions, mut last: Snapshot) {
    last.follow(&shared.inputs());
    loop {
        std::thread::sleep(Duration::from_millis(300));
        if last.now(&opts.root) != last {
            // Let an editor finish writing (save = truncate + write, or several files).
            std::thread::sleep(Duration::from_millis(100));
            last = last.now(&opts.root);
            rebuild(shared, opts);
            last.follow(&shared.inputs());
        }
    }
}

/// Modification time and size of every file the sources cover.
fn stamps(root: &Path, sources: &[Source]) -> BTreeMap<PathBuf, Stamp> {
    let mut out = BTreeMap::new();
    // The folders the book writes, and those watched whole, are not searched for data files.
    let mut skip: Vec<PathBuf> = vec![root.join("site"), root.join(".nnbook-cache")];
    if let Ok(config) = Config::load(root) {
        skip.push(root.join(&config.output));
        skip.push(root.join(&config.cache));
    }
    skip.extend(
        sources
            .iter()
            .filter(|s| s.scope == Scope::Folder)
            .map(|s| s.path.clone()),
    );
    for source in sources {
        match source.scope {
            Scope::File => {
                out.insert(source.path.clone(), stamp(&source.path));
            }
            Scope::Folder => {
                for entry in walkdir::WalkDir::new(&source.path)
                    .max_depth(8)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                {
                    out.insert(entry.path().to_path_buf(), stamp(entry.path()));
                }
            }
            Scope::DataFiles => {
                for entry in walkdir::WalkDir::new(&source.path)
                    .max_depth(4)
                    .into_iter()
                    .filter_entry(|e| {
                        let name = e.file_name().to_string_lossy();
                        e.depth() == 0
                            || !(e.file_type().is_dir()
                                && (name.starts_with('.')
                                    || name == "target"
                                    || name == "node_modules"
                                    || skip.iter().any(|s| s == e.path())))
                    })
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.file_type().is_file()
                            && e.path().extension().is_some_and(|x| {
                                DATA_EXTENSIONS.iter().any(|d| x.eq_ignore_ascii_case(d))
                            })
                    })
                {
                    out.insert(entry.path().to_path_buf(), stamp(entry.path()));
                }
            }
        }
    }
    out
}

fn stamp(p: &Path) -> Stamp {
    match std::fs::metadata(p) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => (None, u64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::Snapshot;
    use std::path::{Path, PathBuf};

    fn book(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("nnbook-watch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    }

    fn write(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x,y\n").unwrap();
    }

    /// Whether the watcher sees an edit of `rel` (one byte more: no clock granularity involved).
    fn sees_edit(root: &Path, snap: &Snapshot, rel: &str) -> bool {
        let path = root.join(rel);
        let mut text = std::fs::read(&path).unwrap();
        text.push(b'\n');
        std::fs::write(&path, text).unwrap();
        snap.now(root) != *snap
    }

    #[test]
    fn every_data_source_of_the_book_is_watched_and_nothing_it_writes() {
        let root = book("sources");
        let sources = [
            "book.yaml",
            "content/01-intro.md",
            "content/img/figure.png",
            "theme/templates/chapter.html",
            "theme/static/extra.css",
            // MNIST's IDX files, raw or compressed, and CSV files in the datasets folder.
            "data/train-images-idx3-ubyte.gz",
            "data/mnist/t10k-labels-idx1-ubyte",
            "data/more/deep.csv",
            "data/points.tsv",
            // CSV files named relative to the root.
            "points.csv",
            "notes/extra.CSV",
            // Downloads land in the cache's datasets folder.
            "cache/datasets/mnist/train-labels-idx1-ubyte.gz",
        ];
        let written = [
            "out/old.csv",
            "out/index.html",
            "cache/runs/abc.json",
            ".git/x.csv",
            "notes/readme.txt",
            "target/debug/x.csv",
        ];
        for f in sources.iter().chain(&written) {
            write(&root, f);
        }
        std::fs::write(
            root.join("book.yaml"),
            "title: T\ndatasets: data\ntheme: theme\noutput: out\ncache: cache\n",
        )
        .unwrap();
        let mut snap = Snapshot::take(&root);
        for f in sources {
            assert!(sees_edit(&root, &snap, f), "an edit of {f} is not seen");
            snap = snap.now(&root);
        }
        for f in written {
            assert!(!sees_edit(&root, &snap, f), "an edit of {f} is seen");
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_data_files_a_build_read_are_watched_wherever_they_are() {
        let root = book("inputs");
        for f in ["book.yaml", "content/01.md", "tables/points.txt"] {
            write(&root, f);
        }
        let input = root.join("tables/points.txt");
        let mut snap = Snapshot::take(&root);
        assert!(!sees_edit(&root, &snap, "tables/points.txt"));
        // Following a file the build read is not itself a change; its edits are.
        snap.follow(std::slice::from_ref(&input));
        assert!(snap.now(&root) == snap);
        assert!(sees_edit(&root, &snap, "tables/points.txt"));
        // A file read before keeps its stamp from before the build: an edit made meanwhile counts.
        let before = snap.clone();
        snap.follow(std::slice::from_ref(&input));
        assert_eq!(snap, before);
        assert!(snap.files().any(|p| p == input));
        let _ = std::fs::remove_dir_all(&root);
    }
}
