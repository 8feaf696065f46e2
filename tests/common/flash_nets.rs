// The two networks of tests/flash.rs, declared once for both the test
// that writes their weight files (tests/weights.rs) and the one that
// builds `TRAINED` from them: between them every kind with parameters or
// buffers.

macro_rules! flash_image_net {
    ($(#[$a:meta])* $name:ident) => {
        nn::network! {
            $(#[$a])*
            #[derive(Clone, Debug, PartialEq)]
            pub struct $name {
                input: [2, 6, 6],
                conv: Conv2d(3, kernel = 3, padding = 1),
                bn: BatchNorm,
                act: Relu,
                pool: MaxPool2d(2),
                flat: Flatten,
                hidden: Dense(12),
                norm: LayerNorm,
                prelu: Prelu,
                out: Dense(4, bias = false),
            }
        }
    };
}

macro_rules! flash_sequence_net {
    ($(#[$a:meta])* $name:ident) => {
        nn::network! {
            $(#[$a])*
            #[derive(Clone, Debug, PartialEq)]
            pub struct $name {
                input: [4, 8],
                conv: Conv1d(3, kernel = 3),
                steps: Transpose,
                lstm: Lstm(4, sequences = true, bidirectional = true, initial = learned),
                gru: Gru(3, sequences = true),
                rnn: Rnn(2, initial = learned),
                out: Dense(2),
            }
        }
    };
}

/// Seeded parameters and running statistics that are not the defaults.
#[allow(dead_code, reason = "each test file uses some")]
fn filled<N: nn::Params<f32>>(seed: u64) -> N {
    let mut net = N::ZEROED;
    let mut rng = nn::Rng::seed(seed);
    for i in 0..N::TENSORS {
        net.tensor_mut(i).iter_mut().for_each(|v| *v = rng.normal() as f32 * 0.5);
    }
    for i in 0..N::BUFFERS {
        net.buffer_mut(i).iter_mut().for_each(|v| *v = 0.5 + rng.uniform() as f32);
    }
    net
}
