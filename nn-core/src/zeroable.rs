//! Types whose all-zero bit pattern is a valid value, and the boxed
//! and vector constructors built on that.

/// A type for which all-zero bytes are a valid value (`0.0` for floats).
///
/// # Safety
/// Implement only for types made of floats, integers, arrays of `Zeroable`
/// types, zero-sized types, and structs whose every field is `Zeroable`.
/// `network!` implements it for the structs it generates, with a bound on
/// every field type so the claim is checked by the compiler.
// SAFETY: declaring the trait is sound on its own: it has no methods, and
// the contract above is what every `unsafe impl` below and in the layers,
// optimizers and `network!` output promises.
#[allow(unsafe_code)]
pub unsafe trait Zeroable: Sized {}

// SAFETY: 0.0 is all-zero bits for IEEE floats.
#[allow(unsafe_code)]
unsafe impl Zeroable for f32 {}
// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl Zeroable for f64 {}
// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl Zeroable for () {}
// SAFETY: an array of valid all-zero elements is valid all-zero.
#[allow(unsafe_code)]
unsafe impl<Z: Zeroable, const N: usize> Zeroable for [Z; N] {}
// SAFETY: zero-sized.
#[allow(unsafe_code)]
unsafe impl<X: ?Sized> Zeroable for core::marker::PhantomData<X> {}
// SAFETY: a tuple of valid all-zero members is valid all-zero (padding
// bytes carry no value).
#[allow(unsafe_code)]
unsafe impl<A: Zeroable, B: Zeroable> Zeroable for (A, B) {}
// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl<A: Zeroable, B: Zeroable, C: Zeroable> Zeroable for (A, B, C) {}
// SAFETY: as above.
#[allow(unsafe_code)]
unsafe impl<A: Zeroable, B: Zeroable, C: Zeroable, D: Zeroable> Zeroable for (A, B, C, D) {}

/// An all-zero `Z`, usable in a `const` (the recurrent layers' `ZEROED`,
/// whose fields need not be listed one by one).
// SAFETY: the one `unsafe` block, `assume_init` on zeroed memory, holds by
// the `Zeroable` contract (see the comment on it).
#[allow(unsafe_code)]
pub(crate) const fn zeroed<Z: Zeroable>() -> Z {
    // SAFETY: `Z: Zeroable` promises all-zero bytes are a valid `Z`.
    unsafe { core::mem::MaybeUninit::<Z>::zeroed().assume_init() }
}

/// Allocates a zeroed `Z` directly on the heap, so a network of tens of
/// megabytes is never built on the stack (which overflows in debug builds).
#[cfg(feature = "alloc")]
// SAFETY: the one `unsafe` block, `assume_init` on zeroed memory, holds by
// the `Zeroable` contract (see the comment on it).
#[allow(unsafe_code)]
pub fn boxed_zeroed<Z: Zeroable>() -> alloc::boxed::Box<Z> {
    let uninit = alloc::boxed::Box::<Z>::new_zeroed();
    // SAFETY: `Z: Zeroable` promises all-zero bytes are a valid `Z`, and
    // `new_zeroed` returned exactly such bytes (or aborted on OOM).
    unsafe { uninit.assume_init() }
}

/// A vector of `n` zeroed `Z`, built without going through the stack.
#[cfg(feature = "alloc")]
// SAFETY: the one `unsafe` block zeroes `n` reserved elements and sets the
// length to `n`, valid by the `Zeroable` contract (see the comment on it).
#[allow(unsafe_code)]
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
