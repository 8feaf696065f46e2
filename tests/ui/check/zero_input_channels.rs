nn::network! {
    struct Net {
        input: [0, 8, 8],
        conv: Conv2d(4, kernel = 3),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
