//! GEMM: the safe, bounds-checked wrappers around `matrixmultiply`'s
//! raw-pointer `sgemm`/`dgemm`, the product by an operand packed once
//! ([`PackedB`], [`gemm_packed`]), and the cut-over policy that decides
//! when a training batch of a dense, recurrent or convolution layer takes
//! them rather than the per-sample kernels.

use super::window::Window2d;

/// Multiply-adds per batch from which a dense layer's training batch goes
/// through GEMM (see [`dense_prefers_gemm`]).
pub const DENSE_GEMM_MIN_MACS: usize = 4096;

/// Whether a dense layer with `i` inputs and `o` outputs takes one GEMM
/// per batch of `batch` samples rather than per-sample kernels: from 4
/// samples and [`DENSE_GEMM_MIN_MACS`] multiply-adds per batch. The GEMM
/// was measured faster at the benchmark sizes (W1 at batch 32: 7.6x); this
/// cut-over for small layers is a chosen value, not tuned per size.
pub const fn dense_prefers_gemm(batch: usize, i: usize, o: usize) -> bool {
    batch >= 4 && batch * i * o >= DENSE_GEMM_MIN_MACS
}

/// Whether a training batch of a convolution with this window, `c` input
/// and `oc` output channels is faster through im2col + GEMM than through
/// the direct kernel: with at least 4 output channels (the GEMM's row
/// blocking needs them) and 1024 multiply-adds per sample.
///
/// Measured on x86-64 (2 cores, f32, batch 32) against the portable
/// direct kernel: the GEMM path is 1.3-2x faster from about 1300
/// multiply-adds with 4 output channels, 3-15x faster for 16-64 channels;
/// with 2-3 output channels the direct kernel is as fast or faster at
/// every size tried. Where the direct kernels run vectorised
/// ([`direct_is_vectorised`](super::window::direct_is_vectorised)), they
/// are kept.
pub fn conv_prefers_im2col<T: crate::Float>(g: &Window2d, c: usize, oc: usize) -> bool {
    oc >= 4
        && c * g.window() * oc * g.out_plane() >= 1024
        && !super::window::direct_is_vectorised::<T>(g, c, oc)
}

/// `C = alpha * op(A) * op(B) + beta * C` on dense row-major matrices, with
/// `op(A)` of shape `m x k` and `op(B)` of shape `k x n`, through
/// `matrixmultiply` (`sgemm`/`dgemm`).
///
/// `A` is stored row-major as `m x k`, or as `k x m` when `a_t` (so
/// `op(A) = A^T`); likewise `B` is `k x n`, or `n x k` when `b_t`. `C` is
/// `m x n` row-major. When `beta` is zero, `C` is not read (NaNs in it are
/// overwritten).
///
/// # Panics
/// If a slice is shorter than its matrix.
#[cfg(feature = "alloc")]
#[allow(
    clippy::too_many_arguments,
    reason = "BLAS-style GEMM: sizes, scalars and operands"
)]
pub fn gemm<T: crate::Float>(
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: &[T],
    a_t: bool,
    b: &[T],
    b_t: bool,
    beta: T,
    c: &mut [T],
) {
    let lda = if a_t { m } else { k };
    let ldb = if b_t { k } else { n };
    gemm_ld(m, k, n, alpha, a, lda, a_t, b, ldb, b_t, beta, c, n);
}

/// Asserts that `len` elements hold a matrix stored as `rows` rows of
/// `cols` elements, `ld` apart (the last row may end the slice).
///
/// # Panics
/// If `ld` is shorter than a row, the span overflows or `len` is shorter.
#[cfg(feature = "alloc")]
fn assert_holds(len: usize, (rows, cols): (usize, usize), ld: usize, what: &str) {
    assert!(
        ld >= cols,
        "gemm: the leading dimension of {what} is shorter than its rows"
    );
    let span = if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1)
            .checked_mul(ld)
            .and_then(|v| v.checked_add(cols))
            .expect("gemm: size overflow")
    };
    assert!(len >= span, "gemm: {what} is shorter than {rows} x {cols}");
}

/// (rows, row length) of an `r x c` operand as stored: `c x r` when
/// transposed.
#[cfg(feature = "alloc")]
fn stored(r: usize, c: usize, transposed: bool) -> (usize, usize) {
    if transposed {
        (c, r)
    } else {
        (r, c)
    }
}

