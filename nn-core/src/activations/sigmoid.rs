//! Logistic sigmoid: `f(x) = 1 / (1 + e^-x)`, `f'(x) = y (1 - y)`.
//! Computed without overflow for large `|x|`.

use super::{logistic, Activation};
use crate::Float;

/// Logistic sigmoid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

impl Activation for Sigmoid {
    const NAME: &'static str = "sigmoid";
    const RELU_FAMILY: bool = false;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        logistic(x)
    }
    #[inline(always)]
    fn df<T: Float>(_x: T, y: T) -> T {
        y * (T::ONE - y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert_eq!(Sigmoid::f(0.0f64), 0.5);
        assert!((Sigmoid::f(2.0f64) - 0.8807970779778823).abs() < 1e-15);
        assert!((Sigmoid::f(-2.0f64) - 0.11920292202211755).abs() < 1e-15);
        assert_eq!(Sigmoid::f(-1000.0f32), 0.0);
        assert_eq!(Sigmoid::f(1000.0f32), 1.0);
        assert!((Sigmoid::df(2.0f64, Sigmoid::f(2.0)) - 0.10499358540350662).abs() < 1e-15);
        crate::activations::check::derivative_matches::<Sigmoid>(crate::activations::check::POINTS);
    }
}
