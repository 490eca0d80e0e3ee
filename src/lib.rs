//! nnbook: a static-site generator for literate books about neural networks.
#![allow(clippy::result_large_err)] // diagnostics are cold-path values; boxing them buys nothing
pub mod config;
pub mod content;
pub mod diag;
pub mod spec;
pub mod yaml;
