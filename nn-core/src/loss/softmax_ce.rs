//! Softmax cross-entropy from logits and a class index, fused:
//! `L = logsumexp(z) - z_c`, `dL/dz = softmax(z) - onehot(c)`.
//!
//! Stable for any logits: the maximum is subtracted before `exp`, so no
//! term overflows and the log never sees zero. Equals PyTorch's
//! `F.cross_entropy(z, c)`.

use super::Loss;
use crate::{Float, Tensor};

/// Softmax cross-entropy on logits with a class-index target.
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftmaxCrossEntropy;

impl<T: Float, O: Tensor<T>> Loss<T, O> for SoftmaxCrossEntropy {
    type Target = usize;
    fn loss_grad(&self, out: &O, target: &usize, grad: &mut O) -> T {
        let z = out.flat();
        let g = grad.flat_mut();
        if *target >= z.len() {
            g.fill(T::ZERO);
            return T::nan();
        }
        let m = z.iter().copied().fold(T::neg_infinity(), T::max);
        let mut sum = T::ZERO;
        for (g, z) in g.iter_mut().zip(z) {
            *g = (*z - m).exp();
            sum += *g;
        }
        let inv = T::ONE / sum;
        for g in g.iter_mut() {
            *g *= inv;
        }
        g[*target] -= T::ONE;
        // `ln(sum) - (z_c - m)`, not `ln(sum) + m - z_c`: with large logits
        // `m + ln(sum)` rounds `ln(sum)` away (logits of 1e8 gave 0, not ln 3).
        sum.ln() - (z[*target] - m)
    }

    fn check_target(&self, target: &usize) -> Result<(), super::TargetError> {
        if *target < O::LEN {
            Ok(())
        } else {
            Err(super::TargetError::ClassOutOfRange {
                class: *target,
                classes: O::LEN,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_close, relative_error};

    #[test]
    fn golden_stable_and_finite_differences() {
        let z = [1.0f64, 2.0, 3.0];
        let mut g = [0.0; 3];
        // -log softmax([1,2,3])[0]
        let l = SoftmaxCrossEntropy.loss_grad(&z, &0, &mut g);
        assert!((l - 2.40760596444438).abs() < 1e-13);
        assert_close(
            &g,
            &[
                0.09003057317038046 - 1.0,
                0.24472847105479764,
                0.6652409557748219,
            ],
            1e-14,
        );
        for k in 0..3 {
            let (mut p, mut m) = (z, z);
            p[k] += 1e-6;
            m[k] -= 1e-6;
            let num = (SoftmaxCrossEntropy.loss(&p, &2) - SoftmaxCrossEntropy.loss(&m, &2)) / 2e-6;
            SoftmaxCrossEntropy.loss_grad(&z, &2, &mut g);
            assert!(relative_error(g[k], num) < 1e-6);
        }
        // Huge logits: finite loss, exact gradient.
        let big = [1000.0f32, -1000.0, 0.0];
        let mut g = [0.0f32; 3];
        let l = SoftmaxCrossEntropy.loss_grad(&big, &1, &mut g);
        assert_eq!(l, 2000.0);
        assert_eq!(g, [1.0, -1.0, 0.0]);
        // A class past the end is reported as NaN, not a panic.
        assert!(SoftmaxCrossEntropy.loss_grad(&big, &3, &mut g).is_nan());
    }
}
