// Each foreign spelling gets one error with nn's spelling.
nn::network! {
    struct Net {
        input: [1, 8, 8],
        conv: Conv2d(filters = 4, kernel_size = 3),
        flat: Flatten,
        hidden: Dense(32, activation = relu),
        out: Dense(in_features = 144, out_features = 10),
    }
}

fn main() {
    // Used as in the README: the declaration's error is the only one.
    use nn::prelude::*;
    use nn::train::{Dataset, Trainer};
    print!("{}", Net::<f32>::SUMMARY);
    assert!(Net::<f32>::PARAMS > 0);
    let mut net = Net::<f32>::new_boxed(7);
    let x = [[[0.5f32; 8]; 8]; 1];
    let y = net.forward(&x);
    let data = Dataset::new(vec![x; 4], vec![y; 4]).unwrap();
    let mut trainer = Trainer::<f32, Net<f32>, 2>::new(7);
    trainer.epoch(&mut net, &mut Sgd::new(0.1), &Mse, &data).unwrap();
}
