//! Batch-size growth instead of learning-rate decay (Smith et al., 2018,
//! "Don't Decay the Learning Rate, Increase the Batch Size"): multiply the
//! batch size by `factor` every `every_epochs` epochs, up to `max`:
//!
//! ```text
//! batch(e) = min(initial * factor^floor(e / every_epochs), max)
//! ```
//!
//! Growing the batch by `k` with a fixed learning rate reduces the noise of
//! SGD as decaying the learning rate by `k` would, with `k` times fewer
//! updates. PyTorch has no equivalent (the batch size belongs to the data
//! loader there).
//!
//! Training steps take the batch size as a const generic `B`, so a grown
//! batch size is realised in one of two ways:
//!
//! * compile the step for a few batch sizes and pick the largest not above
//!   the schedule's value with [`BatchGrowth::choose`];
//! * compile one micro-batch size `B` and accumulate
//!   [`BatchGrowth::micro_batches`] of them per optimizer step (see
//!   [`accumulate_gradients`](super::accumulate_gradients)), for an
//!   effective batch of that many times `B`.

use super::micro_batches;

/// Batch size as a function of the epoch, growing geometrically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchGrowth {
    /// Batch size of the first epochs.
    pub initial: usize,
    /// Growth factor per period (e.g. 2 or 5).
    pub factor: usize,
    /// Epochs between growths (at least 1).
    pub every_epochs: usize,
    /// The largest batch size.
    pub max: usize,
}

impl BatchGrowth {
    /// Starts at `initial`, multiplied by `factor` every `every_epochs`
    /// epochs, capped at `max`.
    pub const fn new(initial: usize, factor: usize, every_epochs: usize, max: usize) -> Self {
        Self {
            initial,
            factor,
            every_epochs,
            max,
        }
    }

    /// The batch size for epoch `epoch` (0-based).
    pub fn batch_size(&self, epoch: usize) -> usize {
        let periods = epoch / self.every_epochs.max(1);
        let mut b = self.initial;
        for _ in 0..periods {
            if b >= self.max || self.factor <= 1 {
                break;
            }
            b = b.saturating_mul(self.factor);
        }
        b.min(self.max)
    }

    /// The number of micro-batches of the compiled size `B` to accumulate
    /// per optimizer step in epoch `epoch` (at least 1; rounded up, so the
    /// effective batch is never smaller than the schedule's).
    pub fn micro_batches<const B: usize>(&self, epoch: usize) -> usize {
        micro_batches(self.batch_size(epoch), B)
    }

    /// Among the batch sizes a program was compiled for, the largest that
    /// does not exceed the batch size of `epoch` (the smallest compiled one
    /// if all exceed it; 0 if `compiled` is empty).
    pub fn choose(&self, epoch: usize, compiled: &[usize]) -> usize {
        let want = self.batch_size(epoch);
        let fits = compiled.iter().copied().filter(|&b| b <= want).max();
        fits.or_else(|| compiled.iter().copied().min()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        let g = BatchGrowth::new(32, 2, 10, 256);
        let sizes: [usize; 7] = [0, 9, 10, 25, 30, 40, 1000].map(|e| g.batch_size(e));
        assert_eq!(sizes, [32, 32, 64, 128, 256, 256, 256]);
        assert_eq!(g.micro_batches::<32>(0), 1);
        assert_eq!(g.micro_batches::<32>(25), 4);
        assert_eq!(g.micro_batches::<48>(10), 2);
        assert_eq!(g.choose(25, &[32, 64, 100, 512]), 100);
        assert_eq!(g.choose(0, &[64, 128]), 64);
        assert_eq!(g.choose(0, &[]), 0);
        // No growth and no overflow at the edges.
        assert_eq!(BatchGrowth::new(8, 1, 1, 64).batch_size(50), 8);
        assert_eq!(
            BatchGrowth::new(8, 10, 1, usize::MAX).batch_size(1000),
            usize::MAX
        );
    }
}