/// [`gemm`] on row-major matrices whose rows are `lda`, `ldb`, `ldc`
/// elements apart (the leading dimensions, as in BLAS): row `r` of the
/// stored `A` starts at `a[r * lda]`, and so on. The stored row lengths
/// are those of [`gemm`] (`k`, or `m` when `a_t`; `n`, or `k` when `b_t`;
/// `n` for `C`), and each leading dimension is at least its row length,
/// so that the rows of `C` do not overlap.
///
/// # Panics
/// If a leading dimension is shorter than its row, or a slice shorter than
/// its last row's end.
#[cfg(feature = "alloc")]
#[allow(
    clippy::too_many_arguments,
    reason = "BLAS-style GEMM with leading dimensions"
)]
// SAFETY: the two `unsafe` calls into matrixmultiply's raw-pointer GEMM
// come after the asserts that keep every element it touches inside the
// slices (see the comments on them); the wrapper itself is safe.
#[allow(unsafe_code)]
pub fn gemm_ld<T: crate::Float>(
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    a_t: bool,
    b: &[T],
    ldb: usize,
    b_t: bool,
    beta: T,
    c: &mut [T],
    ldc: usize,
) {
    use core::any::TypeId;
    assert_holds(a.len(), stored(m, k, a_t), lda, "A");
    assert_holds(b.len(), stored(k, n, b_t), ldb, "B");
    assert_holds(c.len(), (m, n), ldc, "C");
    if m == 0 || n == 0 {
        return;
    }
    // Slice lengths are at most isize::MAX elements, so these fit.
    let (rsa, csa) = if a_t {
        (1, lda as isize)
    } else {
        (lda as isize, 1)
    };
    let (rsb, csb) = if b_t {
        (1, ldb as isize)
    } else {
        (ldb as isize, 1)
    };
    let (rsc, csc) = (ldc as isize, 1);
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        // SAFETY: `T` is `f32` (same TypeId), so the pointer casts keep the
        // element type. With the strides above, every element matrixmultiply
        // touches is at offset `r * ld + j` (`r` < rows, `j` < row length) of
        // its stored matrix, below the spans the asserts put inside the
        // slices; since `ldc >= n`, distinct elements of `C` are distinct
        // memory; `c` is a unique borrow disjoint from `a` and `b`.
        unsafe {
            matrixmultiply::sgemm(
                m,
                k,
                n,
                alpha.as_f64() as f32,
                a.as_ptr().cast::<f32>(),
                rsa,
                csa,
                b.as_ptr().cast::<f32>(),
                rsb,
                csb,
                beta.as_f64() as f32,
                c.as_mut_ptr().cast::<f32>(),
                rsc,
                csc,
            );
        }
    } else if TypeId::of::<T>() == TypeId::of::<f64>() {
        // SAFETY: as above, with `T` = `f64`.
        unsafe {
            matrixmultiply::dgemm(
                m,
                k,
                n,
                alpha.as_f64(),
                a.as_ptr().cast::<f64>(),
                rsa,
                csa,
                b.as_ptr().cast::<f64>(),
                rsb,
                csb,
                beta.as_f64(),
                c.as_mut_ptr().cast::<f64>(),
                rsc,
                csc,
            );
        }
    } else {
        unreachable!("Float is sealed to f32 and f64");
    }
}

/// `op(B)` of [`gemm_packed`], `k x n`: packed once where this crate has
/// its own kernel for the CPU (`f32` with AVX-512 on x86-64 with `std`),
/// else the stored matrix for [`gemm_ld`]. A recurrent layer's training
/// batch multiplies by `W_hh` at every step; packing it once instead of at
/// every call is what this is for.
#[cfg(feature = "alloc")]
pub enum PackedB<'a, T> {
    /// The stored matrix, as [`gemm_ld`] takes it.
    Plain {
        /// Rows of `op(B)`.
        k: usize,
        /// Columns of `op(B)`.
        n: usize,
        /// The stored matrix.
        b: &'a [T],
        /// Its leading dimension.
        ldb: usize,
        /// Whether `op(B) = B^T`.
        b_t: bool,
    },
    /// Panels for the AVX-512 kernel.
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    Avx512(super::sgemm_avx512::PackedB),
}

#[cfg(feature = "alloc")]
impl<'a, T: crate::Float> PackedB<'a, T> {
    /// `op(B)` of shape `k x n`, stored as in [`gemm_ld`] (`k x n`, or
    /// `n x k` when `b_t`, rows `ldb` apart), packed when the CPU has a
    /// kernel of this crate for it.
    ///
    /// # Panics
    /// If `ldb` is shorter than a stored row or `b` than the matrix.
    pub fn new(k: usize, n: usize, b: &'a [T], ldb: usize, b_t: bool) -> Self {
        let plain = Self::Plain { k, n, b, ldb, b_t };
        assert_holds(b.len(), stored(k, n, b_t), ldb, "B");
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if let Some(b) = super::simd::as_f32(b) {
            if k > 0 && n > 0 && super::simd::x86::has_avx512() {
                #[allow(unsafe_code)]
                // SAFETY: the CPU has the AVX-512 subsets (detected just
                // above) and `b` holds the stored matrix (asserted above).
                return Self::Avx512(unsafe {
                    super::sgemm_avx512::PackedB::new(k, n, b, ldb, b_t)
                });
            }
        }
        plain
    }
}

