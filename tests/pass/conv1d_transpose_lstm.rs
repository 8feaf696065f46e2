// The fix the checker gives for a Conv1d feeding an Lstm compiles, and
// Transpose turns channels into steps.
nn::network! {
    struct Net {
        input: [1, 32],
        conv: Conv1d(16, kernel = 3),
        steps: Transpose,
        lstm: Lstm(8),
        out: Dense(2),
    }
}

fn main() {
    assert_eq!(Net::<f32>::INPUT_SHAPE, &[1, 32]);
    let net = Net::<f32>::new(0);
    let y = net.forward(&[[0.5; 32]]);
    assert!(y.iter().all(|v| v.is_finite()));
    assert!(Net::<f32>::SUMMARY.contains("Transpose"));
}
