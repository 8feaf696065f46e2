//! Types whose all-zero bit pattern is a valid value, and the boxed
//! constructor built on that. This is the only module of nn-core with
//! `unsafe` code, so it also holds the safe, bounds-checked wrapper around
//! `matrixmultiply`'s raw-pointer GEMM (re-exported as
//! [`kernels::gemm`](crate::kernels::gemm)) and the run-time CPU dispatch
//! [`with_wide_simd`](crate::kernels::with_wide_simd).

/// A type for which all-zero bytes are a valid value (`0.0` for floats).
///
/// # Safety
/// Implement only for types made of floats, integers, arrays of `Zeroable`
/// types, zero-sized types, and structs whose every field is `Zeroable`.
/// `network!` implements it for the structs it generates, with a bound on
/// every field type so the claim is checked by the compiler.
pub unsafe trait Zeroable: Sized {}

// SAFETY: 0.0 is all-zero bits for IEEE floats.
unsafe impl Zeroable for f32 {}
// SAFETY: as above.
unsafe impl Zeroable for f64 {}
// SAFETY: zero-sized.
unsafe impl Zeroable for () {}
// SAFETY: an array of valid all-zero elements is valid all-zero.
unsafe impl<Z: Zeroable, const N: usize> Zeroable for [Z; N] {}
// SAFETY: zero-sized.
unsafe impl<X: ?Sized> Zeroable for core::marker::PhantomData<X> {}
// SAFETY: a tuple of valid all-zero members is valid all-zero (padding
// bytes carry no value).
unsafe impl<A: Zeroable, B: Zeroable> Zeroable for (A, B) {}
// SAFETY: as above.
unsafe impl<A: Zeroable, B: Zeroable, C: Zeroable> Zeroable for (A, B, C) {}
// SAFETY: as above.
unsafe impl<A: Zeroable, B: Zeroable, C: Zeroable, D: Zeroable> Zeroable for (A, B, C, D) {}

/// Allocates a zeroed `Z` directly on the heap, so a network of tens of
/// megabytes is never built on the stack (which overflows in debug builds).
#[cfg(feature = "alloc")]
pub fn boxed_zeroed<Z: Zeroable>() -> alloc::boxed::Box<Z> {
    let uninit = alloc::boxed::Box::<Z>::new_zeroed();
    // SAFETY: `Z: Zeroable` promises all-zero bytes are a valid `Z`, and
    // `new_zeroed` returned exactly such bytes (or aborted on OOM).
    unsafe { uninit.assume_init() }
}

/// A vector of `n` zeroed `Z`, built without going through the stack.
#[cfg(feature = "alloc")]
pub fn vec_zeroed<Z: Zeroable>(n: usize) -> alloc::vec::Vec<Z> {
    let mut v = alloc::vec::Vec::<Z>::with_capacity(n);
    // SAFETY: the capacity is at least `n`; `write_bytes` zeroes `n`
    // elements, which are valid `Z` values by the `Zeroable` contract, so
    // they may be counted as initialised.
    unsafe {
        core::ptr::write_bytes(v.as_mut_ptr(), 0, n);
        v.set_len(n);
    }
    v
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

/// Runs `f`, compiled for AVX2 when the CPU has it (x86-64 builds with
/// `std`, which can detect it at run time), else as it is. Only
/// instruction selection changes: Rust never contracts `a * b + c` into an
/// FMA, so vectorised element-wise code gives bit-identical results either
/// way. `f` should be `#[inline(always)]` code (its callees inline into
/// the AVX2 copy).
#[inline(always)]
pub fn with_wide_simd<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        #[target_feature(enable = "avx2")]
        #[inline]
        fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: `avx2` needs only that the CPU supports AVX2, which
            // was detected just above.
            return unsafe { avx2(f) };
        }
    }
    f()
}
