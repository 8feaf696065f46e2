nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(8),
        act: Relu,
        out: Dense(2),
    }
}

fn main() {
    let net = Net::<f32>::new(0);
    let x = [0.5f32; 3];
    let _ = net.forward(&x);
}
