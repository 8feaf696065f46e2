//! The networks of `examples/xor.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// Two inputs, two tanh hidden units, one sigmoid output.
    #[nn(trace = XorTrace)]
    pub struct Xor {
        input: [2],
        hidden: Dense(2),
        act: Tanh,
        out: Dense(1),
        prob: Sigmoid,
    }
}
