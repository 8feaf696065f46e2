//! Adam (Kingma & Ba, 2015), as PyTorch, with optional L2 weight decay
//! added to the gradient. At step `t = 1, 2, ...`:
//!
//! ```text
//! g <- g + weight_decay * p      (if weight_decay != 0; coupled L2)
//! m <- beta1 m + (1 - beta1) g
//! v <- beta2 v + (1 - beta2) g^2
//! m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
//! p <- p - lr m_hat / (sqrt(v_hat) + eps)
//! ```
//!
//! computed, as PyTorch does, as
//! `p <- p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`.
//!
//! PyTorch: `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999),
//! eps=1e-8, weight_decay=0, amsgrad=False)`; [`Adam::new`] takes `lr` and
//! uses the other defaults. AMSGrad is not implemented. For decoupled
//! weight decay use [`AdamW`](super::AdamW).
//!
//! The state is two network-shaped buffers (`m`, `v`) and the step count.

use super::{powu, ElementRule, ElementStep, Optimizer, STEP_SCALARS};
use crate::{Float, Params, Zeroable};

/// Adam; the moments `m` and `v` are values of the network type.
#[derive(Clone, Debug)]
pub struct Adam<N> {
    /// Learning rate (PyTorch default 1e-3).
    pub lr: f64,
    /// Decay of the first moment (PyTorch default 0.9).
    pub beta1: f64,
    /// Decay of the second moment (PyTorch default 0.999).
    pub beta2: f64,
    /// Added to the denominator (PyTorch default 1e-8).
    pub eps: f64,
    /// L2 weight decay added to the gradient of every parameter (default 0).
    pub weight_decay: f64,
    m: N,
    v: N,
    t: u64,
}

// SAFETY: fields are five `f64`, `m: N` and `v: N` with `N: Zeroable`,
// and `t: u64`, all of which are valid as all-zero bytes.
#[allow(unsafe_code)]
unsafe impl<N: Zeroable> Zeroable for Adam<N> {}

/// PyTorch's Adam/AdamW default learning rate.
pub(super) const LR: f64 = 1e-3;
/// PyTorch's default betas.
pub(super) const BETAS: (f64, f64) = (0.9, 0.999);
/// PyTorch's default epsilon.
pub(super) const EPS: f64 = 1e-8;

impl<N> Adam<N> {
    /// PyTorch's default learning rate, 1e-3.
    pub const DEFAULT_LR: f64 = LR;

    /// Adam with learning rate `lr` and PyTorch's other defaults: betas
    /// (0.9, 0.999), eps 1e-8, no weight decay; zero moments.
    pub const fn new<T: Float>(lr: f64) -> Self
    where
        N: Params<T>,
    {
        Self {
            lr,
            beta1: BETAS.0,
            beta2: BETAS.1,
            eps: EPS,
            weight_decay: 0.0,
            m: N::ZEROED,
            v: N::ZEROED,
            t: 0,
        }
    }

    /// Every field zero, the hyper-parameters too: a `static` of it sits
    /// in `.bss` and takes no flash, where one of [`new`](Self::new) is
    /// initialised data, its zero moments copied from flash at boot. Give
    /// it hyper-parameters with [`reset_to`](Self::reset_to) before the
    /// first step: with `eps` 0, a zero gradient would divide 0 by 0.
    pub const fn zeroed<T: Float>() -> Self
    where
        N: Params<T>,
    {
        Self {
            lr: 0.0,
            beta1: 0.0,
            beta2: 0.0,
            eps: 0.0,
            weight_decay: 0.0,
            m: N::ZEROED,
            v: N::ZEROED,
            t: 0,
        }
    }

