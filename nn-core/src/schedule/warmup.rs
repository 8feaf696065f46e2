//! Linear warm-up in front of any schedule: for the first `steps` steps
//! the learning rate ramps linearly from `start_factor` times the inner
//! schedule's first value up to that value, then the inner schedule runs
//! from its own step 0:
//!
//! ```text
//! lr_t = inner(0) (start_factor + (1 - start_factor) t / steps)   for t < steps
//!      = inner(t - steps)                                          otherwise
//! ```
//!
//! PyTorch: `SequentialLR(optimizer, [LinearLR(optimizer, start_factor,
//! end_factor=1.0, total_iters=steps), inner], milestones=[steps])`;
//! `LinearLR`'s defaults are `start_factor=1/3`, `total_iters=5`.

use super::Schedule;

/// A linear warm-up followed by `inner`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warmup<S> {
    /// The schedule after the warm-up (it starts at its step 0).
    pub inner: S,
    /// Length of the warm-up (0 = none).
    pub steps: usize,
    /// Fraction of `inner.lr(0)` at step 0 (PyTorch `LinearLR` default 1/3).
    pub start_factor: f64,
}

impl<S: Schedule> Warmup<S> {
    /// `steps` steps of warm-up from a third of the first rate of `inner`
    /// (PyTorch's `LinearLR` default start factor).
    pub const fn new(inner: S, steps: usize) -> Self {
        Self {
            inner,
            steps,
            start_factor: 1.0 / 3.0,
        }
    }

    /// The same starting at `start_factor` (in `[0, 1]`; 0 makes the first
    /// step a no-op).
    pub const fn with_start_factor(mut self, start_factor: f64) -> Self {
        self.start_factor = start_factor;
        self
    }
}

impl<S: Schedule> Schedule for Warmup<S> {
    fn lr(&self, step: usize) -> f64 {
        if step >= self.steps {
            return self.inner.lr(step - self.steps);
        }
        let f = self.start_factor + (1.0 - self.start_factor) * step as f64 / self.steps as f64;
        self.inner.lr(0) * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{assert_lrs, Constant, Cosine};

    #[test]
    fn golden_in_front_of_cosine() {
        // python3: cos(0.1, 10, 0.001, 0) * (1/3 + (1 - 1/3) * e / 5) for
        // e < 5, then cos(0.1, 10, 0.001, e - 5).
        let s = Warmup::new(Cosine::new(0.1, 10, 0.001), 5);
        let want = [
            0.03333333333333333,
            0.04666666666666667,
            0.08666666666666667,
            0.1,
            0.09757729755661011,
            0.001,
        ];
        assert_lrs(&s, &[0, 1, 4, 5, 6, 15], &want);
    }

    #[test]
    fn from_zero_and_composes() {
        let s = Warmup::new(Constant::new(1.0), 4).with_start_factor(0.0);
        assert_lrs(&s, &[0, 1, 2, 3, 4, 100], &[0.0, 0.25, 0.5, 0.75, 1.0, 1.0]);
        // Warm-up of a warm-up: the composition is just another schedule.
        let twice = Warmup::new(s, 2);
        assert_eq!(twice.lr(2), 0.0);
        assert_eq!(Warmup::new(Constant::new(2.0), 0).lr(0), 2.0);
    }
}
