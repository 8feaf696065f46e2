//! One mini-batch training step with a const batch size `B`, no allocator.
//!
//! `B = 1` is stochastic gradient descent, `B` equal to the data set size
//! is batch gradient descent; anything between is mini-batch.

use core::fmt;

use crate::kernels::all_finite;
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
    /// The learning rate is NaN, infinite or negative; nothing was updated.
    BadLearningRate {
        /// The optimizer's learning rate.
        lr: f64,
    },
    /// The update itself made parameter tensor `tensor` non-finite (a
    /// learning rate too large for the gradient). Unlike the other errors
    /// this one comes after the update: restore the weights you kept
    /// (`train::Trainer` does).
    NonFiniteWeights {
        /// Index of the parameter tensor.
        tensor: usize,
    },
    /// A buffer the training forward updates (batch norm's running
    /// statistics) became non-finite; reported after the update, as
    /// [`NonFiniteWeights`](Self::NonFiniteWeights).
    NonFiniteBuffer {
        /// Index of the buffer.
        buffer: usize,
    },
    /// The batch holds no sample: `B` is 0 or every slot is
    /// [`Side::PADDING`]; nothing was updated.
    EmptyBatch,
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
            StepError::BadLearningRate { lr } => write!(
                f,
                "the learning rate {lr} is not a finite number of at least 0; the weights were left as they were"
            ),
            StepError::NonFiniteWeights { tensor } => write!(
                f,
                "the update made parameter tensor {tensor} not finite (the learning rate is too large for this gradient)"
            ),
            StepError::NonFiniteBuffer { buffer } => write!(
                f,
                "buffer {buffer} (a running statistic) is not finite after the step"
            ),
            StepError::EmptyBatch => write!(
                f,
                "the batch holds no sample (a batch size of 0, or only padding); the weights were left as they were"
            ),
        }
    }
}

impl core::error::Error for StepError {}

/// Buffers a training step works in: the gradient and the trace.
pub struct StepBuffers<'a, T: Float, N: Network<T>, const B: usize> {
    /// Gradient accumulator (same type as the network).
    pub grads: &'a mut N,
    /// Activations of the batch.
    pub trace: &'a mut N::Trace<B>,
}

/// Forward, loss, backward and one optimizer update over a batch of `B`
/// samples. Returns the mean loss. On a non-finite loss or gradient, or a
/// learning rate that is not a finite number of at least 0, the parameters
/// are not touched and an error is returned. Buffers that the training
/// forward itself updates (batch norm's running statistics, as in
/// PyTorch) have already moved by then; `train::Trainer` (std) restores
/// them with the weights. An update that makes the weights non-finite is
/// reported as [`StepError::NonFiniteWeights`] after the fact: the step
/// keeps no copy of the weights, so the caller restores its own.
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
    check_learning_rate(optimizer)?;
    let StepBuffers { grads, trace } = buffers;
    let total = forward_backward_with(net, grads, trace, loss, inputs, sides, targets, ctx)?;
    update(net, grads, optimizer)?;
    Ok(total)
}

/// A learning rate the update can use: finite and at least 0.
pub(crate) fn check_learning_rate<T: Float, N: Network<T>, O: Optimizer<T, N>>(
    optimizer: &O,
) -> Result<(), StepError> {
    let lr = optimizer.learning_rate();
    // On the sign and the bits (finite, and positive or -0): an f64
    // comparison is a library call on an FPU without double precision.
    if lr.is_finite() && (lr.is_sign_positive() || lr.to_bits() == (-0.0f64).to_bits()) {
        Ok(())
    } else {
        Err(StepError::BadLearningRate { lr })
    }
}

/// The optimizer's update, and a check that it left the weights and
/// buffers finite.
pub(crate) fn update<T: Float, N: Network<T>, O: Optimizer<T, N>>(
    net: &mut N,
    grads: &N,
    optimizer: &mut O,
) -> Result<(), StepError> {
    optimizer.step(net, grads);
    if let Some(tensor) = (0..N::TENSORS).find(|&i| !all_finite(net.tensor(i))) {
        return Err(StepError::NonFiniteWeights { tensor });
    }
    finite_buffers(net)
}

/// A check that the buffers (batch norm's running statistics) are finite.
pub(crate) fn finite_buffers<T: Float, N: Network<T>>(net: &N) -> Result<(), StepError> {
    match (0..N::BUFFERS).find(|&i| !all_finite(net.buffer(i))) {
        Some(buffer) => Err(StepError::NonFiniteBuffer { buffer }),
        None => Ok(()),
    }
}

/// Backward from the output gradient already in the trace into `grads`
/// (cleared first), and a check that the gradient is finite.
fn backward_checked<T: Float, N: Network<T>, const B: usize>(
    net: &N,
    grads: &mut N,
    trace: &mut N::Trace<B>,
) -> Result<(), StepError> {
    grads.zero();
    net.backward(trace, grads);
    finite_gradient(grads)
}

