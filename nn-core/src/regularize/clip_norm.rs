//! Gradient clipping by global norm, as PyTorch's
//! `torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0)`:
//!
//! ```text
//! total = (sum over every gradient element |g|^p)^(1/p)      (max |g| for p = inf)
//! coef  = min(1, max_norm / (total + 1e-6))
//! g    <- coef g
//! ```
//!
//! returning `total`, the norm before clipping (log it: a norm that grows
//! over training signals divergence). The direction of the gradient is
//! kept; only its length is capped at (about) `max_norm`.
//!
//! Difference from PyTorch (`error_if_nonfinite=False`, which multiplies
//! by a NaN coefficient): when `total` is NaN or infinite the gradients
//! are left as they are and `total` is returned, so the caller (or the
//! finite-gradient check of a training step) can report it.

use crate::{Float, Params};

/// The `p`-norm of all gradient elements together (`p = f64::INFINITY` for
/// the largest magnitude), accumulated in `f64`.
pub fn grad_norm<T: Float, N: Params<T>>(grads: &N, norm_type: f64) -> f64 {
    let elems = (0..N::TENSORS).flat_map(|i| grads.tensor(i).iter().map(|g| g.as_f64().abs()));
    if norm_type == f64::INFINITY {
        elems.fold(0.0, f64::max)
    } else if norm_type == 2.0 {
        libm::sqrt(elems.map(|a| a * a).sum())
    } else if norm_type == 1.0 {
        elems.sum()
    } else {
        libm::pow(
            elems.map(|a| libm::pow(a, norm_type)).sum(),
            1.0 / norm_type,
        )
    }
}

/// Scales the gradients so their global 2-norm is at most `max_norm`
/// (PyTorch's `clip_grad_norm_` with its default `norm_type=2`); returns
/// the norm before clipping.
pub fn clip_grad_norm<T: Float, N: Params<T>>(grads: &mut N, max_norm: f64) -> f64 {
    clip_grad_norm_p(grads, max_norm, 2.0)
}

/// As [`clip_grad_norm`] with the `p`-norm `norm_type` (`f64::INFINITY`
/// for the max norm).
pub fn clip_grad_norm_p<T: Float, N: Params<T>>(
    grads: &mut N,
    max_norm: f64,
    norm_type: f64,
) -> f64 {
    let total = grad_norm(grads, norm_type);
    if !total.is_finite() {
        return total;
    }
    let coef = max_norm / (total + 1e-6);
    if coef < 1.0 {
        let c = T::cast(coef);
        for i in 0..N::TENSORS {
            for g in grads.tensor_mut(i) {
                *g *= c;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::Tiny;
    use crate::testing::assert_close;

    const G: [f64; 5] = [3.0, -4.0, 0.0, 12.0, 0.0];

    #[test]
    fn golden_two_norm() {
        let mut g = Tiny::<f64>::from_flat(G);
        assert_eq!(clip_grad_norm(&mut g, 6.5), 13.0);
        // python3: c = 6.5 / (13 + 1e-6); [x * c for x in g]
        let want = [
            1.4999998846153937,
            -1.9999998461538582,
            0.0,
            5.999999538461575,
            0.0,
        ];
        assert_close(&g.flat(), &want, 1e-15);
        // Under the limit nothing changes.
        let mut g = Tiny::<f64>::from_flat(G);
        assert_eq!(clip_grad_norm(&mut g, 13.5), 13.0);
        assert_eq!(g.flat(), G);
    }

    #[test]
    fn golden_other_norms() {
        let mut g = Tiny::<f64>::from_flat(G);
        assert_eq!(clip_grad_norm_p(&mut g, 10.0, f64::INFINITY), 12.0);
        let want = [
            2.499999791666684,
            -3.333333055555579,
            0.0,
            9.999999166666736,
            0.0,
        ];
        assert_close(&g.flat(), &want, 1e-15);
        let mut g = Tiny::<f64>::from_flat(G);
        assert_eq!(clip_grad_norm_p(&mut g, 5.0, 1.0), 19.0);
        let want = [
            0.789473642659282,
            -1.0526315235457093,
            0.0,
            3.157894570637128,
            0.0,
        ];
        assert_close(&g.flat(), &want, 1e-15);
        // python3: sum(abs(x)**3 for x in g) ** (1/3)
        let n3 = grad_norm(&Tiny::<f64>::from_flat(G), 3.0);
        assert!((n3 - 12.207054953820636).abs() < 1e-13, "{n3}");
    }

    #[test]
    fn f32_gradients_and_non_finite_norms() {
        let mut g = Tiny::<f32>::from_flat(G);
        assert_eq!(clip_grad_norm(&mut g, 1.0), 13.0);
        assert!((grad_norm(&g, 2.0) - 1.0).abs() < 1e-6);
        let mut g = Tiny::<f32>::from_flat([f64::INFINITY, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(clip_grad_norm(&mut g, 1.0), f64::INFINITY);
        assert_eq!(g.w[1], 1.0);
    }
}
