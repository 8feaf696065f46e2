//! Leaky ReLU: `f(x) = x if x > 0 else alpha x`; `f'(x) = 1` or `alpha`.
//! `ALPHA` is the bit pattern of an `f64` (`LeakyRelu<{0.01f64.to_bits()}>`);
//! the DSL writes it for you from `LeakyRelu(0.01)`.

use super::Activation;
use crate::Float;

/// Leaky ReLU with slope `f64::from_bits(ALPHA)` for negative inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeakyRelu<const ALPHA: u64>;

impl<const ALPHA: u64> LeakyRelu<ALPHA> {
    /// The negative slope.
    pub const ALPHA: f64 = f64::from_bits(ALPHA);
}

impl<const ALPHA: u64> Activation for LeakyRelu<ALPHA> {
    const NAME: &'static str = "leaky_relu";
    const RELU_FAMILY: bool = true;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        if x > T::ZERO {
            x
        } else {
            T::cast(Self::ALPHA) * x
        }
    }
    #[inline(always)]
    fn df<T: Float>(x: T, _y: T) -> T {
        if x > T::ZERO {
            T::ONE
        } else {
            T::cast(Self::ALPHA)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type L = LeakyRelu<{ 0.1f64.to_bits() }>;

    #[test]
    fn golden() {
        assert_eq!(L::f(-3.0f64), -0.30000000000000004);
        assert_eq!(L::f(2.0f64), 2.0);
        assert_eq!(L::df(-3.0f64, -0.3), 0.1);
        crate::activations::check::derivative_matches::<L>(crate::activations::check::POINTS);
    }
}
