// A malformed `input` is reported once, not also as a missing `input`.
nn::network! {
    struct Net {
        input: [2.5],
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
