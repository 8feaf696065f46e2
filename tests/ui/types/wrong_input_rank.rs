nn::network! {
    struct Net {
        input: [2, 3],
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let net = Net::<f32>::new(0);
    let flat = [0.0f32; 6];
    let _ = net.forward(&flat);
}
