// The first Lstm gives only its last state; the fix is on that layer.
nn::network! {
    struct Net {
        input: [6, 1],
        first: Lstm(16),
        second: Lstm(16),
        out: Dense(2),
    }
}

fn main() {
    // Used as in the README: the declaration's error is the only one.
    use nn::prelude::*;
    use nn::train::{Dataset, Trainer};
    print!("{}", Net::<f32>::SUMMARY);
    assert!(Net::<f32>::PARAMS > 0);
    let mut net = Net::<f32>::new_boxed(7);
    let x = [[0.5f32; 1]; 6];
    let y = net.forward(&x);
    let data = Dataset::new(vec![x; 4], vec![y; 4]).unwrap();
    let mut trainer = Trainer::<f32, Net<f32>, 2>::new(7);
    trainer.epoch(&mut net, &mut Sgd::new(0.1), &Mse, &data).unwrap();
}
