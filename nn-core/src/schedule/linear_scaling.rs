//! The linear scaling rule (Goyal et al., 2017, "Accurate, Large Minibatch
//! SGD"): when the batch size is multiplied by `k`, multiply the learning
//! rate by `k`:
//!
//! ```text
//! lr = base_lr * batch / base_batch
//! ```
//!
//! It holds for SGD (with momentum) up to batches of a few thousand, and
//! usually needs a warm-up ([`Warmup`](super::Warmup)) at the large end.
//! For Adam-type optimizers a square-root rule is often better; apply
//! `libm::sqrt` to the ratio yourself. PyTorch has no equivalent function.

/// `base_lr` scaled by `batch / base_batch` (`base_lr` if `base_batch` is 0).
pub fn linear_scaling(base_lr: f64, base_batch: usize, batch: usize) -> f64 {
    if base_batch == 0 {
        return base_lr;
    }
    base_lr * batch as f64 / base_batch as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        // Goyal et al.: 0.1 for 256 images becomes 3.2 for 8192.
        assert_eq!(linear_scaling(0.1, 256, 8192), 3.2);
        assert_eq!(linear_scaling(0.1, 256, 256), 0.1);
        assert_eq!(linear_scaling(0.01, 32, 8), 0.0025);
        assert_eq!(linear_scaling(0.5, 0, 8), 0.5);
    }
}
