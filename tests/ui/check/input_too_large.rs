// 2^32 elements per sample: refused on the input, with its size.
nn::network! {
    struct Net {
        input: [65536, 65536],
        out: Dense(10),
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
