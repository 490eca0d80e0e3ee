//! Matrix products of our own, identical to the last bit on every CPU.
//!
//! Every output element is `c = fma(a[i,0], b[0,j], 0)`, then `c = fma(a[i,k], b[k,j], c)` for
//! k = 1, 2, … in order. A fused multiply-add rounds once, so the AVX-512, AVX2+FMA and portable
//! (`f32::mul_add`) paths compute the same bits; the SIMD paths only vectorise across output
//! columns j, never across k. Parallelism splits the output rows, never a sum.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// Which kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Portable,
    Avx2,
    Avx512,
}

/// 0 = not forced; 1 = forced portable (tests compare paths in one process).
static FORCE: AtomicU8 = AtomicU8::new(0);

/// Force the portable path (or release it) for this process.
pub fn set_force_portable(on: bool) {
    FORCE.store(u8::from(on), Ordering::SeqCst);
}

/// The fastest path this CPU supports, unless `NNBOOK_PORTABLE=1` or a test forces portable.
pub fn best_path() -> Path {
    static DETECTED: OnceLock<Path> = OnceLock::new();
    if FORCE.load(Ordering::Relaxed) == 1 {
        return Path::Portable;
    }
    *DETECTED.get_or_init(|| {
        if std::env::var("NNBOOK_PORTABLE").is_ok_and(|v| v == "1") {
            return Path::Portable;
        }
        detect()
    })
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Path {
    if is_x86_feature_detected!("avx512f") {
        Path::Avx512
    } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        Path::Avx2
    } else {
        Path::Portable
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Path {
    Path::Portable
}

/// Work (multiply-adds) above which rows are split across threads.
const PARALLEL_WORK: usize = 1 << 20;
/// Rows handled together by the kernels (they share each loaded row of B).
const MR: usize = 4;

/// C = A · B.
pub fn matmul(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    matmul_path(a.view(), b.view(), best_path())
}

/// C = Aᵀ · B (gradients of weights: Xᵀ · δ).
pub fn matmul_at_b(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    let at = a.t().as_standard_layout().into_owned();
    matmul_path(at.view(), b.view(), best_path())
}

/// C = A · Bᵀ (gradients of inputs: δ · Wᵀ).
pub fn matmul_a_bt(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    let bt = b.t().as_standard_layout().into_owned();
    matmul_path(a.view(), bt.view(), best_path())
}

/// C = A · B on a chosen path (for tests and benchmarks).
pub fn matmul_path(a: ArrayView2<f32>, b: ArrayView2<f32>, path: Path) -> Array2<f32> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "matmul: inner dimensions differ");
    let a = a.as_standard_layout();
    let b = b.as_standard_layout();
    let (a, b) = (a.as_slice().unwrap_or(&[]), b.as_slice().unwrap_or(&[]));
    let mut c = vec![0f32; m * n];
    if m == 0 || n == 0 {
        return Array2::from_shape_vec((m, n), c).unwrap_or_else(|_| Array2::zeros((m, n)));
    }
    let run = |rows: usize, c_rows: &mut [f32]| {
        let a_rows = &a[rows * k..(rows + c_rows.len() / n) * k];
        kernel(a_rows, b, c_rows, k, n, path);
    };
    if m * n * k >= PARALLEL_WORK && m >= 2 * MR {
        // Blocks of rows, a multiple of MR each, so every row is computed the same way.
        let block = (m.div_ceil(rayon::current_num_threads() * 4)).next_multiple_of(MR);
        c.par_chunks_mut(block * n)
            .enumerate()
            .for_each(|(bi, chunk)| run(bi * block, chunk));
    } else {
        run(0, &mut c);
    }
    Array2::from_shape_vec((m, n), c).unwrap_or_else(|_| Array2::zeros((m, n)))
}

fn kernel(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize, path: Path) {
    if n < 8 {
        // Narrow outputs (small layers, 1-unit outputs): a dot product per element is faster
        // than any tiling, and is the same sequence of fused multiply-adds.
        return match path {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the path is only chosen when the CPU reports the features.
            Path::Avx512 | Path::Avx2 => unsafe { x86::narrow_fma(a, b, c, k, n) },
            _ => narrow(a, b, c, k, n),
        };
    }
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the path is only chosen when the CPU reports the features.
        Path::Avx512 => unsafe { x86::kernel_avx512(a, b, c, k, n) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Path::Avx2 => unsafe { x86::kernel_avx2(a, b, c, k, n) },
        _ => portable(a, b, c, k, n, 0),
    }
}

/// Columns `j0..n` of every row, one element at a time with `mul_add` (also the edge case of
/// the AVX2 kernel, inlined there so it compiles to FMA instructions).
#[inline(always)]
fn portable(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize, j0: usize) {
    let m = c.len() / n;
    for i in 0..m {
        let a_row = &a[i * k..(i + 1) * k];
        let c_row = &mut c[i * n..(i + 1) * n];
        for (kk, &aik) in a_row.iter().enumerate() {
            let b_row = &b[kk * n..(kk + 1) * n];
            for j in j0..n {
                c_row[j] = aik.mul_add(b_row[j], c_row[j]);
            }
        }
    }
}

