nn::network! {
    struct Net {
        input: [1, 8, 8],
        conv: Conv2d(4, kernel = 3),
        act: Relu,
        out: Dense(10),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
