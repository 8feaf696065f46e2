// The stride of the first convolution leaves a 2x2 map; the second kernel
// does not fit it.
nn::network! {
    struct Net {
        input: [1, 8, 8],
        c1: Conv2d(4, kernel = 3, stride = 3),
        c2: Conv2d(4, kernel = 3),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
