//! Adagrad (Duchi et al., 2011), as PyTorch. At step `t = 1, 2, ...`:
//!
//! ```text
//! g <- g + weight_decay * p             (if weight_decay != 0)
//! lr_t = lr / (1 + (t - 1) lr_decay)
//! s <- s + g^2                          (s starts at initial_accumulator)
//! p <- p - lr_t g / (sqrt(s) + eps)
//! ```
//!
//! PyTorch: `torch.optim.Adagrad(params, lr=1e-2, lr_decay=0,
//! weight_decay=0, initial_accumulator_value=0, eps=1e-10)`;
//! [`Adagrad::new`] takes `lr` and uses the other defaults.
//!
//! The state is one network-shaped buffer holding `s - initial_accumulator`
//! (so it starts at zero and fits in a `static`; the initial value is added
//! back under the square root) and the step count.

use super::{step_scalars, ElementRule, ElementStep, Optimizer, STEP_SCALARS};
use crate::{Float, Params, Zeroable};

/// Adagrad; the sum of squared gradients is a value of the network type.
#[derive(Clone, Debug)]
pub struct Adagrad<N> {
    /// Learning rate (PyTorch default 1e-2).
    pub lr: f64,
    /// Learning-rate decay per step (PyTorch default 0).
    pub lr_decay: f64,
    /// Added to the denominator (PyTorch default 1e-10).
    pub eps: f64,
    /// L2 weight decay added to the gradient of every parameter (default 0).
    pub weight_decay: f64,
    /// Starting value of the accumulator (PyTorch default 0).
    pub initial_accumulator: f64,
    sum: N,
    t: u64,
}

// SAFETY: fields are five `f64`, `sum: N` with `N: Zeroable` and
// `t: u64`, all of which are valid as all-zero bytes.
#[allow(unsafe_code)]
unsafe impl<N: Zeroable> Zeroable for Adagrad<N> {}

const EPS: f64 = 1e-10;

impl<N> Adagrad<N> {
    /// PyTorch's default learning rate, 1e-2.
    pub const DEFAULT_LR: f64 = 1e-2;

    /// Adagrad with learning rate `lr` and PyTorch's other defaults: no lr
    /// decay, eps 1e-10, no weight decay, accumulator starting at 0.
    pub const fn new<T: Float>(lr: f64) -> Self
    where
        N: Params<T>,
    {
        Self {
            lr,
            lr_decay: 0.0,
            eps: EPS,
            weight_decay: 0.0,
            initial_accumulator: 0.0,
            sum: N::ZEROED,
            t: 0,
        }
    }

    /// As [`new`](Self::new), with the state built directly on the heap.
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64) -> alloc::boxed::Box<Self>
    where
        N: Zeroable,
    {
        let mut opt = crate::boxed_zeroed::<Self>();
        opt.lr = lr;
        opt.eps = EPS;
        opt
    }

    /// The same with learning-rate decay `lr_decay`.
    pub const fn with_lr_decay(mut self, lr_decay: f64) -> Self {
        self.lr_decay = lr_decay;
        self
    }

    /// The same with `eps`.
    pub const fn with_eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// The same with L2 weight decay `weight_decay`.
    pub const fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// The same with the accumulator starting at `value` (non-negative).
    pub const fn with_initial_accumulator(mut self, value: f64) -> Self {
        self.initial_accumulator = value;
        self
    }

    /// Number of steps taken.
    pub const fn steps(&self) -> u64 {
        self.t
    }
}

impl<N> Adagrad<N> {
    /// The next step, counted (see [`Optimizer::element_step`]): `[lr_t,
    /// eps, initial_accumulator, weight_decay]`, the sum of squares as
    /// state.
    fn element<T: Float>(&mut self) -> ElementStep<'_, T, N>
    where
        N: Params<T>,
    {
        self.t += 1;
        let lr_t = self.lr / (1.0 + (self.t - 1) as f64 * self.lr_decay);
        let rule: ElementRule<T> = if self.weight_decay != 0.0 {
            adagrad::<T, true>
        } else {
            adagrad::<T, false>
        };
        let scalars = [lr_t, self.eps, self.initial_accumulator, self.weight_decay];
        ElementStep {
            rule,
            scalars: step_scalars(&scalars.map(T::cast)),
            state: [Some(&mut self.sum), None],
        }
    }
}

/// Adagrad on one stretch, with weight decay when `DECAY`.
fn adagrad<T: Float, const DECAY: bool>(
    s: &[T; STEP_SCALARS],
    params: &mut [T],
    grads: &[T],
    [sum, _]: [&mut [T]; 2],
) {
    let (lr_t, eps, init, wd) = (s[0], s[1], s[2], s[3]);
    // In the widest vectors the CPU has (the same bits: one rounding per
    // operation, no contraction).
    crate::kernels::with_wide_simd(
        #[inline(always)]
        || {
            for ((p, g), s) in params.iter_mut().zip(grads).zip(sum) {
                let g = if DECAY { *g + wd * *p } else { *g };
                *s += g * g;
                *p -= lr_t * g / ((*s + init).sqrt() + eps);
            }
        },
    );
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for Adagrad<N> {
    super::state_methods!(floats: [lr, lr_decay, eps, weight_decay, initial_accumulator], nets: [sum], counts: [t]);

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
    fn reset(&mut self) {
        self.sum.zero();
        self.t = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{check, Tiny};

    fn reference(
        lr: f64,
        lr_decay: f64,
        eps: f64,
        wd: f64,
        init: f64,
    ) -> impl FnMut(&mut [f64; 5], &[f64; 5], u64) {
        let mut s = [init; 5];
        move |p, g, t| {
            let clr = lr / (1.0 + (t - 1) as f64 * lr_decay);
            for i in 0..5 {
                let gi = g[i] + wd * p[i];
                s[i] += gi * gi;
                p[i] -= clr * gi / (s[i].sqrt() + eps);
            }
        }
    }

    #[test]
    fn defaults_are_pytorchs() {
        let o = Adagrad::<Tiny<f32>>::new(Adagrad::<Tiny<f32>>::DEFAULT_LR);
        assert_eq!(
            (
                o.lr,
                o.lr_decay,
                o.eps,
                o.weight_decay,
                o.initial_accumulator
            ),
            (1e-2, 0.0, 1e-10, 0.0, 0.0)
        );
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = Adagrad::<Tiny<f64>>::new(1e-2);
        check(&mut opt, 5, reference(1e-2, 0.0, 1e-10, 0.0, 0.0));
        let mut opt = Adagrad::<Tiny<f64>>::new(0.3)
            .with_lr_decay(0.1)
            .with_eps(1e-3)
            .with_weight_decay(0.05)
            .with_initial_accumulator(0.5);
        check(&mut opt, 5, reference(0.3, 0.1, 1e-3, 0.05, 0.5));
        assert_eq!(opt.steps(), 5);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value() {
        let mut opt = Adagrad::<Tiny<f64>>::boxed(1e-2);
        check(&mut *opt, 5, reference(1e-2, 0.0, 1e-10, 0.0, 0.0));
    }
}
