nn::network! {
    struct Net {
        input: [1, 8, 8],
        flat: Flatten,
        conv: Conv2d(8, kernel = 3),
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
