//! Downloading MNIST when the author allows it (`--download`), against a local HTTP server on
//! 127.0.0.1 standing in for the mirrors (`NNBOOK_MNIST_MIRROR`): nothing here reaches the
//! internet. A good file lands in the cache and is not downloaded again; a file whose checksum
//! is wrong is an error and is not kept; a mirror without the file gives way to the next one,
//! and when none has it the experiment is skipped with the reason in the warning.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use nnbook::datasets::download::{DownloadError, ensure, fetch};
use nnbook::datasets::sha256_hex;

/// A tiny HTTP/1.1 server: GET of a known path answers its bytes, anything else 404.
struct Mirror {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Mirror {
    fn start(files: BTreeMap<String, Vec<u8>>) -> Mirror {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: a test makes a handful of requests.
            for stream in listener.incoming().take(200) {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &files, &h);
                }
            }
        });
        Mirror {
            base,
            hits,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, dir: &str) -> String {
        format!("{}{dir}", self.base)
    }

    fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(
            self.base
                .trim_start_matches("http://")
                .trim_end_matches('/'),
        );
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(
    stream: TcpStream,
    files: &BTreeMap<String, Vec<u8>>,
    hits: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
    hits.lock().unwrap().push(path.clone());
    let mut out = stream;
    match files.get(&path) {
        Some(body) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(body)?;
        }
        None => {
            out.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
            )?;
        }
    }
    out.flush()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A 2 × 3 IDX file of unsigned bytes.
const IDX: [u8; 18] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_good_download_lands_in_the_cache_once() {
    let mirror = Mirror::start(BTreeMap::from([(
        "/b/tiny-idx1-ubyte.gz".to_string(),
        gzip(&IDX),
    )]));
    let dir = TempDir::new("download-good");
    let dest = dir.path().join(".nnbook-cache/datasets/mnist");
    // The first mirror lacks the file (404): the second one has it.
    let mirrors = [mirror.url("a/"), mirror.url("b")];
    let (path, downloaded) =
        ensure(&mirrors, "tiny-idx1-ubyte.gz", &sha256_hex(&IDX), &dest).unwrap();
    assert!(downloaded);
    assert_eq!(path, dest.join("tiny-idx1-ubyte.gz"));
    assert_eq!(std::fs::read(&path).unwrap(), gzip(&IDX));
    assert_eq!(
        files_in(&dest),
        ["tiny-idx1-ubyte.gz"],
        "no temporary file left"
    );
    assert_eq!(
        mirror.hits(),
        ["/a/tiny-idx1-ubyte.gz", "/b/tiny-idx1-ubyte.gz"]
    );
    // Second run: the file is there, nothing is downloaded.
    let (again, downloaded) =
        ensure(&mirrors, "tiny-idx1-ubyte.gz", &sha256_hex(&IDX), &dest).unwrap();
    assert!(!downloaded);
    assert_eq!(again, path);
    assert_eq!(mirror.hits().len(), 2);
}

