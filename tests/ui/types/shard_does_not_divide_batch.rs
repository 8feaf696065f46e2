use nn::loss::SoftmaxCrossEntropy;
use nn::optim::Sgd;
use nn::prelude::*;
use nn::train::{Dataset, Trainer};

nn::network! {
    struct Net {
        input: [4],
        hidden: Dense(8),
        act: Relu,
        out: Dense(2),
    }
}

fn main() {
    let data = Dataset::new(vec![[0.0f32; 4]; 10], vec![0usize; 10]).unwrap();
    let mut net = Net::<f32>::new_boxed(1);
    // Batches of 10 in shards of 4: 4 does not divide 10.
    let mut trainer = Trainer::<f32, Net<f32>, 10, 4>::new(7);
    let _ = trainer.epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data);
}
