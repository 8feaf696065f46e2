//! `nn-core`: the `#![no_std]` runtime behind the `nn` crate.
//!
//! Layers on fixed-size rows, activations, losses, optimizers and the
//! [`Network`] contract that `network!` implements. Nothing here needs an
//! allocator unless the `alloc` feature is on (boxed constructors); the
//! `std` feature adds the training toolkit in `train` (data, `Fit` with
//! callbacks, metrics, search, pictures). [`weights`] reads and writes
//! weight files and checkpoints, on byte slices without std.
//!
//! `unsafe` code is denied crate-wide; each exception is allowed on its
//! own item with a `// SAFETY:` comment: the [`Zeroable`] trait and its
//! implementations (the primitives in `zeroable.rs`, and every layer,
//! optimizer state and test network type next to its definition), the
//! zeroed heap constructors and the `const` zeroed value, the
//! bounds-checked wrapper around
//! `matrixmultiply`'s raw-pointer GEMM (`kernels/gemm.rs`) and the
//! run-time AVX2 dispatch (`kernels/simd.rs`).
#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod activations;
pub mod adversarial;
pub mod family;
mod float;
mod init;
pub(crate) mod kernels;
mod layer;
pub mod layers;
pub mod loss;
pub mod nearest;
mod network;
pub mod optim;
mod params;
pub mod perceptron;
pub mod regularize;
mod rng;
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
pub mod weights;
mod zeroable;

pub use float::Float;
pub use init::Init;
pub use layer::{Layer, TensorInfo, TensorKind, TrainCtx};
/// Helpers for code that `network!` generates (reached through
/// `nn::__private`). Not a public API.
#[doc(hidden)]
pub use network::largest;
pub use network::{inference_stack_bytes, training_ram_bytes, Network, STACK_FRAME_BYTES};
pub use params::Params;
pub use rng::{Rng, RngState};
pub use side::Side;
pub use tensor::Tensor;
/// As above.
#[doc(hidden)]
pub use tensor::{
    as_row, as_row_mut, batch_view, batch_view_mut, from_row, prefix, prefix_mut, rows, rows_mut,
};
pub use zeroable::Zeroable;
#[cfg(feature = "alloc")]
pub use zeroable::{boxed_zeroed, vec_zeroed};
