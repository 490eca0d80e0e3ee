//! Whole-book benchmarks on the sample book. Prints `BENCH <name> <value> <unit>`:
//! `book_cold` (empty cache), `book_warm` (nothing changed), `book_prose_edit` (one paragraph
//! changed). Run with `cargo bench --bench book`.

use std::path::{Path, PathBuf};
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
    let _ = std::fs::remove_dir_all(&root);
}
