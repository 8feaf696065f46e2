//! Hyperbolic tangent: `f(x) = tanh x`, `f'(x) = 1 - y^2`.

use super::Activation;
use crate::Float;

/// Hyperbolic tangent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl Activation for Tanh {
    const NAME: &'static str = "tanh";
    const RELU_FAMILY: bool = false;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        x.tanh()
    }
    #[inline(always)]
    fn df<T: Float>(_x: T, y: T) -> T {
        T::ONE - y * y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert!((Tanh::f(0.5f64) - 0.46211715726000974).abs() < 1e-15);
        assert!((Tanh::df(0.5f64, Tanh::f(0.5)) - 0.7864477329659274).abs() < 1e-15);
        assert_eq!(Tanh::f(-50.0f32), -1.0);
        crate::activations::check::derivative_matches::<Tanh>(crate::activations::check::POINTS);
    }
}
