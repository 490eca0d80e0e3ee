//! The AVX-512 product C = A·B (+ bias), for 8 columns or more. A is read in place through its
//! strides, in tiles of R rows, when one stride is 1 (a row-major block, or the transposed
//! input of a weight gradient); otherwise, and for a last partial tile, it is copied into the
//! order the kernel reads it: each k's R values side by side, one sequential stream (rows of A
//! a multiple of 256 bytes apart in memory would fight over the same cache sets). B is read in place, a block of [`KC`] rows of a panel of up to 64 columns
//! (32 KB) staying in L1, unless its row length would map those rows onto a few cache sets:
//! then it is packed too.
//!
//! Packing copies and never computes: every element is still one chain of fused multiply-adds
//! in k order from zero, the bias added to the finished sum, as the other paths compute it.

use std::arch::x86_64::*;
use std::cell::Cell;

use ndarray::ArrayView2;

use crate::matmul::{Epilogue, row_blocks};
use crate::par::*;

/// Rows of k per block.
const KC: usize = 128;
/// Multiply-adds above which blocks of rows are split across threads.
const PARALLEL_WORK: usize = 1 << 20;

thread_local! {
    // Packing buffers kept from product to product (taken while in use, so a nested product
    // on the same thread only allocates its own).
    static PACKED_B: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
    static PACKED_A: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// Rows per tile: as many as the 32 registers allow beside the widest panel's vectors
/// (6 × 64, 8 × 48 or 12 × 32 accumulators).
fn tile_rows(n: usize) -> usize {
    match n.div_ceil(16) {
        1 | 2 => 12,
        3 => 8,
        _ => 6,
    }
}

/// C (m × n, standard layout) = A·B (+ bias per column). `n ≥ 8`, `k ≥ 1`; the CPU has AVX-512.
pub(crate) fn product(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    c: &mut [f32],
    bias: Option<&[f32]>,
    epi: Option<Epilogue<'_>>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m == 0 || n == 0 || k == 0 || b.nrows() != k || c.len() != m * n {
        return;
    }
    let b = b.as_standard_layout();
    let Some(b) = b.as_slice() else { return };
    let standard;
    let a = if a.strides().iter().all(|&s| s >= 0) {
        a
    } else {
        standard = a.as_standard_layout();
        standard.view()
    };
    let bias = bias.filter(|v| v.len() == n);
    let r = tile_rows(n);
    let mut packed = PACKED_B.take();
    // Rows of B a multiple of 512 bytes apart would share a few L1 sets; packed, a panel's
    // rows follow one another.
    let bsrc = if n.is_multiple_of(128) {
        pack_b(b, k, n, &mut packed);
        BSrc::Packed(&packed)
    } else {
        BSrc::Rows(b)
    };
    let run = |i0: usize, c_rows: &mut [f32]| {
        let mut buf = PACKED_A.take();
        rows_block(a, i0, c_rows, bsrc, n, r, bias, &mut buf);
        PACKED_A.set(buf);
    };
    // Two blocks of rows per thread: each block reads all of packed B once.
    let rows = m.div_ceil(current_num_threads() * 2).next_multiple_of(r);
    let par = m * n * k >= PARALLEL_WORK && m >= 2 * r;
    row_blocks(c, n, rows, par, epi, &run);
    PACKED_B.set(packed);
}

/// B laid out for the tiles: for each block of [`KC`] rows of k, each panel of 64 columns (the
/// last one rounded up to 16 with zeros), its rows one after another.
fn pack_b(b: &[f32], k: usize, n: usize, out: &mut Vec<f32>) {
    let npad = n.next_multiple_of(16);
    // Every element is written below, so growing is the only clearing needed.
    out.resize(k * npad, 0.0);
    let fill = |k0: usize, block: &mut [f32]| {
        let kc = block.len() / npad;
        let mut j = 0;
        while j < n {
            let w = (n - j).min(64);
            let wp = w.next_multiple_of(16);
            let panel = &mut block[kc * j..kc * (j + wp)];
            for (kk, dst) in panel.chunks_exact_mut(wp).enumerate() {
                let src = &b[(k0 + kk) * n + j..(k0 + kk) * n + j + w];
                dst[..w].copy_from_slice(src);
                dst[w..].fill(0.0);
            }
            j += w;
        }
    };
    if k * npad >= PARALLEL_WORK / 4 {
        out.par_chunks_mut(KC * npad)
            .enumerate()
            .for_each(|(bi, block)| fill(bi * KC, block));
    } else {
        for (bi, block) in out.chunks_mut(KC * npad).enumerate() {
            fill(bi * KC, block);
        }
    }
}

