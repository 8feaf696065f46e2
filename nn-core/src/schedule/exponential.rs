//! Exponential decay: `lr_t = lr gamma^t`.
//!
//! PyTorch: `torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)`
//! (closed form; `gamma` has no default).

use super::Schedule;

/// PyTorch's `ExponentialLR`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    /// Initial learning rate.
    pub lr: f64,
    /// Multiplicative factor per step.
    pub gamma: f64,
}

impl Exponential {
    /// Starts at `lr`, multiplied by `gamma` every step.
    pub const fn new(lr: f64, gamma: f64) -> Self {
        Self { lr, gamma }
    }
}

impl Schedule for Exponential {
    fn lr(&self, step: usize) -> f64 {
        self.lr * libm::pow(self.gamma, step as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::assert_lrs;

    #[test]
    fn golden() {
        // python3: 0.1 * 0.9 ** e
        let s = Exponential::new(0.1, 0.9);
        let want = [
            0.1,
            0.09000000000000001,
            0.05904900000000001,
            0.012157665459056936,
        ];
        assert_lrs(&s, &[0, 1, 5, 20], &want);
    }
}
