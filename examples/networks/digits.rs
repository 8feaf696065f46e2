//! The networks of `examples/digits.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// Digit classifier: 64 pixels, one hidden layer of 64 ReLU units, 10 logits.
    pub struct Digits {
        input: [64],
        hidden: Dense(64),
        act: Relu,
        logits: Dense(10),
    }
}
