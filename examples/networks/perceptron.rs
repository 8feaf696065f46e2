//! The networks of `examples/perceptron.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// Rosenblatt's perceptron: one step unit on two inputs.
    pub struct P {
        input: [2],
        out: Dense(1),
        step: Step,
    }
}

nn::network! {
    /// Two inputs, four tanh units, one logit.
    pub struct Mlp {
        input: [2],
        hidden: Dense(4),
        act: Tanh,
        out: Dense(1),
    }
}
