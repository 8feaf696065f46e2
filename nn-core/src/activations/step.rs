//! Heaviside step: `f(x) = 1 if x > 0 else 0`; `f'(x) = 0` almost
//! everywhere, so backpropagation passes no gradient through it (train
//! single-layer step networks with the perceptron rule instead).

use super::Activation;
use crate::Float;

/// Heaviside step (0 at `x = 0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Step;

impl Activation for Step {
    const NAME: &'static str = "step";
    const RELU_FAMILY: bool = false;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        if x > T::ZERO {
            T::ONE
        } else {
            T::ZERO
        }
    }
    #[inline(always)]
    fn df<T: Float>(_x: T, _y: T) -> T {
        T::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert_eq!(Step::f(-0.5f64), 0.0);
        assert_eq!(Step::f(0.0f64), 0.0);
        assert_eq!(Step::f(2.0f32), 1.0);
        assert_eq!(Step::df(2.0f32, 1.0), 0.0);
        crate::activations::check::derivative_matches::<Step>(crate::activations::check::POINTS);
    }
}
