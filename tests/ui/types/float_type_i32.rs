// Networks compute in f32 or f64; an integer type is one error in the
// library's words.
nn::network! {
    struct Net {
        input: [4],
        out: Dense(2),
    }
}

fn main() {
    let net = Net::<i32>::new(0);
    let _ = net;
}
