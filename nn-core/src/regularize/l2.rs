//! L2 penalty ("weight decay" folded into the loss) on weight tensors:
//!
//! ```text
//! penalty = (lambda / 2) sum_{w in weights} w^2
//! d penalty / d w = lambda w          (added to the gradient)
//! ```
//!
//! With the factor 1/2 the gradient is exactly `lambda w`, so for plain
//! SGD this equals PyTorch's `SGD(weight_decay=lambda)` restricted to
//! weights (PyTorch decays every parameter of the group; here biases and
//! other parameters are left alone). PyTorch has no separate L2 loss
//! term; its weight decay is this gradient term.

use super::weight_tensors;
use crate::{Float, Params};

/// Adds `lambda * w` to the gradient of every weight (tensors of kind
/// `Weight`) and returns `(lambda / 2) sum w^2`, the value to add to the
/// loss.
pub fn l2_penalty<T: Float, N: Params<T>>(net: &N, grads: &mut N, lambda: f64) -> T {
    let l = T::cast(lambda);
    let mut sum = 0.0f64;
    for i in weight_tensors::<T, N>() {
        for (g, w) in grads.tensor_mut(i).iter_mut().zip(net.tensor(i)) {
            sum += w.as_f64() * w.as_f64();
            *g += l * *w;
        }
    }
    T::cast(0.5 * lambda * sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{Tiny, P0};
    use crate::testing::{assert_close, central_difference, relative_error, FD_STEP};

    #[test]
    fn golden_and_only_weights() {
        let net = Tiny::<f64>::from_flat(P0);
        let mut grads = Tiny::<f64>::from_flat([1.0; 5]);
        let pen = l2_penalty(&net, &mut grads, 0.1);
        // python3: 0.05 * (0.5**2 + 1.2**2 + 2.0**2)
        assert!((pen - 0.2845).abs() < 1e-15, "{pen}");
        assert_close(&grads.flat(), &[1.05, 0.88, 1.2, 1.0, 1.0], 1e-15);
    }

    #[test]
    fn gradient_is_the_derivative_of_the_penalty() {
        let mut net = Tiny::<f64>::from_flat(P0);
        let mut grads = Tiny::<f64>::ZEROED;
        l2_penalty(&net, &mut grads, 0.3);
        for k in 0..3 {
            let num = central_difference(
                |d| {
                    let w = net.w[k];
                    net.w[k] = w + d;
                    let mut scratch = Tiny::ZEROED;
                    let p = l2_penalty(&net, &mut scratch, 0.3);
                    net.w[k] = w;
                    p
                },
                FD_STEP,
            );
            assert!(relative_error(grads.w[k], num) < 1e-6);
        }
    }
}
