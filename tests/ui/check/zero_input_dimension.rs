nn::network! {
    struct Net {
        input: [1, 0, 8],
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
