//! The three peer-benchmark networks in `nn`, shared by the peer harness
//! (`bench/peers/peer_nn_core.rs`, copied next to it by `run.sh`) and the
//! criterion benches (`benches/peers.rs`).
//!
//! - W1: MLP 784-128-64-10, ReLU hidden layers.
//! - W2: LeNet-5-like on `[1, 28, 28]`: conv 6@5x5 ReLU, max-pool 2,
//!   conv 16@5x5 ReLU, max-pool 2, dense 256-120 ReLU -84 ReLU -10.
//! - W3: LSTM (32 features, hidden 64, 32 steps), dense 64 -> 10 on the
//!   last hidden state; `GruNet` is the same with `Gru(64)` in place of
//!   `Lstm(64)` (reported as the extra peer `nn-core-gru`, W3 only).
//!
//! All three end in logits for `SoftmaxCrossEntropy`. [`TrainBench`] is
//! the timed training step both benchmark drivers run.
#![allow(dead_code, reason = "each user needs a subset")]

nn::network! {
    /// W1: MLP 784-128-64-10.
    pub struct Mlp {
        input: [784],
        l1: Dense(128),
        a1: Relu,
        l2: Dense(64),
        a2: Relu,
        l3: Dense(10),
    }
}

nn::network! {
    /// W2: LeNet-5-like CNN on 1x28x28.
    pub struct LeNet {
        input: [1, 28, 28],
        c1: Conv2d(6, kernel = 5),
        r1: Relu,
        p1: MaxPool2d(2),
        c2: Conv2d(16, kernel = 5),
        r2: Relu,
        p2: MaxPool2d(2),
        flat: Flatten,
        f1: Dense(120),
        r3: Relu,
        f2: Dense(84),
        r4: Relu,
        f3: Dense(10),
    }
}

nn::network! {
    /// W3: LSTM over 32 steps of 32 features, hidden 64, dense 64 -> 10 on
    /// the last hidden state.
    pub struct LstmNet {
        input: [32, 32],
        lstm: Lstm(64),
        head: Dense(10),
    }
}

nn::network! {
    /// W3 with a GRU: 32 steps of 32 features, hidden 64, dense 64 -> 10
    /// on the last hidden state.
    pub struct GruNet {
        input: [32, 32],
        gru: Gru(64),
        head: Dense(10),
    }
}

/// Batch size of the training workloads.
pub const BATCH: usize = 32;
/// Learning rate of the training workloads (plain SGD).
pub const LR: f64 = 0.01;

/// One plain-SGD training step at batch [`BATCH`] on a fixed batch, with
/// the network, gradient and trace built on the heap once, outside the
/// timed code.
pub struct TrainBench<N: nn::Network<f32>> {
    net: Box<N>,
    grads: Box<N>,
    trace: Box<N::Trace<BATCH>>,
    inputs: Box<[N::Input; BATCH]>,
    labels: [usize; BATCH],
    sgd: nn::optim::Sgd,
    ctx: nn::TrainCtx,
}

impl<N: nn::Network<f32>> TrainBench<N> {
    /// A seeded network on the batch whose inputs are `data` (flat,
    /// `BATCH` inputs in a row) with class `labels`.
    pub fn new(seed: u64, data: &[f32], labels: [usize; BATCH]) -> Self {
        use nn::Tensor;
        let mut inputs: Box<[N::Input; BATCH]> = nn::boxed_zeroed();
        <N::Input as Tensor<f32>>::slice_flat_mut(&mut inputs[..]).copy_from_slice(data);
        Self {
            net: N::new_boxed(seed),
            grads: N::zeroed_boxed(),
            trace: N::new_trace::<BATCH>(),
            inputs,
            labels,
            sgd: nn::optim::Sgd::new(LR),
            ctx: nn::TrainCtx::seed(seed),
        }
    }

    /// Forward, softmax cross-entropy, backward and the SGD update;
    /// returns the batch's mean loss.
    pub fn step(&mut self) -> f32 {
        nn::step::train_step::<f32, N, _, _, BATCH>(
            &mut self.net,
            nn::step::StepBuffers {
                grads: &mut self.grads,
                trace: &mut self.trace,
            },
            &mut self.sgd,
            &nn::loss::SoftmaxCrossEntropy,
            &self.inputs,
            &self.labels,
            &mut self.ctx,
        )
        .expect("finite loss and gradients")
    }
}
