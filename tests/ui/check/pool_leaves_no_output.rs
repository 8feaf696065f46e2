nn::network! {
    struct Net {
        input: [1, 8, 8],
        conv: Conv2d(4, kernel = 3, stride = 2),
        pool: MaxPool2d(4),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
