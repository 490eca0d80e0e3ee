//! Whole-book benchmarks on the sample book. Prints `BENCH <name> <value> <unit>`:
//! `book_cold` (empty cache), `book_warm` (nothing changed), `book_prose_edit` (one paragraph
//! changed), in this process; then, as an author runs it (the release binary as a child
//! process, its start included; peak memory is the child's own maximum RSS from `wait4`):
//! - `book_warm_process(_rss)` with MNIST present (from $NNBOOK_DATA_DIR) and
//!   `book_warm_no_mnist_process(_rss)` without: nothing changed (issue 17, item 4);
//! - `book_cold_process(_rss)` (`--no-cache`, MNIST present), `book_cold_no_mnist_process`,
//!   `mnist_alone_process` (a book of the intro article's MNIST experiment only: its data,
//!   training and validation, no figures) and `book_cold_vs_mnist_alone`, the ratio (item 5).
//!
//! Each process figure is the best of a few runs, cold builds interleaved with the MNIST run
//! alone so both see the same load. Run with `cargo bench --bench book`, or through
//! `python3 benches/peers.py --book`, which prints these lines after the engine's ratios to
//! JAX (and PyTorch, Keras) of the same run: the builds are absolute times on this machine,
//! the cold-over-alone ratio and the engine ratios are what compare across machines.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use nnbook::pipeline::{BuildOptions, build};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn timed(opts: &BuildOptions) -> f64 {
    let start = Instant::now();
    build(opts)
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| d.render(false)).collect::<String>()));
    start.elapsed().as_secs_f64() * 1e3
}

/// One `nnbook build --root ROOT ARGS` as a process: wall milliseconds and its peak RSS in
/// MB (the child's own, from `wait4`, so earlier children do not count).
// Clippy cannot see that wait4 reaps the child.
#[allow(clippy::zombie_processes)]
fn process(root: &Path, data_dir: Option<&str>, args: &[&str]) -> (f64, f64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nnbook"));
    cmd.args(["build", "--root"]).arg(root).args(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    match data_dir {
        Some(d) => cmd.env("NNBOOK_DATA_DIR", d),
        None => cmd.env_remove("NNBOOK_DATA_DIR"),
    };
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run nnbook");
    // Read stderr to its end first, so a chatty build never blocks on a full pipe.
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr).expect("stderr");
    }
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: rusage is plain old data that wait4 fills in; `child` is ours and not yet
    // reaped (std never waits for it after this, since it is only dropped).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64() * 1e3;
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "nnbook build failed: {stderr}"
    );
    // Linux gives ru_maxrss in kilobytes.
    (wall, usage.ru_maxrss as f64 / 1024.0)
}

/// The best of five warm process builds, as BENCH lines named `name`.
fn warm_process(root: &Path, data_dir: Option<&str>, name: &str) {
    // The first build after a change of data folder makes what the cache lacks.
    process(root, data_dir, &[]);
    let runs: Vec<(f64, f64)> = (0..5).map(|_| process(root, data_dir, &[])).collect();
    let wall = runs.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let rss = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    println!("BENCH {name} {wall:.0} ms");
    println!("BENCH {name}_rss {rss:.0} MB");
}

/// The intro article's MNIST experiment as a book of its own, figures left out.
fn mnist_alone(book: &Path, root: &Path) {
    let chapter = std::fs::read_to_string(book.join("content/03-artificial-neural-networks.md"))
        .expect("chapter");
    let start = chapter
        .find("id: ann-mnist\n")
        .expect("the ann-mnist block");
    let end = start + chapter[start..].find("show:").expect("its show list");
    std::fs::create_dir_all(root.join("content")).expect("temp dir");
    std::fs::write(
        root.join("book.yaml"),
        "title: MNIST alone\nchapters: [mnist.md]\n",
    )
    .expect("book.yaml");
    let text = format!("# MNIST\n\n```nn\n{}```\n", &chapter[start..end]);
    std::fs::write(root.join("content/mnist.md"), text).expect("chapter");
}

/// Cold builds (no cache) with and without MNIST, and the MNIST run alone, interleaved.
fn cold_process(root: &Path, alone: &Path, data_dir: &str) {
    let cold = ["--no-cache"];
    let mut with = Vec::new();
    let mut only = Vec::new();
    for _ in 0..3 {
        with.push(process(root, Some(data_dir), &cold));
        only.push(process(alone, Some(data_dir), &cold));
    }
    let best = |runs: &[(f64, f64)]| runs.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let (with_ms, only_ms) = (best(&with), best(&only));
    let rss = with.iter().map(|r| r.1).fold(0.0, f64::max);
    println!("BENCH book_cold_process {with_ms:.0} ms");
    println!("BENCH book_cold_process_rss {rss:.0} MB");
    println!("BENCH mnist_alone_process {only_ms:.0} ms");
    println!("BENCH book_cold_vs_mnist_alone {:.2} x", with_ms / only_ms);
}

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root: PathBuf = std::env::temp_dir().join(format!("nnbook-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("temp dir");
    std::fs::copy(src.join("book.yaml"), root.join("book.yaml")).expect("book.yaml");
    copy_dir(&src.join("content"), &root.join("content"));
    let opts = BuildOptions {
        root: root.clone(),
        out: None,
        strict: false,
        jobs: None,
        no_cache: false,
        download: false,
        cache_dir: Some(root.join("in-process-cache")),
    };

    // The child processes first: a child starts as a copy of this process, and Linux counts
    // that copy's memory in the child's peak, so this process must still be small (a few MB
    // then, the floor of every `_rss` figure).
    let data_dir = std::env::var("NNBOOK_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty());
    match &data_dir {
        Some(d) => warm_process(&root, Some(d), "book_warm_process"),
        None => eprintln!("book_warm_process: set NNBOOK_DATA_DIR to a folder with MNIST"),
    }
    warm_process(&root, None, "book_warm_no_mnist_process");
    let cold = (0..3)
        .map(|_| process(&root, None, &["--no-cache"]).0)
        .fold(f64::INFINITY, f64::min);
    println!("BENCH book_cold_no_mnist_process {cold:.0} ms");
    if let Some(d) = &data_dir {
        let alone = root.with_extension("mnist-alone");
        mnist_alone(src, &alone);
        cold_process(&root, &alone, d);
        let _ = std::fs::remove_dir_all(&alone);
    }

    // In this process, with a cache of its own (the builds above filled the book's).
    println!("BENCH book_cold {:.0} ms", timed(&opts));
    let warm = (0..5).map(|_| timed(&opts)).fold(f64::INFINITY, f64::min);
    println!("BENCH book_warm {warm:.0} ms");
    let chapter = root.join("content/04-writing-with-nnbook.md");
    let text = std::fs::read_to_string(&chapter).expect("chapter");
    let edit = (0..5)
        .map(|i| {
            let edited = text.replacen(
                "Prose is ordinary Markdown.",
                &format!("Prose is ordinary Markdown (edit {i})."),
                1,
            );
            std::fs::write(&chapter, edited).expect("edit");
            timed(&opts)
        })
        .fold(f64::INFINITY, f64::min);
    println!("BENCH book_prose_edit {edit:.0} ms");

    let _ = std::fs::remove_dir_all(&root);
}
