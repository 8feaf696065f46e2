nn::network! {
    struct Net {
        input: [1, 4, 4],
        conv: Conv2d(8, kernel = 5),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
