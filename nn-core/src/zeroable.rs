//! Types whose all-zero bit pattern is a valid value, and the boxed
//! constructor built on that. This is the only module of nn-core with
//! `unsafe` code, so it also holds the safe, bounds-checked wrapper around
//! `matrixmultiply`'s raw-pointer GEMM (re-exported as
//! [`kernels::gemm`](crate::kernels::gemm)).

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
#[allow(clippy::too_many_arguments)]
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
    use core::any::TypeId;
    let mk = m.checked_mul(k).expect("gemm: size overflow");
    let kn = k.checked_mul(n).expect("gemm: size overflow");
    let mn = m.checked_mul(n).expect("gemm: size overflow");
    assert!(a.len() >= mk, "gemm: A is shorter than {m} x {k}");
    assert!(b.len() >= kn, "gemm: B is shorter than {k} x {n}");
    assert!(c.len() >= mn, "gemm: C is shorter than {m} x {n}");
    if mn == 0 {
        return;
    }
    // Slice lengths are at most isize::MAX elements, so these fit.
    let (rsa, csa) = if a_t {
        (1, m as isize)
    } else {
        (k as isize, 1)
    };
    let (rsb, csb) = if b_t {
        (1, k as isize)
    } else {
        (n as isize, 1)
    };
    let (rsc, csc) = (n as isize, 1);
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        // SAFETY: `T` is `f32` (same TypeId), so the pointer casts keep the
        // element type. With the strides above, every element matrixmultiply
        // touches is at offset `i*rs + j*cs < rows*cols` of its matrix, which
        // the length asserts put inside the slices; `c` is a unique borrow
        // disjoint from `a` and `b`.
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