    /// Makes this the optimizer [`new(lr)`](Self::new) builds, in place:
    /// PyTorch's defaults with learning rate `lr`, zero moments, no step.
    pub fn reset_to<T: Float>(&mut self, lr: f64)
    where
        N: Params<T>,
    {
        (self.lr, self.beta1, self.beta2) = (lr, BETAS.0, BETAS.1);
        (self.eps, self.weight_decay) = (EPS, 0.0);
        Optimizer::<T, N>::reset(self);
    }

    /// As [`new`](Self::new), with the moments built directly on the heap.
    #[cfg(feature = "alloc")]
    pub fn boxed(lr: f64) -> alloc::boxed::Box<Self>
    where
        N: Zeroable,
    {
        let mut opt = crate::boxed_zeroed::<Self>();
        opt.lr = lr;
        opt.beta1 = BETAS.0;
        opt.beta2 = BETAS.1;
        opt.eps = EPS;
        opt
    }

    /// The same with `betas = (beta1, beta2)`.
    pub const fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    /// The same with `eps`.
    pub const fn with_eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// The same with L2 weight decay `weight_decay` (added to the gradient).
    pub const fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// Number of steps taken (the `t` of the bias corrections).
    pub const fn steps(&self) -> u64 {
        self.t
    }

    /// The first and second moment buffers `(m, v)`.
    pub fn moments(&self) -> (&N, &N) {
        (&self.m, &self.v)
    }
}

/// Hyper-parameters of one Adam update.
pub(super) struct AdamHyper {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    /// Coupled L2 decay added to the gradient.
    pub l2: f64,
    /// Decoupled decay: `p <- p (1 - lr decoupled)` first.
    pub decoupled: f64,
}

/// The scalars of an Adam update at step `t`: step size, `1 / sqrt(bc2)`,
/// `beta1`, `beta2`, `1 - beta1`, `1 - beta2`, `eps`, the L2 decay and the
/// decoupled shrink factor; and whether either decay is on.
type Scalars<F> = ([F; STEP_SCALARS], bool, bool);

/// [`Scalars`] in `f64`, rounded once to the network's type.
fn scalars_f64(h: &AdamHyper, t: u64) -> Scalars<f64> {
    let bc1 = 1.0 - powu(h.beta1, t);
    let bc2_sqrt = libm::sqrt(1.0 - powu(h.beta2, t));
    let s = [
        h.lr / bc1,
        1.0 / bc2_sqrt,
        h.beta1,
        h.beta2,
        1.0 - h.beta1,
        1.0 - h.beta2,
        h.eps,
        h.l2,
        1.0 - h.lr * h.decoupled,
    ];
    (s, h.l2 != 0.0, h.decoupled != 0.0)
}

/// [`Scalars`] in `f32` arithmetic (the `single-precision` feature), each
/// hyper-parameter rounded to `f32` first.
fn scalars_f32(h: &AdamHyper, t: u64) -> Scalars<f32> {
    let [lr, beta1, beta2] = [h.lr, h.beta1, h.beta2].map(|v| v as f32);
    let [eps, l2, decoupled] = [h.eps, h.l2, h.decoupled].map(|v| v as f32);
    let bc1 = 1.0 - super::powu_f32(beta1, t);
    let bc2_sqrt = libm::sqrtf(1.0 - super::powu_f32(beta2, t));
    let s = [
        lr / bc1,
        1.0 / bc2_sqrt,
        beta1,
        beta2,
        1.0 - beta1,
        1.0 - beta2,
        eps,
        l2,
        1.0 - lr * decoupled,
    ];
    (s, l2 != 0.0, decoupled != 0.0)
}

