//! A training step with its batch split across threads: shards of `S`
//! samples, each run forward and backward on the one network (a training
//! forward only reads it), their gradients summed in shard order. Which
//! thread runs a shard changes nothing, so a step gives the same bits on
//! any number of threads; with one shard (`S = B`) it is
//! [`train_step_with`] exactly.
//!
//! [`train_step_with`]: crate::step::train_step_with

use std::boxed::Box;
use std::sync::Mutex;
use std::vec::Vec;

use super::parallel::lock;
use super::stretches;

use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::step::{
    check_learning_rate, finite_buffers, forward_backward_part, forward_backward_with,
    sample_weight, update, StepError,
};
use crate::{Float, Network, Side, TrainCtx};

/// Training steps at batch `B` split into `B / S` shards of `S` samples
/// that run on the threads [`set_threads`](super::set_threads) allows
/// (every core by default), as PyTorch's `DistributedDataParallel` on one
/// machine. `S` must divide `B`; `S = B` (the default) is one shard on
/// the calling thread.
///
/// The result is the same on any number of threads, and differs from one
/// [`train_step_with`](crate::step::train_step_with) over the whole batch
/// only where the shards change the arithmetic:
/// - the mean gradient is the sum of the shards' gradients in shard order
///   (each already weighted by one over the batch's real samples), so its
///   last bits can differ from a single backward over `B`;
/// - dropout draws each shard's masks from its own generator, forked from
///   the caller's in shard order;
/// - batch norm normalises each shard by the shard's own statistics, and
///   its running statistics move by shard 0's (PyTorch's `DataParallel`
///   without `SyncBatchNorm`).
///
/// Memory: a gradient and a trace of `S` per shard, on the heap and
/// reused from step to step; the threads share the network.
pub struct DataParallel<T: Float, N: Network<T>, const B: usize, const S: usize = B> {
    shards: Vec<Shard<T, N, S>>,
}

/// One shard's buffers and the outcome of its last pass.
struct Shard<T: Float, N: Network<T>, const S: usize> {
    grads: Box<N>,
    trace: Box<N::Trace<S>>,
    ctx: TrainCtx,
    result: Result<T, StepError>,
}

/// What every shard reads: the network, the caller's batch and the weight
/// of one sample.
struct Batch<'a, T: Float, N: Network<T>, L: Loss<T, N::Output>, const B: usize> {
    net: &'a N,
    loss: &'a L,
    inputs: &'a [N::Input; B],
    sides: &'a [Side; B],
    targets: &'a [L::Target; B],
    inv_real: T,
}

impl<T: Float, N: Network<T>, const B: usize, const S: usize> Default for DataParallel<T, N, B, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float, N: Network<T>, const B: usize, const S: usize> DataParallel<T, N, B, S> {
    const SHARDS: usize = {
        assert!(
            S == B || (S > 0 && B.is_multiple_of(S)),
            "in DataParallel<T, N, B, S>, Trainer<T, N, B, S> and Fit<.., B, S>, the shard size S must divide the batch size B: choose a divisor of B for S, or leave S out for one shard"
        );
        // A batch of 0 is one empty shard (its steps are `EmptyBatch`).
        if S == B {
            1
        } else {
            B / S
        }
    };

    /// The buffers of every shard, on the heap.
    pub fn new() -> Self {
        let shards = (0..Self::SHARDS)
            .map(|_| Shard {
                grads: N::zeroed_boxed(),
                trace: N::new_trace::<S>(),
                ctx: TrainCtx::seed(0),
                result: Ok(T::ZERO),
            })
            .collect();
        Self { shards }
    }

    /// The mean gradient of the last step.
    pub fn grads(&self) -> &N {
        &self.shards[0].grads
    }

