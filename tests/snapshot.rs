//! `nnbook test`: snapshots of every figure and table, compared byte for byte.

mod common;

use common::*;

#[test]
fn snapshot_workflow() {
    let book = fixture("basic");
    let root = book.path().to_str().unwrap();
    // No snapshots yet: every figure and table is missing.
    let first = nnbook(&["test", "--root", root]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first.stderr.contains("no snapshot: xor-regions.svg"),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains("nnbook test --update"));

    let update = nnbook(&["test", "--root", root, "--update"]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    let snaps = book.path().join("snapshots");
    for f in [
        "xor-points.svg",
        "xor-regions.svg",
        "xor-curve.svg",
        "xor-summary.html",
        "xor-metrics.html",
    ] {
        assert!(snaps.join(f).is_file(), "{f}");
    }
    let ok = nnbook(&["test", "--root", root]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout
            .contains("snapshots: 5 passed, 0 failed, 0 skipped"),
        "{}",
        ok.stdout
    );
    // The site is not written by `nnbook test`.
    assert!(!book.path().join("site").exists());

    // One altered byte fails, with a report holding the three images.
    let path = snaps.join("xor-regions.svg");
    let mut bytes = std::fs::read(&path).unwrap();
    let i = bytes.windows(7).position(|w| w == b"#edba91").unwrap();
    bytes[i + 1..i + 7].copy_from_slice(b"00ff00");
    std::fs::write(&path, &bytes).unwrap();
    let changed = nnbook(&["test", "--root", root]);
    assert_eq!(changed.code, 1);
    assert!(
        changed.stderr.contains("changed: xor-regions.svg"),
        "{}",
        changed.stderr
    );
    let report = book.path().join("nnbook-test-report");
    for f in [
        "index.html",
        "xor-regions.old.png",
        "xor-regions.new.png",
        "xor-regions.diff.png",
    ] {
        assert!(report.join(f).is_file(), "{f}");
    }
    assert!(
        std::fs::read(report.join("xor-regions.diff.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    assert!(read(report.join("index.html")).contains("changed pixels"));

    // A table that changes is reported too; --update accepts both.
    let table = snaps.join("xor-summary.html");
    std::fs::write(&table, read(&table).replace("<td>17</td>", "<td>18</td>")).unwrap();
    let changed = nnbook(&["test", "--root", root]);
    assert!(
        changed.stderr.contains("changed: xor-summary.html"),
        "{}",
        changed.stderr
    );
    assert_eq!(nnbook(&["test", "--root", root, "--update"]).code, 0);
    assert_eq!(nnbook(&["test", "--root", root]).code, 0);

    // A snapshot nothing produces any more is stale.
    std::fs::write(snaps.join("gone.svg"), "<svg/>").unwrap();
    let stale = nnbook(&["test", "--root", root]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("stale snapshot: gone.svg"));
}

#[test]
fn skipped_figures_are_not_failures_unless_strict() {
    let book = fixture("mnist");
    let root = book.path().to_str().unwrap();
    let env = [("NNBOOK_DATA_DIR", None)];
    let run = nnbook_env(&["test", "--root", root], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 passed, 0 failed, 4 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(
        nnbook_env(&["test", "--root", root, "--strict"], &env).code,
        1
    );
}
