nn::network! {
    #[nn(weights = "digits.nnw")]
    struct Net {
        input: [64],
        hidden: Dense(32 | 64),
        out: Dense(10),
    }
}

fn main() {
    // The members are still declared, so their use adds no error.
    let net = NetHidden32::<f32>::new(0);
    let _ = nn::Network::forward(&net, &[0.0; 64]);
}