/// Rows `i0..i0 + rows` of A, columns `k0..k0 + kc`, in tiles of `r` rows: for each tile, for
/// each k, its r values (zeros past the last row).
fn pack_a(
    a: ArrayView2<f32>,
    i0: usize,
    rows: usize,
    k0: usize,
    kc: usize,
    r: usize,
    out: &mut Vec<f32>,
) {
    let tiles = rows.div_ceil(r);
    out.resize(tiles * r * kc, 0.0);
    let (rs, cs) = (a.strides()[0] as usize, a.strides()[1] as usize);
    let p = a.as_ptr();
    for (t, dst) in out.chunks_exact_mut(r * kc).enumerate() {
        let first = i0 + t * r;
        let valid = (i0 + rows - first).min(r);
        if valid < r {
            dst.fill(0.0);
        }
        // SAFETY: rows first..first + valid < m and columns k0..k0 + kc ≤ k are elements of
        // the view, whose strides are non-negative.
        unsafe {
            if cs == 1 || cs < rs {
                // Rows contiguous (or nearly): read along each row, write every r-th value.
                for i in 0..valid {
                    let src = p.add((first + i) * rs + k0 * cs);
                    for kk in 0..kc {
                        *dst.get_unchecked_mut(kk * r + i) = *src.add(kk * cs);
                    }
                }
            } else {
                // Columns contiguous (a transposed view): each k's r values lie side by side.
                for kk in 0..kc {
                    let src = p.add(first * rs + (k0 + kk) * cs);
                    let row = dst.get_unchecked_mut(kk * r..kk * r + valid);
                    for (i, d) in row.iter_mut().enumerate() {
                        *d = *src.add(i * rs);
                    }
                }
            }
        }
    }
}

/// Whether rows `stride` floats apart land on so few L1 sets (a multiple of 256 bytes) that a
/// tile's rows, read in place, would evict one another.
fn stride_aliases(stride: usize) -> bool {
    stride.is_multiple_of(64)
}

