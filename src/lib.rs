//! nnbook (partial while integrating).
#![allow(clippy::result_large_err)]
pub mod config;
pub mod content;
pub mod diag;
pub mod engine;
pub mod raster;
pub mod spec;
pub mod yaml;
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
