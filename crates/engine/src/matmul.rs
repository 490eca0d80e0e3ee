//! Matrix products of our own, identical to the last bit on every CPU.
//!
//! Every output element is `c = fma(a[i,0], b[0,j], 0)`, then `c = fma(a[i,k], b[k,j], c)` for
//! k = 1, 2, … in order. A fused multiply-add rounds once, so the AVX-512, AVX2+FMA and portable
//! (`f32::mul_add`) paths compute the same bits; the SIMD paths only vectorise across output
//! columns j, never across k. Parallelism splits the output rows, never a sum.

use crate::par::*;
use ndarray::{Array1, Array2, ArrayView2};

use super::simd::multiversion;
pub use super::simd::{Path, best_path, set_force_portable};

/// Work (multiply-adds) above which rows are split across threads.
const PARALLEL_WORK: usize = 1 << 20;
/// Rows handled together by the kernels (they share each loaded row of B).
const MR: usize = 4;

/// C = A · B.
pub fn matmul(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    matmul_path(a.view(), b.view(), best_path())
}

/// C = A · B + bias (one bias per column, added after each element's sum) into `c`: a layer's
/// pre-activations, the bias added while the block of rows is still in cache.
pub fn matmul_bias_into(a: ArrayView2<f32>, b: ArrayView2<f32>, bias: &[f32], c: &mut Array2<f32>) {
    product_into(a, b, c, best_path(), Some(bias), None);
}

/// [`matmul_bias_into`], then `epi` on each finished block of rows of C while the block is
/// still in cache (a layer's activation: one pass less over z from memory). `epi.out` must hold
/// as many values as C (rows of A × columns of B).
pub fn matmul_bias_act_into(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    bias: &[f32],
    c: &mut Array2<f32>,
    epi: Epilogue<'_>,
) {
    product_into(a, b, c, best_path(), Some(bias), Some(epi));
}

/// Work on whole rows of a finished C: `f(rows of C, the same rows of out)`.
pub struct Epilogue<'a> {
    pub out: &'a mut [f32],
    pub f: &'a (dyn Fn(&[f32], &mut [f32]) + Sync),
}

/// `run(first row, rows of c)` on blocks of `block` whole rows of `n` values (in parallel when
/// `par`, else one call on all of c), each block followed by the epilogue on its rows.
pub(crate) fn row_blocks(
    c: &mut [f32],
    n: usize,
    block: usize,
    par: bool,
    epi: Option<Epilogue<'_>>,
    run: &(dyn Fn(usize, &mut [f32]) + Sync),
) {
    let step = block * n;
    // An `out` of another size is a caller's bug: the activation would silently be skipped.
    debug_assert!(epi.as_ref().is_none_or(|e| e.out.len() == c.len()));
    match epi {
        Some(Epilogue { out, f }) if out.len() == c.len() => {
            if par {
                c.par_chunks_mut(step)
                    .zip(out.par_chunks_mut(step))
                    .enumerate()
                    .for_each(|(bi, (c, o))| {
                        run(bi * block, c);
                        f(c, o);
                    });
            } else {
                run(0, c);
                f(c, out);
            }
        }
        _ if par => c
            .par_chunks_mut(step)
            .enumerate()
            .for_each(|(bi, chunk)| run(bi * block, chunk)),
        _ => run(0, c),
    }
}

/// C = Aᵀ · B into `c`. Each element is Σ_k a[k, i]·b[k, j] as one chain of fused
/// multiply-adds in k order, whichever side is transposed: fma(x, y, s) = fma(y, x, s), so
/// computing Cᵀ = Bᵀ·A gives the same bits. The kernels vectorise over output columns, so the
/// wider of the two results is computed and the narrow operand is the one copied.
pub fn matmul_at_b_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut Array2<f32>) {
    let path = best_path();
    let (k, m) = a.dim();
    let n = b.ncols();
    if small_gradients(m, n) && k == b.nrows() {
        let mut sums = Array1::zeros(n);
        return weight_grads_small(a, b, c, &mut sums);
    }
    if b.ncols() < a.ncols() && b.ncols() < 64 {
        let mut ct = Array2::zeros((0, 0));
        product_into(
            lhs_transposed(b, m, path).view(),
            a,
            &mut ct,
            path,
            None,
            None,
        );
        *c = transpose(ct.view());
    } else {
        product_into(lhs_transposed(a, n, path).view(), b, c, path, None, None);
    }
}