/// [`gemm_ld`] with `op(B)` from [`PackedB::new`]: `C = alpha op(A) op(B)
/// + beta C`, `op(A)` of shape `m x k` stored as in [`gemm_ld`], `C`
/// `m x n` with rows `ldc` apart. The packed kernel sums in another order
/// than `matrixmultiply`: equal to rounding.
///
/// # Panics
/// If a leading dimension is shorter than its row, or a slice shorter than
/// its last row's end.
#[cfg(feature = "alloc")]
#[allow(
    clippy::too_many_arguments,
    reason = "BLAS-style GEMM with leading dimensions"
)]
pub fn gemm_packed<T: crate::Float>(
    m: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    a_t: bool,
    b: &PackedB<'_, T>,
    beta: T,
    c: &mut [T],
    ldc: usize,
) {
    match b {
        PackedB::Plain { k, n, b, ldb, b_t } => {
            gemm_ld(m, *k, *n, alpha, a, lda, a_t, b, *ldb, *b_t, beta, c, ldc);
        }
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        PackedB::Avx512(packed) => {
            let (k, n) = packed.shape();
            assert_holds(a.len(), stored(m, k, a_t), lda, "A");
            assert_holds(c.len(), (m, n), ldc, "C");
            if m == 0 {
                return;
            }
            let (Some(a), Some(c)) = (super::simd::as_f32(a), super::simd::as_f32_mut(c)) else {
                unreachable!("only f32 is packed")
            };
            #[allow(unsafe_code)]
            // SAFETY: `Avx512` is built only on a CPU with the subsets; the
            // asserts above keep the stored `A` and the rows of `C` inside
            // the slices, and `assert_holds` checked `ldc >= n`.
            unsafe {
                super::sgemm_avx512::sgemm_packed(
                    m,
                    alpha.as_f64() as f32,
                    a,
                    lda,
                    a_t,
                    packed,
                    beta.as_f64() as f32,
                    c,
                    ldc,
                )
            };
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// [`gemm_packed`], packed where the CPU allows it and plain, against
    /// a plain `f64` sum, for every transposition, `beta` 0 (NaNs in `C`
    /// overwritten) and 1, leading dimensions past the rows, `k` past one
    /// block of 256, and sizes that leave every remainder of the kernel's
    /// 8 x 32 blocks. Each entry sums up to 300 products, hence 1e-5
    /// relative to the sum of their magnitudes; a wrong index is off by a
    /// whole product. Columns of `C` past `n` are untouched.
    #[test]
    fn gemm_packed_matches_a_plain_sum_for_every_layout() {
        let mut rng = crate::Rng::seed(21);
        let shapes = [
            (1, 1, 1),
            (8, 3, 32),
            (9, 17, 33),
            (32, 300, 10),
            (15, 64, 100),
            (3, 5, 47),
            (4, 7, 20),
            (10, 33, 50),
        ];
        let mut packed_runs = 0;
        for (m, k, n) in shapes {
            for (a_t, b_t, beta) in [
                (false, false, 0.0),
                (false, true, 1.0),
                (true, false, 1.0),
                (true, true, 0.0),
                (false, true, 0.0),
            ] {
                let (lda, ldb, ldc) = (
                    if a_t { m } else { k } + 3,
                    if b_t { k } else { n } + 1,
                    n + 2,
                );
                let mut normal =
                    |len: usize| -> Vec<f32> { (0..len).map(|_| rng.normal() as f32).collect() };
                let a = normal(lda * if a_t { k } else { m });
                let b = normal(ldb * if b_t { n } else { k });
                let c0 = normal(ldc * m);
                for packed in [
                    PackedB::new(k, n, &b, ldb, b_t),
                    PackedB::Plain {
                        k,
                        n,
                        b: &b,
                        ldb,
                        b_t,
                    },
                ] {
                    let what = match packed {
                        PackedB::Plain { .. } => "plain",
                        #[cfg(all(feature = "std", target_arch = "x86_64"))]
                        PackedB::Avx512(_) => {
                            packed_runs += 1;
                            "AVX-512"
                        }
                    };
                    let mut c: Vec<f32> = c0
                        .iter()
                        .map(|v| if beta == 0.0 { f32::NAN } else { *v })
                        .collect();
                    gemm_packed(m, 1.0, &a, lda, a_t, &packed, beta, &mut c, ldc);
                    for i in 0..m {
                        for j in 0..ldc {
                            let got = c[i * ldc + j];
                            if j >= n {
                                assert_eq!(
                                    got.to_bits(),
                                    if beta == 0.0 {
                                        f32::NAN
                                    } else {
                                        c0[i * ldc + j]
                                    }
                                    .to_bits(),
                                    "{what} past column {j}"
                                );
                                continue;
                            }
                            let (mut want, mut size) = (f64::from(beta * c0[i * ldc + j]), 0.0);
                            for p in 0..k {
                                let x = if a_t { a[p * lda + i] } else { a[i * lda + p] };
                                let y = if b_t { b[j * ldb + p] } else { b[p * ldb + j] };
                                want += f64::from(x) * f64::from(y);
                                size += f64::from(x * y).abs();
                            }
                            assert!(
                                (f64::from(got) - want).abs() <= 1e-5 * (1.0 + size),
                                "{what} {m}x{k}x{n} a_t {a_t} b_t {b_t} beta {beta}: C[{i}, {j}] = {got}, want {want}"
                            );
                        }
                    }
                }
            }
        }
        // On a CPU with AVX-512, every case also ran the packed kernel.
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        if super::super::simd::x86::has_avx512() {
            assert_eq!(packed_runs, shapes.len() * 5);
        }
        let _ = packed_runs;
    }
}
