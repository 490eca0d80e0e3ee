//! nnbook: a static-site generator for literate books about neural networks.
//!
//! Data flows one way: config → chapters → blocks → experiments → figures/tables → pages →
//! site. Each stage is one module.
#![allow(clippy::result_large_err)] // diagnostics are cold-path values; boxing them buys nothing

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod engine;
pub mod explain;
pub mod figures;
pub mod init;
pub mod manifest;
pub mod raster;
pub mod run;
pub mod site;
pub mod snapshot;
pub mod spec;
pub mod yaml;

/// nnbook's version, as recorded in the manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
