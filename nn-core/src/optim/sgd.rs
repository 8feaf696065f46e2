//! Plain stochastic gradient descent, with optional L2 weight decay:
//!
//! ```text
//! g <- g + weight_decay * p      (if weight_decay != 0)
//! p <- p - lr * g
//! ```
//!
//! PyTorch: `torch.optim.SGD(params, lr, momentum=0, weight_decay=0)`
//! (PyTorch's default `lr` is 1e-3; here it is always given). Momentum
//! variants are [`Momentum`](super::Momentum) and
//! [`Nesterov`](super::Nesterov).

use super::{step_scalars, ElementRule, ElementStep, Optimizer, STEP_SCALARS};
use crate::{Float, Params};

/// SGD without momentum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
    /// L2 weight decay added to the gradient of every parameter (0 = off).
    pub weight_decay: f64,
}

impl Sgd {
    /// SGD with learning rate `lr` and no weight decay.
    pub const fn new(lr: f64) -> Self {
        Self {
            lr,
            weight_decay: 0.0,
        }
    }

    /// The same with weight decay `weight_decay` (PyTorch default 0).
    pub const fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl Sgd {
    /// The next step (see [`Optimizer::element_step`]): `[lr, weight_decay]`.
    fn element<'a, T: Float, N: Params<T>>(&self) -> ElementStep<'a, T, N> {
        let rule: ElementRule<T> = if self.weight_decay != 0.0 {
            sgd::<T, true>
        } else {
            sgd::<T, false>
        };
        let scalars = step_scalars(&[T::cast(self.lr), T::cast(self.weight_decay)]);
        ElementStep {
            rule,
            scalars,
            state: [None, None],
        }
    }
}

/// SGD on one stretch, with weight decay when `DECAY`.
fn sgd<T: Float, const DECAY: bool>(
    s: &[T; STEP_SCALARS],
    params: &mut [T],
    grads: &[T],
    _: [&mut [T]; 2],
) {
    let (lr, wd) = (s[0], s[1]);
    // In the widest vectors the CPU has (the same bits: one rounding per
    // operation, no contraction).
    crate::kernels::with_wide_simd(
        #[inline(always)]
        || {
            for (p, g) in params.iter_mut().zip(grads) {
                let g = if DECAY { *g + wd * *p } else { *g };
                *p -= lr * g;
            }
        },
    );
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for Sgd {
    super::state_methods!(floats: [lr, weight_decay], nets: [], counts: []);

    fn step(&mut self, net: &mut N, grads: &N) {
        self.element().run(net, grads);
    }
    fn element_step(&mut self) -> Option<ElementStep<'_, T, N>> {
        Some(self.element())
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::check;

    #[test]
    fn five_steps_match_the_formula() {
        check(&mut Sgd::new(0.1), 5, |p, g, _| {
            for i in 0..5 {
                p[i] -= 0.1 * g[i];
            }
        });
    }

    #[test]
    fn five_steps_with_weight_decay_match_the_formula() {
        let mut opt = Sgd::new(0.05).with_weight_decay(0.1);
        assert_eq!(opt.weight_decay, 0.1);
        check(&mut opt, 5, |p, g, _| {
            for i in 0..5 {
                let gi = g[i] + 0.1 * p[i];
                p[i] -= 0.05 * gi;
            }
        });
    }
}
