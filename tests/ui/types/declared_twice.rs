// The same network declared twice in one module: rustc's one error about
// the name, and nothing from the generated code.
nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
