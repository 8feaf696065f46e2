#![doc = include_str!("../README.md")]
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
pub use nn_core::train;
pub use nn_core::{
    activations, adversarial, family, inference_stack_bytes, layers, loss, nearest, optim, step,
    testing, training_ram_bytes, weights, Float, Init, Layer, Network, Params, Rng, RngState, Side,
    Tensor, TensorInfo, TensorKind, TrainCtx, Zeroable, STACK_FRAME_BYTES,
};
#[cfg(feature = "alloc")]
pub use nn_core::{boxed_zeroed, vec_zeroed};
pub use nn_core::{perceptron, regularize, schedule};

/// Declares a network. See the crate documentation for the syntax.
pub use nn_macros::network;

/// The names most programs need: `use nn::prelude::*;`.
pub mod prelude {
    pub use crate::loss::{
        BceWithLogits, Huber, Loss, Mae, Mse, SoftCrossEntropy, SoftmaxCrossEntropy,
    };
    pub use crate::network;
    pub use crate::optim::{Adagrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
    pub use crate::perceptron::{train_perceptron, NotSeparable};
    pub use crate::regularize::{clip_grad_norm, clip_grad_value, l1_penalty, l2_penalty};
    pub use crate::schedule::{self, linear_scaling, Cosine, OneCycle, Schedule, Warmup};
    /// `predict`, `evaluate` and `score` on every network (std).
    #[cfg(feature = "std")]
    pub use crate::train::Model;
    pub use crate::{Float, Init, Layer, Network, Params, Rng, RngState, Side, Tensor, TrainCtx};
}

/// Paths used by code that `network!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use nn_core::activations;
    pub use nn_core::layers::*;
    pub use nn_core::standin::{Standin, StandinTrace};
    pub use nn_core::{
        as_row, as_row_mut, batch_view, batch_view_mut, from_row, largest, prefix, prefix_mut,
        rows, rows_mut, training_ram_bytes, Float, Init, Layer, Network, Params, Rng, RngState,
        Side, Tensor, TensorInfo, TrainCtx, Zeroable, STACK_FRAME_BYTES,
    };
}