/// The Adam/AdamW step `t` (1-based; see [`Optimizer::element_step`]):
/// the [`Scalars`], the moments `m` and `v` as state.
pub(super) fn adam_element<'a, T: Float, N: Params<T>>(
    h: &AdamHyper,
    t: u64,
    m: &'a mut N,
    v: &'a mut N,
) -> ElementStep<'a, T, N> {
    let (scalars, coupled, decoupled) = if crate::float::single_precision::<T>() {
        let (s, coupled, decoupled) = scalars_f32(h, t);
        (s.map(T::from_f32), coupled, decoupled)
    } else {
        let (s, coupled, decoupled) = scalars_f64(h, t);
        (s.map(T::cast), coupled, decoupled)
    };
    let rule: ElementRule<T> = match (coupled, decoupled) {
        (false, false) => adam::<T, false, false>,
        (false, true) => adam::<T, false, true>,
        (true, false) => adam::<T, true, false>,
        (true, true) => adam::<T, true, true>,
    };
    ElementStep {
        rule,
        scalars,
        state: [Some(m), Some(v)],
    }
}

/// Adam on one stretch: with coupled L2 decay when `COUPLED`, the
/// decoupled shrink first when `DECOUPLED`.
fn adam<T: Float, const COUPLED: bool, const DECOUPLED: bool>(
    s: &[T; STEP_SCALARS],
    params: &mut [T],
    grads: &[T],
    [m, v]: [&mut [T]; 2],
) {
    let [step_size, inv_bc2_sqrt, b1, b2, c1, c2, eps, l2, shrink] = *s;
    let moments = m.iter_mut().zip(v);
    // In the widest vectors the CPU has (the same bits: one rounding per
    // operation, no contraction).
    crate::kernels::with_wide_simd(
        #[inline(always)]
        || {
            for ((p, g), (m, v)) in params.iter_mut().zip(grads).zip(moments) {
                let g = if COUPLED { *g + l2 * *p } else { *g };
                if DECOUPLED {
                    *p *= shrink;
                }
                *m = b1 * *m + c1 * g;
                *v = b2 * *v + c2 * g * g;
                let denom = v.sqrt() * inv_bc2_sqrt + eps;
                *p -= step_size * *m / denom;
            }
        },
    );
}

