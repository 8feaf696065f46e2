//! Exponential linear unit: `f(x) = x if x > 0 else alpha (e^x - 1)`;
//! `f'(x) = 1` or `y + alpha`. `ALPHA` is an `f64` bit pattern.

use super::Activation;
use crate::Float;

/// ELU with `alpha = f64::from_bits(ALPHA)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Elu<const ALPHA: u64>;

impl<const ALPHA: u64> Elu<ALPHA> {
    /// The saturation value for large negative inputs is `-ALPHA`.
    pub const ALPHA: f64 = f64::from_bits(ALPHA);
}

impl<const ALPHA: u64> Activation for Elu<ALPHA> {
    const NAME: &'static str = "elu";
    const RELU_FAMILY: bool = true;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        if x > T::ZERO {
            x
        } else {
            T::cast(Self::ALPHA) * x.exp_m1()
        }
    }
    #[inline(always)]
    fn df<T: Float>(x: T, y: T) -> T {
        if x > T::ZERO {
            T::ONE
        } else {
            y + T::cast(Self::ALPHA)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type E = Elu<{ 1.0f64.to_bits() }>;

    #[test]
    fn golden() {
        assert!((E::f(-1.0f64) - -0.6321205588285577).abs() < 1e-15);
        assert_eq!(E::f(1.5f64), 1.5);
        assert!((E::df(-1.0f64, E::f(-1.0)) - 0.36787944117144233).abs() < 1e-15);
        crate::activations::check::derivative_matches::<E>(crate::activations::check::POINTS);
    }
}
