// `#[cfg]` on the declaration applies to everything it generates.
nn::network! {
    #[cfg(feature = "no-such-feature")]
    struct Hidden {
        input: [4],
        out: Dense(2),
    }
}

nn::network! {
    #[cfg(not(feature = "no-such-feature"))]
    #[nn(trace = ShownTrace)]
    struct Shown {
        input: [4],
        out: Dense(2),
    }
}

fn main() {
    let net = Shown::<f32>::new(0);
    let _ = net.forward(&[0.0; 4]);
    let _ = ShownTrace::<f32, 4>::zeroed();
}
