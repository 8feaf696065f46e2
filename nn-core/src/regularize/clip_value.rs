//! Gradient clipping by value, as PyTorch's
//! `torch.nn.utils.clip_grad_value_(parameters, clip_value)`:
//!
//! ```text
//! g <- clamp(g, -clip_value, clip_value)       for every gradient element
//! ```
//!
//! Unlike clipping by norm this changes the direction of the gradient.
//! NaN elements stay NaN (as `torch.clamp`).

use crate::{Float, Params};

/// Clamps every gradient element to `[-clip_value, clip_value]`.
pub fn clip_grad_value<T: Float, N: Params<T>>(grads: &mut N, clip_value: f64) {
    let hi = T::cast(clip_value.abs());
    let lo = -hi;
    for i in 0..N::TENSORS {
        for g in grads.tensor_mut(i) {
            if *g > hi {
                *g = hi;
            } else if *g < lo {
                *g = lo;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::Tiny;

    #[test]
    fn golden() {
        let mut g = Tiny::<f64>::from_flat([3.0, -4.0, 0.5, -0.25, f64::NEG_INFINITY]);
        clip_grad_value(&mut g, 1.0);
        assert_eq!(g.flat(), [1.0, -1.0, 0.5, -0.25, -1.0]);
        let mut g = Tiny::<f32>::from_flat([f64::NAN, 2.0, -2.0, 0.0, 0.0]);
        clip_grad_value(&mut g, 0.5);
        assert!(g.w[0].is_nan());
        assert_eq!(&g.flat()[1..], &[0.5, -0.5, 0.0, 0.0]);
    }
}
