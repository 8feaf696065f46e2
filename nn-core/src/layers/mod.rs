//! Layer kinds, one per file. Each implements [`Layer`](crate::Layer) on
//! flat rows; `network!` chains them and owns the activations.
//!
//! `Flatten` has no type here: rows are already flat, so the macro treats
//! it as a change of the shape it reports, with no code and no memory.

mod activation;
mod dense;
mod prelu;
mod softmax;

pub use activation::Act;
pub use dense::Dense;
pub use prelu::Prelu;
pub use softmax::{softmax, Softmax};
