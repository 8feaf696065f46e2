//! Model checks, the "unit tests for a model" that users run on their own
//! layers and networks, in two kinds:
//!
//! - **gradients** (`gradients.rs`): `backward` against fourth-order
//!   central finite differences, per layer ([`check_layer_gradients`],
//!   [`check_layer_gradients_with`] at given side inputs) and for a whole
//!   network (`network_gradient_check`, `network_gradient_check_with`,
//!   with `alloc`), plus the helpers they use (relative error,
//!   element-wise closeness, jittered parameters, random inputs);
//! - **training** (`training.rs`, with `alloc`): real optimizer steps on a
//!   small batch: `every_tensor_learns` (after one step every parameter
//!   tensor has changed; one that has not is disconnected from the loss)
//!   and `fits_tiny_batch` (the network drives the loss near zero on a
//!   handful of samples).

mod gradients;
#[cfg(feature = "alloc")]
mod training;

pub use gradients::*;
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub use training::{every_tensor_learns, fits_tiny_batch, TrainingCheckError};
