nn::network! {
    /// Noise as a flat vector: a transposed convolution needs an image.
    struct FlatNoise {
        input: [16],
        up: ConvTranspose2d(8, kernel = 4),
        out: Flatten,
    }
}

nn::network! {
    struct NoKernel {
        input: [16, 1, 1],
        up: ConvTranspose2d(8),
        flat: Flatten,
    }
}

nn::network! {
    struct TooMuchPadding {
        input: [4, 2, 2],
        up: ConvTranspose2d(8, kernel = 2, padding = 3),
        flat: Flatten,
    }
}

nn::network! {
    struct NoScale {
        input: [4, 2, 2],
        up: Upsample,
        flat: Flatten,
    }
}

fn main() {
    // Each declaration's mistake is its only error, however it is used.
    let _ = FlatNoise::<f32>::new(0);
    let _ = NoKernel::<f32>::PARAMS;
    let _ = nn::Network::forward(&TooMuchPadding::<f32>::new(0), &[[[0.0; 2]; 2]; 4]);
    let _ = NoScale::<f32>::SUMMARY;
}
