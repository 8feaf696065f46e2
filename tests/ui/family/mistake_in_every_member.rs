nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(16 | 32, activation = relu),
        out: Dense(2),
    }
}

fn main() {
    // A mistake that all members share is reported once, not per member.
    let _ = NetHidden16::<f32>::new(0);
    let _ = NetHidden32::<f32>::new(0);
}
