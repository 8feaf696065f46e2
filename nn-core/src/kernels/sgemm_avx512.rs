//! `f32` GEMM for x86-64 CPUs with AVX-512 (F, BW, DQ, VL) on an operand
//! packed once and used many times: a recurrent layer's `W_hh` in the
//! per-step products of a training batch ([`super::gemm::PackedB`]).
//! `matrixmultiply` packs both operands on every call, which was 22% of
//! the LSTM training step (W3b) with the 32 steps re-packing `W_hh`.
//!
//! One micro-kernel of 8 rows by 32 columns of `C` (sixteen 512-bit
//! accumulators, two fused multiply-adds per broadcast of an `A` element)
//! over `op(B)` packed into panels of 32 columns (`[k][32]`) per block of
//! [`KC`] of `k`, and `A` packed per call into panels of 8 rows
//! (`[k][8]`, a few KiB for a step's hidden states). Both go through
//! one packing routine ([`pack`]): masked copies where the stored rows
//! run along the panel's width, 8 x 8 transposes in registers where they
//! run along `k`.

use core::arch::x86_64::*;

/// Rows of `C` per micro-kernel call.
const MR: usize = 8;
/// Columns of `C` per micro-kernel call (two registers).
const NR: usize = 32;
/// Depth of a block of `k`: a packed panel of `B` (32 KiB) and one of `A`
/// (8 KiB) stay in L1 while the row blocks of `C` go by.
const KC: usize = 256;

std::thread_local! {
    /// The packed panels of `A`, kept per thread: the steps of a batch
    /// allocate nothing once each thread has seen its largest batch.
    static A_PANELS: core::cell::RefCell<alloc::vec::Vec<f32>> =
        const { core::cell::RefCell::new(alloc::vec::Vec::new()) };
}

/// `op(B)` (`k x n`) packed for [`sgemm_packed`]: for each block of
/// [`KC`] rows, its panels of 32 columns, `[kc][32]` each.
pub(crate) struct PackedB {
    k: usize,
    n: usize,
    panels: alloc::vec::Vec<f32>,
}

impl PackedB {
    /// Packs `op(B)`, stored `k x n` with rows `ldb` apart, or `n x k`
    /// when `b_t` (`op(B) = B^T`).
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW, DQ and VL, and `b` must hold the
    /// stored matrix (`gemm.rs` asserts it).
    #[allow(unsafe_code)]
    pub(super) unsafe fn new(k: usize, n: usize, b: &[f32], ldb: usize, b_t: bool) -> Self {
        let mut panels = alloc::vec![0.0; n.div_ceil(NR) * NR * k];
        // SAFETY: the CPU has the features (this function's contract).
        unsafe { pack_all_b(k, n, b, ldb, b_t, &mut panels) };
        Self { k, n, panels }
    }

    /// Rows and columns of `op(B)`.
    pub(super) fn shape(&self) -> (usize, usize) {
        (self.k, self.n)
    }
}

/// Where element `(l, p)` of an operand packed along its lines `l` (rows
/// of `op(A)`, columns of `op(B)`) lies: stored one line per row
/// (`line_major`), or one `p` per row.
#[inline(always)]
fn at(l: usize, p: usize, ld: usize, line_major: bool) -> usize {
    if line_major {
        l * ld + p
    } else {
        p * ld + l
    }
}

/// The blocks of [`KC`] rows of `op(B)`, each as its panels of 32 columns.
/// `op(B)`'s columns are the stored rows when `b_t`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn pack_all_b(k: usize, n: usize, b: &[f32], ldb: usize, b_t: bool, panels: &mut [f32]) {
    let width = n.div_ceil(NR) * NR;
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let block = &mut panels[width * p0..width * (p0 + kc)];
        for (jb, panel) in block.chunks_exact_mut(NR * kc).enumerate() {
            let j0 = jb * NR;
            let b = &b[at(j0, p0, ldb, b_t)..];
            pack::<NR>(kc, b, ldb, b_t, NR.min(n - j0), panel);
        }
    }
}

/// `C = alpha op(A) op(B) + beta C` with `op(B)` packed, `op(A)` (`m x k`)
/// stored `m x k` with rows `lda` apart or `k x m` when `a_t`, and `C`
/// `m x n` with rows `ldc` apart; `C` is not read when `beta` is 0.
///
/// # Safety
/// The CPU must have AVX-512 F, BW, DQ and VL, `a` must hold the stored
/// `A` and `c` the `m` rows of `C` (`gemm.rs` asserts both), with
/// `ldc >= n`.
#[allow(clippy::too_many_arguments, reason = "BLAS-style GEMM")]
#[allow(unsafe_code)]
pub(super) unsafe fn sgemm_packed(
    m: usize,
    alpha: f32,
    a: &[f32],
    lda: usize,
    a_t: bool,
    b: &PackedB,
    beta: f32,
    c: &mut [f32],
    ldc: usize,
) {
    A_PANELS.with(|panels| {
        let mut a_panels = panels.borrow_mut();
        // Grown, never cleared: the packing writes every value the kernel
        // stores a result from (the padding rows it may leave from an
        // earlier call only reach lanes that are not stored).
        let len = m.div_ceil(MR) * MR * b.k.min(KC);
        if a_panels.len() < len {
            a_panels.resize(len, 0.0);
        }
        // SAFETY: as this function's, with the buffer sized above.
        unsafe {
            sgemm_in(
                m,
                alpha,
                a,
                lda,
                !a_t,
                b,
                beta,
                c,
                ldc,
                &mut a_panels[..len],
            )
        }
    });
}

