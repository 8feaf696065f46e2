//! Layer kinds, one per file. Each implements [`Layer`](crate::Layer) on
//! flat rows; `network!` chains them and owns the activations.
//!
//! `Flatten` has no type here: rows are already flat, so the macro treats
//! it as a change of the shape it reports, with no code and no memory.

mod activation;
mod avg_pool2d;
mod batch_norm;
mod bidirectional;
mod capsules;
mod conv1d;
mod conv2d;
mod conv_transpose2d;
mod dense;
mod dropout;
mod global_avg_pool;
mod gru;
mod layer_norm;
mod lstm;
mod max_pool2d;
mod prelu;
mod recurrent;
mod rnn;
mod softmax;
mod transpose;
mod tree_lstm;
mod upsample;

pub use activation::Act;
pub use avg_pool2d::AvgPool2d;
pub use batch_norm::BatchNorm;
pub use bidirectional::{Bidirectional, BidirectionalAux};
pub use capsules::{PrimaryCaps, Routing, RoutingAux};
pub use conv1d::Conv1d;
pub use conv2d::Conv2d;
pub use conv_transpose2d::ConvTranspose2d;
pub use dense::Dense;
pub use dropout::Dropout;
pub use global_avg_pool::GlobalAvgPool;
pub use gru::{Gru, GruAux};
pub use layer_norm::LayerNorm;
pub use lstm::{Lstm, LstmAux};
pub use max_pool2d::MaxPool2d;
pub use prelu::Prelu;
pub use rnn::{Rnn, RnnAux};
pub use softmax::{softmax, Softmax};
pub use transpose::Transpose;
pub use tree_lstm::{encode_tree, TreeLstm, TreeLstmAux};
pub use upsample::Upsample;
