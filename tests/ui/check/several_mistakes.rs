// Every mistake is reported in one go, and none causes another: the
// unknown kind leaves the shape unknown, so `Dense(64 => 10)` after it is
// not compared with anything.
nn::network! {
    struct Net {
        input: [1, 8, 8],
        flat: Flatten,
        hidden: Dence(32),
        act: LeakyRelu(alpha = 0.1, slope = 2),
        hidden: Dense(64 => 10, bias = maybe),
        out: Softmax(1),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
