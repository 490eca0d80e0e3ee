//! `nnbook clean`: remove the output folder (book.yaml's `output:`, or `--out`) if it holds a
//! site nnbook wrote.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::fail;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::output::Output;

pub fn run(root: &Path, out: Option<&Path>, color: bool) -> ExitCode {
    match clean(root, out) {
        Ok(Some(p)) => {
            eprintln!("removed {}", p.display());
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(d) => fail(&[d], color, "clean"),
    }
}

/// The folder removed, if there was one.
pub fn clean(root: &Path, out: Option<&Path>) -> Result<Option<PathBuf>, Diagnostic> {
    let config = Config::load(root)?;
    Output::choose(root, &config, out)?.remove()
}
