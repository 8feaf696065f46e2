nn::network! {
    struct Net {
        input: [4, 16],
        pool: AvgPool2d(2),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
