//! A book's own data: blocks read CSV files (`data: {csv: points.csv, target: label}`) from the
//! `datasets:` folder or the book root, train on them, and retrain exactly when a file's bytes
//! change. A bad file fails the build at the file's own line and column, relative path only.

mod common;

use common::*;

fn manifest(book: &TempDir) -> serde_json::Value {
    serde_json::from_str(&read(book.path().join("site/manifest.json"))).unwrap()
}

fn cached_count(run: &Run) -> usize {
    let s = &run.stderr;
    let i = s.find(" cached,").expect(s);
    s[..i].rsplit('(').next().unwrap().trim().parse().unwrap()
}

#[test]
fn a_book_trains_on_its_csv_files() {
    let book = fixture("csv");
    let run = build_ok(book.path(), &["--strict"]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let m = manifest(&book);
    let experiments = m["experiments"].as_array().unwrap();
    let points = experiments.iter().find(|e| e["id"] == "points").unwrap();
    assert_eq!(points["status"], "ok", "{m}");
    assert_eq!(points["parameters"], 2 * 4 + 4 + 4 + 1);
    let acc = points["final_metrics"]["accuracy"].as_f64().unwrap();
    assert!(acc > 0.9, "two separated clusters: {acc}");
    // Held-out rows of the same file (from row 33 on) are scored after training.
    assert!(points["final_metrics"]["val_accuracy"].as_f64().unwrap() > 0.7);
    let line = experiments.iter().find(|e| e["id"] == "line").unwrap();
    assert_eq!(line["status"], "ok");
    assert!(line["final_metrics"]["mse"].as_f64().unwrap() < 0.5);
    for id in ["points-regions", "line-fit"] {
        let fig = m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {m}"));
        assert_eq!(fig["status"], "ok");
        let svg = read(book.path().join(format!("site/figures/{id}.svg")));
        assert!(svg.starts_with("<svg"), "{id}");
    }
    // The data table shows the file's own column names and class labels.
    let page = read(book.path().join("site/01-points.html"));
    for cell in [
        "<th scope=\"col\">x1</th>",
        "<th scope=\"col\">label</th>",
        "<td>circle</td>",
        "<td>cross</td>",
    ] {
        assert!(page.contains(cell), "{cell} not in the page");
    }
    // Search knows the experiment's dataset by its file.
    let index = read(book.path().join("site/search-index.js"));
    assert!(
        index.contains("points.csv"),
        "search index lacks the CSV file"
    );
    // The data table's cells are searchable, in the table's own result.
    let json = index
        .trim_start_matches("window.nnbookSearchIndex = ")
        .trim_end()
        .trim_end_matches(';');
    let json: serde_json::Value = serde_json::from_str(json).unwrap();
    let hits = json["terms"]["circle"].as_array().expect("cells indexed");
    assert!(
        hits.iter()
            .any(|d| json["docs"][d.as_u64().unwrap() as usize][3] == "figure"),
        "{index}"
    );
}

#[test]
fn editing_a_csv_file_retrains_and_nothing_else_does() {
    let book = fixture("csv");
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 0);
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 2);
    // Prose and block formatting do not retrain.
    edit(
        &book,
        "content/01-points.md",
        "separates the classes",
        "tells the classes apart",
    );
    edit(
        &book,
        "content/01-points.md",
        "target: label, features: [x1, x2]",
        "features: [x1, x2], target: label",
    );
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 2);
    // One value of one training row: that experiment retrains, the other is cached.
    let csv = read(book.path().join("datasets/points.csv"));
    let first_row = csv.lines().nth(1).unwrap().to_string();
    let changed = first_row.replacen(',', "1,", 1);
    assert_ne!(first_row, changed);
    edit(&book, "datasets/points.csv", &first_row, &changed);
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 2);
    // A held-out row too (the per-epoch validation curve is part of the cached run).
    let last_row = read(book.path().join("datasets/points.csv"))
        .lines()
        .last()
        .unwrap()
        .to_string();
    let changed = last_row.replacen(',', "5,", 1);
    edit(&book, "datasets/points.csv", &last_row, &changed);
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);
    // The root's CSV file (found there when the datasets folder lacks it).
    edit(&book, "line.csv", "0.0000,", "0.0001,");
    assert_eq!(cached_count(&build_ok(book.path(), &[])), 1);
}

#[test]
fn a_bad_csv_file_fails_at_its_own_line_and_column() {
    let book = fixture("csv");
    let csv = read(book.path().join("datasets/points.csv"));
    let third = csv.lines().nth(3).unwrap().to_string();
    let (a, rest) = third.split_once(',').unwrap();
    edit(
        &book,
        "datasets/points.csv",
        &third,
        &format!("{a},oops,{}", rest.split_once(',').unwrap().1),
    );
    let root = book.path().to_str().unwrap();
    let run = nnbook(&["build", "--root", root]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let col = a.chars().count() + 2;
    assert!(
        run.stderr.contains("error[E034]")
            && run
                .stderr
                .contains(&format!("--> datasets/points.csv:4:{col}\n"))
            && run.stderr.contains("`oops` in column `x2` is not a number"),
        "{}",
        run.stderr
    );
    // The file's own line is shown under the message, with a caret under the value.
    assert!(
        run.stderr.contains(&format!("4 | {a},oops,")),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(root),
        "absolute path in {}",
        run.stderr
    );
    let json = nnbook(&["build", "--root", root, "--message-format", "json"]);
    let d: serde_json::Value = serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(d["file"], "datasets/points.csv");
    assert_eq!(
        (d["line"].as_u64(), d["col"].as_u64()),
        (Some(4), Some(col as u64))
    );

    // A typo in a column name: did you mean?
    let book = fixture("csv");
    edit(
        &book,
        "content/01-points.md",
        "target: label,",
        "target: lable,",
    );
    let run = nnbook(&["build", "--root", book.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("--> datasets/points.csv:1:1")
            && run
                .stderr
                .contains("no column `lable` (named by `target:`)")
            && run.stderr.contains("did you mean `label`?"),
        "{}",
        run.stderr
    );
}