#[test]
fn a_bad_checksum_is_an_error_naming_the_url_and_nothing_is_kept() {
    let mut other = IDX;
    other[17] = 7;
    let mirror = Mirror::start(BTreeMap::from([
        ("/m/tiny.gz".to_string(), gzip(&other)),
        (
            "/m/notgzip.gz".to_string(),
            b"\x1f\x8b<html>portal</html>".to_vec(),
        ),
    ]));
    let dir = TempDir::new("download-bad");
    let dest = dir.path().join("mnist");
    let url = format!("{}m/tiny.gz", mirror.base);
    match fetch(&[mirror.url("m/")], "tiny.gz", &sha256_hex(&IDX), &dest) {
        Err(DownloadError::Bad { url: u, why }) => {
            assert_eq!(u, url);
            assert!(why.contains("SHA-256"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert!(files_in(&dest).is_empty(), "{:?}", files_in(&dest));
    // Bytes that are not even a gzip stream are refused the same way.
    let err = fetch(&[mirror.url("m/")], "notgzip.gz", &sha256_hex(&IDX), &dest).unwrap_err();
    assert!(
        matches!(&err, DownloadError::Bad { url, .. } if url.ends_with("/m/notgzip.gz")),
        "{err:?}"
    );
    assert!(files_in(&dest).is_empty());
}

#[test]
fn missing_everywhere_lists_every_mirror_tried() {
    let mirror = Mirror::start(BTreeMap::new());
    let dir = TempDir::new("download-missing");
    let dest = dir.path().join("mnist");
    let mirrors = [mirror.url("one/"), mirror.url("two/")];
    match fetch(&mirrors, "x.gz", "00", &dest) {
        Err(DownloadError::Unavailable(tried)) => {
            assert_eq!(tried.len(), 2, "{tried:?}");
            assert!(
                tried[0].contains("/one/x.gz") && tried[0].contains("404"),
                "{tried:?}"
            );
            assert!(tried[1].contains("/two/x.gz"), "{tried:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!dest.join("x.gz").exists());
}

/// A one-block MNIST book.
fn mnist_book(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("book.yaml"), "title: Download\n").unwrap();
    std::fs::write(
        dir.path().join("content/01-digits.md"),
        "# Digits\n\n```nn\nid: digits\ndata: {generator: mnist, split: test, limit: 100}\nmodel: [{dense: 10, activation: softmax}]\ntrain: {epochs: 2, batch: 50, seed: 1}\nshow:\n  - {figure: image-grid, id: digits-first, count: 4, columns: 2}\n  - {table: metrics, id: digits-metrics}\n```\n",
    )
    .unwrap();
    dir
}

fn build(book: &TempDir, mirrors: &str, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--root", book.path().to_str().unwrap()];
    args.extend_from_slice(extra);
    nnbook_env(
        &args,
        &[
            ("NNBOOK_DATA_DIR", None),
            ("NNBOOK_MNIST_MIRROR", Some(mirrors)),
        ],
    )
}

#[test]
fn without_download_nothing_is_fetched() {
    let mirror = Mirror::start(BTreeMap::new());
    let book = mnist_book("download-off");
    let run = build(&book, &mirror.url("m/"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[W001]"), "{}", run.stderr);
    assert!(mirror.hits().is_empty(), "{:?}", mirror.hits());
}

#[test]
fn a_book_whose_mirrors_lack_mnist_is_skipped_with_the_reason() {
    let mirror = Mirror::start(BTreeMap::new());
    let book = mnist_book("download-404");
    let mirrors = format!("{},{}", mirror.url("one/"), mirror.url("two/"));
    let run = build(&book, &mirrors, &["--download"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning[W001]")
            && run.stderr.contains("the download failed")
            && run.stderr.contains("/one/t10k-images-idx3-ubyte.gz")
            && run.stderr.contains("/two/t10k-images-idx3-ubyte.gz")
            && run.stderr.contains(".nnbook-cache/datasets"),
        "{}",
        run.stderr
    );
    let root = book.path().to_str().unwrap();
    // (Only the closing "built DIR" line names the folder, as --root gave it.)
    for line in run.stderr.lines().filter(|l| !l.starts_with("built ")) {
        assert!(!line.contains(root), "absolute path in {line}");
    }
    let page = read(book.path().join("site/01-digits.html"));
    assert!(!page.contains(root), "absolute path in the page");
    assert!(
        !book
            .path()
            .join(".nnbook-cache/datasets/mnist/t10k-images-idx3-ubyte.gz")
            .exists()
    );
    let strict = build(&book, &mirrors, &["--download", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}

#[test]
fn a_mirror_serving_the_wrong_file_fails_the_build_and_keeps_nothing() {
    let mirror = Mirror::start(BTreeMap::from([(
        "/m/t10k-images-idx3-ubyte.gz".to_string(),
        gzip(&IDX),
    )]));
    let book = mnist_book("download-bad-book");
    // The same through book.yaml's `download: true`.
    let yaml = read(book.path().join("book.yaml")) + "download: true\n";
    std::fs::write(book.path().join("book.yaml"), yaml).unwrap();
    let run = build(&book, &mirror.url("m/"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[E035]")
            && run
                .stderr
                .contains(&format!("{}m/t10k-images-idx3-ubyte.gz", mirror.base))
            && run.stderr.contains("--> content/01-digits.md:5:7"),
        "{}",
        run.stderr
    );
    let cached = book.path().join(".nnbook-cache/datasets/mnist");
    assert!(files_in(&cached).is_empty(), "{:?}", files_in(&cached));
}

#[test]
#[ignore = "needs MNIST in ../shared/datasets/mnist or $NNBOOK_DATA_DIR/mnist (cargo test -- --include-ignored)"]
fn the_real_test_split_downloads_verifies_and_trains() {
    let Some(data) = mnist_or_skip() else { return };
    let mut files = BTreeMap::new();
    for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
        let Ok(bytes) = std::fs::read(data.join("mnist").join(name)) else {
            skip(
                "NNBOOK_REQUIRE_MNIST",
                &format!("{name} is not in {}", data.display()),
            );
            return;
        };
        files.insert(format!("/mnist/{name}"), bytes);
    }
    let mirror = Mirror::start(files);
    let book = mnist_book("download-real");
    let mirrors = format!("{},{}", mirror.url("gone/"), mirror.url("mnist/"));
    let run = build(&book, &mirrors, &["--download", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cached = book.path().join(".nnbook-cache/datasets/mnist");
    assert_eq!(
        files_in(&cached),
        ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    );
    let m: serde_json::Value =
        serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap();
    assert_eq!(m["experiments"][0]["status"], "ok", "{m}");
    assert_eq!(m["figures"][0]["status"], "ok");
    let hits = mirror.hits().len();
    assert_eq!(hits, 4, "{:?}", mirror.hits());
    // The second build finds the files in the cache and downloads nothing.
    let again = build(&book, &mirrors, &["--download", "--strict"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(mirror.hits().len(), hits);
    // Without --download too: the cache's datasets folder is always searched.
    let offline = build(&book, "http://127.0.0.1:9/", &["--strict"]);
    assert_eq!(offline.code, 0, "{}", offline.stderr);
}
