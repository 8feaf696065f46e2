// The layer after the missing comma is lost, and `out` is checked against
// an unknown shape: no follow-on error about `Dense(16 => 2)`.
nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(16) act: Relu,
        out: Dense(16 => 2),
    }
}

fn main() {
    let _ = Net::<f32>::new(0);
}
