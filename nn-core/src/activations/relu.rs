//! Rectified linear unit: `f(x) = max(0, x)`, `f'(x) = 1 if x > 0 else 0`.

use super::Activation;
use crate::Float;

/// Rectified linear unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl Activation for Relu {
    const NAME: &'static str = "relu";
    const RELU_FAMILY: bool = true;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        if x > T::ZERO {
            x
        } else {
            T::ZERO
        }
    }
    #[inline(always)]
    fn df<T: Float>(x: T, _y: T) -> T {
        if x > T::ZERO {
            T::ONE
        } else {
            T::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert_eq!(Relu::f(-3.0f64), 0.0);
        assert_eq!(Relu::f(2.5f64), 2.5);
        assert_eq!(Relu::df(-3.0f64, 0.0), 0.0);
        assert_eq!(Relu::df(2.5f64, 2.5), 1.0);
        crate::activations::check::derivative_matches::<Relu>(crate::activations::check::POINTS);
    }
}
