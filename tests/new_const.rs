//! `Net::new_const(seed)`: the network `new(seed)` builds, computed at
//! compile time to the bit, so an untrained network can be a `static`;
//! for every layer kind whose initialisation a `const fn` can draw.

use nn::prelude::*;

#[macro_use]
#[allow(
    unused_macros,
    reason = "the sequence network is bidirectional, which new_const cannot build"
)]
mod nets {
    include!("common/flash_nets.rs");
}
// Conv2d, BatchNorm, MaxPool2d, Flatten, Dense, LayerNorm, PReLU,
// Dense without bias.
flash_image_net!(ImageNet);

nn::network! {
    /// Conv1d, Transpose and the three recurrent kinds with learned states.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Steps {
        input: [4, 8],
        conv: Conv1d(3, kernel = 3),
        steps: Transpose,
        lstm: Lstm(4, sequences = true, initial = learned),
        gru: Gru(3, sequences = true),
        rnn: Rnn(2, initial = learned),
        out: Dense(2),
    }
}

nn::network! {
    /// Tree-LSTM, transposed convolution's sibling kinds aside.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Tree {
        input: [6, 5],
        tree: TreeLstm(4, children = 2),
        out: Dense(2),
    }
}

nn::network! {
    /// A generator: transposed convolution, upsampling, an explicit init.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Generator {
        input: [4, 2, 2],
        up: ConvTranspose2d(3, kernel = 4, stride = 2, padding = 1, init = xavier_uniform),
        act: Relu,
        grow: Upsample(2),
        head: Conv2d(1, kernel = 3, padding = 1, init = zeros),
    }
}

/// Untrained networks in read-only data, built by the compiler.
static IMAGE: ImageNet = ImageNet::new_const(21);
static STEPS: Steps = Steps::new_const(3);
static TREE: Tree<f64> = Tree::new_const(9);
const GENERATOR: Generator = Generator::new_const(4);

/// Every parameter and buffer of `a` has the bits of `b`'s.
fn same_bits<T: nn::Float, N: Params<T>>(a: &N, b: &N) {
    for i in 0..N::TENSORS {
        let (x, y) = (a.tensor(i), b.tensor(i));
        assert_eq!(x.len(), y.len());
        for (k, (x, y)) in x.iter().zip(y).enumerate() {
            assert_eq!(
                x.as_f64().to_bits(),
                y.as_f64().to_bits(),
                "tensor {i}, element {k}"
            );
        }
    }
    for i in 0..N::BUFFERS {
        assert_eq!(a.buffer(i), b.buffer(i), "buffer {i}");
    }
}

#[test]
fn new_const_is_new_to_the_bit() {
    same_bits(&IMAGE, &ImageNet::new(21));
    same_bits(&STEPS, &Steps::new(3));
    same_bits(&TREE, &Tree::<f64>::new(9));
    same_bits(&GENERATOR, &Generator::new(4));
    // In f64 too, and for other seeds.
    const STEPS64: Steps<f64> = Steps::new_const(77);
    same_bits(&STEPS64, &Steps::<f64>::new(77));
    const IMAGE64: ImageNet<f64> = ImageNet::new_const(0);
    same_bits(&IMAGE64, &ImageNet::<f64>::new(0));
    // Not all zero: the draws happened.
    assert!(STEPS.tensor(0).iter().any(|v| *v != 0.0));
    assert_ne!(IMAGE, ImageNet::new_const(22));
}
