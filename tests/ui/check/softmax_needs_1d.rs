nn::network! {
    struct Net {
        input: [2, 3, 4],
        probs: Softmax,
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
