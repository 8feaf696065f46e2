// Only the height does not fit: the message gives the width that would be.
nn::network! {
    struct Net {
        input: [3, 2, 9],
        conv: Conv2d(4, kernel = (3, 3), padding = (0, 1)),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
