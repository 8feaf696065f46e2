//! Cosine annealing (Loshchilov & Hutter's SGDR without restarts):
//!
//! ```text
//! lr_t = eta_min + (lr - eta_min) (1 + cos(pi t / t_max)) / 2
//! ```
//!
//! from `lr` at `t = 0` down to `eta_min` at `t = t_max`. Past `t_max` the
//! closed form keeps following the cosine (back up to `lr` at
//! `2 t_max`), exactly as PyTorch's closed form; stop training at `t_max`
//! or wrap the schedule if that is not wanted.
//!
//! PyTorch: `torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max,
//! eta_min=0.0)` (closed form `_get_closed_form_lr`).

use super::Schedule;

/// PyTorch's `CosineAnnealingLR`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cosine {
    /// Initial (largest) learning rate.
    pub lr: f64,
    /// Steps of the half cosine (at least 1).
    pub t_max: usize,
    /// Final (smallest) learning rate (PyTorch default 0).
    pub eta_min: f64,
}

impl Cosine {
    /// From `lr` down to `eta_min` over `t_max` steps.
    pub const fn new(lr: f64, t_max: usize, eta_min: f64) -> Self {
        Self { lr, t_max, eta_min }
    }
}

impl Schedule for Cosine {
    fn lr(&self, step: usize) -> f64 {
        let x = core::f64::consts::PI * step as f64 / self.t_max.max(1) as f64;
        self.eta_min + (self.lr - self.eta_min) * (1.0 + libm::cos(x)) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::assert_lrs;

    #[test]
    fn golden() {
        // python3: 0.001 + (0.1 - 0.001) * (1 + cos(pi * e / 10)) / 2
        let s = Cosine::new(0.1, 10, 0.001);
        let want = [
            0.1,
            0.09757729755661011,
            0.0505,
            0.0034227024433899004,
            0.001,
            0.05049999999999999,
            0.1,
        ];
        assert_lrs(&s, &[0, 1, 5, 9, 10, 15, 20], &want);
    }
}
