//! RMSprop (Hinton, 2012), as PyTorch without momentum and not centered:
//!
//! ```text
//! g <- g + weight_decay * p      (if weight_decay != 0)
//! v <- alpha v + (1 - alpha) g^2     (v starts at 0)
//! p <- p - lr g / (sqrt(v) + eps)
//! ```
//!
//! PyTorch: `torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8,
//! weight_decay=0, momentum=0, centered=False)`; [`RmsProp::new`] takes
//! `lr` and uses the other defaults. The `momentum` and `centered` variants
//! are not implemented. Note there is no bias correction: the first steps
//! are large (`lr / sqrt(1 - alpha)`, ten times `lr` with the default
//! alpha).
//!
//! The state is one network-shaped buffer `v`.

use super::{step_scalars, ElementRule, ElementStep, Optimizer, STEP_SCALARS};
use crate::{Float, Params, Zeroable};

/// RMSprop; the mean square `v` is a value of the network type.
#[derive(Clone, Debug)]
pub struct RmsProp<N> {
    /// Learning rate (PyTorch default 1e-2).
    pub lr: f64,
    /// Smoothing constant of the mean square (PyTorch default 0.99).
    pub alpha: f64,
    /// Added to the denominator (PyTorch default 1e-8).
    pub eps: f64,
    /// L2 weight decay added to the gradient of every parameter (default 0).
    pub weight_decay: f64,
    v: N,
}

// SAFETY: fields are four `f64` and `v: N` with `N: Zeroable`, all of
// which are valid as all-zero bytes.
#[allow(unsafe_code)]
unsafe impl<N: Zeroable> Zeroable for RmsProp<N> {}

const ALPHA: f64 = 0.99;
const EPS: f64 = 1e-8;

impl<N> RmsProp<N> {
    /// PyTorch's default learning rate, 1e-2.
    pub const DEFAULT_LR: f64 = 1e-2;

    /// RMSprop with learning rate `lr` and PyTorch's other defaults: alpha
    /// 0.99, eps 1e-8, no weight decay; zero mean square.
    pub const fn new<T: Float>(lr: f64) -> Self
    where
        N: Params<T>,
    {
        Self {
            lr,
            alpha: ALPHA,
            eps: EPS,
            weight_decay: 0.0,
            v: N::ZEROED,
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
        opt.alpha = ALPHA;
        opt.eps = EPS;
        opt
    }

    /// The same with smoothing constant `alpha`.
    pub const fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
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

    /// The running mean square `v`.
    pub fn mean_square(&self) -> &N {
        &self.v
    }
}

impl<N> RmsProp<N> {
    /// The next step (see [`Optimizer::element_step`]): `[lr, alpha,
    /// 1 - alpha, eps, weight_decay]`, the square average `v` as state.
    fn element<T: Float>(&mut self) -> ElementStep<'_, T, N>
    where
        N: Params<T>,
    {
        let rule: ElementRule<T> = if self.weight_decay != 0.0 {
            rmsprop::<T, true>
        } else {
            rmsprop::<T, false>
        };
        let scalars = [
            self.lr,
            self.alpha,
            1.0 - self.alpha,
            self.eps,
            self.weight_decay,
        ];
        ElementStep {
            rule,
            scalars: step_scalars(&scalars.map(T::cast)),
            state: [Some(&mut self.v), None],
        }
    }
}

/// RMSprop on one stretch, with weight decay when `DECAY`.
fn rmsprop<T: Float, const DECAY: bool>(
    s: &[T; STEP_SCALARS],
    params: &mut [T],
    grads: &[T],
    [v, _]: [&mut [T]; 2],
) {
    let (lr, a, c, eps, wd) = (s[0], s[1], s[2], s[3], s[4]);
    // In the widest vectors the CPU has (the same bits: one rounding per
    // operation, no contraction).
    crate::kernels::with_wide_simd(
        #[inline(always)]
        || {
            for ((p, g), v) in params.iter_mut().zip(grads).zip(v) {
                let g = if DECAY { *g + wd * *p } else { *g };
                *v = a * *v + c * g * g;
                *p -= lr * g / (v.sqrt() + eps);
            }
        },
    );
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for RmsProp<N> {
    super::state_methods!(floats: [lr, alpha, eps, weight_decay], nets: [v], counts: []);

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
        self.v.zero();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{check, Tiny};

    fn reference(
        lr: f64,
        alpha: f64,
        eps: f64,
        wd: f64,
    ) -> impl FnMut(&mut [f64; 5], &[f64; 5], u64) {
        let mut v = [0.0f64; 5];
        move |p, g, _| {
            for i in 0..5 {
                let gi = g[i] + wd * p[i];
                v[i] = alpha * v[i] + (1.0 - alpha) * gi * gi;
                p[i] -= lr * gi / (v[i].sqrt() + eps);
            }
        }
    }

    #[test]
    fn defaults_are_pytorchs() {
        let o = RmsProp::<Tiny<f32>>::new(RmsProp::<Tiny<f32>>::DEFAULT_LR);
        assert_eq!(
            (o.lr, o.alpha, o.eps, o.weight_decay),
            (1e-2, 0.99, 1e-8, 0.0)
        );
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = RmsProp::<Tiny<f64>>::new(1e-2);
        check(&mut opt, 5, reference(1e-2, 0.99, 1e-8, 0.0));
        let mut opt = RmsProp::<Tiny<f64>>::new(0.03)
            .with_alpha(0.9)
            .with_eps(1e-2)
            .with_weight_decay(0.1);
        check(&mut opt, 5, reference(0.03, 0.9, 1e-2, 0.1));
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value() {
        let mut opt = RmsProp::<Tiny<f64>>::boxed(1e-2);
        check(&mut *opt, 5, reference(1e-2, 0.99, 1e-8, 0.0));
    }
}
