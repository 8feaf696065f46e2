//! The epoch loop: shuffled mini-batches of a const size `B`, one
//! optimizer step per batch, and recovery from divergence.
//!
//! The last batch of an epoch is kept when the data set is not a multiple
//! of `B`, as PyTorch's and Keras's default: it runs as a batch of runtime
//! size `n < B`, its other slots [`Side::PADDING`] (no loss, no gradient,
//! no share in batch norm's statistics). [`Trainer::drop_last`] drops it
//! instead, as PyTorch's `drop_last=True`.
//!
//! Memory: the trainer owns the gradient, the trace, a backup of the
//! weights, the batch's inputs and side inputs and the shuffled order, all
//! on the heap and allocated once (the order again only if a data set is
//! larger than any before, the targets again for another loss's type);
//! the trainer allocates nothing per step or epoch. Layers whose
//! training batch goes through GEMM (large dense, convolution and
//! recurrent layers) allocate their scratch and packing buffers inside
//! the step.

use std::boxed::Box;
use std::fmt;
use std::vec::Vec;

use super::DataParallel;
use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::step::StepError;
use crate::{boxed_zeroed, Float, Network, Rng, Side, TrainCtx};

use super::Dataset;

/// Why training stopped. The network holds the weights (and buffers, such
/// as batch norm's running statistics) of the end of the last complete
/// epoch (or its starting state, in the first epoch).
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A step failed: a non-finite loss or gradient, a bad learning rate,
    /// or weights that became non-finite after the update.
    Diverged {
        /// 0-based epoch (counted over the trainer's life).
        epoch: usize,
        /// 0-based batch within the epoch.
        batch: usize,
        /// What went wrong.
        cause: StepError,
    },
    /// A target the loss cannot use (a class out of range, a NaN), by row.
    BadTarget {
        /// The row of the data set.
        row: usize,
        /// What is wrong with it.
        why: crate::loss::TargetError,
    },
    /// An input value is NaN or infinite.
    BadInput {
        /// The row of the data set.
        row: usize,
        /// The flat index in the input.
        index: usize,
    },
    /// An option of the training run is out of range.
    BadOption {
        /// The option (`validation_split`).
        what: &'static str,
        /// What is wrong with its value.
        why: std::string::String,
    },
    /// The data set is empty, or (with [`Trainer::drop_last`]) has fewer
    /// samples than one batch, or the batch size `B` is 0.
    TooFewSamples {
        /// Samples available.
        samples: usize,
        /// The batch size.
        batch: usize,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Diverged {
                epoch,
                batch,
                cause,
            } => {
                write!(
                    f,
                    "training stopped at epoch {epoch}, batch {batch}: {cause}; \
                     the network holds the weights of the last complete epoch"
                )
            }
            TrainError::BadOption { what, why } => write!(f, "`{what}`: {why}"),
            TrainError::BadTarget { row, why } => write!(f, "row {row} of the data set: {why}"),
            TrainError::BadInput { row, index } => write!(
                f,
                "row {row} of the data set has an input value that is not finite at index {index}"
            ),
            TrainError::TooFewSamples { samples, batch } if *batch == 0 => write!(
                f,
                "the batch size is 0 (the data set has {samples} samples); use a batch of at least 1"
            ),
            TrainError::TooFewSamples { samples: 0, .. } => {
                write!(f, "the data set is empty; there is nothing to train on")
            }
            TrainError::TooFewSamples { samples, batch } => write!(
                f,
                "the data set has {samples} samples, fewer than one batch of {batch}, \
                 and the last partial batch is dropped (`drop_last`)"
            ),
        }
    }
}

impl std::error::Error for TrainError {}

/// What one epoch did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochStats {
    /// 0-based epoch (counted over the trainer's life).
    pub epoch: usize,
    /// Mean training loss over the epoch's samples.
    pub mean_loss: f64,
    /// Number of optimizer steps.
    pub steps: usize,
}

