nn::network! {
    struct Net {
        hidden: Dense(8),
        out: Dense(2),
    }
}

fn main() {
    // Used as in the README (no training: the input shape itself is broken).
    use nn::prelude::*;
    print!("{}", Net::<f32>::SUMMARY);
    assert!(Net::<f32>::PARAMS > 0);
    let net = Net::<f32>::new_boxed(7);
    let _ = net.forward(&[0.5f32; 64]);
}
