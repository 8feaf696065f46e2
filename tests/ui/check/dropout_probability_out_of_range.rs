nn::network! {
    struct Net {
        input: [16],
        hidden: Dense(8),
        drop: Dropout(1.5),
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
