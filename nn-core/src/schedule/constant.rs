//! A constant learning rate: `lr_t = lr`.
//!
//! PyTorch: no scheduler (PyTorch's `ConstantLR` is a different thing: a
//! factor applied for the first `total_iters` steps, default 1/3 for 5).

use super::Schedule;

/// The same learning rate at every step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant {
    /// The learning rate.
    pub lr: f64,
}

impl Constant {
    /// Always `lr`.
    pub const fn new(lr: f64) -> Self {
        Self { lr }
    }
}

impl Schedule for Constant {
    fn lr(&self, _step: usize) -> f64 {
        self.lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        let s = Constant::new(0.25);
        assert_eq!((s.lr(0), s.lr(7), s.lr(usize::MAX)), (0.25, 0.25, 0.25));
    }
}
