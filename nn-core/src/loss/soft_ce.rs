//! Softmax cross-entropy from logits against a probability vector (one-hot
//! labels, label-smoothed labels, or a teacher's soft predictions):
//!
//! ```text
//! L = -sum_i t_i log softmax(z)_i = sum_i t_i (logsumexp(z) - z_i)
//! dL/dz_i = (sum_j t_j) softmax(z)_i - t_i     (= softmax(z)_i - t_i when t sums to 1)
//! ```
//!
//! Stable for any logits: each term is computed as
//! `t_i ((m - z_i) + log sum_j exp(z_j - m))` with `m = max z`, so no `exp`
//! overflows, the log never sees zero, and nothing large is subtracted from
//! something large. A one-hot target gives the same numbers as
//! [`SoftmaxCrossEntropy`](super::SoftmaxCrossEntropy) with the class index.
//!
//! PyTorch: `nn.CrossEntropyLoss()` with class-probability targets
//! (defaults `weight=None`, `label_smoothing=0.0`, `reduction="mean"`, the
//! mean over samples, not over elements).

use super::Loss;
use crate::{Float, Tensor};

/// Softmax cross-entropy on logits with a probability-vector target.
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftCrossEntropy;

impl<T: Float, O: Tensor<T>> Loss<T, O> for SoftCrossEntropy {
    type Target = O;
    fn check_target(&self, target: &O) -> Result<(), super::TargetError> {
        super::finite_target(target)
    }
    fn loss_grad(&self, out: &O, target: &O, grad: &mut O) -> T {
        let z = out.flat();
        let t = target.flat();
        let g = grad.flat_mut();
        let m = z.iter().copied().fold(T::neg_infinity(), T::max);
        let mut sum = T::ZERO;
        for (g, z) in g.iter_mut().zip(z) {
            *g = (*z - m).exp();
            sum += *g;
        }
        let log_sum = sum.ln();
        let inv = T::ONE / sum;
        let mass: T = t.iter().copied().sum();
        let mut loss = T::ZERO;
        for ((g, z), t) in g.iter_mut().zip(z).zip(t) {
            if *t != T::ZERO {
                loss += *t * ((m - *z) + log_sum);
            }
            *g = mass * (*g * inv) - *t;
        }
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::SoftmaxCrossEntropy;
    use crate::testing::{assert_close, central_difference, relative_error, FD_STEP};

    #[test]
    fn golden_values() {
        let z = [1.0f64, 2.0, 3.0];
        let t = [0.1f64, 0.2, 0.7];
        let mut g = [0.0; 3];
        let l = SoftCrossEntropy.loss_grad(&z, &t, &mut g);
        // python3: lse = m + log(sum(exp(v - m))); sum(-t*(z - lse)),
        // and exp(z - lse) - t
        assert!((l - 0.8076059644443805).abs() < 1e-14, "{l}");
        assert_close(
            &g,
            &[
                -0.009969426829619571,
                0.044728471054797575,
                -0.03475904422517828,
            ],
            1e-15,
        );
    }

    #[test]
    fn one_hot_matches_class_index() {
        let z = [0.3f64, -1.2, 2.2, 0.9];
        for c in 0..4 {
            let mut onehot = [0.0; 4];
            onehot[c] = 1.0;
            let (mut g1, mut g2) = ([0.0; 4], [0.0; 4]);
            let a = SoftCrossEntropy.loss_grad(&z, &onehot, &mut g1);
            let b = SoftmaxCrossEntropy.loss_grad(&z, &c, &mut g2);
            assert!((a - b).abs() < 1e-14);
            assert_close(&g1, &g2, 1e-15);
        }
    }

    #[test]
    fn finite_differences() {
        let z = [[0.3f64, -1.2], [2.2, 0.9]];
        // Not normalised on purpose: the gradient scales softmax by the mass.
        for t in [[[0.25, 0.25], [0.4, 0.1]], [[0.0, 0.5], [0.0, 0.9]]] {
            let mut g = [[0.0; 2]; 2];
            SoftCrossEntropy.loss_grad(&z, &t, &mut g);
            for k in 0..4 {
                let num = central_difference(
                    |d| {
                        let mut zd = z;
                        zd.as_flattened_mut()[k] += d;
                        SoftCrossEntropy.loss(&zd, &t)
                    },
                    FD_STEP,
                );
                let ana = g.as_flattened()[k];
                assert!(relative_error(ana, num) < 1e-6, "{k}: {ana} vs {num}");
            }
        }
    }

    #[test]
    fn large_logits_are_finite_and_exact() {
        let z = [1000.0f32, -1000.0, 0.0];
        let mut g = [0.0f32; 3];
        let l = SoftCrossEntropy.loss_grad(&z, &[0.0, 1.0, 0.0], &mut g);
        assert_eq!(l, 2000.0);
        assert_eq!(g, [1.0, -1.0, 0.0]);
        let l = SoftCrossEntropy.loss_grad(&z, &[0.5, 0.0, 0.5], &mut g);
        assert_eq!(l, 500.0);
        assert_eq!(g, [0.5, 0.0, -0.5]);
        let l = SoftCrossEntropy.loss_grad(&z, &[1.0, 0.0, 0.0], &mut g);
        assert_eq!(l, 0.0);
        assert_eq!(g, [0.0, 0.0, 0.0]);
    }
}
