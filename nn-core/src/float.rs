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