/// c[i, j] = Σ_k a[i, k]·b[k, j] for fewer than 8 columns: the row's n sums advance together
/// (independent chains the CPU overlaps), each the same chain of fused multiply-adds.
#[inline(always)]
fn narrow(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize) {
    match n {
        1 => narrow_n::<1>(a, b, c, k),
        2 => narrow_n::<2>(a, b, c, k),
        3 => narrow_n::<3>(a, b, c, k),
        4 => narrow_n::<4>(a, b, c, k),
        5 => narrow_n::<5>(a, b, c, k),
        6 => narrow_n::<6>(a, b, c, k),
        _ => narrow_n::<7>(a, b, c, k),
    }
}

#[inline(always)]
fn narrow_n<const N: usize>(a: &[f32], b: &[f32], c: &mut [f32], k: usize) {
    for (a_row, c_row) in a.chunks_exact(k).zip(c.chunks_exact_mut(N)) {
        let mut acc = [0f32; N];
        for (&av, b_row) in a_row.iter().zip(b.chunks_exact(N)) {
            for j in 0..N {
                acc[j] = av.mul_add(b_row[j], acc[j]);
            }
        }
        c_row.copy_from_slice(&acc);
    }
}

/// Rows of k processed before moving to the next column tile, so a panel of B stays in L2.
const KC: usize = 256;

#[cfg(target_arch = "x86_64")]
#[allow(clippy::needless_range_loop)] // fixed-size register tiles read best with indices
mod x86 {
    use std::arch::x86_64::*;

    use super::{KC, MR, portable};