/// Aᵀ as the left operand of a product with `n` columns: a view where the AVX-512 tiles run
/// (they read A through its strides), else a copy in rows.
fn lhs_transposed<'a>(
    a: ArrayView2<'a, f32>,
    n: usize,
    path: Path,
) -> ndarray::CowArray<'a, f32, ndarray::Ix2> {
    if path == Path::Avx512 && n >= 8 {
        a.reversed_axes().into()
    } else {
        transpose(a).into()
    }
}

/// Whether an Aᵀ·B with `m` × `n` outputs goes through [`weight_grads_small`].
pub fn small_gradients(m: usize, n: usize) -> bool {
    m <= 16 && n <= 16
}

/// For small layers (both sides at most 16 wide): C = Aᵀ·B and the column sums of B, the
/// weight and bias gradients Xᵀ·δ and Σδ. The whole result fits in registers, so one outer
/// product per row of the inputs is accumulated: still one chain per element in row order.
pub fn weight_grads_small(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    c: &mut Array2<f32>,
    sums: &mut Array1<f32>,
) {
    let (m, n) = (a.ncols(), b.ncols());
    if c.dim() != (m, n) || !c.is_standard_layout() {
        *c = Array2::zeros((m, n));
    }
    if sums.len() != n {
        *sums = Array1::zeros(n);
    }
    let (a, b) = (a.as_standard_layout(), b.as_standard_layout());
    if let (Some(a), Some(b), Some(c), Some(s)) = (
        a.as_slice(),
        b.as_slice(),
        c.as_slice_mut(),
        sums.as_slice_mut(),
    ) {
        match best_path() {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the path is only chosen when the CPU reports the features.
            Path::Avx512 => unsafe { x86::outer_avx512(a, b, c, s, m) },
            _ => outer(a, b, c, s, m),
        }
    }
}

/// C = A · Bᵀ into `c`.
pub fn matmul_a_bt_into(a: ArrayView2<f32>, b: ArrayView2<f32>, c: &mut Array2<f32>) {
    product_into(a, transpose(b).view(), c, best_path(), None, None);
}

/// A copy of Aᵀ in standard layout.
pub fn transpose(a: ArrayView2<f32>) -> Array2<f32> {
    const T: usize = 32;
    let (m, n) = a.dim();
    let mut out = vec![0f32; m * n];
    if m == 0 || n == 0 {
        return Array2::zeros((n, m));
    }
    // Output rows (input columns) in blocks, in parallel when large: a copy, no arithmetic.
    // Each output row is an input column; a block of 32 of them shares the cache lines read.
    let fill = |j0: usize, block: &mut [f32]| {
        for (dj, dst) in block.chunks_exact_mut(m).enumerate() {
            for (d, s) in dst.iter_mut().zip(a.column(j0 + dj)) {
                *d = *s;
            }
        }
    };
    if m * n >= PARALLEL_WORK / 4 {
        out.par_chunks_mut(T * m)
            .enumerate()
            .for_each(|(bi, block)| fill(bi * T, block));
    } else {
        for (bi, block) in out.chunks_mut(T * m).enumerate() {
            fill(bi * T, block);
        }
    }
    Array2::from_shape_vec((n, m), out).unwrap_or_else(|_| Array2::zeros((n, m)))
}

/// C = A · B on a chosen path (for tests and benchmarks).
pub fn matmul_path(a: ArrayView2<f32>, b: ArrayView2<f32>, path: Path) -> Array2<f32> {
    let mut c = Array2::zeros((0, 0));
    product_into(a, b, &mut c, path, None, None);
    c
}

