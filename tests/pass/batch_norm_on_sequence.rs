// BatchNorm after a recurrent sequence normalises each feature over the
// real steps (PyTorch's BatchNorm1d on packed data); it trains.
nn::network! {
    struct Net {
        input: [6, 1],
        gru: Gru(8, sequences = true),
        norm: BatchNorm,
        flat: Flatten,
        out: Dense(2),
    }
}

fn main() {
    use nn::prelude::*;
    assert!(Net::<f32>::SUMMARY.contains("BatchNorm(per feature)"));
    // gamma and beta of the 8 features.
    assert_eq!(Net::<f32>::PARAMS, 3 * 8 * (1 + 8 + 2) + 16 + 48 * 2 + 2);
    let mut net = Net::<f32>::new_boxed(7);
    let x = [[0.5f32; 1]; 6];
    let y = net.forward_with(&x, Side::len(3));
    let data = nn::train::Dataset::with_lengths(vec![x; 4], vec![y; 4], vec![6, 3, 1, 4]).unwrap();
    let mut trainer = nn::train::Trainer::<f32, Net<f32>, 2>::new(7);
    trainer.epoch(&mut net, &mut Sgd::new(0.1), &Mse, &data).unwrap();
}
