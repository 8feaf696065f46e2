nn::network! {
    struct Net {
        input: [1, 8, 8],
        flat: Flatten,
        hidden: Dense(16),
        pool: MaxPool2d(2),
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
