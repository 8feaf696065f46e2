//! Plain stochastic gradient descent: `p <- p - lr * g`.

use super::Optimizer;
use crate::{Float, Network};

/// SGD without momentum.
#[derive(Clone, Copy, Debug)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f64,
}

impl Sgd {
    /// SGD with learning rate `lr`.
    pub const fn new(lr: f64) -> Self {
        Self { lr }
    }
}

impl<T: Float, N: Network<T>> Optimizer<T, N> for Sgd {
    fn step(&mut self, net: &mut N, grads: &N) {
        let lr = T::cast(self.lr);
        for i in 0..N::TENSORS {
            for (p, g) in net.tensor_mut(i).iter_mut().zip(grads.tensor(i)) {
                *p -= lr * *g;
            }
        }
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}
