//! The engine gives the same bits whatever the thread count and whichever kernels the CPU
//! allows (AVX-512, AVX2 + FMA, or the portable path), and those bits are pinned: a change to
//! any kernel, activation, loss or optimizer that moves a single bit fails here.

use ndarray::Array2;
use nnbook::engine::{
    Activation, Batch, History, LayerSpec, Loss, Model, Optimizer, TrainConfig, train,
};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

fn uniform(rng: &mut ChaCha8Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 / 16_777_216.0
}

/// A wide network (big tiled products, row-parallel element-wise work, parallel Adam) and a
/// narrow one (the small-layer kernels), trained on mini-batches.
fn runs() -> Vec<(Model, History)> {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let n = 600;
    let x = Array2::from_shape_simple_fn((n, 200), || uniform(&mut rng) - 0.5);
    let y = Array2::from_shape_fn((n, 5), |(i, k)| f32::from(u8::from(i % 5 == k)));
    let layer = |units, activation| LayerSpec { units, activation };
    let wide = [
        layer(300, Activation::Relu),
        layer(12, Activation::Tanh),
        layer(5, Activation::Softmax),
    ];
    let mut m1 = Model::new(200, &wide, 1).unwrap();
    let cfg = |loss, optimizer, batch| TrainConfig {
        loss,
        optimizer,
        epochs: 3,
        batch: Batch::Size(batch),
        seed: 5,
        shuffle: true,
        stop_loss_below: None,
        snapshot_epochs: Vec::new(),
    };
    let h1 = train(
        &mut m1,
        &x,
        &y,
        &cfg(Loss::CategoricalCrossentropy, Optimizer::adam(0.001), 256),
    )
    .unwrap();

    let xs = Array2::from_shape_simple_fn((n, 3), || 2.0 * uniform(&mut rng) - 1.0);
    let ys = Array2::from_shape_fn((n, 1), |(i, _)| {
        f32::from(u8::from(xs[[i, 0]] * xs[[i, 1]] > 0.0))
    });
    let narrow = [
        layer(5, Activation::Tanh),
        layer(4, Activation::Relu),
        layer(1, Activation::Sigmoid),
    ];
    let mut m2 = Model::new(3, &narrow, 2).unwrap();
    let sgd = Optimizer::Sgd {
        lr: 0.05,
        momentum: 0.9,
    };
    let h2 = train(&mut m2, &xs, &ys, &cfg(Loss::BinaryCrossentropy, sgd, 50)).unwrap();
    let mut m3 = Model::new(3, &narrow[..2], 3).unwrap();
    let y4 = Array2::from_shape_fn((n, 4), |(i, k)| xs[[i, k % 3]]);
    let h3 = train(
        &mut m3,
        &xs,
        &y4,
        &cfg(Loss::Mse, Optimizer::adam(0.01), 64),
    )
    .unwrap();
    vec![(m1, h1), (m2, h2), (m3, h3)]
}

fn digest(runs: &[(Model, History)]) -> String {
    let mut h = Sha256::new();
    for (model, history) in runs {
        for l in &model.layers {
            for v in l.w.iter().chain(l.b.iter()) {
                h.update(v.to_bits().to_le_bytes());
            }
        }
        for v in &history.loss {
            h.update(v.to_bits().to_le_bytes());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn same_bits_on_every_path_and_thread_count() {
    let pool = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = digest(&pool(1).install(runs));
    let two = digest(&pool(2).install(runs));
    nnbook::engine::simd::set_force_portable(true);
    let portable = digest(&pool(2).install(runs));
    nnbook::engine::simd::set_force_portable(false);
    nnbook::engine::simd::set_force_avx2(true);
    let avx2 = digest(&pool(2).install(runs));
    nnbook::engine::simd::set_force_avx2(false);
    assert_eq!(one, two, "1 thread vs 2 threads");
    assert_eq!(one, avx2, "the best kernels vs AVX2 + FMA");
    assert_eq!(one, portable, "SIMD kernels vs the portable path");
    // Pinned: the engine's numerics (its VERSION in the cache key) changed if this moves.
    assert_eq!(
        one,
        "abe41f4b75c964df3618864c3f7e8fa3973708fdfb9a879b2dd52543172352bb"
    );
}
