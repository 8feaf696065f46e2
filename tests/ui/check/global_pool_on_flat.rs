nn::network! {
    struct Net {
        input: [1, 8, 8],
        flat: Flatten,
        gap: GlobalAvgPool,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
