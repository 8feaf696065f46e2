nn::network! {
    #[nn(weights = "digits.nnw")]
    struct Net {
        input: [64],
        hidden: Dense(32 | 64),
        out: Dense(10),
    }
}

fn main() {}
