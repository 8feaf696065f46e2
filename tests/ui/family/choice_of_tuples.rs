nn::network! {
    struct Net {
        input: [1, 8, 8],
        conv: Conv2d(4, kernel = (3, 3) | 5),
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {}
