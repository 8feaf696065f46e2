//! The float trait every layer is generic over.

use core::fmt::{Debug, Display};
use core::iter::Sum;
use core::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use crate::zeroable::Zeroable;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type: `f32` (the default everywhere) or `f64`
/// (for gradient checks and when precision matters).
///
/// Sealed: the all-zero bit pattern must be a valid `0.0`, which the boxed
/// constructors rely on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a float type a network computes in",
    label = "networks compute in `f32` or `f64`, not `{Self}`",
    note = "write `Net<f32>` (the default, as in `Net::<f32>::new(0)`) or `Net<f64>` for gradient checks"
)]
pub trait Float:
    num_traits::Float
    + num_traits::FloatConst
    + Default
    + Debug
    + Display
    + Sum
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Send
    + Sync
    + Zeroable
    + sealed::Sealed
    + 'static
{
    /// `0.0`.
    const ZERO: Self;
    /// `1.0`.
    const ONE: Self;
    /// `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Converts an `f64` (rounding to nearest for `f32`).
    fn cast(x: f64) -> Self;
    /// Widens to `f64`.
    fn as_f64(self) -> f64;
    /// Converts an `f32` (exact).
    fn from_f32(x: f32) -> Self;
    /// The error function, from libm (num-traits has none).
    fn erf(self) -> Self;
    /// `e^x` by code that LLVM can vectorise in a loop (no library call,
    /// no branch): for `f32` a Cephes-style polynomial
    /// (within 2 ulp of the exact value on its range), for `f64` the usual
    /// `exp` (exact to rounding; this is the type of gradient checks).
    fn exp_vec(self) -> Self;
    /// `tanh x`, vectorisable as [`exp_vec`](Self::exp_vec): for `f32`
    /// a branch-free Cephes-style formula (within 3 ulp), for `f64` the usual one.
    fn tanh_vec(self) -> Self;
}

#[diagnostic::do_not_recommend]
impl Float for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f32";
    #[inline(always)]
    fn cast(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f32(x: f32) -> Self {
        x
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erff(self)
    }
    #[inline(always)]
    fn exp_vec(self) -> Self {
        crate::kernels::exp_f32(self)
    }
    #[inline(always)]
    fn tanh_vec(self) -> Self {
        crate::kernels::tanh_f32(self)
    }
}

#[diagnostic::do_not_recommend]
impl Float for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAME: &'static str = "f64";
    #[inline(always)]
    fn cast(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f32(x: f32) -> Self {
        x as f64
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erf(self)
    }
    #[inline]
    fn exp_vec(self) -> Self {
        num_traits::Float::exp(self)
    }
    #[inline]
    fn tanh_vec(self) -> Self {
        num_traits::Float::tanh(self)
    }
}

/// True when `T`'s initialisation and optimizer steps run in `f32`
/// arithmetic only: with the `single-precision` feature, for `f32`
/// networks. The default computes them in `f64` and rounds once; on an
/// FPU without double precision (a Cortex-M4F) that links software `f64`
/// arithmetic and `f64` libm, kilobytes of flash, and the feature avoids
/// it at the price of results that differ in the last bits.
#[inline(always)]
pub(crate) fn single_precision<T: Float>() -> bool {
    cfg!(feature = "single-precision")
        && core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>()
}

/// `T::cast(x)` in a `const fn`, where trait methods cannot be called:
/// `x` rounded to the nearest `f32`, or `x` itself.
#[allow(unsafe_code)]
pub(crate) const fn cast_const<T: Float>(x: f64) -> T {
    /// The same bytes as `f32`, `f64` or `T`.
    #[repr(C)]
    union Pun<T: Copy> {
        f32: f32,
        f64: f64,
        t: T,
    }
    // SAFETY: `Float` is sealed and implemented for `f32` and `f64` only,
    // so a 4-byte `T` is `f32` and any other is `f64`; each read of `t`
    // sees exactly the bytes of a value of its type just written.
    unsafe {
        if core::mem::size_of::<T>() == 4 {
            Pun::<T> { f32: x as f32 }.t
        } else {
            Pun::<T> { f64: x }.t
        }
    }
}

/// The square root of `x` in a `const fn`, correctly rounded, so the same
/// bits as `libm::sqrt` (IEEE square root): from the integer square root
/// of the significand. NaN for a negative or NaN `x`; `x` for 0 and +inf.
pub(crate) const fn sqrt_const(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 || x == f64::INFINITY {
        return x;
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    // x = m * 2^e with m an integer of at most 53 bits.
    let (mut m, mut e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    // Normalise to 53 bits, then make the exponent even.
    while m < (1u64 << 52) {
        m <<= 1;
        e -= 1;
    }
    if e & 1 != 0 {
        m <<= 1;
        e -= 1;
    }
    // n in [2^106, 2^108), so r = floor(sqrt(n)) has 54 bits.
    let n = (m as u128) << 54;
    let r = isqrt(n);
    // Round r / 2 to 53 bits: n is even, so r * r == n would make r even,
    // and an odd r means the root is above the halfway point (no ties).
    let mut q = (r >> 1) as u64 + (r & 1) as u64;
    let mut t = (e - 54) / 2 + 1;
    if q == 1u64 << 53 {
        q >>= 1;
        t += 1;
    }
    f64::from_bits((((t + 52 + 1023) as u64) << 52) | (q & ((1u64 << 52) - 1)))
}

/// `floor(sqrt(n))`, bit by bit.
const fn isqrt(mut n: u128) -> u128 {
    let mut root = 0u128;
    let mut bit = 1u128 << 126;
    while bit > n {
        bit >>= 2;
    }
    while bit != 0 {
        if n >= root + bit {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sqrt_const` is `libm::sqrt` to the bit: on integers, on powers of
    /// two and their neighbours, on subnormals and on a million random
    /// bit patterns of every exponent.
    #[test]
    fn sqrt_const_is_libm_sqrt() {
        let check = |x: f64| {
            let (got, want) = (sqrt_const(x), libm::sqrt(x));
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "sqrt({x:e}): {got:e} against {want:e}"
            );
        };
        for k in 0..10_000u32 {
            check(f64::from(k));
            check(f64::from(k) * 0.001);
        }
        for e in -1074..1024 {
            let p = libm::ldexp(1.0, e);
            check(p);
            check(f64::from_bits(p.to_bits() + 1));
            check(f64::from_bits(p.to_bits().wrapping_sub(1)));
        }
        for x in [
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            0.0,
            3.0 * 2.0 / 400.0,
        ] {
            check(x);
        }
        let mut rng = crate::Rng::seed(11);
        for _ in 0..1_000_000 {
            check(f64::from_bits(rng.next_u64() >> 1));
        }
    }

    /// `cast_const` is `Float::cast`.
    #[test]
    fn cast_const_is_cast() {
        for x in [0.1, -2.5e-40, 1e300, 1.0 / 3.0] {
            assert_eq!(
                cast_const::<f32>(x).to_bits(),
                <f32 as Float>::cast(x).to_bits()
            );
            assert_eq!(cast_const::<f64>(x).to_bits(), x.to_bits());
        }
    }
}
