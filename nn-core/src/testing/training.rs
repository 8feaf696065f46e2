//! Training checks, by real optimizer steps on a small batch (the
//! gradients themselves are checked in `gradients.rs`):
//!
//! - [`every_tensor_learns`]: after one optimizer step on a batch, every
//!   parameter tensor has changed (a tensor that does not is disconnected
//!   from the loss: a dead layer, a `Step` in front of it, a wiring bug);
//! - [`fits_tiny_batch`]: the network can drive the loss near zero on a
//!   handful of samples (if it cannot, it or its training is broken).

use alloc::vec::Vec;
use core::fmt;

use crate::loss::Loss;
use crate::optim::Adam;
use crate::step::{train_step, StepBuffers, StepError};
use crate::{Float, Network, TrainCtx};

/// What a training check found.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainingCheckError {
    /// These parameter tensors (`layer.name`) did not change in one step.
    Frozen(Vec<&'static str>, Vec<&'static str>),
    /// The loss on the tiny batch stayed at `loss` after `steps` steps.
    DoesNotFit {
        /// Final loss.
        loss: f64,
        /// The threshold it had to reach.
        threshold: f64,
        /// Steps taken.
        steps: usize,
    },
    /// A training step failed.
    Step(StepError),
}

impl fmt::Display for TrainingCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainingCheckError::Frozen(layers, names) => {
                write!(f, "parameters that did not change after one step:")?;
                for (l, n) in layers.iter().zip(names) {
                    write!(f, " {l}.{n}")?;
                }
                write!(f, "; they receive no gradient from the loss")
            }
            TrainingCheckError::DoesNotFit {
                loss,
                threshold,
                steps,
            } => write!(
                f,
                "the loss on the tiny batch is {loss} after {steps} steps, above {threshold}"
            ),
            TrainingCheckError::Step(e) => write!(f, "{e}"),
        }
    }
}

/// One Adam step (learning rate 1e-3, so any non-zero gradient moves its
/// parameter by about 1e-3) on the batch; an error lists every parameter
/// tensor that did not change. `net` is left unchanged.
pub fn every_tensor_learns<T, N, L, const B: usize>(
    net: &N,
    loss: &L,
    inputs: &[N::Input; B],
    targets: &[L::Target; B],
) -> Result<(), TrainingCheckError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    let mut trial = N::zeroed_boxed();
    trial.copy_state_from(net);
    let mut grads = N::zeroed_boxed();
    let mut trace = N::new_trace::<B>();
    let mut adam = Adam::<N>::boxed(1e-3);
    let buffers = StepBuffers {
        grads: &mut *grads,
        trace: &mut *trace,
    };
    train_step(
        &mut *trial,
        buffers,
        &mut *adam,
        loss,
        inputs,
        targets,
        &mut TrainCtx::seed(0),
    )
    .map_err(TrainingCheckError::Step)?;
    let (mut layers, mut names) = (Vec::new(), Vec::new());
    for i in 0..N::TENSORS {
        if trial.tensor(i) == net.tensor(i) {
            let info = N::tensor_info(i);
            layers.push(info.map_or("?", |i| i.layer));
            names.push(info.map_or("?", |i| i.name));
        }
    }
    if layers.is_empty() {
        Ok(())
    } else {
        Err(TrainingCheckError::Frozen(layers, names))
    }
}

/// Trains a copy of `net` with Adam (`lr`) on one batch for up to `steps`
/// steps; succeeds with the final loss once it is at most `threshold`.
pub fn fits_tiny_batch<T, N, L, const B: usize>(
    net: &N,
    loss: &L,
    inputs: &[N::Input; B],
    targets: &[L::Target; B],
    lr: f64,
    steps: usize,
    threshold: f64,
) -> Result<f64, TrainingCheckError>
where
    T: Float,
    N: Network<T>,
    L: Loss<T, N::Output>,
{
    let mut trial = N::zeroed_boxed();
    trial.copy_state_from(net);
    let mut grads = N::zeroed_boxed();
    let mut trace = N::new_trace::<B>();
    let mut adam = Adam::<N>::boxed(lr);
    let mut ctx = TrainCtx::seed(0);
    let mut last = f64::INFINITY;
    for _ in 0..steps {
        let buffers = StepBuffers {
            grads: &mut *grads,
            trace: &mut *trace,
        };
        last = train_step(
            &mut *trial,
            buffers,
            &mut *adam,
            loss,
            inputs,
            targets,
            &mut ctx,
        )
        .map_err(TrainingCheckError::Step)?
        .as_f64();
        if last <= threshold {
            return Ok(last);
        }
    }
    Err(TrainingCheckError::DoesNotFit {
        loss: last,
        threshold,
        steps,
    })
}
