//! Command-line interface: parse arguments (clap), run the command, turn diagnostics into
//! coloured (TTY only, NO_COLOR respected) messages and exit codes: 0 ok, 1 content errors,
//! 2 usage errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{BuildOptions, build};
use crate::diag::Diagnostic;

/// Build literate neural-network books whose figures are computed at build time.
#[derive(Parser, Debug)]
#[command(name = "nnbook", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How diagnostics are printed: `human` (rustc-style, on stderr) or `json` (one object
    /// per line on stdout, for editors and CI annotations).
    #[arg(long, value_enum, global = true, default_value = "human")]
    message_format: MessageFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum MessageFormat {
    Human,
    Json,
}

/// Set once from `--message-format json`: diagnostics go to stdout as JSON lines.
static JSON: AtomicBool = AtomicBool::new(false);

#[derive(Subcommand, Debug)]
enum Command {
    /// Run every experiment block and write the static site.
    Build {
        #[command(flatten)]
        book: BookArgs,
        /// Output folder (default: `output` in book.yaml, else `site`): relative to the root,
        /// or absolute. It may be outside the book; nnbook replaces only an empty folder or a
        /// site it built, and never the book, its sources, its data or anything above it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build in memory and compare every figure and table with its committed snapshot.
    Test {
        #[command(flatten)]
        book: BookArgs,
        /// Write missing snapshots and rewrite changed ones.
        #[arg(long)]
        update: bool,
    },
    /// Serve the book from memory on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        #[command(flatten)]
        book: BookArgs,
        /// Address to listen on (127.0.0.1: only this machine).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port to listen on, 0 to 65535 (0: any free port; the address is printed).
        #[arg(long, default_value_t = 3000, allow_negative_numbers = true)]
        port: u16,
        /// Serve the book under this path, as GitHub Pages does (e.g. `/repo/`).
        #[arg(long, default_value = "/")]
        base: String,
        /// Open the book in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new book with one chapter and a GitHub Pages workflow.
    Init {
        /// Folder to create (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Explain a diagnostic code (such as E012) at length, with an example.
    Explain {
        /// The code, as printed in `error[E012]`.
        code: String,
    },
    /// Delete the output folder that `nnbook build` wrote.
    Clean {
        /// The book's folder (holding book.yaml).
        #[arg(long, default_value = ".", value_parser = folder())]
        root: PathBuf,
        /// The output folder, if the site was built with `--out` (default: `output` in
        /// book.yaml, else `site`). Only a folder holding nnbook's manifest.json is deleted.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Arguments shared by the commands that build a book.
#[derive(clap::Args, Debug)]
struct BookArgs {
    /// The book's folder (holding book.yaml).
    #[arg(long, default_value = ".", value_parser = folder())]
    root: PathBuf,
    /// Treat warnings (such as a missing dataset) as errors.
    #[arg(long)]
    strict: bool,
    // The help names the cap on this machine, so it is written at run time.
    #[arg(long, value_parser = jobs(), allow_negative_numbers = true, help = jobs_help())]
    jobs: Option<usize>,
    /// Retrain every experiment, ignoring (and not writing) the cache.
    #[arg(long)]
    no_cache: bool,
    /// Download missing external datasets (MNIST) into the cache, checked against their
    /// published SHA-256 (as `download: true` in book.yaml).
    #[arg(long)]
    download: bool,
}

/// `--root`: an existing folder, or a usage error naming the path.
fn folder() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PathBufValueParser::new().try_map(|path: PathBuf| {
        let shown = path.display();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => Ok(path),
            Ok(_) => Err(format!("`{shown}` is not a folder")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(format!("the folder `{shown}` does not exist"))
            }
            Err(e) => Err(format!("cannot read the folder `{shown}`: {e}")),
        }
    })
}

/// The most experiments trained at once: 4 × the available cores.
pub fn max_jobs() -> usize {
    4 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn jobs_help() -> String {
    format!(
        "Number of experiments trained at once (default: one per core), from 1 to 4 × the \
         available cores ({} here): each job is a thread, and more of them only slow the \
         build down",
        max_jobs()
    )
}

/// `--jobs`: 1 to [`max_jobs`]; clap names the bad value and the range (signed, so that
/// `-1` is out of range rather than "an invalid digit").
fn jobs() -> clap::builder::RangedI64ValueParser<usize> {
    let max = i64::try_from(max_jobs()).unwrap_or(i64::MAX);
    clap::builder::RangedI64ValueParser::<usize>::new().range(1..=max)
}

impl BookArgs {
    fn options(&self, out: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            out,
            strict: self.strict,
            jobs: self.jobs,
            no_cache: self.no_cache,
            download: self.download,
        }
    }
}

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
        Command::Build { book, out } => {
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
        Command::Test { book, update } => {
            let strict = book.strict;
            let opts = BuildOptions {
                strict: false,
                ..book.options(None)
            };
            match crate::snapshot::test(&opts, update) {
                Ok(report) => {
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
                    if JSON.load(Ordering::Relaxed) {
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
                Err(diags) => fail(&diags, color, "build"),
            }
        }
        Command::Serve {
            book,
            host,
            port,
            base,
            open,
        } => {
            let opts = crate::serve::ServeOptions {
                build: book.options(None),
                host,
                port,
                base,
                open,
            };
            match crate::serve::serve(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(d) => fail(&[d], color, "build"),
            }
        }
        Command::Init { dir } => match crate::init::init(&dir) {
            Ok(()) => {
                eprintln!(
                    "created a book in {}; build it with `nnbook build --root {}`",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => fail(&[d], color, "init"),
        },
        Command::Explain { code } => match crate::explain::find(&code) {
            Some(e) => {
                print!("{}", crate::explain::render(e));
                ExitCode::SUCCESS
            }
            None => {
                let codes: Vec<&str> = crate::explain::EXPLANATIONS
                    .iter()
                    .map(|e| e.code)
                    .collect();
                eprintln!(
                    "error: no explanation for `{code}`\n  = help: {}",
                    crate::diag::did_you_mean(&code.to_ascii_uppercase(), &codes)
                );
                ExitCode::from(2)
            }
        },
        Command::Clean { root, out } => match crate::build::clean(&root, out.as_deref()) {
            Ok(Some(p)) => {
                eprintln!("removed {}", p.display());
                ExitCode::SUCCESS
            }
            Ok(None) => ExitCode::SUCCESS,
            Err(d) => fail(&[d], color, "clean"),
        },
    }
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
    let json = JSON.load(Ordering::Relaxed);
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
