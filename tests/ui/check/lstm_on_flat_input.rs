nn::network! {
    struct Net {
        input: [64],
        lstm: Lstm(32),
        out: Dense(10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
