nn::network! {
    struct Net {
        input: [2, 16],
        conv: Conv1d(0, kernel = 3),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