impl<N> Adam<N> {
    /// The next step, counted (see [`Optimizer::element_step`]).
    fn element<T: Float>(&mut self) -> ElementStep<'_, T, N>
    where
        N: Params<T>,
    {
        self.t += 1;
        let h = AdamHyper {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            l2: self.weight_decay,
            decoupled: 0.0,
        };
        adam_element(&h, self.t, &mut self.m, &mut self.v)
    }
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for Adam<N> {
    super::state_methods!(floats: [lr, beta1, beta2, eps, weight_decay], nets: [m, v], counts: [t]);

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
        self.m.zero();
        self.v.zero();
        self.t = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::tiny::{check, Tiny};

    /// The single-precision scalars are the f64 ones to f32 accuracy
    /// (AdamW's hyper-parameters, so both decays are on), at the first
    /// step, where the bias corrections are smallest, and later.
    #[test]
    fn single_precision_scalars_match_the_f64_ones() {
        let h = AdamHyper {
            lr: 3e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            l2: 1e-4,
            decoupled: 1e-2,
        };
        for t in [1, 2, 10, 1000, 100_000] {
            let (wide, c, d) = scalars_f64(&h, t);
            let (narrow, c32, d32) = scalars_f32(&h, t);
            assert_eq!((c, d), (c32, d32));
            for (k, (w, n)) in wide.iter().zip(narrow).enumerate() {
                let rel = (w - f64::from(n)).abs() / w.abs();
                assert!(rel < 2e-5, "t {t}, scalar {k}: {w} against {n}");
            }
        }
    }

    /// A zeroed Adam given `reset_to(lr)` steps as `new(lr)` does.
    #[test]
    fn zeroed_then_reset_to_is_new() {
        let mut a = Adam::<Tiny<f64>>::zeroed::<f64>();
        a.reset_to::<f64>(0.05);
        let mut b = Adam::<Tiny<f64>>::new::<f64>(0.05);
        let p0 = Tiny::<f64>::from_flat([0.5, -1.0, 2.0, 0.1, 1.5]);
        let g = Tiny::<f64>::from_flat([0.2, 0.3, -0.4, 1.0, -0.1]);
        let (mut p, mut q) = (p0, p0);
        for _ in 0..3 {
            Optimizer::step(&mut a, &mut p, &g);
            Optimizer::step(&mut b, &mut q, &g);
        }
        assert_eq!(p, q);
        assert_eq!((a.steps(), a.beta2, a.eps), (3, 0.999, 1e-8));
        a.reset_to::<f64>(0.05);
        assert_eq!(a.steps(), 0);
        assert_eq!(a.moments().0.flat(), [0.0; 5]);
    }

    /// Kingma & Ba's algorithm 1, with L2 decay added to the gradient.
    fn reference(
        lr: f64,
        (b1, b2): (f64, f64),
        eps: f64,
        wd: f64,
    ) -> impl FnMut(&mut [f64; 5], &[f64; 5], u64) {
        let (mut m, mut v) = ([0.0f64; 5], [0.0f64; 5]);
        move |p, g, t| {
            for i in 0..5 {
                let gi = g[i] + wd * p[i];
                m[i] = b1 * m[i] + (1.0 - b1) * gi;
                v[i] = b2 * v[i] + (1.0 - b2) * gi * gi;
                let m_hat = m[i] / (1.0 - b1.powi(t as i32));
                let v_hat = v[i] / (1.0 - b2.powi(t as i32));
                p[i] -= lr * m_hat / (v_hat.sqrt() + eps);
            }
        }
    }

    #[test]
    fn defaults_are_pytorchs() {
        let a = Adam::<Tiny<f32>>::new(Adam::<Tiny<f32>>::DEFAULT_LR);
        assert_eq!(
            (a.lr, a.beta1, a.beta2, a.eps, a.weight_decay),
            (1e-3, 0.9, 0.999, 1e-8, 0.0)
        );
        assert_eq!(a.steps(), 0);
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = Adam::<Tiny<f64>>::new(1e-3);
        check(&mut opt, 5, reference(1e-3, (0.9, 0.999), 1e-8, 0.0));
        assert_eq!(opt.steps(), 5);
        // Larger steps, other betas, a visible eps and L2 decay.
        let mut opt = Adam::<Tiny<f64>>::new(0.1)
            .with_betas(0.8, 0.99)
            .with_eps(1e-3)
            .with_weight_decay(0.2);
        check(&mut opt, 5, reference(0.1, (0.8, 0.99), 1e-3, 0.2));
    }

    #[test]
    fn first_step_moves_each_parameter_by_lr() {
        // With m_hat = g and v_hat = g^2 the first step is lr * sign(g).
        let mut net = Tiny::<f64>::from_flat([1.0, 2.0, 3.0, 4.0, 5.0]);
        let grads = Tiny::<f64>::from_flat([0.5, -3.0, 1e3, -1e-3, 2.0]);
        let mut opt = Adam::<Tiny<f64>>::new(0.01).with_eps(0.0);
        opt.step(&mut net, &grads);
        let want = [0.99, 2.01, 2.99, 4.01, 4.99];
        crate::testing::assert_close(&net.flat(), &want, 1e-12);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value_and_reset_forgets() {
        let mut opt = Adam::<Tiny<f64>>::boxed(0.05);
        check(&mut *opt, 5, reference(0.05, (0.9, 0.999), 1e-8, 0.0));
        Optimizer::<f64, Tiny<f64>>::reset(&mut *opt);
        assert_eq!(opt.steps(), 0);
        assert_eq!(opt.moments().1.flat(), [0.0; 5]);
        check(&mut *opt, 5, reference(0.05, (0.9, 0.999), 1e-8, 0.0));
    }

    #[test]
    fn lives_in_a_static() {
        static OPT: Adam<Tiny<f32>> = Adam::new(1e-3);
        assert_eq!(OPT.moments().0.w, [0.0; 3]);
    }
}