fn product_into(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    c: &mut Array2<f32>,
    path: Path,
    bias: Option<&[f32]>,
    epi: Option<Epilogue<'_>>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "matmul: inner dimensions differ");
    if c.dim() != (m, n) || !c.is_standard_layout() {
        *c = Array2::zeros((m, n));
    }
    let Some(c) = c.as_slice_mut() else { return };
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(0.0);
        if let Some(b) = bias.filter(|b| b.len() == n) {
            c.chunks_exact_mut(n).for_each(|row| row.copy_from_slice(b));
        }
        return row_blocks(c, n, m, false, epi, &|_, _| {});
    }
    #[cfg(target_arch = "x86_64")]
    if n >= 8 && path == Path::Avx512 {
        return super::tiles::product(a, b, c, bias, epi);
    }
    // The bias repeated over whole rows (16 of them for narrow rows), so adding it is one flat
    // loop that vectorises.
    let pattern: Option<Vec<f32>> = bias.filter(|b| b.len() == n).map(|b| {
        let times = if n < 64 { 16 } else { 1 };
        b.iter().copied().cycle().take(n * times).collect()
    });
    let a = a.as_standard_layout();
    let b = b.as_standard_layout();
    let (a, b) = (a.as_slice().unwrap_or(&[]), b.as_slice().unwrap_or(&[]));
    // The narrow path writes every element; the others accumulate.
    let overwrites = n < 8;
    let run = |rows: usize, c_rows: &mut [f32]| {
        let a_rows = &a[rows * k..(rows + c_rows.len() / n) * k];
        if !overwrites {
            c_rows.fill(0.0);
        }
        kernel(a_rows, b, c_rows, k, n, path);
        if let Some(pattern) = &pattern {
            add_bias(c_rows, pattern);
        }
    };
    // Blocks of rows, a multiple of MR each, so every row is computed the same way.
    let block = (m.div_ceil(crate::par::current_num_threads() * 4)).next_multiple_of(MR);
    let par = m * n * k >= PARALLEL_WORK && m >= 2 * MR;
    row_blocks(c, n, block, par, epi, &run);
}

multiversion! {
    /// c[r, j] += bias[j], with `pattern` the bias repeated over a whole number of rows.
    fn add_bias(c: &mut [f32], pattern: &[f32]) {
        for chunk in c.chunks_mut(pattern.len()) {
            for (v, b) in chunk.iter_mut().zip(pattern) {
                *v += b;
            }
        }
    }
}

