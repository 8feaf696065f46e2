nn::network! {
    struct Net<T> {
        input: [4],
        out: Dense(2),
    }
}

fn main() {}
