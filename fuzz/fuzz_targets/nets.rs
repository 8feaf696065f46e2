// The networks the fuzz targets load into: dense with dropout, and
// convolution with batch norm (buffers), as in tests/weights.rs.

nn::network! {
    #[derive(Clone, PartialEq)]
    pub struct Mlp { input: [6], hidden: Dense(16), act: Relu, drop: Dropout(0.2), out: Dense(3) }
}

nn::network! {
    #[derive(Clone, PartialEq)]
    pub struct Cnn {
        input: [1, 6, 6],
        conv: Conv2d(3, kernel = 3),
        bn: BatchNorm,
        act: Relu,
        flat: Flatten,
        out: Dense(2),
    }
}
