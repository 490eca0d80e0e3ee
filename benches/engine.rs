//! Engine benchmarks. Prints one line per figure: `BENCH <name> <value> <unit>`.
//! Run with `cargo bench --bench engine`; `benches/peers.py` runs the same workloads in JAX
//! (and PyTorch) and prints the ratios. Absolute numbers differ several-fold between machines,
//! so compare them only with figures measured in the same run (`fma_peak` is this machine's).

use std::hint::black_box;
use std::time::Instant;

use ndarray::Array2;
use nnbook::engine::data::generators::{Generator, generate};
use nnbook::engine::data::scaler::Scaler;
use nnbook::engine::{Activation, Batch, LayerSpec, Loss, Model, Optimizer, TrainConfig, train};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

fn main() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("thread pool");
    // NNBOOK_BENCH=tiny (or mlp, peak) runs one group, e.g. under a profiler.
    let only = std::env::var("NNBOOK_BENCH").unwrap_or_default();
    pool.install(|| {
        if only.is_empty() || only == "peak" {
            peak::fma_peak();
        }
        if only.is_empty() || only == "mlp" {
            mlp();
        }
        if only.is_empty() || only == "tiny" {
            tiny_and_mesh();
        }
    });
}

/// 784-1000-10 with Adam at batch 1024, as the MNIST chapter trains it: 60,000 samples, one
/// epoch of warm-up, then two epochs timed (as `benches/peers.py` times the peers).
fn mlp() {
    let n = 60_000;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let x = Array2::from_shape_simple_fn((n, 784), || (rng.next_u32() >> 24) as f32 / 255.0);
    let y = Array2::from_shape_fn((n, 10), |(i, k)| f32::from(u8::from(i % 10 == k)));
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
    let mut model = Model::new(784, &spec, 0).expect("model");
    let cfg = TrainConfig {
        loss: Loss::CategoricalCrossentropy,
        optimizer: Optimizer::adam(0.001),
        epochs: 1,
        batch: Batch::Size(1024),
        seed: 0,
        shuffle: true,
        stop_loss_below: None,
        snapshot_epochs: Vec::new(),
    };
    train(&mut model, &x, &y, &cfg).expect("warm-up");
    let timed = TrainConfig { epochs: 2, ..cfg };
    let start = Instant::now();
    train(&mut model, &x, &y, &timed).expect("train");
    let secs = start.elapsed().as_secs_f64();
    let samples = (2 * n) as f64;
    // Forward 2·(784·1000 + 1000·10); backward the weight gradients of both layers and the
    // hidden layer's input gradient (the first layer's is never needed): ≈ 3.2 MFLOP/sample.
    let flops_per_sample = 2.0 * (784.0 * 1000.0 + 1000.0 * 10.0) * 2.0 + 2.0 * 1000.0 * 10.0;
    println!("BENCH mlp_train {:.0} samples/s", samples / secs);
    println!(
        "BENCH mlp_gflops {:.1} GFLOP/s",
        samples * flops_per_sample / secs / 1e9
    );
}

/// 2-3-1 ReLU/sigmoid on D4 for 2,200 full-batch epochs, then 250,000 grid predictions.
fn tiny_and_mesh() {
    let mut d4 = generate(Generator::CornerSquare, true, 0, None).expect("D4");
    Scaler::fit(&d4).apply(&mut d4);
    let x = Array2::from_shape_vec((d4.n, 2), d4.x.iter().map(|v| *v as f32).collect()).expect("x");
    let y = Array2::from_shape_vec((d4.n, 1), d4.y.iter().map(|v| *v as f32).collect()).expect("y");
    let spec = [
        LayerSpec {
            units: 3,
            activation: Activation::Relu,
        },
        LayerSpec {
            units: 1,
            activation: Activation::Sigmoid,
        },
    ];
    let cfg = TrainConfig {
        loss: Loss::BinaryCrossentropy,
        optimizer: Optimizer::adam(0.001),
        epochs: 2200,
        batch: Batch::Full,
        seed: 2,
        shuffle: true,
        stop_loss_below: None,
        snapshot_epochs: Vec::new(),
    };
    // The peers train on data of the same size.
    println!("BENCH tiny_rows {} rows", d4.n);
    let mut best = f64::INFINITY;
    let mut model = Model::new(2, &spec, 2).expect("model");
    for _ in 0..3 {
        model = Model::new(2, &spec, 2).expect("model");
        let start = Instant::now();
        train(&mut model, &x, &y, &cfg).expect("train");
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("BENCH tiny_train {:.1} ms", best * 1e3);

    let n = 500;
    let grid = Array2::from_shape_fn((n * n, 2), |(r, c)| {
        let v = if c == 0 { r % n } else { r / n };
        -2.0 + 4.0 * v as f32 / n as f32
    });
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        black_box(nnbook::run::predict(&model, &grid));
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("BENCH mesh_predict {:.2} ms", best * 1e3);
}

/// The machine's f32 fused multiply-add peak on the widest path the engine uses, on the
/// pool's threads: independent chains (more than latency × ports), so nothing waits.
mod peak {
    use std::time::Instant;

    use nnbook::engine::simd::{Path, best_path};
    use rayon::prelude::*;

    const ITERS: usize = 100_000_000;

    pub fn fma_peak() {
        let threads = rayon::current_num_threads();
        let mut best = 0f64;
        for _ in 0..3 {
            let start = Instant::now();
            let flops: f64 = (0..threads).into_par_iter().map(|t| run(t as f32)).sum();
            best = best.max(flops / start.elapsed().as_secs_f64());
        }
        println!("BENCH fma_peak {:.1} GFLOP/s", best / 1e9);
    }

    /// FLOPs done (2 per lane per fused multiply-add).
    fn run(seed: f32) -> f64 {
        match best_path() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the path is only chosen when the CPU reports the features.
            Path::Avx512 => unsafe { x86::avx512(seed) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Path::Avx2 => unsafe { x86::avx2(seed) },
            _ => portable(seed),
        }
    }

    fn portable(seed: f32) -> f64 {
        let mut acc = [seed; 8];
        for _ in 0..ITERS / 16 {
            for a in &mut acc {
                *a = a.mul_add(0.999_999, 1e-6);
            }
        }
        std::hint::black_box(acc);
        (2 * 8 * (ITERS / 16)) as f64
    }

    #[cfg(target_arch = "x86_64")]
    mod x86 {
        use std::arch::x86_64::*;

        /// Chains kept in registers: 2 FMA ports × 4 cycles of latency, with room to spare.
        const CHAINS: usize = 12;

        #[target_feature(enable = "avx512f")]
        pub unsafe fn avx512(seed: f32) -> f64 {
            let mut acc = [_mm512_set1_ps(seed); CHAINS];
            let (m, a) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-6));
            for _ in 0..super::ITERS {
                for v in &mut acc {
                    *v = _mm512_fmadd_ps(*v, m, a);
                }
            }
            std::hint::black_box(acc);
            (2 * 16 * CHAINS * super::ITERS) as f64
        }

        #[target_feature(enable = "avx2,fma")]
        pub unsafe fn avx2(seed: f32) -> f64 {
            let mut acc = [_mm256_set1_ps(seed); CHAINS];
            let (m, a) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-6));
            for _ in 0..super::ITERS {
                for v in &mut acc {
                    *v = _mm256_fmadd_ps(*v, m, a);
                }
            }
            std::hint::black_box(acc);
            (2 * 8 * CHAINS * super::ITERS) as f64
        }
    }
}
