//! The networks of `examples/breast_cancer.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// 30 features, 16 ReLU units, one logit for "benign".
    pub struct Tumour {
        input: [30],
        hidden: Dense(16),
        act: Relu,
        logit: Dense(1),
    }
}
