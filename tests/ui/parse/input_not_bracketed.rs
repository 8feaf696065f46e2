nn::network! {
    struct Net {
        input: 4,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
