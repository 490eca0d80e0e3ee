//! Every committed figure of the sample book and of the figure-kinds fixture, read back: no
//! label covers another, a point or a legend, and no legend covers data. A test of the crate
//! (its source reads no files).

use nnbook_figures::overlap::{overlaps, read};

#[test]
fn no_figure_of_the_books_covers_anything() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut failures = Vec::new();
    let (mut figures, mut labels, mut legends) = (0, 0, 0);
    for dir in ["tests/snapshots", "tests/fixtures/kinds/snapshots"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("snapshot directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .collect();
        files.sort();
        for f in files {
            let svg = std::fs::read_to_string(&f).expect("readable");
            let r = read(&svg);
            figures += 1;
            labels += r.labels.len();
            legends += r.legends.len();
            for o in overlaps(&svg) {
                failures.push(format!("{}: {o}", f.display()));
            }
        }
    }
    assert!(
        figures > 80 && labels > 20 && legends > 20,
        "{figures} {labels} {legends}"
    );
    assert!(
        failures.is_empty(),
        "{} overlaps:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
