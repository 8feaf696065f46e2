nn::network! {
    struct Net {
        input: [16],
        hidden: Dense(8),
        bn: BatchNorm(momentum = 0.2),
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
