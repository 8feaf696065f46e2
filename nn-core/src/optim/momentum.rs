//! SGD with (heavy-ball) momentum, as PyTorch with `dampening=0`:
//!
//! ```text
//! g <- g + weight_decay * p      (if weight_decay != 0)
//! b <- mu * b + g                (b starts at 0, so the first b is g)
//! p <- p - lr * b
//! ```
//!
//! PyTorch: `torch.optim.SGD(params, lr, momentum=mu, dampening=0,
//! weight_decay=0, nesterov=False)`; `mu` has no default there (0.9 is the
//! usual choice). The state is one network-shaped buffer `b`.

use super::{step_scalars, ElementRule, ElementStep, Optimizer, STEP_SCALARS};
use crate::{Float, Params, Zeroable};

/// SGD with momentum; the velocity `b` is a value of the network type.
#[derive(Clone, Debug)]
pub struct Momentum<N> {
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
unsafe impl<N: Zeroable> Zeroable for Momentum<N> {}

impl<N> Momentum<N> {
    /// Momentum SGD with zero velocity and no weight decay.
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

/// The next step of [`Momentum`] or [`Nesterov`](super::Nesterov) (see
/// [`Optimizer::element_step`]): `[lr, momentum, weight_decay]`, the
/// velocity `buf` as state.
pub(super) fn momentum_element<T: Float, N: Params<T>>(
    (lr, mu, wd): (f64, f64, f64),
    nesterov: bool,
    buf: &mut N,
) -> ElementStep<'_, T, N> {
    let rule: ElementRule<T> = match (wd != 0.0, nesterov) {
        (false, false) => momentum::<T, false, false>,
        (false, true) => momentum::<T, false, true>,
        (true, false) => momentum::<T, true, false>,
        (true, true) => momentum::<T, true, true>,
    };
    ElementStep {
        rule,
        scalars: step_scalars(&[T::cast(lr), T::cast(mu), T::cast(wd)]),
        state: [Some(buf), None],
    }
}

/// Momentum on one stretch: with weight decay when `DECAY`, Nesterov's
/// look-ahead when `NESTEROV`.
fn momentum<T: Float, const DECAY: bool, const NESTEROV: bool>(
    s: &[T; STEP_SCALARS],
    params: &mut [T],
    grads: &[T],
    [buf, _]: [&mut [T]; 2],
) {
    let (lr, mu, wd) = (s[0], s[1], s[2]);
    // In the widest vectors the CPU has (the same bits: one rounding per
    // operation, no contraction).
    crate::kernels::with_wide_simd(
        #[inline(always)]
        || {
            for ((p, g), b) in params.iter_mut().zip(grads).zip(buf) {
                let g = if DECAY { *g + wd * *p } else { *g };
                *b = mu * *b + g;
                let d = if NESTEROV { g + mu * *b } else { *b };
                *p -= lr * d;
            }
        },
    );
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for Momentum<N> {
    super::state_methods!(floats: [lr, momentum, weight_decay], nets: [buf], counts: []);

    fn step(&mut self, net: &mut N, grads: &N) {
        let hyper = (self.lr, self.momentum, self.weight_decay);
        momentum_element(hyper, false, &mut self.buf).run(net, grads);
    }
    fn element_step(&mut self) -> Option<ElementStep<'_, T, N>> {
        let hyper = (self.lr, self.momentum, self.weight_decay);
        Some(momentum_element(hyper, false, &mut self.buf))
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
                p[i] -= lr * b[i];
            }
        }
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = Momentum::<Tiny<f64>>::new(0.05, 0.9);
        check(&mut opt, 5, reference(0.05, 0.9, 0.0));
        let mut opt = Momentum::<Tiny<f64>>::new(0.02, 0.5).with_weight_decay(0.3);
        check(&mut opt, 5, reference(0.02, 0.5, 0.3));
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value_and_reset_forgets() {
        let mut opt = Momentum::<Tiny<f64>>::boxed(0.05, 0.9);
        check(&mut *opt, 5, reference(0.05, 0.9, 0.0));
        assert_ne!(opt.velocity().flat(), [0.0; 5]);
        Optimizer::<f64, Tiny<f64>>::reset(&mut *opt);
        assert_eq!(opt.velocity().flat(), [0.0; 5]);
        check(&mut *opt, 5, reference(0.05, 0.9, 0.0));
    }

    #[test]
    fn lives_in_a_static() {
        static OPT: Momentum<Tiny<f32>> = Momentum::new(0.1, 0.9);
        assert_eq!(OPT.lr, 0.1);
        assert_eq!(OPT.velocity().w, [0.0; 3]);
    }
}