/// [`sgemm_packed`] with the buffer for `A`'s panels
/// (`ceil(m / 8) 8 min(k, KC)`), over the blocks of [`KC`] of `k`: the
/// first scales `C` by `beta`, the others add to it. `a_rows` is whether
/// `A` is stored one row of `op(A)` per row.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[allow(clippy::too_many_arguments, reason = "sgemm's operands and its buffer")]
#[allow(unsafe_code)]
unsafe fn sgemm_in(
    m: usize,
    alpha: f32,
    a: &[f32],
    lda: usize,
    a_rows: bool,
    b: &PackedB,
    beta: f32,
    c: &mut [f32],
    ldc: usize,
    a_panels: &mut [f32],
) {
    let (k, n) = (b.k, b.n);
    let width = n.div_ceil(NR) * NR;
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let beta = if p0 == 0 { beta } else { 1.0 };
        let a_panels = &mut a_panels[..m.div_ceil(MR) * MR * kc];
        for (ib, panel) in a_panels.chunks_exact_mut(MR * kc).enumerate() {
            let i0 = ib * MR;
            let a = &a[at(i0, p0, lda, a_rows)..];
            pack::<MR>(kc, a, lda, a_rows, MR.min(m - i0), panel);
        }
        let b_block = &b.panels[width * p0..width * (p0 + kc)];
        for (jb, b_panel) in b_block.chunks_exact(NR * kc).enumerate() {
            let j0 = jb * NR;
            let nr = NR.min(n - j0);
            for (ib, a_panel) in a_panels.chunks_exact(MR * kc).enumerate() {
                let i0 = ib * MR;
                let mr = MR.min(m - i0);
                let c = c[i0 * ldc + j0..].as_mut_ptr();
                // SAFETY: rows `i0..i0 + mr` and columns `j0..j0 + nr` of
                // `C` are within it (the caller's contract); the panels
                // hold `kc` rows of 8 and of 32.
                unsafe { kernel(kc, a_panel, b_panel, alpha, beta, c, ldc, mr, nr) }
            }
        }
    }
}

/// Lines `0..lines` of a `lines x k` block (element `(l, p)` at
/// `src[at(l, p, ld, line_major)]`) into `panel` as `[k][W]`. The lines
/// past `lines`, whose results are not stored, are zeros or left as they
/// were.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
#[allow(unsafe_code)]
fn pack<const W: usize>(
    k: usize,
    src: &[f32],
    ld: usize,
    line_major: bool,
    lines: usize,
    panel: &mut [f32],
) {
    assert!(panel.len() >= k * W && lines <= W && W.is_multiple_of(8));
    if !line_major {
        // The lines of each `p` are contiguous: a masked copy, eight at a
        // time.
        for p in 0..k {
            let from = &src[p * ld..p * ld + lines];
            for l0 in (0..W).step_by(8) {
                let have = lines.saturating_sub(l0).min(8);
                // SAFETY: the mask covers the `have` values of `from` past
                // `l0`; the panel's row `p` has `W` values.
                unsafe {
                    let v = if have == 0 {
                        _mm256_setzero_ps()
                    } else {
                        let mask = (u32::MAX >> (32 - have)) as __mmask8;
                        _mm256_maskz_loadu_ps(mask, from.as_ptr().add(l0))
                    };
                    _mm256_storeu_ps(panel.as_mut_ptr().add(p * W + l0), v);
                }
            }
        }
        return;
    }
    // Each line is contiguous along `k`: 8 x 8 blocks of eight lines,
    // transposed in registers, then the `k % 8` last values one by one.
    let whole = k / 8 * 8;
    for l0 in (0..lines).step_by(8) {
        let rows: [&[f32]; 8] = core::array::from_fn(|l| {
            if l0 + l < lines {
                &src[(l0 + l) * ld..(l0 + l) * ld + k]
            } else {
                &[]
            }
        });
        for p0 in (0..whole).step_by(8) {
            let block: [__m256; 8] = core::array::from_fn(|l| {
                // SAFETY: `p0 + 8 <= k`, the length of each present line.
                rows[l]
                    .get(p0..p0 + 8)
                    .map_or(_mm256_setzero_ps(), |r| unsafe {
                        _mm256_loadu_ps(r.as_ptr())
                    })
            });
            for (q, row) in transpose8x8(block).into_iter().enumerate() {
                // SAFETY: row `p0 + q < k` of the panel has `W` values,
                // `l0 + 8 <= W` of them.
                unsafe { _mm256_storeu_ps(panel.as_mut_ptr().add((p0 + q) * W + l0), row) };
            }
        }
        for (l, line) in rows.iter().enumerate().take(lines - l0) {
            for p in whole..k {
                panel[p * W + l0 + l] = line[p];
            }
        }
    }
}