    /// Forward, loss, backward and one optimizer update over the batch, as
    /// [`train_step_with`](crate::step::train_step_with), with the same
    /// errors (a bad sample's index is its index in the whole batch).
    #[allow(
        clippy::too_many_arguments,
        reason = "train_step_with's contract on the parallel step's buffers"
    )]
    pub fn train_step_with<L, O>(
        &mut self,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        inputs: &[N::Input; B],
        sides: &[Side; B],
        targets: &[L::Target; B],
        ctx: &mut TrainCtx,
    ) -> Result<T, StepError>
    where
        L: Loss<T, N::Output>,
        O: Optimizer<T, N>,
    {
        check_learning_rate(optimizer)?;
        let total = self.forward_backward_with(net, loss, inputs, sides, targets, ctx)?;
        let grads = &self.shards[0].grads;
        // One shard is `train_step_with` itself. After several, the update
        // runs in stretches on every thread, as the sum did, when the
        // optimizer is element-wise (all of nn's are).
        if self.shards.len() == 1 {
            update(net, grads, optimizer)?;
            return Ok(total);
        }
        match optimizer.element_step() {
            Some(step) => {
                stretches::apply_finite(net, grads, step)?;
                finite_buffers(net)?;
            }
            None => update(net, grads, optimizer)?,
        }
        Ok(total)
    }

    /// Forward, loss and backward over the batch: leaves the mean gradient
    /// in [`grads`](Self::grads) and returns the mean loss, without
    /// updating (as [`forward_backward_with`](crate::step::forward_backward_with)).
    pub fn forward_backward_with<L>(
        &mut self,
        net: &mut N,
        loss: &L,
        inputs: &[N::Input; B],
        sides: &[Side; B],
        targets: &[L::Target; B],
        ctx: &mut TrainCtx,
    ) -> Result<T, StepError>
    where
        L: Loss<T, N::Output>,
    {
        if let [one] = &mut self.shards[..] {
            // `S = B`: the one-thread step itself.
            return forward_backward_with(
                net,
                &mut one.grads,
                &mut one.trace,
                loss,
                subarray(inputs, 0),
                subarray(sides, 0),
                subarray(targets, 0),
                ctx,
            );
        }
        let inv_real = sample_weight::<T>(sides)?;
        for shard in &mut self.shards {
            shard.ctx = TrainCtx {
                rng: ctx.rng.fork(),
            };
        }
        let shards = self.shards.len();
        let workers = super::threads().clamp(1, shards);
        let per = shards.div_ceil(workers);
        let batch = Batch::<T, N, L, B> {
            net: &*net,
            loss,
            inputs,
            sides,
            targets,
            inv_real,
        };
        let parts: Vec<Mutex<&mut [Shard<T, N, S>]>> =
            self.shards.chunks_mut(per).map(Mutex::new).collect();
        super::parallel::broadcast(parts.len(), &|w| {
            run_shards(w * per, &mut lock(&parts[w]), &batch);
        });
        drop(parts);
        // Batch norm's running statistics move by shard 0 (PyTorch's
        // `DataParallel` keeps the first replica's).
        net.update_buffers(&self.shards[0].trace);
        let (first, others) = self.shards.split_first_mut().expect("one shard at least");
        let mut total = first.result?;
        for shard in others.iter() {
            total += shard.result?;
        }
        let others: Vec<&N> = others.iter().map(|s| &*s.grads).collect();
        stretches::sum_finite(&mut *first.grads, &others)?;
        Ok(total * inv_real)
    }
}

/// Runs shards `first..first + shards.len()` of the batch.
fn run_shards<T, N, L, const B: usize, const S: usize>(
    first: usize,
    shards: &mut [Shard<T, N, S>],
    batch: &Batch<'_, T, N, L, B>,
) where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    for (k, shard) in shards.iter_mut().enumerate() {
        let lo = (first + k) * S;
        shard.result = forward_backward_part(
            batch.net,
            &mut shard.grads,
            &mut shard.trace,
            batch.loss,
            subarray(batch.inputs, lo),
            subarray(batch.sides, lo),
            subarray(batch.targets, lo),
            &mut shard.ctx,
            batch.inv_real,
            lo,
        );
    }
}

/// `xs[lo..lo + S]` as an array (`lo + S <= B` by construction).
fn subarray<X, const B: usize, const S: usize>(xs: &[X; B], lo: usize) -> &[X; S] {
    xs[lo..lo + S]
        .try_into()
        .expect("a shard lies inside its batch")
}
