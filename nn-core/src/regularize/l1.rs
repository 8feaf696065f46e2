//! L1 penalty (lasso) on weight tensors, which drives weights to exactly
//! zero over training:
//!
//! ```text
//! penalty = lambda sum_{w in weights} |w|
//! d penalty / d w = lambda sign(w)     (added to the gradient; sign(0) = 0)
//! ```
//!
//! PyTorch has no built-in equivalent; the usual recipe adds
//! `lambda * sum(p.abs().sum() for p in weights)` to the loss, whose
//! autograd gradient is this one (`sign(0) = 0`).

use super::weight_tensors;
use crate::{Float, Params};

/// Adds `lambda * sign(w)` to the gradient of every weight (tensors of
/// kind `Weight`) and returns `lambda sum |w|`, the value to add to the
/// loss.
pub fn l1_penalty<T: Float, N: Params<T>>(net: &N, grads: &mut N, lambda: f64) -> T {
    let l = T::cast(lambda);
    let mut sum = 0.0f64;
    for i in weight_tensors::<T, N>() {
        for (g, w) in grads.tensor_mut(i).iter_mut().zip(net.tensor(i)) {
            sum += w.as_f64().abs();
            if *w > T::ZERO {
                *g += l;
            } else if *w < T::ZERO {
                *g -= l;
            }
        }
    }
    T::cast(lambda * sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{Tiny, P0};
    use crate::testing::assert_close;

    #[test]
    fn golden_and_only_weights() {
        let net = Tiny::<f64>::from_flat(P0);
        let mut grads = Tiny::<f64>::from_flat([1.0; 5]);
        let pen = l1_penalty(&net, &mut grads, 0.1);
        // python3: 0.1 * (0.5 + 1.2 + 2.0)
        assert!((pen - 0.37000000000000005).abs() < 1e-15, "{pen}");
        assert_close(&grads.flat(), &[1.1, 0.9, 1.1, 1.0, 1.0], 1e-15);
    }

    #[test]
    fn zero_weight_gets_no_push() {
        let net = Tiny::<f32>::from_flat([0.0, -2.0, 0.0, 1.0, 1.0]);
        let mut grads = Tiny::<f32>::ZEROED;
        let pen = l1_penalty(&net, &mut grads, 0.5);
        assert_eq!(pen, 1.0);
        assert_eq!(grads.w, [0.0, -0.5, 0.0]);
    }
}
