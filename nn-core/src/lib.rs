//! `nn-core`: the `#![no_std]` runtime behind the `nn` crate.
//!
//! Layers on fixed-size rows, activations, losses, optimizers and the
//! [`Network`] contract that `network!` implements. Nothing here needs an
//! allocator unless the `alloc` feature is on (boxed constructors); the
//! `std` feature adds the training toolkit in [`train`].
#![no_std]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod activations;
mod float;
mod init;
pub mod kernels;
mod layer;
pub mod layers;
pub mod loss;
mod network;
pub mod optim;
mod params;
pub mod perceptron;
pub mod regularize;
mod rng;
#[cfg(feature = "alloc")]
pub mod sanity;
pub mod schedule;
mod side;
#[doc(hidden)]
pub mod standin;
pub mod step;
mod tensor;
pub mod testing;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod train;
mod zeroable;

pub use float::Float;
pub use init::Init;
pub use layer::{Layer, TensorInfo, TensorKind, TrainCtx};
pub use network::{largest, training_ram_bytes, Network};
pub use params::Params;
pub use rng::Rng;
pub use side::Side;
pub use tensor::{
    as_row, as_row_mut, batch_view, batch_view_mut, from_row, prefix, prefix_mut, rows, rows_mut,
    Tensor,
};
pub use zeroable::Zeroable;
#[cfg(feature = "alloc")]
pub use zeroable::{boxed_zeroed, vec_zeroed};
