//! The three peer-benchmark networks in `nn`, shared by the peer harness
//! (`bench/peers/peer_nn_core.rs`, copied next to it by `run.sh`) and the
//! criterion benches (`benches/peers.rs`).
//!
//! - W1: MLP 784-128-64-10, ReLU hidden layers.
//! - W2: LeNet-5-like on `[1, 28, 28]`: conv 6@5x5 ReLU, max-pool 2,
//!   conv 16@5x5 ReLU, max-pool 2, dense 256-120 ReLU -84 ReLU -10.
//! - W3: LSTM (32 features, hidden 64, 32 steps), dense 64 -> 10 on the
//!   last hidden state.
//!
//! All three end in logits for `SoftmaxCrossEntropy`.
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
