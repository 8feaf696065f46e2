nn::network! {
    struct Net {
        input: [8, 8],
        lstm: Lstm(16, initial = random, sequence = true),
        out: Dense(10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
