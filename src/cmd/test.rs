//! `nnbook test`: build in memory, compare every figure and table with its snapshot, list what
//! differs and exit 1 on a difference (`--update` accepts the new ones).

use std::process::ExitCode;

use super::{fail, json, print_all};
use crate::cli::BookArgs;
use crate::pipeline::BuildOptions;

pub fn run(book: &BookArgs, update: bool, color: bool) -> ExitCode {
    let strict = book.strict;
    // Skipped figures are counted below (a failure under --strict), not turned into errors.
    let opts = BuildOptions {
        strict: false,
        ..book.options(None)
    };
    let report = match crate::snapshot::test(&opts, update) {
        Ok(report) => report,
        Err(diags) => return fail(&diags, color, "build"),
    };
    print_all(&report.warnings, color);
    for (label, items) in [
        ("changed", &report.changed),
        ("no snapshot", &report.missing),
        ("stale snapshot", &report.stale),
        ("skipped", &report.skipped),
    ] {
        for item in items {
            eprintln!("{label}: {item}");
        }
    }
    if let Some(dir) = &report.report {
        eprintln!(
            "report: {}",
            crate::diag::display_path(&dir.join("index.html"))
        );
    }
    let failed = report.changed.len()
        + report.missing.len()
        + report.stale.len()
        + if strict { report.skipped.len() } else { 0 };
    if update {
        eprintln!("updated {} snapshots", report.written);
    }
    let summary = format!(
        "snapshots: {} passed, {} failed, {} skipped",
        report
            .checked
            .saturating_sub(report.changed.len() + report.missing.len()),
        failed,
        report.skipped.len()
    );
    // With JSON diagnostics, stdout holds only JSON lines.
    if json() {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    if report.failed(strict) && !update {
        if report.missing.iter().chain(&report.stale).next().is_some() {
            eprintln!("help: run `nnbook test --update` to accept the new figures");
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
