nn::network! {
    struct Net {
        input: [8, 4],
        tree: TreeLstm(16),
        out: Dense(2),
    }
}

nn::network! {
    struct Narrow {
        input: [8, 4],
        tree: TreeLstm(16, children = 4),
        out: Dense(2),
    }
}

nn::network! {
    struct Flat {
        input: [32],
        tree: TreeLstm(16, children = 2),
        out: Dense(2),
    }
}

fn main() {
    // Each declaration's mistake is its only error, however it is used.
    let _ = Net::<f32>::new(0);
    let _ = nn::Network::forward(&Narrow::<f32>::new(0), &[[0.0; 4]; 8]);
    let _ = Flat::<f32>::PARAMS;
}
