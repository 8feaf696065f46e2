nn::network! {
    struct Net {
        input: [4],
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
