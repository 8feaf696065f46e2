nn::network! {
    struct Net {
        input: [1, 8, 8],
        pool: AvgPool2d(2, stride = 0),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