/// A check that every gradient is finite.
pub(crate) fn finite_gradient<T: Float, N: Network<T>>(grads: &N) -> Result<(), StepError> {
    match (0..N::TENSORS).find(|&i| !all_finite(grads.tensor(i))) {
        Some(tensor) => Err(StepError::NonFiniteGradient { tensor }),
        None => Ok(()),
    }
}

/// One step of metric learning on `B / 3` triples: the batch holds
/// (anchor, positive, negative) in consecutive slots, each triple's
/// embeddings go through `loss`, and the gradient is the mean over
/// triples (PyTorch's `TripletMarginLoss` with `reduction="mean"`).
/// Returns the mean loss; refuses to update as [`train_step`] does. A
/// triple whose anchor is [`Side::PADDING`] is padding as a whole.
#[allow(
    clippy::too_many_arguments,
    reason = "train_step's contract with triples for targets"
)]
pub fn train_step_triplets<T, N, O, const B: usize>(
    net: &mut N,
    buffers: StepBuffers<'_, T, N, B>,
    optimizer: &mut O,
    loss: &crate::loss::TripletMargin,
    inputs: &[N::Input; B],
    sides: &[Side; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    O: Optimizer<T, N>,
{
    const {
        assert!(
            B.is_multiple_of(3),
            "train_step_triplets: B must be a multiple of 3"
        )
    };
    check_learning_rate(optimizer)?;
    let triples = (0..B / 3).filter(|t| !sides[3 * t].is_padding()).count();
    if triples == 0 {
        return Err(StepError::EmptyBatch);
    }
    let StepBuffers { grads, trace } = buffers;
    net.forward_train_with(inputs, sides, trace, ctx);
    // Counts below 2^24 are exact in f32: the same bits as through f64.
    let inv = T::ONE / T::from_f32(triples as f32);
    let mut total = T::ZERO;
    {
        let (out, d_out) = N::output_and_grad(trace);
        for t in 0..B / 3 {
            let (o, g) = (&out[3 * t..3 * t + 3], &mut d_out[3 * t..3 * t + 3]);
            let [ga, gp, gn] = g else {
                unreachable!("three slots")
            };
            if sides[3 * t].is_padding() {
                for g in [ga, gp, gn] {
                    g.flat_mut().fill(T::ZERO);
                }
                continue;
            }
            let l = loss.loss_grad(
                (o[0].flat(), o[1].flat(), o[2].flat()),
                (ga.flat_mut(), gp.flat_mut(), gn.flat_mut()),
            );
            if !l.is_finite() {
                return Err(StepError::NonFiniteLoss { sample: 3 * t });
            }
            total += l;
            for g in [ga, gp, gn] {
                g.flat_mut().iter_mut().for_each(|g| *g *= inv);
            }
        }
    }
    backward_checked(net, grads, trace)?;
    update(net, grads, optimizer)?;
    Ok(total * inv)
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
/// [`Side::PADDING`] slots fill a partial batch: they get no loss and no
/// gradient, and the mean is over the real samples.
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
    let inv_b = sample_weight::<T>(sides)?;
    let part = forward_backward_part(
        &*net, grads, trace, loss, inputs, sides, targets, ctx, inv_b, 0,
    );
    // The buffers move by the batch whatever its loss, as in PyTorch.
    net.update_buffers(trace);
    let total = part?;
    finite_gradient(grads)?;
    Ok(total * inv_b)
}

/// `1 / real`, the weight of one sample in the mean over the batch's
/// `real` samples (those that are not [`Side::PADDING`]); a batch of only
/// padding is [`StepError::EmptyBatch`].
pub(crate) fn sample_weight<T: Float>(sides: &[Side]) -> Result<T, StepError> {
    match sides.iter().filter(|s| !s.is_padding()).count() {
        0 => Err(StepError::EmptyBatch),
        // Counts below 2^24 are exact in f32: the same bits as through f64.
        real => Ok(T::ONE / T::from_f32(real as f32)),
    }
}

/// Forward, loss and backward over `B` samples that are part of a larger
/// batch (or all of it): each real sample's loss gradient is weighted by
/// `inv_real`, one over the real samples of the whole batch, and the
/// gradient goes into `grads` (cleared first), unchecked. Returns the sum
/// of the losses; `first` is the batch index of sample 0, for errors.
/// The buffers do not move: [`Network::update_buffers`] is the caller's.
#[allow(
    clippy::too_many_arguments,
    reason = "forward_backward_with's contract plus the part's place in its batch"
)]
pub(crate) fn forward_backward_part<T, N, L, const B: usize>(
    net: &N,
    grads: &mut N,
    trace: &mut N::Trace<B>,
    loss: &L,
    inputs: &[N::Input; B],
    sides: &[Side; B],
    targets: &[L::Target; B],
    ctx: &mut TrainCtx,
    inv_real: T,
    first: usize,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    net.forward_train_shared(inputs, sides, trace, ctx);
    let mut total = T::ZERO;
    {
        let (out, d_out) = N::output_and_grad(trace);
        let slots = out.iter().zip(d_out.iter_mut()).zip(targets).zip(sides);
        for (s, (((y, g), t), side)) in slots.enumerate() {
            if side.is_padding() {
                g.flat_mut().fill(T::ZERO);
                continue;
            }
            let l = loss.loss_grad(y, t, g);
            if !l.is_finite() {
                return Err(StepError::NonFiniteLoss { sample: first + s });
            }
            total += l;
            for g in g.flat_mut() {
                *g *= inv_real;
            }
        }
    }
    grads.zero();
    net.backward(trace, grads);
    Ok(total)
}

