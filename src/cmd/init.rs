//! `nnbook init`: create a book (src/init.rs) and say how to build it.

use std::path::Path;
use std::process::ExitCode;

use super::fail;

pub fn run(dir: &Path, shards: Option<usize>, color: bool) -> ExitCode {
    match crate::init::init(dir, shards) {
        Ok(()) => {
            eprintln!(
                "created a book in {}; build it with `nnbook build --root {}`",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => fail(&[d], color, "init"),
    }
}
