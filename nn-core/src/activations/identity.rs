//! Identity: `f(x) = x`, `f'(x) = 1`. Useful as an explicit linear output.

use super::Activation;
use crate::Float;

/// The identity function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl Activation for Identity {
    const NAME: &'static str = "identity";
    const RELU_FAMILY: bool = false;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        x
    }
    #[inline(always)]
    fn df<T: Float>(_x: T, _y: T) -> T {
        T::ONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert_eq!(Identity::f(-1.25f64), -1.25);
        assert_eq!(Identity::df(-1.25f64, -1.25), 1.0);
        crate::activations::check::derivative_matches::<Identity>(
            crate::activations::check::POINTS,
        );
    }
}
