//! AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, as
//! PyTorch. At step `t = 1, 2, ...`:
//!
//! ```text
//! p <- p - lr * weight_decay * p            (decay first, on the old p)
//! m <- beta1 m + (1 - beta1) g
//! v <- beta2 v + (1 - beta2) g^2
//! m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
//! p <- p - lr m_hat / (sqrt(v_hat) + eps)
//! ```
//!
//! The decay never enters the moments, unlike Adam's L2 term.
//!
//! PyTorch: `torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999),
//! eps=1e-8, weight_decay=1e-2, amsgrad=False)`; [`AdamW::new`] takes `lr`
//! and uses the other defaults (note the non-zero weight decay).
//!
//! The state is two network-shaped buffers (`m`, `v`) and the step count.

use super::adam::{adam_element, AdamHyper, BETAS, EPS, LR};
use super::{ElementStep, Optimizer};
use crate::{Float, Params, Zeroable};

/// AdamW; the moments `m` and `v` are values of the network type.
#[derive(Clone, Debug)]
pub struct AdamW<N> {
    /// Learning rate (PyTorch default 1e-3).
    pub lr: f64,
    /// Decay of the first moment (PyTorch default 0.9).
    pub beta1: f64,
    /// Decay of the second moment (PyTorch default 0.999).
    pub beta2: f64,
    /// Added to the denominator (PyTorch default 1e-8).
    pub eps: f64,
    /// Decoupled weight decay, applied to every parameter as
    /// `p <- p (1 - lr weight_decay)` (PyTorch default 1e-2).
    pub weight_decay: f64,
    m: N,
    v: N,
    t: u64,
}

// SAFETY: fields are five `f64`, `m: N` and `v: N` with `N: Zeroable`,
// and `t: u64`, all of which are valid as all-zero bytes.
#[allow(unsafe_code)]
unsafe impl<N: Zeroable> Zeroable for AdamW<N> {}

/// PyTorch's AdamW default weight decay.
const WEIGHT_DECAY: f64 = 1e-2;

impl<N> AdamW<N> {
    /// PyTorch's default learning rate, 1e-3.
    pub const DEFAULT_LR: f64 = LR;

    /// AdamW with learning rate `lr` and PyTorch's other defaults: betas
    /// (0.9, 0.999), eps 1e-8, weight decay 1e-2; zero moments.
    pub const fn new<T: Float>(lr: f64) -> Self
    where
        N: Params<T>,
    {
        Self {
            lr,
            beta1: BETAS.0,
            beta2: BETAS.1,
            eps: EPS,
            weight_decay: WEIGHT_DECAY,
            m: N::ZEROED,
            v: N::ZEROED,
            t: 0,
        }
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
        opt.weight_decay = WEIGHT_DECAY;
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

    /// The same with decoupled weight decay `weight_decay`.
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

impl<N> AdamW<N> {
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
            l2: 0.0,
            decoupled: self.weight_decay,
        };
        adam_element(&h, self.t, &mut self.m, &mut self.v)
    }
}

impl<T: Float, N: Params<T>> Optimizer<T, N> for AdamW<N> {
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
    use crate::optim::Adam;

    /// Loshchilov & Hutter's algorithm 2 with PyTorch's `lr * wd` decay.
    fn reference(lr: f64, wd: f64) -> impl FnMut(&mut [f64; 5], &[f64; 5], u64) {
        let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
        let (mut m, mut v) = ([0.0f64; 5], [0.0f64; 5]);
        move |p, g, t| {
            for i in 0..5 {
                p[i] -= lr * wd * p[i];
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                let m_hat = m[i] / (1.0 - b1.powi(t as i32));
                let v_hat = v[i] / (1.0 - b2.powi(t as i32));
                p[i] -= lr * m_hat / (v_hat.sqrt() + eps);
            }
        }
    }

    #[test]
    fn defaults_are_pytorchs() {
        let a = AdamW::<Tiny<f32>>::new(AdamW::<Tiny<f32>>::DEFAULT_LR);
        assert_eq!(
            (a.lr, a.beta1, a.beta2, a.eps, a.weight_decay),
            (1e-3, 0.9, 0.999, 1e-8, 1e-2)
        );
    }

    #[test]
    fn five_steps_match_the_formula() {
        let mut opt = AdamW::<Tiny<f64>>::new(1e-3);
        check(&mut opt, 5, reference(1e-3, 1e-2));
        let mut opt = AdamW::<Tiny<f64>>::new(0.1).with_weight_decay(0.5);
        check(&mut opt, 5, reference(0.1, 0.5));
    }

    #[test]
    fn without_decay_it_is_adam() {
        let mut a = AdamW::<Tiny<f64>>::new(0.1).with_weight_decay(0.0);
        let mut b = Adam::<Tiny<f64>>::new(0.1);
        let (mut na, mut nb) = (
            Tiny::from_flat([1.0, 2.0, 3.0, 4.0, 5.0]),
            Tiny::from_flat([1.0, 2.0, 3.0, 4.0, 5.0]),
        );
        let g = Tiny::from_flat([0.5, -3.0, 1e3, -1e-3, 2.0]);
        for _ in 0..3 {
            a.step(&mut na, &g);
            b.step(&mut nb, &g);
        }
        assert_eq!(na, nb);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_matches_value() {
        let mut opt = AdamW::<Tiny<f64>>::boxed(0.05);
        check(&mut *opt, 5, reference(0.05, 1e-2));
    }
}
