nn::network! {
    struct Net {
        input: [2, 2],
        flat: Flatten,
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
