//! The commands, one file each (as mdBook's `cmd/`): parse the arguments (src/cli.rs), run the
//! command, turn diagnostics into coloured (TTY only, NO_COLOR respected) messages or JSON
//! lines, and exit: 0 ok, 1 content errors, 2 usage errors.

pub mod build;
pub mod clean;
pub mod explain;
pub mod init;
pub mod serve;
pub mod test;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

use crate::cli::{Cli, Command, MessageFormat};
use crate::diag::Diagnostic;

/// Set once from `--message-format json`: diagnostics go to stdout as JSON lines.
static JSON: AtomicBool = AtomicBool::new(false);

/// Entry point used by the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    JSON.store(cli.message_format == MessageFormat::Json, Ordering::Relaxed);
    let color = use_color();
    match cli.command {
        Command::Build {
            book,
            shard: Some(shard),
            ..
        }
        | Command::Test {
            book,
            shard: Some(shard),
            ..
        } => build::shard(&book, shard, color),
        Command::Build { book, out, .. } => build::run(&book, out, color),
        Command::Test { book, update, .. } => test::run(&book, update, color),
        Command::Serve {
            book,
            host,
            port,
            base,
            open,
        } => serve::run(&book, host, port, base, open, color),
        Command::Init { dir } => init::run(&dir, color),
        Command::Explain { code } => explain::run(&code),
        Command::Clean { root, out } => clean::run(&root, out.as_deref(), color),
    }
}

/// Whether diagnostics go to stdout as JSON lines.
fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Print the diagnostics and the summary line (`clean failed: 1 error`); exit 1.
fn fail(diags: &[Diagnostic], color: bool, command: &str) -> ExitCode {
    print_all(diags, color);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "{command} failed: {errors} error{}",
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

/// At most this many diagnostics are printed; the rest are counted.
const MAX_SHOWN: usize = 50;

fn print_all(diags: &[Diagnostic], color: bool) {
    let json = json();
    if diags.len() > MAX_SHOWN {
        eprintln!(
            "note: showing the first {MAX_SHOWN} of {} diagnostics",
            diags.len()
        );
    }
    for d in diags.iter().take(MAX_SHOWN) {
        if json {
            println!("{}", d.to_json());
        } else {
            eprintln!("{}", d.render(color));
        }
    }
}

fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}
