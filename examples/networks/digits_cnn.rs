//! The networks of `examples/digits_cnn.rs`, shared with `tests/sanity.rs`.

nn::network! {
    /// Digit classifier on the 8x8 image: 16 3x3 filters, 2x2 max pooling,
    /// 64 ReLU units, 10 logits.
    pub struct DigitsCnn {
        input: [1, 8, 8],
        conv: Conv2d(16, kernel = 3, padding = same),
        act1: Relu,
        pool: MaxPool2d(2),
        flat: Flatten,
        hidden: Dense(64),
        act2: Relu,
        logits: Dense(10),
    }
}

nn::network! {
    /// `DigitsCnn` with batch norm after the convolution (per channel) and
    /// after the hidden layer (per feature), before each ReLU.
    pub struct DigitsCnnBn {
        input: [1, 8, 8],
        conv: Conv2d(16, kernel = 3, padding = same),
        bn1: BatchNorm,
        act1: Relu,
        pool: MaxPool2d(2),
        flat: Flatten,
        hidden: Dense(64),
        bn2: BatchNorm,
        act2: Relu,
        logits: Dense(10),
    }
}
