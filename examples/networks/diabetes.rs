//! The networks of `examples/diabetes.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// 10 features, 8 ReLU units, one output.
    pub struct Progression {
        input: [10],
        hidden: Dense(8),
        act: Relu,
        out: Dense(1),
    }
}

nn::network! {
    /// Linear regression: no hidden layer.
    pub struct Linear {
        input: [10],
        out: Dense(1),
    }
}
