//! Optimizers update a network from its gradient, tensor by tensor, over
//! the numbered parameter tensors of [`Network`](crate::Network); state
//! (moments) is stored in values of the network type itself.

mod sgd;

pub use sgd::Sgd;

use crate::{Float, Network};

/// Updates parameters from gradients.
pub trait Optimizer<T: Float, N: Network<T>> {
    /// One update of `net` from the (already averaged) gradient `grads`.
    fn step(&mut self, net: &mut N, grads: &N);
    /// The current learning rate.
    fn learning_rate(&self) -> f64;
    /// Sets the learning rate (schedules call this between steps).
    fn set_learning_rate(&mut self, lr: f64);
}
