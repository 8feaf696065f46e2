//! GELU, exact form: `f(x) = x Phi(x) = x/2 (1 + erf(x / sqrt 2))`;
//! `f'(x) = Phi(x) + x phi(x)` with `phi` the standard normal density.

use super::Activation;
use crate::Float;

/// Gaussian error linear unit (erf form, as PyTorch's default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gelu;

impl Activation for Gelu {
    const NAME: &'static str = "gelu";
    const RELU_FAMILY: bool = true;
    #[inline(always)]
    fn f<T: Float>(x: T) -> T {
        let half = T::cast(0.5);
        half * x * (T::ONE + (x * T::FRAC_1_SQRT_2()).erf())
    }
    #[inline(always)]
    fn df<T: Float>(x: T, _y: T) -> T {
        let half = T::cast(0.5);
        let cdf = half * (T::ONE + (x * T::FRAC_1_SQRT_2()).erf());
        let pdf = (-half * x * x).exp() * T::cast(0.398_942_280_401_432_7);
        cdf + x * pdf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        // torch.nn.functional.gelu(torch.tensor([1.0, -0.5], dtype=torch.float64))
        assert!((Gelu::f(1.0f64) - 0.8413447460685429).abs() < 1e-15);
        assert!((Gelu::f(-0.5f64) - -0.15426876936299344).abs() < 1e-15);
        assert!((Gelu::df(1.0f64, 0.0) - 1.0833154705876864).abs() < 1e-14);
        crate::activations::check::derivative_matches::<Gelu>(crate::activations::check::POINTS);
    }
}
