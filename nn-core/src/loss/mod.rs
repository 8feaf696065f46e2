//! Loss functions: each returns the loss of one sample and writes its
//! gradient with respect to the network output. A batch loss is the mean
//! over samples, as PyTorch's default `reduction="mean"` (for MSE that is
//! the mean over all elements of the batch, exactly as `nn.MSELoss`).

mod mse;
mod softmax_ce;

pub use mse::Mse;
pub use softmax_ce::SoftmaxCrossEntropy;

use crate::{Float, Tensor};

/// A loss on network outputs of type `O`.
pub trait Loss<T: Float, O: Tensor<T>> {
    /// What one sample is compared against (a class index, a vector).
    type Target: Copy;
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
}
