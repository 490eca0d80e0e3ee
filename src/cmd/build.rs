//! `nnbook build`: run the pipeline, write the site and say what was built.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::{fail, print_all};
use crate::cli::BookArgs;
use crate::pipeline::build;

pub fn run(book: &BookArgs, out: Option<PathBuf>, color: bool) -> ExitCode {
    let started = Instant::now();
    let opts = book.options(out);
    match build(&opts) {
        Ok(report) => {
            print_all(&report.warnings, color);
            eprintln!(
                "built {} in {:.2}s: {} chapters, {} experiments ({} cached, {} skipped), {} figures, {} tables",
                crate::diag::display_path(&report.out_dir),
                started.elapsed().as_secs_f64(),
                report.chapters,
                report.experiments,
                report.cached,
                report.skipped,
                report.figures,
                report.tables
            );
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags, color, "build"),
    }
}

/// `--shard K/N` (build and test): train one shard into the cache and say what was written.
pub fn shard(book: &BookArgs, shard: crate::shard::Shard, color: bool) -> ExitCode {
    let started = Instant::now();
    let opts = book.options(None);
    match crate::shard::train(&opts, shard) {
        Ok(report) => {
            print_all(&report.warnings, color);
            eprintln!(
                "shard {shard} in {:.2}s: {} of the book's {} experiments ({} cached, {} skipped) in the cache {}; no site written",
                started.elapsed().as_secs_f64(),
                report.experiments.len(),
                report.total,
                report.cached,
                report.skipped,
                crate::shard::shown_dir(&opts.root, &report.cache_dir),
            );
            eprintln!(
                "help: copy every shard's cache folder into one, then `nnbook build` trains nothing"
            );
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags, color, "build"),
    }
}