/// The AVX2 and portable kernels (AVX-512 goes to [`super::tiles`] for 8 columns or more).
fn kernel(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize, path: Path) {
    if n < 8 {
        // Narrow outputs (small layers, 1-unit outputs): a dot product per element is faster
        // than any tiling, and is the same sequence of fused multiply-adds.
        return match path {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the path is only chosen when the CPU reports the features.
            Path::Avx512 => unsafe { x86::narrow_avx512(a, b, c, k, n) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            Path::Avx2 => unsafe { x86::narrow_fma(a, b, c, k, n) },
            _ => narrow(a, b, c, k, n),
        };
    }
    match path {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the path is only chosen when the CPU reports the features (AVX-512 implies
        // AVX2 and FMA; it only comes here when called directly).
        Path::Avx2 | Path::Avx512 => unsafe { x86::kernel_avx2(a, b, c, k, n) },
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

/// c[i, j] = Σ_r a[r, i]·b[r, j] for a result of at most 16 × 16: one outer product per row r,
/// each element one chain of fused multiply-adds in r order (from 0, as every kernel starts).
/// `sums` gets the column sums of b (each in r order), the bias gradient beside the weights'.
#[inline(always)]
fn outer(a: &[f32], b: &[f32], c: &mut [f32], sums: &mut [f32], m: usize) {
    let n = sums.len();
    c.fill(0.0);
    sums.fill(0.0);
    if m == 0 || n == 0 {
        return;
    }
    for (a_row, b_row) in a.chunks_exact(m).zip(b.chunks_exact(n)) {
        for (s, v) in sums.iter_mut().zip(b_row) {
            *s += v;
        }
        for (c_row, &ar) in c.chunks_exact_mut(n).zip(a_row) {
            for (cv, &bv) in c_row.iter_mut().zip(b_row) {
                *cv = ar.mul_add(bv, *cv);
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

/// Rows of k processed before moving to the next column tile, so a panel of B stays in L2 (the
/// x86-64 tiled kernels' setting).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const KC: usize = 256;
#[cfg(target_arch = "x86_64")]
#[allow(clippy::needless_range_loop)] // fixed-size register tiles read best with indices
mod x86 {
    use std::arch::x86_64::*;

    use super::{KC, portable};

    /// Narrow outputs on AVX-512: 16 rows at once, one per lane (their k-th inputs gathered),
    /// so the rows' sums advance side by side, each still one chain of fused multiply-adds in
    /// k order; the last rows go through the scalar loop.
    #[target_feature(enable = "avx512f,fma")]
    pub unsafe fn narrow_avx512(a: &[f32], b: &[f32], c: &mut [f32], k: usize, n: usize) {
        match n {
            1 => narrow_n_avx512::<1>(a, b, c, k),
            2 => narrow_n_avx512::<2>(a, b, c, k),
            3 => narrow_n_avx512::<3>(a, b, c, k),
            4 => narrow_n_avx512::<4>(a, b, c, k),
            5 => narrow_n_avx512::<5>(a, b, c, k),
            6 => narrow_n_avx512::<6>(a, b, c, k),
            7 => narrow_n_avx512::<7>(a, b, c, k),
            _ => super::narrow(a, b, c, k, n),
        }
    }

    #[target_feature(enable = "avx512f,fma")]
    fn narrow_n_avx512<const N: usize>(a: &[f32], b: &[f32], c: &mut [f32], k: usize) {
        const L: usize = 16;
        let m = c.len() / N;
        let blocks = if k.saturating_mul(L) < i32::MAX as usize && b.len() >= k * N {
            m / L
        } else {
            0
        };
        let (ap, bp) = (a.as_ptr(), b.as_ptr());
        let lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let a_index = _mm512_mullo_epi32(lanes, _mm512_set1_epi32(k as i32));
        for blk in 0..blocks {
            let mut acc = [_mm512_setzero_ps(); N];
            // SAFETY: rows blk·16 .. blk·16 + 16 ≤ m, so every gathered a[i·k + kk] (kk < k)
            // is in bounds, and b holds k·N values.
            unsafe {
                let a0 = ap.add(blk * L * k);
                for kk in 0..k {
                    let x = if k == 1 {
                        _mm512_loadu_ps(a0)
                    } else {
                        _mm512_i32gather_ps::<4>(a_index, a0.add(kk))
                    };
                    for j in 0..N {
                        let w = _mm512_set1_ps(*bp.add(kk * N + j));
                        acc[j] = _mm512_fmadd_ps(x, w, acc[j]);
                    }
                }
            }
            let out = &mut c[blk * L * N..(blk + 1) * L * N];
            if N == 1 {
                // SAFETY: out holds 16 values.
                unsafe { _mm512_storeu_ps(out.as_mut_ptr(), acc[0]) };
            } else {
                // Lanes back to rows through a small buffer (cheaper than scatters).
                let mut tmp = [[0f32; L]; N];
                for j in 0..N {
                    // SAFETY: tmp[j] holds 16 values.
                    unsafe { _mm512_storeu_ps(tmp[j].as_mut_ptr(), acc[j]) };
                }
                for (l, row) in out.chunks_exact_mut(N).enumerate() {
                    for j in 0..N {
                        row[j] = tmp[j][l];
                    }
                }
            }
        }
        let done = blocks * L;
        super::narrow_n::<N>(&a[done * k..], b, &mut c[done * N..], k);
    }

    /// [`super::outer`] with each row of c (at most 16 values) in one masked register, and
    /// the column sums of b in one more (the bias gradient, for free beside the chains).
    #[target_feature(enable = "avx512f,fma")]
    pub unsafe fn outer_avx512(a: &[f32], b: &[f32], c: &mut [f32], sums: &mut [f32], m: usize) {
        macro_rules! go {
            ($($m:literal)*) => {
                match m {
                    $($m => outer_m::<$m>(a, b, c, sums),)*
                    _ => super::outer(a, b, c, sums, m),
                }
            };
        }
        go!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
    }

    /// One register per row of c, for a known number of rows (so they stay in registers).
    #[target_feature(enable = "avx512f,fma")]
    fn outer_m<const M: usize>(a: &[f32], b: &[f32], c: &mut [f32], sums: &mut [f32]) {
        let n = sums.len();
        if n == 0 || n > 16 || c.len() != M * n {
            return super::outer(a, b, c, sums, M);
        }
        let rows = (a.len() / M).min(b.len() / n);
        let mask: __mmask16 = if n == 16 { 0xffff } else { (1u16 << n) - 1 };
        let mut acc = [_mm512_setzero_ps(); M];
        let mut total = _mm512_setzero_ps();
        let (ap, bp) = (a.as_ptr(), b.as_ptr());
        for r in 0..rows {
            // SAFETY: r < rows, so a[r·M + i] (i < M) and b[r·n + j] (j < n) are in bounds.
            unsafe {
                let bv = _mm512_maskz_loadu_ps(mask, bp.add(r * n));
                total = _mm512_add_ps(total, bv);
                for i in 0..M {
                    let av = _mm512_set1_ps(*ap.add(r * M + i));
                    acc[i] = _mm512_fmadd_ps(av, bv, acc[i]);
                }
            }
        }
        for i in 0..M {
            // SAFETY: row i of c has n ≤ 16 values, all within c (M·n long).
            unsafe { _mm512_mask_storeu_ps(c.as_mut_ptr().add(i * n), mask, acc[i]) };
        }
        // SAFETY: sums has n ≤ 16 values.
        unsafe { _mm512_mask_storeu_ps(sums.as_mut_ptr(), mask, total) };
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

    /// C = Aᵀ · B as a new array.
    fn matmul_at_b(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
        let mut c = Array2::zeros((0, 0));
        matmul_at_b_into(a.view(), b.view(), &mut c);
        c
    }

    /// C = A · Bᵀ as a new array.
    fn matmul_a_bt(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
        let mut c = Array2::zeros((0, 0));
        matmul_a_bt_into(a.view(), b.view(), &mut c);
        c
    }
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
            (40, 3, 2),
            (100, 400, 1),
            (33, 1, 3),
            (1250, 2, 7),
            (13, 300, 40),
            (31, 257, 24),
            (25, 129, 48),
            (7, 5, 16),
            (20, 70, 256),
            (13, 300, 128),
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
    #[cfg(feature = "parallel")]
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

    #[test]
    fn transposed_operands_give_the_defining_chains() {
        // Aᵀ·B read through strides (both the wide and the narrow-B order) on every path.
        for &(k, m, n) in &[(37, 20, 50), (129, 13, 70), (300, 70, 9), (5, 100, 33)] {
            let (a, b) = (random(k, m, 13), random(k, n, 14));
            let c = matmul_at_b(&a, &b);
            for ((i, j), v) in c.indexed_iter() {
                let mut e = 0f32;
                for r in 0..k {
                    e = a[[r, i]].mul_add(b[[r, j]], e);
                }
                assert_eq!(e.to_bits(), v.to_bits(), "{k}x{m}x{n} at {i},{j}");
            }
            for p in paths() {
                let at = a.t();
                assert_eq!(matmul_path(at, b.view(), p), c, "{p:?} {k}x{m}x{n}");
            }
        }
    }

    #[test]
    fn small_weight_gradients_are_the_defining_chains() {
        let (a, b) = (random(37, 5, 9), random(37, 3, 10));
        let (mut c, mut sums) = (Array2::zeros((0, 0)), Array1::zeros(0));
        weight_grads_small(a.view(), b.view(), &mut c, &mut sums);
        for i in 0..5 {
            for j in 0..3 {
                let mut e = 0f32;
                for r in 0..37 {
                    e = a[[r, i]].mul_add(b[[r, j]], e);
                }
                assert_eq!(e.to_bits(), c[[i, j]].to_bits(), "{i},{j}");
            }
        }
        for j in 0..3 {
            let s = (0..37).fold(0f32, |s, r| s + b[[r, j]]);
            assert_eq!(s.to_bits(), sums[j].to_bits());
        }
        // The portable loop and the AVX-512 registers agree.
        let (a, b) = (a.as_slice().unwrap(), b.as_slice().unwrap());
        let (mut c2, mut s2) = (vec![0f32; 15], vec![0f32; 3]);
        outer(a, b, &mut c2, &mut s2, 5);
        assert_eq!(c2.as_slice(), c.as_slice().unwrap());
        assert_eq!(s2.as_slice(), sums.as_slice().unwrap());
        assert_eq!(matmul_at_b(&random(37, 5, 9), &random(37, 3, 10)), c);
    }

    #[test]
    fn bias_is_added_after_each_sum() {
        for &(m, k, n) in &[(50, 2, 3), (33, 7, 1), (20, 30, 100), (5, 0, 4)] {
            let (a, b) = (random(m, k, 11), random(k, n, 12));
            let bias: Vec<f32> = (0..n).map(|j| j as f32 * 0.25 - 0.3).collect();
            let mut z = Array2::zeros((0, 0));
            matmul_bias_into(a.view(), b.view(), &bias, &mut z);
            let plain = matmul(&a, &b);
            for ((i, j), v) in z.indexed_iter() {
                assert_eq!(
                    v.to_bits(),
                    (plain[[i, j]] + bias[j]).to_bits(),
                    "{m}x{k}x{n}"
                );
            }
        }
    }
}
