//! Layer kinds, one per file. Each implements [`Layer`](crate::Layer) on
//! flat rows; `network!` chains them and owns the activations.
//!
//! `Flatten` has no type here: rows are already flat, so the macro treats
//! it as a change of the shape it reports, with no code and no memory.
//!
//! On x86-64, every layer with parameters (but `Prelu`, one slope) is
//! `repr(C, align(64))`: its first tensor (the weights) starts on a cache
//! line, and so do its rows whose length is a multiple of 16 `f32`. A
//! vector load of such a row never straddles two lines; at an offset of
//! 16 bytes, which the allocator's alignment allows, half of the 32-byte
//! loads do. Aligned, W1a's forward took 4.35 us against 5.3
//! (W3b's training step 1.60 against 1.70 ms). Other targets keep their
//! natural layout, so a microcontroller's flash and RAM figures do not
//! change.

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

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Every layer with parameters starts on a cache line, its weights
    /// first, so a boxed network's weights and their rows of 16 `f32` are
    /// on cache lines too.
    #[test]
    fn layers_with_parameters_start_on_a_cache_line() {
        macro_rules! first_on_a_line {
            ($($ty:ty => $field:ident),* $(,)?) => {$(
                assert_eq!(core::mem::align_of::<$ty>(), 64, stringify!($ty));
                assert_eq!(core::mem::offset_of!($ty, $field), 0, stringify!($ty));
            )*};
        }
        first_on_a_line!(
            Dense<f32, 3, 2> => weight,
            Conv1d<f32, 1, 4, 2, 3, 1, 0, 2, 4, 4> => weight,
            Conv2d<f32, 1, 4, 4, 2, 3, 3, 1, 1, 0, 0, 2, 2, 16, 8> => weight,
            ConvTranspose2d<f32, 1, 2, 2, 1, 3, 3, 1, 1, 0, 0, 4, 4, 4, 16> => weight,
            Rnn<f32, 2, 3, 4, 6, 4> => weight_ih,
            Lstm<f32, 2, 3, 4, 16, 6, 4> => weight_ih,
            Gru<f32, 2, 3, 4, 12, 6, 4> => weight_ih,
            BatchNorm<f32, 2, 3, 6> => gamma,
            LayerNorm<f32, 1, 4, 4> => gamma,
            TreeLstm<f32, 3, 2, 2, 4, 16, 4, 12> => weight_ih,
            Routing<f32, 4, 2, 2, 3, 3, 8, 6> => weight,
        );
        // A network's first layer, on the heap.
        let net = crate::zeroable::boxed_zeroed::<Dense<f32, 784, 128>>();
        assert_eq!(net.weight.as_ptr() as usize % 64, 0);
    }
}
