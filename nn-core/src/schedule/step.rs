//! Step decay: the learning rate is multiplied by `gamma` every
//! `step_size` steps:
//!
//! ```text
//! lr_t = lr gamma^floor(t / step_size)
//! ```
//!
//! PyTorch: `torch.optim.lr_scheduler.StepLR(optimizer, step_size,
//! gamma=0.1)` (closed form; `step_size` has no default).

use super::Schedule;

/// PyTorch's `StepLR`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// Initial learning rate.
    pub lr: f64,
    /// Steps between decays (at least 1).
    pub step_size: usize,
    /// Multiplicative factor per decay (PyTorch default 0.1).
    pub gamma: f64,
}

impl Step {
    /// Starts at `lr`, multiplied by `gamma` every `step_size` steps.
    pub const fn new(lr: f64, step_size: usize, gamma: f64) -> Self {
        Self {
            lr,
            step_size,
            gamma,
        }
    }
}

impl Schedule for Step {
    fn lr(&self, step: usize) -> f64 {
        let k = step / self.step_size.max(1);
        self.lr * libm::pow(self.gamma, k as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::assert_lrs;

    #[test]
    fn golden() {
        // python3: 0.1 * 0.5 ** (e // 3)
        let s = Step::new(0.1, 3, 0.5);
        assert_lrs(
            &s,
            &[0, 2, 3, 5, 6, 10],
            &[0.1, 0.1, 0.05, 0.05, 0.025, 0.0125],
        );
    }
}
