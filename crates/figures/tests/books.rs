//! Every committed figure of the sample book and of the figure-kinds fixture, read back: no
//! label covers another, a point or a legend, and no legend covers data. A test of the crate
//! (its source reads no files).

use nnbook_figures::overlap::{overlaps, read};

/// Every committed SVG of both books, with its path, in a fixed order.
fn committed() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["tests/snapshots", "tests/fixtures/kinds/snapshots"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("snapshot directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .collect();
        files.sort();
        for f in files {
            let svg = std::fs::read_to_string(&f).expect("readable");
            out.push((f, svg));
        }
    }
    out
}

/// The number in `tag`'s attribute `name="…"`.
fn attr(tag: &str, name: &str) -> Option<f64> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    tag[i..].split('"').next()?.parse().ok()
}

#[test]
fn no_figure_of_the_books_covers_anything() {
    let mut failures = Vec::new();
    let (mut figures, mut labels, mut legends) = (0, 0, 0);
    for (f, svg) in committed() {
        let r = read(&svg);
        figures += 1;
        labels += r.labels.len();
        legends += r.legends.len();
        for o in overlaps(&svg) {
            failures.push(format!("{}: {o}", f.display()));
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

/// The panels of a small-multiple grid use their cells: each 2-D panel's plot box (its clip
/// rectangle) spans at least 65% of the cell's width and 55% of its height. Fixed label areas
/// of 70 px and 50 px left a 260 × 190 panel's plot 62% × 58% (the unit decomposition) or
/// 62% × 45% (the activation panels).
#[test]
fn grid_panels_fill_their_cells() {
    let mut failures = Vec::new();
    let mut panels = 0;
    for (f, svg) in committed() {
        for part in svg.split("<!--nn-panel-->").skip(1) {
            let head = part.split('>').next().unwrap_or("");
            let (Some(cw), Some(ch)) = (attr(head, "width"), attr(head, "height")) else {
                continue;
            };
            // 3-D panels have no clip rectangle: their box is checked in scatter3d.rs.
            let Some(at) = part.find("-clip\"><rect ") else {
                continue;
            };
            let rect = part[at..].split('>').nth(1).unwrap_or("");
            let (Some(w), Some(h)) = (attr(rect, "width"), attr(rect, "height")) else {
                continue;
            };
            panels += 1;
            if w < 0.65 * cw || h < 0.55 * ch {
                failures.push(format!(
                    "{}: a {cw} × {ch} panel plots in {w} × {h} ({:.0}% × {:.0}%)",
                    f.display(),
                    100.0 * w / cw,
                    100.0 * h / ch
                ));
            }
        }
    }
    assert!(panels > 60, "{panels} panels");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