/// The masks of the first `nr <= 32` columns in each 16-column half.
#[inline(always)]
fn half_masks(nr: usize) -> [__mmask16; 2] {
    [
        (u32::MAX >> (32 - nr.min(16))) as __mmask16,
        if nr > 16 {
            (u32::MAX >> (48 - nr)) as __mmask16
        } else {
            0
        },
    ]
}

/// The transpose of an 8 x 8 block held as eight rows: column `q` of the
/// input is row `q` of the output.
#[target_feature(enable = "avx2")]
#[inline]
fn transpose8x8(r: [__m256; 8]) -> [__m256; 8] {
    let t: [__m256; 8] = core::array::from_fn(|i| {
        let (x, y) = (r[i / 2 * 2], r[i / 2 * 2 + 1]);
        if i % 2 == 0 {
            _mm256_unpacklo_ps(x, y)
        } else {
            _mm256_unpackhi_ps(x, y)
        }
    });
    // Per group of four rows `g`: columns (0, 4), (1, 5), (2, 6), (3, 7).
    let u = |g: usize| {
        let (lo0, hi0, lo1, hi1) = (t[4 * g], t[4 * g + 1], t[4 * g + 2], t[4 * g + 3]);
        [
            _mm256_shuffle_ps::<0x44>(lo0, lo1),
            _mm256_shuffle_ps::<0xEE>(lo0, lo1),
            _mm256_shuffle_ps::<0x44>(hi0, hi1),
            _mm256_shuffle_ps::<0xEE>(hi0, hi1),
        ]
    };
    let (u0, u1) = (u(0), u(1));
    core::array::from_fn(|q| {
        if q < 4 {
            _mm256_permute2f128_ps::<0x20>(u0[q], u1[q])
        } else {
            _mm256_permute2f128_ps::<0x31>(u0[q - 4], u1[q - 4])
        }
    })
}

/// `C[0..mr, 0..nr] = alpha (a_panel b_panel) + beta C[0..mr, 0..nr]`.
///
/// # Safety
/// The CPU must have AVX-512 F; `c` points at `mr <= 8` rows of
/// `nr <= 32` writable columns `ldc` apart, and the panels hold `k` rows
/// of 8 and of 32.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
#[allow(clippy::too_many_arguments, reason = "a micro-kernel's operands")]
#[allow(unsafe_code)]
unsafe fn kernel(
    k: usize,
    a_panel: &[f32],
    b_panel: &[f32],
    alpha: f32,
    beta: f32,
    c: *mut f32,
    ldc: usize,
    mr: usize,
    nr: usize,
) {
    assert!(a_panel.len() >= k * MR && b_panel.len() >= k * NR && mr <= MR && nr <= NR);
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    let (mut ap, mut bp) = (a_panel.as_ptr(), b_panel.as_ptr());
    for _ in 0..k {
        // SAFETY: `k` rows of 8 and of 32 are in the panels (asserted).
        unsafe {
            let b0 = _mm512_loadu_ps(bp);
            let b1 = _mm512_loadu_ps(bp.add(16));
            for (i, acc) in acc.iter_mut().enumerate() {
                let av = _mm512_set1_ps(*ap.add(i));
                acc[0] = _mm512_fmadd_ps(av, b0, acc[0]);
                acc[1] = _mm512_fmadd_ps(av, b1, acc[1]);
            }
            ap = ap.add(MR);
            bp = bp.add(NR);
        }
    }
    // Columns of each half that exist in `C`.
    let masks = half_masks(nr);
    let (alpha, beta_v) = (_mm512_set1_ps(alpha), _mm512_set1_ps(beta));
    for (i, acc) in acc.iter().enumerate().take(mr) {
        for (h, (acc, mask)) in acc.iter().zip(masks).enumerate() {
            if mask == 0 {
                continue;
            }
            // SAFETY: the masked lanes are the columns `< nr` of row `i`,
            // inside `C` by the caller's contract.
            unsafe {
                let cp = c.add(i * ldc + h * 16);
                let mut v = _mm512_mul_ps(alpha, *acc);
                if beta != 0.0 {
                    let old = _mm512_maskz_loadu_ps(mask, cp);
                    v = _mm512_fmadd_ps(beta_v, old, v);
                }
                _mm512_mask_storeu_ps(cp, mask, v);
            }
        }
    }
}