/// Shuffled batches of indices; the last batch may be partial (shorter
/// than `batch`) unless [`drop_last`](Self::drop_last) is set, as PyTorch's
/// `drop_last=True` (reshuffling each epoch then drops different samples,
/// so every sample is used over epochs).
///
/// [`next_batch`](Self::next_batch) lends each batch as a slice of the
/// shuffled order and [`reshuffle`](Self::reshuffle) reuses that order's
/// buffer, so a `Batches` kept across epochs allocates only when the data
/// set grows. The [`Iterator`] impl copies each batch into a new `Vec`.
pub struct Batches {
    order: Vec<usize>,
    batch: usize,
    next: usize,
    drop_last: bool,
}

impl Batches {
    /// A new shuffled order of `0..n` in batches of `batch`.
    pub fn new(n: usize, batch: usize, rng: &mut Rng) -> Self {
        let mut b = Self {
            order: Vec::with_capacity(n),
            batch: batch.max(1),
            next: 0,
            drop_last: false,
        };
        b.reshuffle(n, rng);
        b
    }

    /// Starts over with a new shuffled order of `0..n` (the same order as
    /// [`Batches::new`] with this `rng`), in the buffer of the old one.
    pub fn reshuffle(&mut self, n: usize, rng: &mut Rng) {
        self.order.clear();
        self.order.extend(0..n);
        rng.shuffle(&mut self.order);
        self.next = 0;
    }

    /// Drops a last batch shorter than `batch` (PyTorch's `drop_last`).
    pub fn drop_last(mut self, drop: bool) -> Self {
        self.drop_last = drop;
        self
    }

    /// The next batch of indices, borrowed from the shuffled order.
    pub fn next_batch(&mut self) -> Option<&[usize]> {
        let left = self.order.len() - self.next;
        if left == 0 || (self.drop_last && left < self.batch) {
            return None;
        }
        let end = self.next + left.min(self.batch);
        let start = core::mem::replace(&mut self.next, end);
        Some(&self.order[start..end])
    }
}

impl Iterator for Batches {
    type Item = Vec<usize>;
    fn next(&mut self) -> Option<Vec<usize>> {
        self.next_batch().map(<[usize]>::to_vec)
    }
}

/// Trains a network of type `N` in batches of `B`, each split into
/// shards of `S` samples that run on every core (see [`DataParallel`]:
/// the same result on any number of threads). `S = B`, the default, is
/// one shard on the calling thread.
pub struct Trainer<T: Float, N: Network<T>, const B: usize, const S: usize = B> {
    step: DataParallel<T, N, B, S>,
    backup: Box<N>,
    inputs: Box<[N::Input; B]>,
    sides: Box<[Side; B]>,
    /// The batch's targets (a `Vec<L::Target>` of `B`, typed by the loss
    /// of the last epoch), kept so that epochs reuse it.
    targets: Option<Box<dyn core::any::Any + Send>>,
    /// The shuffled order, kept so that epochs reuse its buffer.
    batches: Batches,
    /// Random numbers for shuffling and stochastic layers.
    pub ctx: TrainCtx,
    epoch: usize,
    has_backup: bool,
    /// The address of the network the backup is of: a trainer reused for
    /// another network backs that one up instead of restoring the first
    /// one's weights into it.
    backup_of: usize,
    /// Where and how long the inputs and targets last checked were, so a
    /// data set is checked once and not every epoch. (A value changed in
    /// place afterwards is still caught, as divergence.)
    checked: Option<[usize; 4]>,
}

