//! Live figures: an experiment as the build resolved it (data, layers, training settings),
//! retrained in the reader's browser with the settings the author allowed to change.
//!
//! The module is the engine compiled for `wasm32-wasip1` behind a plain C ABI
//! (`abi.rs`), JSON in and out. Natively the same functions run in nnbook's tests, which
//! compare the browser's bits with the build's. After training it redraws the experiment's
//! figures with the code the build draws them with (`draw.rs`, which nnbook's show stage
//! calls), so at the authored settings the page's SVG equals the published one.
//!
//! Why the bits agree (issue 18, item 7): WebAssembly's `f32` add, sub, mul, div and sqrt are
//! IEEE 754 binary32 with round-to-nearest-even, as on x86-64 and aarch64, and the module is
//! built without `simd128` (so no relaxed-SIMD `madd`, whose fusing varies by machine). The
//! engine never reorders a sum; its fused multiply-adds are `f32::mul_add`, which on wasm32
//! is compiler-builtins' software `fmaf` — correctly rounded, one rounding, the same value
//! as the AVX2/AVX-512/NEON `vfmadd` the native kernels use. `exp` and `ln` are the engine's
//! own (built from those exact operations) and `tanh` is the `libm` crate's, compiled from
//! the same source on both sides. NaN payloads may differ between machines, but a NaN stops
//! training (a divergence error) before it could reach a result. The `determinism` test runs
//! the module under Node and compares loss bits and a weight digest with a native run.

mod abi;
pub mod draw;
pub mod grid;
mod run;

pub use abi::run_json;
pub use run::{
    Experiment, Layer, Optimizer, Outcome, Settings, digest, inputs, outcome, run, train,
};
