nn::network! {
    struct Net {
        input: [2, 4],
        conv: Conv1d(3, kernel = 7, padding = 1),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
