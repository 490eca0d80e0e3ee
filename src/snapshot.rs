//! `nnbook test`: build the book in memory and compare every figure and table with its
//! committed snapshot, byte for byte. Differences fail with a report folder holding the old and
//! new images, a picture of the changed pixels and an index.html; `--update` rewrites them.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::escape;
use crate::diag::{Diagnostic, Location, display_path};
use crate::pipeline::{BuildOptions, build_files};
use crate::raster;

/// Where the comparison report goes, inside the book.
pub const REPORT_DIR: &str = "nnbook-test-report";

/// What `nnbook test` found.
#[derive(Debug, Default)]
pub struct TestReport {
    pub checked: usize,
    /// Snapshot files that differ from what the build made.
    pub changed: Vec<String>,
    /// Figures and tables with no snapshot yet.
    pub missing: Vec<String>,
    /// Snapshots that no figure or table produces any more.
    pub stale: Vec<String>,
    /// Figures and tables of skipped experiments (missing datasets).
    pub skipped: Vec<String>,
    /// Snapshot files written by `--update`.
    pub written: usize,
    pub warnings: Vec<Diagnostic>,
    /// The report folder, when one was written.
    pub report: Option<PathBuf>,
}

impl TestReport {
    /// Whether the run fails (with `strict`, skipped items fail too).
    pub fn failed(&self, strict: bool) -> bool {
        !self.changed.is_empty()
            || !self.missing.is_empty()
            || !self.stale.is_empty()
            || (strict && !self.skipped.is_empty())
    }
}

/// Compare (or with `update`, rewrite) the book's snapshots.
pub fn test(opts: &BuildOptions, update: bool) -> Result<TestReport, Vec<Diagnostic>> {
    let config = Config::load(&opts.root).map_err(|d| vec![d])?;
    let (_, build) = build_files(opts)?;
    let dir = opts.root.join(&config.snapshots);
    let io = |what: &str, p: &Path, e: std::io::Error| {
        vec![
            Diagnostic::error("E050", format!("cannot {what} {}: {e}", display_path(p)))
                .at(Location::file(p)),
        ]
    };
    let mut report = TestReport {
        warnings: build.warnings,
        ..TestReport::default()
    };
    let mut produced = BTreeSet::new();
    let mut diffs = Vec::new();
    for item in &build.shown {
        produced.insert(item.file.clone());
        let Some(bytes) = &item.bytes else {
            report.skipped.push(item.id.clone());
            continue;
        };
        report.checked += 1;
        let path = dir.join(&item.file);
        match std::fs::read(&path) {
            Ok(old) if &old == bytes => {}
            Ok(old) => {
                if update {
                    std::fs::write(&path, bytes).map_err(|e| io("write", &path, e))?;
                    report.written += 1;
                } else {
                    report.changed.push(item.file.clone());
                    diffs.push((item.file.clone(), old, bytes.clone()));
                }
            }
            Err(_) if update => {
                std::fs::create_dir_all(&dir).map_err(|e| io("create", &dir, e))?;
                std::fs::write(&path, bytes).map_err(|e| io("write", &path, e))?;
                report.written += 1;
            }
            Err(_) => report.missing.push(item.file.clone()),
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for name in names {
            let ours = name.ends_with(".svg") || name.ends_with(".html");
            if ours && !produced.contains(&name) {
                if update {
                    let p = dir.join(&name);
                    std::fs::remove_file(&p).map_err(|e| io("remove", &p, e))?;
                } else {
                    report.stale.push(name);
                }
            }
        }
    }
    let report_dir = opts.root.join(REPORT_DIR);
    if report.failed(opts.strict) && !update {
        if report_dir.exists() && !is_report(&report_dir) {
            return Err(vec![
                Diagnostic::error(
                    "E050",
                    format!(
                        "cannot write the report: {} exists and nnbook did not write it",
                        display_path(&report_dir)
                    ),
                )
                .at(Location::file(&report_dir))
                .hint(format!(
                    "move or rename that folder; nnbook replaces only a {REPORT_DIR}/ it wrote"
                )),
            ]);
        }
        report.report =
            Some(write_report(&report_dir, &diffs).map_err(|e| io("write", &report_dir, e))?);
    } else if report.changed.is_empty() && report.missing.is_empty() && report.stale.is_empty() {
        // Nothing differs any more: an earlier failure's report would only mislead.
        remove_report(&report_dir).map_err(|e| io("remove", &report_dir, e))?;
    }
    Ok(report)
}

/// In every report's index.html; only a folder holding it is ever replaced or removed.
const REPORT_MARKER: &str = "<title>nnbook test report</title>";

/// Whether `dir` is a report nnbook wrote (not a folder of the user's that has the same name).
fn is_report(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("index.html")).is_ok_and(|t| t.contains(REPORT_MARKER))
}

/// Remove an old report; a folder of that name that nnbook did not write is left alone (and
/// `test` refuses to write a report over it).
fn remove_report(dir: &Path) -> std::io::Result<()> {
    if is_report(dir) {
        std::fs::remove_dir_all(dir)?;
    }
    Ok(())
}

/// The report folder: for each changed figure old.png, new.png and diff.png, and an index.
fn write_report(dir: &Path, diffs: &[(String, Vec<u8>, Vec<u8>)]) -> std::io::Result<PathBuf> {
    remove_report(dir)?;
    std::fs::create_dir_all(dir)?;
    let mut index = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nnbook test report</title>\n<style>body{font-family:sans-serif;margin:2rem}img{max-width:32%;border:1px solid #ccc;margin-right:1%}figure{margin:0 0 2rem}</style></head><body>\n<h1>Figures and tables that changed</h1>\n",
    );
    for (file, old, new) in diffs {
        let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
        let _ = writeln!(index, "<h2>{}</h2>", escape(file));
        if file.ends_with(".svg") {
            let render = |bytes: &[u8]| raster::render(&String::from_utf8_lossy(bytes), 1.0);
            match (render(old), render(new)) {
                (Ok(a), Ok(b)) => {
                    let (d, changed) = raster::diff(&a, &b).map_err(std::io::Error::other)?;
                    for (suffix, img) in [("old", &a), ("new", &b), ("diff", &d)] {
                        std::fs::write(
                            dir.join(format!("{stem}.{suffix}.png")),
                            img.png().map_err(std::io::Error::other)?,
                        )?;
                    }
                    let _ = writeln!(
                        index,
                        "<figure><img src=\"{0}.old.png\" alt=\"before\"><img src=\"{0}.new.png\" alt=\"after\"><img src=\"{0}.diff.png\" alt=\"changed pixels in red\"><figcaption>before · after · {changed} changed pixels in red</figcaption></figure>",
                        escape(stem)
                    );
                }
                _ => {
                    let _ = writeln!(index, "<p>The SVG could not be rasterised.</p>");
                }
            }
        } else {
            std::fs::write(dir.join(format!("{stem}.old.html")), old)?;
            std::fs::write(dir.join(format!("{stem}.new.html")), new)?;
            let _ = writeln!(
                index,
                "<p><a href=\"{0}.old.html\">before</a> · <a href=\"{0}.new.html\">after</a></p>",
                escape(stem)
            );
        }
    }
    index.push_str("</body></html>\n");
    std::fs::write(dir.join("index.html"), index)?;
    Ok(dir.to_path_buf())
}
