//! Inference with no panic path, for every layer kind. This firmware runs
//! `forward` of five networks that hold, between them, every layer kind
//! and activation of the `network!` language (dense; 1-d, 2-d and
//! transposed convolution; max, average and global pooling; upsampling;
//! batch and layer norm; dropout; PReLU; softmax; RNN, LSTM and GRU,
//! bidirectional, with a learned initial state and a runtime length;
//! Tree-LSTM; primary capsules and routing), with their parameters and
//! inputs hidden from the optimiser (`black_box`) so that nothing folds
//! away. Its panic handler calls a function defined nowhere
//! (`src/panic_free.rs`): a release build links only when no panic is
//! left anywhere in the program (`find-panics.sh panic_free` says where
//! one is). Prints the sum of the outputs and exits QEMU with status 0
//! when it is finite.
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use nn::prelude::*;

#[path = "../exit.rs"]
mod exit;
#[path = "../out.rs"]
mod out;
#[path = "../panic_free.rs"]
mod panic_free;
#[path = "../stack.rs"]
mod stack;
#[path = "../vectors.rs"]
mod vectors;

nn::network! {
    /// Images: convolution, batch norm, both poolings, dense and friends.
    struct Image {
        input: [1, 8, 8],
        conv: Conv2d(4, kernel = 3, padding = 1),
        bn: BatchNorm,
        relu: Relu,
        max: MaxPool2d(2),
        conv2: Conv2d(4, kernel = 3, padding = 1, stride = 1),
        elu: Elu(1.0),
        avg: AvgPool2d(2),
        flat: Flatten,
        hidden: Dense(8),
        norm: LayerNorm,
        prelu: Prelu,
        drop: Dropout(0.5),
        gelu: Gelu,
        out: Dense(3),
        soft: Softmax,
    }
}

nn::network! {
    /// A generator's layers: transposed convolution and upsampling.
    struct Generator {
        input: [4, 2, 2],
        up: ConvTranspose2d(3, kernel = 4, stride = 2, padding = 1),
        leaky: LeakyRelu(0.2),
        grow: Upsample(2),
        swish: Swish,
        pool: GlobalAvgPool,
        step: Step,
        id: Identity,
    }
}

#[macro_use]
#[allow(unused_macros, reason = "the image network of the tests is not used")]
mod nets {
    include!("../../../tests/common/flash_nets.rs");
}
// Channels to a sequence: Conv1d, Transpose and the three recurrent kinds,
// bidirectional, with learned initial states (the tests' flash network).
flash_sequence_net!(Sequence);

nn::network! {
    /// A tree of up to 6 nodes (3 features, 2 child slots).
    struct Tree {
        input: [6, 5],
        tree: TreeLstm(4, children = 2),
        out: Dense(2),
        sig: Sigmoid,
        tanh: Tanh,
    }
}

nn::network! {
    /// Primary capsules and routing by agreement.
    struct Capsules {
        input: [1, 6, 6],
        conv: Conv2d(8, kernel = 3),
        primary: PrimaryCaps(4),
        routing: Routing(2, dim = 4),
    }
}

// Seeded by the compiler (`new_const`) where every layer's initialisation
// can run in a `const fn`; zero for the bidirectional and routing ones.
static IMAGE: Image<f32> = Image::new_const(1);
static GENERATOR: Generator<f32> = Generator::new_const(2);
static SEQUENCE: Sequence<f32> = Sequence::zeroed();
static TREE: Tree<f32> = Tree::new_const(3);
static CAPSULES: Capsules<f32> = Capsules::zeroed();

/// Sum of the outputs' elements.
fn sum<const N: usize>(y: [f32; N]) -> f32 {
    y.iter().sum()
}

#[entry]
fn main() -> ! {
    let mut total = 0.0f32;
    let mut out = out::Console::open();
    let mut within = true;
    // Each inference once, measuring its stack against the estimate.
    let mut run = |name: &str, estimate: usize, f: &mut dyn FnMut() -> f32| {
        let mut sum = 0.0;
        let used = stack::used_by(|| sum = f());
        total += sum;
        within &= used <= estimate;
        out.text("panic-free: ")
            .text(name)
            .text(" forward stack ")
            .int(used as i32)
            .text(" B (estimate ")
            .int(estimate as i32)
            .line(" B)");
    };
    run(
        "image",
        nn::inference_stack_bytes::<Image, f32>(),
        &mut || sum(black_box(&IMAGE).forward(black_box(&[[[0.5; 8]; 8]]))),
    );
    run(
        "generator",
        nn::inference_stack_bytes::<Generator, f32>(),
        &mut || sum(black_box(&GENERATOR).forward(black_box(&[[[0.5; 2]; 2]; 4]))),
    );
    run(
        "sequence",
        nn::inference_stack_bytes::<Sequence, f32>(),
        &mut || {
            let seq = black_box(&[[0.25; 8]; 4]);
            sum(black_box(&SEQUENCE).forward_with(seq, Side::len(black_box(5))))
        },
    );
    run(
        "tree",
        nn::inference_stack_bytes::<Tree, f32>(),
        &mut || {
            let tree = black_box(&[[0.5; 5]; 6]);
            sum(black_box(&TREE).forward_with(tree, Side::len(black_box(4))))
        },
    );
    run(
        "capsules",
        nn::inference_stack_bytes::<Capsules, f32>(),
        &mut || {
            let caps = black_box(&CAPSULES).forward(black_box(&[[[0.5; 6]; 6]]));
            caps.iter().flatten().sum::<f32>()
        },
    );
    let ok = total.is_finite() && within;
    out.text("panic-free: ")
        .int((total * 1000.0) as i32)
        .line(if ok {
            " thousandths in all, finite; every forward within its stack estimate"
        } else {
            " thousandths in all: NOT finite, or a forward over its stack estimate"
        });
    out.text("stack high-water: ")
        .int(stack::high_water() as i32)
        .line(" B");
    exit::exit(ok)
}
