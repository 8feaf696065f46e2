//! Loss functions: each returns the loss of one sample and writes its
//! gradient with respect to the network output. A batch loss is the mean
//! over samples, as PyTorch's default `reduction="mean"` (for MSE that is
//! the mean over all elements of the batch, exactly as `nn.MSELoss`).
//!
//! | loss | per sample | target | PyTorch equivalent |
//! |---|---|---|---|
//! | [`Mse`] | `mean_i (y_i - t_i)^2` | tensor | `nn.MSELoss()` |
//! | [`Mae`] | `mean_i abs(y_i - t_i)` | tensor | `nn.L1Loss()` |
//! | [`Huber`] | `mean_i huber_delta(y_i - t_i)` | tensor | `nn.HuberLoss(delta=1.0)` |
//! | [`BceWithLogits`] | `mean_i bce(sigmoid(z_i), t_i)` | tensor of 0/1 or probabilities | `nn.BCEWithLogitsLoss()` |
//! | [`SoftmaxCrossEntropy`] | `-log softmax(z)_c` | class index | `nn.CrossEntropyLoss()` |
//! | [`SoftCrossEntropy`] | `-sum_i t_i log softmax(z)_i` | probability vector | `nn.CrossEntropyLoss()` with probabilities |
//! | [`MarginLoss`] | `sum_k T_k max(0, 0.9 - abs(v_k))^2 + 0.5 (1 - T_k) max(0, abs(v_k) - 0.1)^2` on capsules `[classes, dim]` | class index | (capsule networks) |
//! | [`TripletMargin`] | `max(0, d(a, p) - d(a, n) + margin)` over a triple of embeddings | (a triple's own samples) | `nn.TripletMarginLoss(margin)` |
//!
//! MSE convention: there is **no factor 1/2**. The loss is the plain mean
//! of squared errors and its gradient is `2 (y - t) / n`, so values equal
//! PyTorch's `MSELoss` and Keras' `mean_squared_error`. Texts that use
//! `1/2 sum_i (y_i - t_i)^2` have gradients `n/2` times ours (`n` outputs),
//! so their learning rates must be multiplied by `n/2` to give the same
//! steps (halved for a single output).
//!
//! The element-wise losses (MSE, MAE, Huber, BCE) average over the output
//! elements of a sample, then over the batch: the mean over every element,
//! which is PyTorch's `reduction="mean"`. The cross-entropies sum over the
//! classes of a sample and average over the batch, also as PyTorch.

mod bce_logits;
mod huber;
mod mae;
mod margin;
mod mse;
mod soft_ce;
mod softmax_ce;
mod triplet;

pub use bce_logits::BceWithLogits;
pub use huber::Huber;
pub use mae::Mae;
pub use margin::MarginLoss;
pub use mse::Mse;
pub use soft_ce::SoftCrossEntropy;
pub use softmax_ce::SoftmaxCrossEntropy;
pub use triplet::TripletMargin;

use crate::{Float, Tensor};

/// A loss on network outputs of type `O`.
pub trait Loss<T: Float, O: Tensor<T>>: Sync {
    /// What one sample is compared against (a class index, a vector).
    type Target: Copy + Send + Sync + 'static;
    /// Loss of one sample; writes dLoss/dOutput into `grad`.
    ///
    /// A target the loss cannot use (a class index past the last class)
    /// gives a NaN loss and a zero gradient, which training reports as an
    /// error naming the batch.
    fn loss_grad(&self, out: &O, target: &Self::Target, grad: &mut O) -> T;
    /// Loss of one sample.
    fn loss(&self, out: &O, target: &Self::Target) -> T {
        let mut g = O::ZEROS;
        self.loss_grad(out, target, &mut g)
    }
    /// Whether `target` is one this loss can use with outputs like `O`
    /// (a class index below the number of classes, finite values); the
    /// reason if not. Training checks every target before the first step.
    fn check_target(&self, target: &Self::Target) -> Result<(), TargetError> {
        let _ = target;
        Ok(())
    }
}

/// A target tensor is usable when every value is finite.
pub(crate) fn finite_target<T: Float, O: Tensor<T>>(t: &O) -> Result<(), TargetError> {
    match t.flat().iter().position(|v| !v.is_finite()) {
        Some(index) => Err(TargetError::NotFinite { index }),
        None => Ok(()),
    }
}

/// Why a loss cannot use a target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TargetError {
    /// A class index at or past the number of classes.
    ClassOutOfRange {
        /// The index.
        class: usize,
        /// The number of classes (outputs).
        classes: usize,
    },
    /// A target value that is NaN or infinite, at this flat index.
    NotFinite {
        /// The flat index in the target.
        index: usize,
    },
}

impl core::fmt::Display for TargetError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TargetError::ClassOutOfRange { class, classes } => write!(
                f,
                "class {class} is out of range: the network has {classes} classes (0 to {})",
                classes.saturating_sub(1)
            ),
            TargetError::NotFinite { index } => {
                write!(
                    f,
                    "the target has a value that is not finite at index {index}"
                )
            }
        }
    }
}
