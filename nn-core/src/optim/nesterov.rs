//! SGD with Nesterov momentum, as PyTorch's `nesterov=True`:
//!
//! ```text
//! g  <- g + weight_decay * p     (if weight_decay != 0)
//! b  <- mu * b + g               (b starts at 0)
//! g' <- g + mu * b
//! p  <- p - lr * g'
//! ```
//!
//! This is the reformulation of Nesterov's look-ahead gradient used by
//! PyTorch (Sutskever et al., 2013): the gradient is taken at the current
//! parameters and the momentum applied twice.
//!
//! PyTorch: `torch.optim.SGD(params, lr, momentum=mu, dampening=0,
//! nesterov=True, weight_decay=0)`; `mu` has no default there (0.9 is the
//! usual choice). The state is one network-shaped buffer `b`.

use super::momentum::momentum_element;
use super::{ElementStep, Optimizer};
use crate::{Float, Params, Zeroable};

/// SGD with Nesterov momentum; the velocity `b` is a value of the network
/// type.
#[derive(Clone, Debug)]
pub struct Nesterov<N> {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor `mu` (typically 0.9).
    pub momentum: f64,
    /// L2 weight decay added to the gradient of every parameter (0 = off).
    pub weight_decay: f64,
    buf: N,
}

// SAFETY: fields are three `f64` and `buf: N` with `N: Zeroable`, all of
// which are valid as all-zero bytes.
#[allow(unsafe_code)]
unsafe impl<N: Zeroable> Zeroable for Nesterov<N> {}

impl<N> Nesterov<N> {
    /// Nesterov SGD with zero velocity and no weight decay.
    pub const fn new<T: Float>(lr: f64, momentum: f64) -> Self
    where
        N: Params<T>,
    {
        Self {
            lr,
            momentum,
            weight_decay: 0.0,
            buf: N::ZEROED,
        }
    }

    /// As [`new`](Self::new), with the velocity built directly on the heap.
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64, momentum: f64) -> alloc::boxed::Box<Self>
    where
        N: Zeroable,
    {
        let mut opt = crate::boxed_zeroed::<Self>();
        opt.lr = lr;
        opt.momentum = momentum;
        opt
    }

    /// The same with weight decay `weight_decay` (PyTorch default 0).
    pub const fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// The velocity buffer `b`.
    pub fn velocity(&self) -> &N {
        &self.buf
    }
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for Nesterov<N> {
    super::state_methods!(floats: [lr, momentum, weight_decay], nets: [buf], counts: []);

    fn step(&mut self, net: &mut N, grads: &N) {
        let hyper = (self.lr, self.momentum, self.weight_decay);
        momentum_element(hyper, true, &mut self.buf).run(net, grads);
    }
    fn element_step(&mut self) -> Option<ElementStep<'_, T, N>> {
        let hyper = (self.lr, self.momentum, self.weight_decay);
        Some(momentum_element(hyper, true, &mut self.buf))
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
    fn reset(&mut self) {
        self.buf.zero();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{check, Tiny};

    fn reference(lr: f64, mu: f64, wd: f64) -> impl FnMut(&mut [f64; 5], &[f64; 5], u64) {
        let mut b = [0.0f64; 5];
        move |p, g, t| {
            for i in 0..5 {
                let gi = g[i] + wd * p[i];
                b[i] = if t == 1 { gi } else { mu * b[i] + gi };
                p[i] -= lr * (gi + mu * b[i]);
            }
        }
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = Nesterov::<Tiny<f64>>::new(0.05, 0.9);
        check(&mut opt, 5, reference(0.05, 0.9, 0.0));
        let mut opt = Nesterov::<Tiny<f64>>::new(0.02, 0.5).with_weight_decay(0.3);
        check(&mut opt, 5, reference(0.02, 0.5, 0.3));
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value() {
        let mut opt = Nesterov::<Tiny<f64>>::boxed(0.05, 0.9);
        check(&mut *opt, 5, reference(0.05, 0.9, 0.0));
    }
}
