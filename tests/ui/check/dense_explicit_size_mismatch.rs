nn::network! {
    struct Net {
        input: [1, 27, 27],
        flat: Flatten,
        hidden: Dense(784 => 128),
        act: Relu,
        out: Dense(128 => 10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
