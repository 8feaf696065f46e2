//! The epoch loop: shuffled mini-batches of a const size `B`, one
//! optimizer step per batch, and recovery from divergence.
//!
//! Memory: the trainer owns the gradient, the trace and a backup of the
//! weights, all on the heap and allocated once; a step allocates nothing.

use std::boxed::Box;
use std::fmt;
use std::vec::Vec;

use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::step::{train_step_len, StepBuffers, StepError};
use crate::{boxed_zeroed, Float, Network, Rng, TrainCtx};

use super::Dataset;

/// Why training stopped. The network holds the weights (and buffers, such
/// as batch norm's running statistics) of the end of the last complete
/// epoch (or its starting state, in the first epoch).
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A step failed: a non-finite loss or gradient, or weights that
    /// became non-finite after the update.
    Diverged {
        /// 0-based epoch (counted over the trainer's life).
        epoch: usize,
        /// 0-based batch within the epoch.
        batch: usize,
        /// What was not finite (`None`: the updated weights).
        cause: Option<StepError>,
    },
    /// The data set has fewer samples than one batch.
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
                write!(f, "training stopped at epoch {epoch}, batch {batch}: ")?;
                match cause {
                    Some(c) => write!(f, "{c}")?,
                    None => write!(f, "the updated weights are not finite")?,
                }
                write!(
                    f,
                    "; the network holds the weights of the last complete epoch"
                )
            }
            TrainError::TooFewSamples { samples, batch } => write!(
                f,
                "the data set has {samples} samples, fewer than one batch of {batch}"
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
    /// Mean training loss over the epoch's batches.
    pub mean_loss: f64,
    /// Number of optimizer steps.
    pub steps: usize,
}

/// Shuffled batches of indices; a trailing partial batch is dropped, as
/// PyTorch's `drop_last=True` (reshuffling each epoch drops different
/// samples, so every sample is used over epochs).
pub struct Batches {
    order: Vec<usize>,
    batch: usize,
    next: usize,
}

impl Batches {
    /// A new shuffled order of `0..n` in batches of `batch`.
    pub fn new(n: usize, batch: usize, rng: &mut Rng) -> Self {
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        Self {
            order,
            batch: batch.max(1),
            next: 0,
        }
    }
}

impl Iterator for Batches {
    type Item = Vec<usize>;
    fn next(&mut self) -> Option<Vec<usize>> {
        let end = self.next + self.batch;
        if end > self.order.len() {
            return None;
        }
        let b = self.order[self.next..end].to_vec();
        self.next = end;
        Some(b)
    }
}

/// Trains a network of type `N` in batches of `B`.
pub struct Trainer<T: Float, N: Network<T>, const B: usize> {
    grads: Box<N>,
    trace: Box<N::Trace<B>>,
    backup: Box<N>,
    inputs: Box<[N::Input; B]>,
    /// Random numbers for shuffling and stochastic layers.
    pub ctx: TrainCtx,
    epoch: usize,
    has_backup: bool,
}

impl<T: Float, N: Network<T>, const B: usize> Trainer<T, N, B> {
    /// A trainer whose shuffling and dropout are seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            grads: N::zeroed_boxed(),
            trace: N::new_trace::<B>(),
            backup: N::zeroed_boxed(),
            inputs: boxed_zeroed::<[N::Input; B]>(),
            ctx: TrainCtx::seed(seed),
            epoch: 0,
            has_backup: false,
        }
    }

    /// Epochs completed so far.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// The gradient of the last step.
    pub fn grads(&self) -> &N {
        &self.grads
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
        if data.len() < B {
            return Err(TrainError::TooFewSamples {
                samples: data.len(),
                batch: B,
            });
        }
        if !self.has_backup {
            self.backup.copy_state_from(net);
            self.has_backup = true;
        }
        let mut total = 0.0;
        let mut steps = 0;
        for (batch, idx) in Batches::new(data.len(), B, &mut self.ctx.rng).enumerate() {
            for (slot, &i) in self.inputs.iter_mut().zip(&idx) {
                *slot = data.x[i];
            }
            let targets: [L::Target; B] = core::array::from_fn(|k| data.y[idx[k]]);
            let lens: [usize; B] = core::array::from_fn(|k| data.len_of(idx[k]));
            let result = train_step_len(
                net,
                StepBuffers {
                    grads: &mut self.grads,
                    trace: &mut self.trace,
                },
                optimizer,
                loss,
                &self.inputs,
                &lens,
                &targets,
                &mut self.ctx,
            );
            let failure = match result {
                Ok(l) if net.all_finite() => {
                    total += l.as_f64();
                    steps += 1;
                    continue;
                }
                Ok(_) => None,
                Err(e) => Some(e),
            };
            net.copy_state_from(&self.backup);
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                batch,
                cause: failure,
            });
        }
        self.backup.copy_state_from(net);
        let stats = EpochStats {
            epoch: self.epoch,
            mean_loss: total / steps.max(1) as f64,
            steps,
        };
        self.epoch += 1;
        Ok(stats)
    }

    /// Mean loss over `data` in inference mode (no dropout).
    pub fn evaluate<L>(net: &N, loss: &L, data: &Dataset<N::Input, L::Target>) -> f64
    where
        L: Loss<T, N::Output>,
    {
        let total: f64 = data
            .x
            .iter()
            .zip(&data.y)
            .enumerate()
            .map(|(i, (x, y))| loss.loss(&net.forward_len(x, data.len_of(i)), y).as_f64())
            .sum();
        total / data.len().max(1) as f64
    }
}
