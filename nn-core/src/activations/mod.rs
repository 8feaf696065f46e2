//! Element-wise activation functions as `f`/`df` pairs.
//!
//! Each function is one file with its formula, golden values and a
//! finite-difference check. Float hyper-parameters (the slope of leaky
//! ReLU, the alpha of ELU) are `u64` bit patterns of an `f64` in a const
//! generic, so an activation is a zero-sized type, the network struct
//! holds nothing but parameters, and the value folds into the code.

mod elu;
mod gelu;
mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
mod step;
mod swish;
mod tanh;

pub use elu::Elu;
pub use gelu::Gelu;
pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::Sigmoid;
pub use step::Step;
pub use swish::Swish;
pub use tanh::Tanh;

use crate::Float;

/// An element-wise function with its derivative.
pub trait Activation: Copy + Default + Send + Sync + 'static {
    /// Name in summaries, e.g. `"relu"`.
    const NAME: &'static str;
    /// True for the ReLU family, whose preceding layer gets He
    /// initialisation (Xavier otherwise).
    const RELU_FAMILY: bool;
    /// `y = f(x)`.
    fn f<T: Float>(x: T) -> T;
    /// `dy/dx`, given both `x` and `y = f(x)` (whichever is cheaper).
    fn df<T: Float>(x: T, y: T) -> T;
}

/// The logistic function, computed without overflow for large `|x|`.
#[inline(always)]
pub(crate) fn logistic<T: Float>(x: T) -> T {
    if x >= T::ZERO {
        T::ONE / (T::ONE + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::ONE + e)
    }
}

#[cfg(test)]
pub(crate) mod check {
    use super::Activation;

    /// Central-difference check of `df` at points away from kinks.
    pub fn derivative_matches<A: Activation>(points: &[f64]) {
        for &x in points {
            let h = 1e-6;
            let num = (A::f(x + h) - A::f(x - h)) / (2.0 * h);
            let ana = A::df(x, A::f(x));
            let rel = (num - ana).abs() / num.abs().max(ana.abs()).max(1e-4);
            assert!(
                rel < 1e-6,
                "{} at {x}: numeric {num}, analytic {ana}",
                A::NAME
            );
        }
    }

    pub const POINTS: &[f64] = &[-7.3, -2.0, -0.7, -0.01, 0.013, 0.4, 1.3, 3.0, 9.5];
}