/// One step of a network with a reconstruction decoder (the capsule
/// network's regulariser, Sabour et al. 2017): `loss` on the network's
/// output (the margin loss on its capsules `[classes, dim]`), plus
/// `weight` times the sum of squared errors between the input and the
/// decoder's reconstruction of it from the output masked to the target
/// class's row (every other row zero). Both gradients reach the network;
/// each network's optimizer steps. Returns the mean of the total loss.
/// The decoder reads `|output|` values and gives `|input|` values
/// (checked at compile time).
#[allow(
    clippy::too_many_arguments,
    reason = "two networks with their buffers and optimizers, the data"
)]
pub fn train_step_reconstructing<T, N, D, L, O, OD, const B: usize>(
    net: &mut N,
    decoder: &mut D,
    buffers: StepBuffers<'_, T, N, B>,
    decoder_buffers: StepBuffers<'_, T, D, B>,
    optimizer: &mut O,
    decoder_optimizer: &mut OD,
    (loss, weight): (&L, f64),
    inputs: &[N::Input; B],
    targets: &[usize; B],
    ctx: &mut TrainCtx,
) -> Result<T, StepError>
where
    T: Float,
    N: Network<T>,
    D: Network<T>,
    L: Loss<T, N::Output, Target = usize>,
    O: Optimizer<T, N>,
    OD: Optimizer<T, D>,
{
    let rows = const {
        let (o, di) = (<N::Output as Tensor<T>>::LEN, <D::Input as Tensor<T>>::LEN);
        assert!(
            o == di,
            "train_step_reconstructing: the decoder must read the network's output"
        );
        assert!(
            <D::Output as Tensor<T>>::LEN == <N::Input as Tensor<T>>::LEN,
            "train_step_reconstructing: the decoder must give the network's input"
        );
        match <N::Output as Tensor<T>>::SHAPE.first() {
            Some(r) if *r > 0 => *r,
            _ => 1,
        }
    };
    check_learning_rate(optimizer)?;
    check_learning_rate(decoder_optimizer)?;
    if B == 0 {
        return Err(StepError::EmptyBatch);
    }
    let StepBuffers { grads, trace } = buffers;
    let StepBuffers {
        grads: d_grads,
        trace: d_trace,
    } = decoder_buffers;
    // Counts below 2^24 are exact in f32: the same bits as through f64.
    let inv = T::ONE / T::from_f32(B as f32);
    let width = <N::Output as Tensor<T>>::LEN / rows;
    net.forward_train(inputs, trace, ctx);
    // The decoder's inputs: each output masked to its target's row.
    let mut total = T::ZERO;
    let mut masked = [<D::Input as Tensor<T>>::ZEROS; B];
    {
        let (out, d_out) = N::output_and_grad(trace);
        for (s, ((y, g), t)) in out.iter().zip(d_out.iter_mut()).zip(targets).enumerate() {
            let l = loss.loss_grad(y, t, g);
            if !l.is_finite() || *t >= rows {
                return Err(StepError::NonFiniteLoss { sample: s });
            }
            total += l;
            g.flat_mut().iter_mut().for_each(|g| *g *= inv);
            let keep = (*t * width)..(*t * width + width);
            masked[s].flat_mut()[keep.clone()].copy_from_slice(&y.flat()[keep]);
        }
    }
    decoder.forward_train(&masked, d_trace, ctx);
    {
        let w = T::cast(weight);
        let (rec, d_rec) = D::output_and_grad(d_trace);
        for (s, (r, g)) in rec.iter().zip(d_rec.iter_mut()).enumerate() {
            let x = inputs[s].flat();
            for ((g, r), x) in g.flat_mut().iter_mut().zip(r.flat()).zip(x) {
                let e = *r - *x;
                total += w * e * e;
                *g = T::cast(2.0) * w * e * inv;
            }
        }
    }
    d_grads.zero();
    let d_masked = decoder.backward_input(d_trace, d_grads);
    {
        let (_, d_out) = N::output_and_grad(trace);
        for (s, t) in targets.iter().enumerate() {
            let keep = (*t * width)..(*t * width + width);
            for (g, d) in d_out[s].flat_mut()[keep.clone()]
                .iter_mut()
                .zip(&d_masked[s].flat()[keep])
            {
                *g += *d;
            }
        }
    }
    finite_gradient(d_grads)?;
    backward_checked(net, grads, trace)?;
    update(net, grads, optimizer)?;
    update(decoder, d_grads, decoder_optimizer)?;
    Ok(total * inv)
}
