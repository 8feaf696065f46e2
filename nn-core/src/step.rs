//! One mini-batch training step with a const batch size `B`, no allocator.
//!
//! `B = 1` is stochastic gradient descent, `B` equal to the data set size
//! is batch gradient descent; anything between is mini-batch.

use core::fmt;

use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::{Float, Network, Side, Tensor, TrainCtx};

/// Why a training step refused to update the weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepError {
    /// The loss of sample `sample` in the batch was NaN or infinite
    /// (a diverging learning rate, bad input data, or an invalid target).
    NonFiniteLoss {
        /// Index of the first bad sample within the batch.
        sample: usize,
    },
    /// A gradient was NaN or infinite (in parameter tensor `tensor`).
    NonFiniteGradient {
        /// Index of the parameter tensor.
        tensor: usize,
    },
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::NonFiniteLoss { sample } => write!(
                f,
                "the loss of sample {sample} of the batch is not finite; the weights were left as they were"
            ),
            StepError::NonFiniteGradient { tensor } => write!(
                f,
                "the gradient of parameter tensor {tensor} is not finite; the weights were left as they were"
            ),
        }
    }
}

/// Buffers a training step works in: the gradient and the trace.
pub struct StepBuffers<'a, T: Float, N: Network<T>, const B: usize> {
    /// Gradient accumulator (same type as the network).
    pub grads: &'a mut N,
    /// Activations of the batch.
    pub trace: &'a mut N::Trace<B>,
}

/// Forward, loss, backward and one optimizer update over a batch of `B`
/// samples. Returns the mean loss. On a non-finite loss or gradient the
/// parameters are not touched and an error is returned. Buffers that the
/// training forward itself updates (batch norm's running statistics, as in
/// PyTorch) have already moved by then; `train::Trainer` (std)
/// restores them with the weights.
pub fn train_step<T, N, L, O, const B: usize>(
    net: &mut N,
    buffers: StepBuffers<'_, T, N, B>,
    optimizer: &mut O,
    loss: &L,
    inputs: &[N::Input; B],
    targets: &[L::Target; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
    O: Optimizer<T, N>,
{
    train_step_with(
        net,
        buffers,
        optimizer,
        loss,
        inputs,
        &[Side::WHOLE; B],
        targets,
        ctx,
    )
}

/// [`train_step`] with each sample's side input (for sequences, their
/// runtime lengths: `Side::of_lengths(&lens)`).
#[allow(
    clippy::too_many_arguments,
    reason = "train_step's contract plus the side inputs"
)]
pub fn train_step_with<T, N, L, O, const B: usize>(
    net: &mut N,
    buffers: StepBuffers<'_, T, N, B>,
    optimizer: &mut O,
    loss: &L,
    inputs: &[N::Input; B],
    sides: &[Side; B],
    targets: &[L::Target; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
    O: Optimizer<T, N>,
{
    let StepBuffers { grads, trace } = buffers;
    let total = forward_backward_with(net, grads, trace, loss, inputs, sides, targets, ctx)?;
    optimizer.step(net, grads);
    Ok(total)
}

/// Forward, loss and backward over a batch: leaves the mean gradient in
/// `grads` (cleared first) and returns the mean loss, without updating.
pub fn forward_backward<T, N, L, const B: usize>(
    net: &mut N,
    grads: &mut N,
    trace: &mut N::Trace<B>,
    loss: &L,
    inputs: &[N::Input; B],
    targets: &[L::Target; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    forward_backward_with(
        net,
        grads,
        trace,
        loss,
        inputs,
        &[Side::WHOLE; B],
        targets,
        ctx,
    )
}

/// [`forward_backward`] with each sample's side input (for sequences,
/// recurrent layers run only the first `side.steps(capacity)` steps).
#[allow(
    clippy::too_many_arguments,
    reason = "forward_backward's contract plus the side inputs"
)]
pub fn forward_backward_with<T, N, L, const B: usize>(
    net: &mut N,
    grads: &mut N,
    trace: &mut N::Trace<B>,
    loss: &L,
    inputs: &[N::Input; B],
    sides: &[Side; B],
    targets: &[L::Target; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    net.forward_train_with(inputs, sides, trace, ctx);
    let inv_b = T::ONE / T::cast(B as f64);
    let mut total = T::ZERO;
    {
        let (out, d_out) = N::output_and_grad(trace);
        for (s, ((y, g), t)) in out.iter().zip(d_out.iter_mut()).zip(targets).enumerate() {
            let l = loss.loss_grad(y, t, g);
            if !l.is_finite() {
                return Err(StepError::NonFiniteLoss { sample: s });
            }
            total += l;
            for g in g.flat_mut() {
                *g *= inv_b;
            }
        }
    }
    grads.zero();
    net.backward(trace, grads);
    for i in 0..N::TENSORS {
        if !grads.tensor(i).iter().all(|g| g.is_finite()) {
            return Err(StepError::NonFiniteGradient { tensor: i });
        }
    }
    Ok(total * inv_b)
}
