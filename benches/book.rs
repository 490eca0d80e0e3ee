//! Whole-book benchmarks on the sample book. Prints `BENCH <name> <value> <unit>`:
//! `book_cold` (empty cache), `book_warm` (nothing changed), `book_prose_edit` (one paragraph
//! changed), in this process; then, as an author runs it (the release binary, process start
//! included), `book_warm_process` and `book_warm_process_rss` with MNIST present (from
//! $NNBOOK_DATA_DIR) and `book_warm_no_mnist_process(_rss)` without. Peak memory is measured
//! with GNU time (`/usr/bin/time`) when the machine has it. Run with `cargo bench --bench book`.

use std::path::{Path, PathBuf};
use std::process::Command;
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

/// One `nnbook build` as a process: wall milliseconds and, with GNU time, peak RSS in MB.
fn process(root: &Path, data_dir: Option<&str>) -> (f64, Option<f64>) {
    let exe = env!("CARGO_BIN_EXE_nnbook");
    let gnu_time = Path::new("/usr/bin/time").is_file();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "MAXRSS %M", exe]);
        c
    } else {
        Command::new(exe)
    };
    cmd.args(["build", "--root"]).arg(root);
    match data_dir {
        Some(d) => cmd.env("NNBOOK_DATA_DIR", d),
        None => cmd.env_remove("NNBOOK_DATA_DIR"),
    };
    let start = Instant::now();
    let out = cmd.output().expect("run nnbook");
    let wall = start.elapsed().as_secs_f64() * 1e3;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("MAXRSS "))
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (wall, rss)
}

/// The best of five warm process builds, as BENCH lines named `name`.
fn warm_process(root: &Path, data_dir: Option<&str>, name: &str) {
    // The first build after a change of data folder makes what the cache lacks.
    process(root, data_dir);
    let runs: Vec<(f64, Option<f64>)> = (0..5).map(|_| process(root, data_dir)).collect();
    let wall = runs.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    println!("BENCH {name} {wall:.0} ms");
    if let Some(rss) = runs.iter().filter_map(|r| r.1).reduce(f64::max) {
        println!("BENCH {name}_rss {rss:.0} MB");
    }
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
        cache_dir: None,
    };

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

    let data_dir = std::env::var("NNBOOK_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty());
    match &data_dir {
        Some(d) => warm_process(&root, Some(d), "book_warm_process"),
        None => eprintln!("book_warm_process: set NNBOOK_DATA_DIR to a folder with MNIST"),
    }
    warm_process(&root, None, "book_warm_no_mnist_process");
    let _ = std::fs::remove_dir_all(&root);
}
