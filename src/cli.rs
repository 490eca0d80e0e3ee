//! Command-line interface: the clap definitions of every command and option, with the value
//! parsers that turn a bad value into a usage error. Running the commands is src/cmd/'s job.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::pipeline::BuildOptions;

/// Build literate neural-network books whose figures are computed at build time.
#[derive(Parser, Debug)]
#[command(name = "nnbook", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How diagnostics are printed: `human` (rustc-style, on stderr) or `json` (one object
    /// per line on stdout, for editors and CI annotations).
    #[arg(long, value_enum, global = true, default_value = "human")]
    pub message_format: MessageFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run every experiment block and write the static site.
    Build {
        #[command(flatten)]
        book: BookArgs,
        /// Output folder (default: `output` in book.yaml, else `site`): relative to the root,
        /// or absolute. It may be outside the book; nnbook replaces only an empty folder or a
        /// site it built, and never the book, its sources, its data or anything above it.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Train only shard K of N of the book's experiments (balanced by estimated work)
        /// into the cache, and write no site: N CI jobs each train one, then a plain build over
        /// their merged caches trains nothing.
        #[arg(long, value_name = "K/N", conflicts_with = "out")]
        shard: Option<crate::shard::Shard>,
    },
    /// Build in memory and compare every figure and table with its committed snapshot.
    Test {
        #[command(flatten)]
        book: BookArgs,
        /// Write missing snapshots and rewrite changed ones.
        #[arg(long)]
        update: bool,
        /// Train only shard K of N of the book's experiments (balanced by estimated work)
        /// into the cache, and write no site: N CI jobs each train one, then a plain build over
        /// their merged caches trains nothing.
        #[arg(long, value_name = "K/N", conflicts_with = "update")]
        shard: Option<crate::shard::Shard>,
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
pub struct BookArgs {
    /// The book's folder (holding book.yaml).
    #[arg(long, default_value = ".", value_parser = folder())]
    pub root: PathBuf,
    /// Treat warnings (such as a missing dataset) as errors.
    #[arg(long)]
    pub strict: bool,
    // The help names the cap on this machine, so it is written at run time.
    #[arg(long, value_parser = jobs(), allow_negative_numbers = true, help = jobs_help())]
    pub jobs: Option<usize>,
    /// Retrain every experiment, ignoring (and not writing) the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Download missing external datasets (MNIST) into the cache, checked against their
    /// published SHA-256 (as `download: true` in book.yaml).
    #[arg(long)]
    pub download: bool,
    /// Experiment cache folder (default: `cache` in book.yaml, else `.nnbook-cache`): relative
    /// to the root, or absolute. Sharded CI jobs each write one and merge them by copying.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
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
    /// The pipeline's options for these arguments and an output folder.
    pub fn options(&self, out: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            out,
            strict: self.strict,
            jobs: self.jobs,
            no_cache: self.no_cache,
            download: self.download,
            cache_dir: self.cache_dir.clone(),
        }
    }
}
