//! The 784-1000-10 network on the real MNIST test file: the first 8,000 images train it, the
//! last 2,000 test it (5 epochs, batch 1024, Adam). Ignored unless asked for (`cargo test --
//! --include-ignored`); then skipped with a reason when the files are absent (a fresh clone
//! without ../shared), or failed under `NNBOOK_REQUIRE_MNIST=1` (CI).

mod common;

use std::path::{Path, PathBuf};

use ndarray::Array2;
use nnbook::datasets::DataDir;
use nnbook::datasets::mnist::{self, MnistError};
use nnbook::engine::data::mnist::{Mnist, Split};
use nnbook::engine::metrics::correct;
use nnbook::engine::{Activation, Batch, LayerSpec, Loss, Model, Optimizer, TrainConfig, train};

fn dirs() -> Vec<DataDir> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("NNBOOK_DATA_DIR") {
        dirs.push(DataDir::plain(PathBuf::from(d)));
    }
    dirs.push(DataDir::plain(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"),
    ));
    dirs
}

fn arrays(m: &Mnist) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_vec((m.n, 784), m.images.clone()).unwrap();
    let y = Array2::from_shape_fn((m.n, 10), |(i, k)| {
        f32::from(u8::from(m.labels[i] as usize == k))
    });
    (x, y)
}

#[test]
#[ignore = "needs MNIST in ../shared/datasets/mnist or $NNBOOK_DATA_DIR/mnist (cargo test -- --include-ignored)"]
fn mlp_reaches_92_percent_on_held_out_digits() {
    let dirs = dirs();
    let (train_part, test_part) = match (
        mnist::load(Split::Test, &dirs, 0, Some(8000)),
        mnist::load(Split::Test, &dirs, 8000, Some(2000)),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(MnistError::Missing { .. }), _) | (_, Err(MnistError::Missing { .. })) => {
            common::skip(
                "NNBOOK_REQUIRE_MNIST",
                &format!("MNIST files not found in {dirs:?} (set NNBOOK_DATA_DIR)"),
            );
            return;
        }
        (Err(e), _) | (_, Err(e)) => panic!("{e}"),
    };
    let (x, y) = arrays(&train_part);
    let (xt, yt) = arrays(&test_part);
    let spec = [
        LayerSpec {
            units: 1000,
            activation: Activation::Relu,
        },
        LayerSpec {
            units: 10,
            activation: Activation::Softmax,
        },
    ];
    let mut model = Model::new(784, &spec, 0).unwrap();
    assert_eq!(model.param_count(), 795_010);
    let cfg = TrainConfig {
        loss: Loss::CategoricalCrossentropy,
        optimizer: Optimizer::adam(0.001),
        epochs: 5,
        batch: Batch::Size(1024),
        seed: 0,
        shuffle: true,
        stop_loss_below: None,
        snapshot_epochs: Vec::new(),
    };
    let history = train(&mut model, &x, &y, &cfg).unwrap();
    assert!(history.loss[4] < history.loss[0]);
    let accuracy = correct(&model.forward(&xt), &yt) as f64 / 2000.0;
    eprintln!(
        "test accuracy {accuracy:.4} after 5 epochs; training accuracy {:?}",
        history.accuracy
    );
    assert!(accuracy >= 0.92, "test accuracy {accuracy}");
}
