nn::network! {
    /// 12 channels are not capsules of 8.
    struct Ragged {
        input: [1, 8, 8],
        conv: Conv2d(12, kernel = 3),
        primary: PrimaryCaps(8),
        digits: Routing(10, dim = 16),
    }
}

nn::network! {
    struct NoDim {
        input: [1, 8, 8],
        conv: Conv2d(16, kernel = 3),
        primary: PrimaryCaps(8),
        digits: Routing(10),
    }
}

nn::network! {
    /// Routing needs capsules, not a flat vector.
    struct Flat {
        input: [64],
        digits: Routing(10, dim = 16),
    }
}

fn main() {
    // Each declaration's mistake is its only error, however it is used.
    let _ = Ragged::<f32>::new(0);
    let _ = nn::Network::forward(&NoDim::<f32>::new(0), &[[[0.0; 8]; 8]; 1]);
    let _ = Flat::<f32>::PARAMS;
}
