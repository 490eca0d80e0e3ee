//! Helpers shared by the integration tests: temporary copies of fixture books and running the
//! real `nnbook` binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "nnbook-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy `tests/fixtures/<name>` into a new temporary folder.
pub fn fixture(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy_dir(&src, dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The result of running nnbook.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the nnbook binary with arguments (no colour).
pub fn nnbook(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_nnbook"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run nnbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `nnbook build --root DIR [extra]`, asserting success.
pub fn build_ok(root: &Path, extra: &[&str]) -> Run {
    let root_s = root.to_str().unwrap();
    let mut args = vec!["build", "--root", root_s];
    args.extend_from_slice(extra);
    let run = nnbook(&args);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    run
}

/// Every file under `dir` by relative path, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let p = entry.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Every entry under `dir` (hidden ones and folders too) with its bytes, or its target for a
/// symlink, which is not followed; top-level entries named in `skip` are left out.
pub fn whole_tree(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(
                    format!("{rel} ->"),
                    target.as_os_str().as_encoded_bytes().to_vec(),
                );
            } else if meta.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &p, skip, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, skip, &mut out);
    out
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Run nnbook with extra environment changes (None removes a variable).
pub fn nnbook_env(args: &[&str], env: &[(&str, Option<&str>)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nnbook"));
    cmd.args(args).env("NO_COLOR", "1");
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().expect("run nnbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The folder holding `mnist/` on this machine, if any (CI always has ../shared).
pub fn shared_datasets() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("NNBOOK_DATA_DIR").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|d| d.join("mnist").is_dir())
}

/// The folder holding `mnist/`, or None when the test is to be skipped (reason printed).
/// With `NNBOOK_REQUIRE_MNIST=1` (CI) a missing folder fails the test instead.
pub fn mnist_or_skip() -> Option<PathBuf> {
    let found = shared_datasets();
    if found.is_none() {
        skip(
            "NNBOOK_REQUIRE_MNIST",
            "no MNIST folder (set NNBOOK_DATA_DIR or put ../shared beside the repository)",
        );
    }
    found
}

/// Print why a test is skipped, or fail it when `require` is set to 1.
pub fn skip(require: &str, reason: &str) {
    if std::env::var(require).is_ok_and(|v| v == "1") {
        panic!("required ({require}=1) but {reason}");
    }
    eprintln!("skipped: {reason}");
}

/// Replace the first `from` with `to` in a file of a fixture copy.
pub fn edit(book: &TempDir, file: &str, from: &str, to: &str) {
    let path = book.path().join(file);
    let text = read(&path);
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// A running `nnbook serve`, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT/base/`
    pub url: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Server {
    /// Start `nnbook serve --root ROOT --port 0 [extra]` and wait for its address line.
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_nnbook"))
            .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nnbook serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("serving ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        let addr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        Server { child, url, addr }
    }

    /// GET a raw request target (sent as is, not normalised): status and body.
    pub fn get(&self, target: &str) -> (u16, String, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A live experiment retrained natively at changed settings, with what the shared drawing
/// code needs to draw its figures: what the page's redraw is compared with.
pub struct NativeRedraw {
    pub model: nnbook_engine::Model,
    pub history: nnbook_engine::History,
    pub x: ndarray::Array2<f32>,
    pub changed: nnbook::live::Experiment,
}

impl NativeRedraw {
    pub fn new(
        exp: &nnbook::live::Experiment,
        settings: &nnbook::live::Settings,
        figures: &nnbook_live::draw::Figures,
    ) -> NativeRedraw {
        let changed = exp.with(settings).unwrap();
        let (model, history) =
            nnbook_live::train(&changed, figures.snapshots(changed.epochs), &mut |_, _| {})
                .unwrap();
        let x = nnbook_live::inputs(&changed).unwrap();
        NativeRedraw {
            model,
            history,
            x,
            changed,
        }
    }

    pub fn input<'a>(
        &'a self,
        figures: &'a nnbook_live::draw::Figures,
    ) -> nnbook_live::draw::Input<'a> {
        nnbook_live::draw::Input {
            x: &self.x,
            classes: &figures.classes,
            class_of: &figures.class_of,
            model: Some(&self.model),
            history: Some(&self.history),
            epochs: self.changed.epochs,
            predict: &nnbook::run::predict,
        }
    }
}
