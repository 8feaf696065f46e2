// A weight file for a network with 12 hidden units, in flash for one with 13.
nn::network! {
    #[nn(weights = "../../fixtures/flash_image.nnw")]
    pub struct Net {
        input: [2, 6, 6],
        conv: Conv2d(3, kernel = 3, padding = 1),
        bn: BatchNorm,
        act: Relu,
        pool: MaxPool2d(2),
        flat: Flatten,
        hidden: Dense(13),
        norm: LayerNorm,
        prelu: Prelu,
        out: Dense(4, bias = false),
    }
}

static NET: Net = Net::TRAINED;

fn main() {
    print!("{}", Net::<f32>::SUMMARY);
    let _ = NET.forward(&[[[0.0; 6]; 6]; 2]);
}