    /// AVX-512: tiles of 4 rows × 64 columns (16 registers) accumulated over a block of k;
    /// the last columns use masked 16-wide tiles. Column tiles are the outer loop so a panel
    /// of B is reused by every row block while it is in cache.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn kernel_avx512(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize) {
        let m = c.len() / n;
        let full = n / 64 * 64;
        let ap = a.as_ptr();
        let bp = b.as_ptr();
        let cp = c.as_mut_ptr();
        let mut k0 = 0;
        while k0 < k {
            let k1 = (k0 + KC).min(k);
            let mut j = 0;
            while j < full {
                let mut i = 0;
                while i < m {
                    let rows = (m - i).min(MR);
                    // SAFETY: i + rows ≤ m, j + 64 ≤ n and k1 ≤ k keep every access in bounds.
                    unsafe {
                        let mut acc = [[_mm512_setzero_ps(); 4]; MR];
                        if k0 > 0 {
                            for r in 0..rows {
                                for q in 0..4 {
                                    acc[r][q] = _mm512_loadu_ps(cp.add((i + r) * n + j + 16 * q));
                                }
                            }
                        }
                        for kk in k0..k1 {
                            let brow = bp.add(kk * n + j);
                            let bv = [
                                _mm512_loadu_ps(brow),
                                _mm512_loadu_ps(brow.add(16)),
                                _mm512_loadu_ps(brow.add(32)),
                                _mm512_loadu_ps(brow.add(48)),
                            ];
                            for r in 0..rows {
                                let av = _mm512_set1_ps(*ap.add((i + r) * k + kk));
                                for q in 0..4 {
                                    acc[r][q] = _mm512_fmadd_ps(av, bv[q], acc[r][q]);
                                }
                            }
                        }
                        for r in 0..rows {
                            for q in 0..4 {
                                _mm512_storeu_ps(cp.add((i + r) * n + j + 16 * q), acc[r][q]);
                            }
                        }
                    }
                    i += rows;
                }
                j += 64;
            }
            while j < n {
                let width = (n - j).min(16);
                let mask: __mmask16 = if width == 16 {
                    0xffff
                } else {
                    (1u16 << width) - 1
                };
                let mut i = 0;
                while i < m {
                    let rows = (m - i).min(MR);
                    // SAFETY: masked loads and stores touch only columns j..j + width ≤ n.
                    unsafe {
                        let mut acc = [_mm512_setzero_ps(); MR];
                        if k0 > 0 {
                            for r in 0..rows {
                                acc[r] = _mm512_maskz_loadu_ps(mask, cp.add((i + r) * n + j));
                            }
                        }
                        for kk in k0..k1 {
                            let bv = _mm512_maskz_loadu_ps(mask, bp.add(kk * n + j));
                            for r in 0..rows {
                                let av = _mm512_set1_ps(*ap.add((i + r) * k + kk));
                                acc[r] = _mm512_fmadd_ps(av, bv, acc[r]);
                            }
                        }
                        for r in 0..rows {
                            _mm512_mask_storeu_ps(cp.add((i + r) * n + j), mask, acc[r]);
                        }
                    }
                    i += rows;
                }
                j += width;
            }
            k0 = k1;
        }
    }

    /// The narrow-output product compiled with hardware FMA.
    #[target_feature(enable = "fma")]
    pub unsafe fn narrow_fma(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize) {
        super::narrow(a, b, c, k, n)
    }

    /// AVX2 + FMA: tiles of 6 rows × 16 columns (12 accumulator registers, the most the 16
    /// registers allow beside two rows of B and a broadcast); the last columns one at a time
    /// (fused too, since this function enables FMA for the inlined scalar loop).
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn kernel_avx2(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize) {
        const NR: usize = 16;
        const MR6: usize = 6;
        let m = c.len() / n;
        let full = n / NR * NR;
        let ap = a.as_ptr();
        let bp = b.as_ptr();
        let cp = c.as_mut_ptr();
        let mut k0 = 0;
        while k0 < k {
            let k1 = (k0 + KC).min(k);
            let mut j = 0;
            while j < full {
                let mut i = 0;
                while i < m {
                    let rows = (m - i).min(MR6);
                    // SAFETY: i + rows ≤ m, j + 16 ≤ n and k1 ≤ k keep every access in bounds.
                    unsafe {
                        let mut acc = [[_mm256_setzero_ps(); 2]; MR6];
                        if k0 > 0 {
                            for r in 0..rows {
                                acc[r][0] = _mm256_loadu_ps(cp.add((i + r) * n + j));
                                acc[r][1] = _mm256_loadu_ps(cp.add((i + r) * n + j + 8));
                            }
                        }
                        if rows == MR6 {
                            for kk in k0..k1 {
                                let brow = bp.add(kk * n + j);
                                let b0 = _mm256_loadu_ps(brow);
                                let b1 = _mm256_loadu_ps(brow.add(8));
                                for r in 0..MR6 {
                                    let av = _mm256_broadcast_ss(&*ap.add((i + r) * k + kk));
                                    acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                                    acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
                                }
                            }
                        } else {
                            for kk in k0..k1 {
                                let brow = bp.add(kk * n + j);
                                let b0 = _mm256_loadu_ps(brow);
                                let b1 = _mm256_loadu_ps(brow.add(8));
                                for r in 0..rows {
                                    let av = _mm256_broadcast_ss(&*ap.add((i + r) * k + kk));
                                    acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                                    acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
                                }
                            }
                        }
                        for r in 0..rows {
                            _mm256_storeu_ps(cp.add((i + r) * n + j), acc[r][0]);
                            _mm256_storeu_ps(cp.add((i + r) * n + j + 8), acc[r][1]);
                        }
                    }
                    i += rows;
                }
                j += NR;
            }
            k0 = k1;
        }
        if full < n {
            portable(a, b, c, k, n, full);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::{Rng, SeedableRng};

    fn random(m: usize, n: usize, seed: u64) -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array2::from_shape_fn((m, n), |_| {
            (rng.next_u32() >> 8) as f32 / 16_777_216.0 - 0.5
        })
    }

    fn paths() -> Vec<Path> {
        let mut p = vec![Path::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                p.push(Path::Avx2);
            }
            if is_x86_feature_detected!("avx512f") {
                p.push(Path::Avx512);
            }
        }
        p
    }

    #[test]
    fn every_path_gives_the_same_bits() {
        for &(m, k, n) in &[
            (1, 1, 1),
            (7, 13, 5),
            (5, 3, 70),
            (9, 17, 130),
            (300, 784, 1000),
        ] {
            let (a, b) = (random(m, k, 1), random(k, n, 2));
            let reference = matmul_path(a.view(), b.view(), Path::Portable);
            // Reference by definition: sequential fused multiply-adds.
            for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 2)] {
                let mut c = 0f32;
                for kk in 0..k {
                    c = a[[i, kk]].mul_add(b[[kk, j]], c);
                }
                assert_eq!(c.to_bits(), reference[[i, j]].to_bits());
            }
            for p in paths() {
                let c = matmul_path(a.view(), b.view(), p);
                assert!(
                    c.iter()
                        .zip(reference.iter())
                        .all(|(x, y)| x.to_bits() == y.to_bits()),
                    "{p:?} {m}x{k}x{n}"
                );
            }
        }
    }

    #[test]
    fn thread_count_does_not_change_bits() {
        let (a, b) = (random(256, 300, 3), random(300, 200, 4));
        let run = |t: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(|| matmul(&a, &b))
        };
        let (one, two) = (run(1), run(2));
        assert!(
            one.iter()
                .zip(two.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits())
        );
    }

    #[test]
    fn transposed_products() {
        let (a, b) = (random(6, 4, 5), random(6, 3, 6));
        let at_b = matmul_at_b(&a, &b);
        let expect = matmul(&a.t().to_owned(), &b);
        assert_eq!(at_b, expect);
        let (c, d) = (random(5, 4, 7), random(3, 4, 8));
        assert_eq!(matmul_a_bt(&c, &d), matmul(&c, &d.t().to_owned()));
        assert_eq!(
            matmul(&Array2::zeros((0, 3)), &Array2::zeros((3, 2))).dim(),
            (0, 2)
        );
    }
}