/// A trainer's place in training goes into a checkpoint: the epochs done
/// and its random generator (shuffling and dropout), so that training
/// continues with the same batches and masks as if it had not stopped.
impl<T: Float, N: Network<T>, const B: usize, const S: usize> crate::weights::Stateful
    for Trainer<T, N, B, S>
{
    fn save_state(&self, w: &mut crate::weights::StateWriter<'_>) {
        w.u64s(&["trainer", "epoch"], &[self.epoch as u64]);
        crate::weights::save_rng(w, "trainer.rng", &self.ctx.rng);
    }

    fn load_state(
        &mut self,
        r: &mut crate::weights::StateReader<'_>,
    ) -> Result<(), crate::weights::WeightsError> {
        let mut epoch = [self.epoch as u64];
        r.u64s(&["trainer", "epoch"], &mut epoch)?;
        crate::weights::load_rng(r, "trainer.rng", &mut self.ctx.rng)?;
        if r.applying() {
            self.epoch = epoch[0] as usize;
            // The network's state now comes from the checkpoint.
            self.has_backup = false;
        }
        Ok(())
    }
}

impl<T: Float, N: Network<T>, const B: usize, const S: usize> Trainer<T, N, B, S> {
    /// A trainer whose shuffling and dropout are seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            step: DataParallel::new(),
            backup: N::zeroed_boxed(),
            inputs: boxed_zeroed::<[N::Input; B]>(),
            sides: boxed_zeroed::<[Side; B]>(),
            targets: None,
            batches: Batches::new(0, B, &mut Rng::seed(0)),
            ctx: TrainCtx::seed(seed),
            epoch: 0,
            has_backup: false,
            backup_of: 0,
            checked: None,
        }
    }

    /// Drops the last batch of an epoch when it would be partial, as
    /// PyTorch's `drop_last=True` (by default it is kept).
    pub fn drop_last(mut self, drop: bool) -> Self {
        self.set_drop_last(drop);
        self
    }

    /// [`drop_last`](Self::drop_last) on a trainer in place.
    pub fn set_drop_last(&mut self, drop: bool) {
        self.batches.drop_last = drop;
    }

    /// Epochs completed so far.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// The gradient of the last step.
    pub fn grads(&self) -> &N {
        self.step.grads()
    }

    /// One pass over `data` in shuffled batches. On divergence the network
    /// is restored to the weights and buffers it had at the end of the last
    /// complete epoch (or when this trainer first saw it) and an error says
    /// where.
    pub fn epoch<L, O>(
        &mut self,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        data: &Dataset<N::Input, L::Target>,
    ) -> Result<EpochStats, TrainError>
    where
        L: Loss<T, N::Output>,
        O: Optimizer<T, N>,
    {
        self.epoch_with(net, optimizer, loss, data, &mut |_, _, _| true)
    }

    /// [`epoch`](Self::epoch), calling `after_batch(batch, loss, optimizer)`
    /// after every step (a per-batch learning-rate schedule sets the rate
    /// there); when it returns `false` the epoch ends after that batch and
    /// counts as complete.
    pub fn epoch_with<L, O>(
        &mut self,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        data: &Dataset<N::Input, L::Target>,
        after_batch: &mut dyn FnMut(usize, f64, &mut O) -> bool,
    ) -> Result<EpochStats, TrainError>
    where
        L: Loss<T, N::Output>,
        O: Optimizer<T, N>,
    {
        let seen = [
            data.x().as_ptr() as usize,
            data.x().len(),
            data.y().as_ptr() as usize,
            data.y().len(),
        ];
        if self.checked != Some(seen) {
            Self::check_data(loss, data)?;
            self.checked = Some(seen);
        }
        if B == 0 || data.is_empty() || (self.batches.drop_last && data.len() < B) {
            return Err(TrainError::TooFewSamples {
                samples: data.len(),
                batch: B,
            });
        }
        let of = net as *const N as usize;
        if !self.has_backup || self.backup_of != of {
            self.backup.copy_state_from(net);
            self.has_backup = true;
            self.backup_of = of;
        }
        // The mean loss of the epoch weighs each batch by its samples.
        let (mut total, mut samples) = (0.0, 0);
        let mut steps = 0;
        // On the heap: a batch of 32,768 targets overflows a thread's stack.
        let mut targets: Box<Vec<L::Target>> = match self.targets.take().map(|b| b.downcast()) {
            Some(Ok(kept)) => kept,
            _ => Box::new(std::vec![data.y()[0]; B]),
        };
        self.batches.reshuffle(data.len(), &mut self.ctx.rng);
        let mut batch = 0;
        while let Some(idx) = self.batches.next_batch() {
            let n = idx.len();
            for k in 0..B {
                // A partial batch's spare slots repeat its first sample,
                // so they hold finite values, as padding.
                let i = idx[if k < n { k } else { 0 }];
                self.inputs[k] = data.x()[i];
                targets[k] = data.y()[i];
                self.sides[k] = if k < n {
                    data.side_of(i)
                } else {
                    Side::PADDING
                };
            }
            let batch_targets: &[L::Target; B] = targets[..].try_into().expect("B targets");
            let result = self.step.train_step_with(
                net,
                optimizer,
                loss,
                &self.inputs,
                &self.sides,
                batch_targets,
                &mut self.ctx,
            );
            let failure = match result {
                Ok(l) => {
                    total += l.as_f64() * n as f64;
                    samples += n;
                    steps += 1;
                    batch += 1;
                    if after_batch(batch - 1, l.as_f64(), optimizer) {
                        continue;
                    }
                    break;
                }
                Err(e) => e,
            };
            net.copy_state_from(&self.backup);
            self.targets = Some(targets);
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                batch,
                cause: failure,
            });
        }
        self.targets = Some(targets);
        self.backup.copy_state_from(net);
        let stats = EpochStats {
            epoch: self.epoch,
            mean_loss: total / samples.max(1) as f64,
            steps,
        };
        self.epoch += 1;
        Ok(stats)
    }

    /// Every row usable (inputs and targets pair up by construction):
    /// inputs are finite (a NaN through a `Relu` would train as 0), and the
    /// loss can use every target (a class index in range).
    pub fn check_data<L>(loss: &L, data: &Dataset<N::Input, L::Target>) -> Result<(), TrainError>
    where
        L: Loss<T, N::Output>,
    {
        use crate::Tensor;
        for (row, (x, y)) in data.x().iter().zip(data.y()).enumerate() {
            if let Some(index) = x.flat().iter().position(|v| !v.is_finite()) {
                return Err(TrainError::BadInput { row, index });
            }
            loss.check_target(y)
                .map_err(|why| TrainError::BadTarget { row, why })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshuffled_batches_are_those_of_a_new_iterator() {
        let (mut a, mut b) = (Rng::seed(4), Rng::seed(4));
        let mut kept = Batches::new(3, 2, &mut Rng::seed(9));
        for n in [10, 7, 10, 1] {
            let fresh: Vec<Vec<usize>> = Batches::new(n, 3, &mut a).collect();
            kept.batch = 3;
            kept.reshuffle(n, &mut b);
            let mut lent = Vec::new();
            while let Some(idx) = kept.next_batch() {
                lent.push(idx.to_vec());
            }
            assert_eq!(fresh, lent, "n = {n}");
            assert_eq!(lent.len(), n.div_ceil(3));
            let mut seen: Vec<usize> = lent.concat();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "every sample once");
        }
    }

    #[test]
    fn drop_last_drops_only_a_partial_last_batch() {
        let sizes = |n: usize, drop: bool| -> Vec<usize> {
            Batches::new(n, 4, &mut Rng::seed(1))
                .drop_last(drop)
                .map(|b| b.len())
                .collect()
        };
        assert_eq!(sizes(10, false), [4, 4, 2]);
        assert_eq!(sizes(10, true), [4, 4]);
        assert_eq!(sizes(8, true), [4, 4]);
        assert_eq!(sizes(3, false), [3]);
        assert!(sizes(3, true).is_empty());
        assert!(sizes(0, false).is_empty());
    }
}
