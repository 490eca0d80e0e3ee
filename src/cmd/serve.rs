//! `nnbook serve`: serve the book from memory until the process is stopped (src/serve/).

use std::process::ExitCode;

use super::fail;
use crate::cli::BookArgs;
use crate::serve::{ServeOptions, serve};

pub fn run(
    book: &BookArgs,
    host: String,
    port: u16,
    base: String,
    open: bool,
    color: bool,
) -> ExitCode {
    let opts = ServeOptions {
        build: book.options(None),
        host,
        port,
        base,
        open,
    };
    match serve(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => fail(&[d], color, "build"),
    }
}
