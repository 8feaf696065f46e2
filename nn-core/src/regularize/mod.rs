//! Regularisation and gradient clipping, applied to a gradient (a value of
//! the network type) between backward and the optimizer step:
//!
//! ```text
//! let loss = forward_backward(...)? + l2_penalty(&net, &mut grads, 1e-4);
//! clip_grad_norm(&mut grads, 1.0);
//! optimizer.step(&mut net, &grads);
//! ```
//!
//! The penalties touch only tensors whose [`TensorKind`]
//! is `Weight` (biases and other parameters are not decayed, the usual
//! practice); clipping sees every tensor, as PyTorch's `clip_grad_*_`
//! functions over `model.parameters()`. Sums are accumulated in `f64`.

mod clip_norm;
mod clip_value;
mod l1;
mod l2;

pub use clip_norm::{clip_grad_norm, clip_grad_norm_p, grad_norm};
pub use clip_value::clip_grad_value;
pub use l1::l1_penalty;
pub use l2::l2_penalty;

use crate::{Float, Params, TensorKind};

/// Indices of the `Weight` tensors of `N`.
pub(crate) fn weight_tensors<T: Float, N: Params<T>>() -> impl Iterator<Item = usize> {
    (0..N::TENSORS)
        .filter(|&i| N::tensor_info(i).is_some_and(|info| info.kind == TensorKind::Weight))
}
