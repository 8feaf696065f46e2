//! Swish / SiLU: `f(x) = x sigma(x)`; `f'(x) = sigma(x) (1 + x (1 - sigma(x)))`.

use super::{logistic, Activation};
use crate::Float;

/// Swish (SiLU), `x * sigmoid(x)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swish;

impl Activation for Swish {
    const NAME: &'static str = "swish";
    const RELU_FAMILY: bool = true;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        x * logistic(x)
    }
    #[inline(always)]
    fn df<T: Float>(x: T, _y: T) -> T {
        let s = logistic(x);
        s * (T::ONE + x * (T::ONE - s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert!((Swish::f(1.0f64) - 0.7310585786300049).abs() < 1e-15);
        assert!((Swish::f(-2.0f64) - -0.2384058440442351).abs() < 1e-15);
        assert!((Swish::df(1.0f64, 0.0) - 0.9276705118714869).abs() < 1e-15);
        crate::activations::check::derivative_matches::<Swish>(crate::activations::check::POINTS);
    }
}
