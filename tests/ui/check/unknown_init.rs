nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(8, init = he_normall),
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
