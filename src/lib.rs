//! nnbook: a static-site generator for literate books about neural networks.
//!
//! Data flows one way: config → chapters → blocks → experiments → figures/tables → pages →
//! site. Each stage is one module.
#![allow(clippy::result_large_err)] // diagnostics are cold-path values; boxing them buys nothing

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod datasets;
pub mod diag;
pub mod explain;
#[doc(hidden)]
pub mod fuzz;
pub mod init;
pub mod live;
pub mod manifest;
pub mod output;
pub mod pipeline;
pub mod raster;
pub mod run;
pub mod serve;
pub mod shard;
pub mod show;
pub mod site;
pub mod snapshot;
pub mod spec;
pub mod warm;
pub mod yaml;

/// The engine is its own crate (crates/engine); `crate::engine::…` paths keep working.
pub use nnbook_engine as engine;
/// The figures are their own crate too (crates/figures).
pub use nnbook_figures as figures;

/// nnbook's version, as recorded in the manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Crash-safety tests stop a build at a named point (`NNBOOK_TEST_PAUSE_AT=site-write` and
/// so on) and kill it there. Only debug builds (which tests use) look at the variable.
#[doc(hidden)]
pub fn test_pause(point: &str) {
    if cfg!(debug_assertions)
        && std::env::var("NNBOOK_TEST_PAUSE_AT").is_ok_and(|p| p.split(',').any(|p| p == point))
    {
        eprintln!("nnbook: paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(120));
    }
}
