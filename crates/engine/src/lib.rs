//! nnbook's neural-network engine: small enough to read in one sitting, and deterministic to
//! the last bit on every machine and thread count.
//!
//! - `matmul`: matrix products with a fixed summation order and fused multiply-adds;
//! - `activation`, `dense`, `loss`: forward passes with their gradients beside them;
//! - `init`: Glorot-uniform weights from seeded ChaCha8; `adam`, `sgd`: optimizers as Keras;
//! - `model`, `train`, `metrics`: the network, the training loop and what it logs.

pub mod activation;
pub mod adam;
pub mod data;
pub mod dense;
pub mod init;
pub mod logistic;
pub mod loss;
pub mod math;
pub mod matmul;
pub mod metrics;
pub mod model;
mod par;
pub mod perceptron;
pub mod sgd;
pub mod simd;
#[cfg(target_arch = "x86_64")]
mod tiles;
pub mod train;
pub mod update;

pub use activation::Activation;
pub use dense::Dense;
pub use loss::Loss;
pub use model::{LayerSpec, Model};
pub use train::{
    Batch, Evaluation, History, Optimizer, TrainConfig, evaluate, train, train_observed,
};

/// Version of the engine's numerics: bump when any result may change (it is part of the
/// cache key and shown under figures).
pub const VERSION: &str = "2";

/// Why training could not go on.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// Shapes or settings that do not fit together.
    Shape(String),
    /// NaN or infinity appeared.
    Diverged {
        epoch: usize,
        batch: usize,
        what: &'static str,
    },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Shape(msg) => f.write_str(msg),
            EngineError::Diverged { epoch, batch, what } => {
                write!(
                    f,
                    "training diverged: a {what} became NaN or infinite in epoch {epoch}, batch {batch}"
                )
            }
        }
    }
}

impl std::error::Error for EngineError {}
