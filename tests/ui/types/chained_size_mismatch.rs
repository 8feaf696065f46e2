nn::network! {
    struct Encoder {
        input: [8],
        code: Dense(3),
    }
}

nn::network! {
    struct Decoder {
        input: [4],
        out: Dense(8),
    }
}

fn main() {
    let enc = Encoder::<f32>::new(0);
    let dec = Decoder::<f32>::new(1);
    let code = enc.forward(&[0.0; 8]);
    let _ = dec.forward(&code);
}
