//! GEMM: the safe, bounds-checked wrappers around `matrixmultiply`'s
//! raw-pointer `sgemm`/`dgemm`, and the cut-over policy that decides when
//! a training batch of a dense, recurrent or convolution layer takes them
//! rather than the per-sample kernels.

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
    // (rows, row length) of each stored matrix.
    let (ar, ac) = if a_t { (k, m) } else { (m, k) };
    let (br, bc) = if b_t { (n, k) } else { (k, n) };
    /// Elements spanned by `rows` rows of `cols` elements, `ld` apart.
    fn span(rows: usize, cols: usize, ld: usize, what: &str) -> usize {
        assert!(
            ld >= cols,
            "gemm: the leading dimension of {what} is shorter than its rows"
        );
        if rows == 0 || cols == 0 {
            0
        } else {
            (rows - 1)
                .checked_mul(ld)
                .and_then(|v| v.checked_add(cols))
                .expect("gemm: size overflow")
        }
    }
    assert!(
        a.len() >= span(ar, ac, lda, "A"),
        "gemm: A is shorter than {ar} x {ac}"
    );
    assert!(
        b.len() >= span(br, bc, ldb, "B"),
        "gemm: B is shorter than {br} x {bc}"
    );
    assert!(
        c.len() >= span(m, n, ldc, "C"),
        "gemm: C is shorter than {m} x {n}"
    );
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
