//! Binary cross-entropy on logits, one independent binary output per
//! element (multi-label), with targets that are labels in {0, 1} or
//! probabilities in [0, 1]:
//!
//! ```text
//! l_i = -(t_i log s(z_i) + (1 - t_i) log(1 - s(z_i)))     s = logistic
//!     = max(z_i, 0) - z_i t_i + log(1 + exp(-|z_i|))      (computed form)
//! L   = (1/n) sum_i l_i
//! dL/dz_i = (s(z_i) - t_i) / n
//! ```
//!
//! The computed form never evaluates `exp` of a positive number, so any
//! logit gives a finite loss (|z| = 1000 gives exactly 1000 or 0) and the
//! gradient is exact in the saturated regime. Fusing the sigmoid into the
//! loss is why the network should end with a linear layer, not `Sigmoid`.
//!
//! PyTorch: `nn.BCEWithLogitsLoss()` (defaults `weight=None`,
//! `pos_weight=None`, `reduction="mean"` over every element).

use super::Loss;
use crate::activations::logistic;
use crate::{Float, Tensor};

/// Binary cross-entropy on logits (sigmoid fused into the loss).
#[derive(Clone, Copy, Debug, Default)]
pub struct BceWithLogits;

impl<T: Float, O: Tensor<T>> Loss<T, O> for BceWithLogits {
    type Target = O;
    fn check_target(&self, target: &O) -> Result<(), super::TargetError> {
        super::finite_target(target)
    }
    fn loss_grad(&self, out: &O, target: &O, grad: &mut O) -> T {
        let n = T::cast(O::LEN as f64);
        let mut sum = T::ZERO;
        for ((g, z), t) in grad
            .flat_mut()
            .iter_mut()
            .zip(out.flat())
            .zip(target.flat())
        {
            let (z, t) = (*z, *t);
            sum += z.max(T::ZERO) - z * t + (-z.abs()).exp().ln_1p();
            *g = (logistic(z) - t) / n;
        }
        sum / n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, central_difference, relative_error, FD_STEP};

    #[test]
    fn golden_values() {
        let z = [0.5f64, -1.5, 3.0, 0.0];
        let t = [1.0f64, 0.0, 0.25, 1.0];
        let mut g = [0.0; 4];
        let l = BceWithLogits.loss_grad(&z, &t, &mut g);
        // python3, with s(x) = 1/(1+exp(-x)):
        // sum(-(t*log(s(z)) + (1-t)*log(1-s(z)))) / 4 and (s(z) - t) / 4
        assert!((l - 0.9168061985741371).abs() < 1e-15, "{l}");
        assert_close(
            &g,
            &[
                -0.09438516719953635,
                0.04560638095158909,
                0.17564353170560834,
                -0.125,
            ],
            1e-15,
        );
    }

    #[test]
    fn finite_differences() {
        let z = [0.5f64, -1.5, 3.0, 0.0, -7.0];
        let t = [1.0f64, 0.0, 0.25, 1.0, 0.6];
        let mut g = [0.0; 5];
        BceWithLogits.loss_grad(&z, &t, &mut g);
        for k in 0..5 {
            let num = central_difference(
                |d| {
                    let mut zd = z;
                    zd[k] += d;
                    BceWithLogits.loss(&zd, &t)
                },
                FD_STEP,
            );
            assert!(relative_error(g[k], num) < 1e-6, "{k}: {} vs {num}", g[k]);
        }
    }

    #[test]
    fn large_logits_are_finite_and_exact() {
        let z = [1000.0f32, -1000.0, 1000.0, -1000.0];
        let t = [0.0f32, 1.0, 1.0, 0.0];
        let mut g = [0.0f32; 4];
        let l = BceWithLogits.loss_grad(&z, &t, &mut g);
        assert_eq!(l, 500.0);
        assert_eq!(g, [0.25, -0.25, 0.0, 0.0]);
        let z = [1000.0f64, -1000.0];
        let mut g = [0.0f64; 2];
        assert_eq!(BceWithLogits.loss_grad(&z, &[0.5, 0.5], &mut g), 500.0);
        assert_eq!(g, [0.25, -0.25]);
    }
}
