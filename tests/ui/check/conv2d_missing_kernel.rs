nn::network! {
    struct Net {
        input: [1, 8, 8],
        conv: Conv2d(16),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
