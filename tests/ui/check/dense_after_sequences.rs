nn::network! {
    struct Net {
        input: [8, 8],
        lstm: Lstm(16, sequences = true),
        out: Dense(10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