/// B as the kernel reads it: packed by [`pack_b`], or its rows as they are.
#[derive(Clone, Copy)]
enum BSrc<'a> {
    Packed(&'a [f32]),
    Rows(&'a [f32]),
}

/// One block of rows of C (starting at row `i0` of A): every block of k, packed, through every
/// panel of B and every tile of rows.
#[allow(clippy::too_many_arguments)]
fn rows_block(
    a: ArrayView2<f32>,
    i0: usize,
    c: &mut [f32],
    bsrc: BSrc<'_>,
    n: usize,
    r: usize,
    bias: Option<&[f32]>,
    buf: &mut Vec<f32>,
) {
    let k = a.ncols();
    let rows = c.len() / n;
    let npad = n.next_multiple_of(16);
    match bsrc {
        BSrc::Packed(p) if p.len() < k * npad => return,
        BSrc::Rows(b) if b.len() < k * n => return,
        _ => {}
    }
    let tiles = rows.div_ceil(r);
    // Full tiles read A in place when one of its strides is 1 (a row-major block or a
    // transposed one): each tile's R rows are a few sequential streams the prefetcher follows,
    // and copying them cost as much as it saved. Only a last, partial tile is packed (its
    // zero rows keep the kernel in bounds).
    let (rs, cs) = (a.strides()[0] as usize, a.strides()[1] as usize);
    let direct = (cs == 1 || rs == 1) && !stride_aliases(rs.max(cs));
    let packed_from = if direct { rows / r } else { 0 };
    let mut k0 = 0;
    while k0 < k {
        let kc = (k - k0).min(KC);
        if packed_from < tiles {
            pack_a(
                a,
                i0 + packed_from * r,
                rows - packed_from * r,
                k0,
                kc,
                r,
                buf,
            );
        }
        let last = k0 + kc == k;
        let mut j = 0;
        while j < n {
            let w = (n - j).min(64);
            let mask: __mmask16 = if w.is_multiple_of(16) {
                0xffff
            } else {
                (1u16 << (w % 16)) - 1
            };
            let (b, ldb) = match bsrc {
                BSrc::Packed(p) => (p[k0 * npad + kc * j..].as_ptr(), w.next_multiple_of(16)),
                BSrc::Rows(b) => (b[k0 * n + j..].as_ptr(), n),
            };
            let panel = Panel {
                b,
                ldb,
                kc,
                n,
                first: k0 == 0,
                mask,
                bias: bias.filter(|_| last).map(|v| v[j..].as_ptr()),
            };
            for t in 0..tiles {
                let valid = (rows - t * r).min(r);
                // A tile's value (row i, k kk) at ap + kk·ka + i·ra.
                let (ap, ka, ra) = if t < packed_from {
                    // SAFETY: row i0 + t·r and column k0 are inside the view.
                    let p = unsafe { a.as_ptr().add((i0 + t * r) * rs + k0 * cs) };
                    (p, cs, rs)
                } else {
                    (buf[(t - packed_from) * r * kc..].as_ptr(), r, 1)
                };
                let cp = c[t * r * n + j..].as_mut_ptr();
                // SAFETY: the packed tile holds kc·r values and the panel kc rows of w
                // rounded up to 16; rows t·r..t·r + valid of C and columns j..j + w (masked)
                // are inside c; the CPU has AVX-512 (the caller's path).
                unsafe {
                    match (r, w.div_ceil(16)) {
                        (6, 4) => panel.tile::<6, 4>(ap, ka, ra, cp, valid),
                        (6, 3) => panel.tile::<6, 3>(ap, ka, ra, cp, valid),
                        (6, 2) => panel.tile::<6, 2>(ap, ka, ra, cp, valid),
                        (6, _) => panel.tile::<6, 1>(ap, ka, ra, cp, valid),
                        (8, 3) => panel.tile::<8, 3>(ap, ka, ra, cp, valid),
                        (8, 2) => panel.tile::<8, 2>(ap, ka, ra, cp, valid),
                        (8, _) => panel.tile::<8, 1>(ap, ka, ra, cp, valid),
                        (_, 2) => panel.tile::<12, 2>(ap, ka, ra, cp, valid),
                        _ => panel.tile::<12, 1>(ap, ka, ra, cp, valid),
                    }
                }
            }
            j += w;
        }
        k0 += kc;
    }
}

/// One block of k of one panel of B.
struct Panel {
    /// Row kk of the panel at `b + kk·ldb`.
    b: *const f32,
    ldb: usize,
    kc: usize,
    n: usize,
    /// The first block of k: the sums start from zero instead of C.
    first: bool,
    /// Lanes of the panel's last vector inside C.
    mask: __mmask16,
    /// The bias at the panel's first column, on the last block of k.
    bias: Option<*const f32>,
}

#[allow(clippy::needless_range_loop)] // fixed-size register tiles read best with indices
impl Panel {
    /// `valid` rows of C from `c` on (R computed, the packed zeros past the last row unused):
    /// the accumulators start from C (zero on the first block of k), take one fused
    /// multiply-add per k in order, get the bias on the last block and go back to C.
    #[target_feature(enable = "avx512f")]
    unsafe fn tile<const R: usize, const Q: usize>(
        &self,
        a: *const f32,
        ka: usize,
        ra: usize,
        c: *mut f32,
        valid: usize,
    ) {
        let n = self.n;
        let mask = |q: usize| if q + 1 == Q { self.mask } else { 0xffff };
        // SAFETY: the caller keeps rows and columns in bounds; the masks stop at n.
        unsafe {
            let mut acc = [[_mm512_setzero_ps(); Q]; R];
            if !self.first {
                for r in 0..R {
                    if r < valid {
                        for q in 0..Q {
                            acc[r][q] = _mm512_maskz_loadu_ps(mask(q), c.add(r * n + 16 * q));
                        }
                    }
                }
            }
            for kk in 0..self.kc {
                let brow = self.b.add(kk * self.ldb);
                let arow = a.add(kk * ka);
                let mut bv = [_mm512_setzero_ps(); Q];
                for q in 0..Q {
                    bv[q] = _mm512_maskz_loadu_ps(mask(q), brow.add(16 * q));
                }
                for r in 0..R {
                    let av = _mm512_set1_ps(*arow.add(r * ra));
                    for q in 0..Q {
                        acc[r][q] = _mm512_fmadd_ps(av, bv[q], acc[r][q]);
                    }
                }
            }
            if let Some(bias) = self.bias {
                for q in 0..Q {
                    let bq = _mm512_maskz_loadu_ps(mask(q), bias.add(16 * q));
                    for r in 0..R {
                        acc[r][q] = _mm512_add_ps(acc[r][q], bq);
                    }
                }
            }
            for r in 0..R {
                if r < valid {
                    for q in 0..Q {
                        _mm512_mask_storeu_ps(c.add(r * n + 16 * q), mask(q), acc[r][q]);
                    }
                }
            }
        }
    }
}
