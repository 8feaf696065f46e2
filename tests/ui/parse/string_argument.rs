nn::network! {
    struct Net {
        input: [4],
        out: Dense(2, init = "he_normal"),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
