//! Large networks build on the heap without touching the stack, and
//! training keeps the last good weights when it diverges.

use nn::prelude::*;
use nn::train::{Dataset, TrainError, Trainer};

nn::network! {
    /// 784-4096-4096-10: about 20 million parameters (80 MB as f32).
    struct Big {
        input: [784],
        h1: Dense(4096),
        a1: Relu,
        h2: Dense(4096),
        a2: Relu,
        out: Dense(10),
    }
}

#[test]
fn a_784_4096_4096_10_network_builds_boxed_in_a_debug_build() {
    // The test thread has a 2 MiB stack; the network is 40 times that.
    assert_eq!(
        Big::<f32>::PARAMS,
        784 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10
    );
    assert!(core::mem::size_of::<Big<f32>>() > 64 << 20);
    let net = Big::<f32>::new_boxed(1);
    // He uniform for layers feeding ReLU: bound sqrt(6 / 784).
    let bound = (6.0f32 / 784.0).sqrt();
    assert!(net.h1.weight[0].iter().all(|w| w.abs() <= bound));
    assert!(net.h1.weight[0].iter().any(|w| w.abs() > bound / 2.0));
    assert!(net.h1.bias.iter().all(|b| *b == 0.0));
    let y = net.forward(&[0.5; 784]);
    assert!(y.iter().all(|v| v.is_finite()));
    let grads = Big::<f32>::zeroed_boxed();
    assert_eq!(grads.out.weight[9][4095], 0.0);
}

nn::network! {
    struct Small {
        input: [2],
        hidden: Dense(3),
        act: Tanh,
        out: Dense(1),
    }
}

fn line_data(n: usize) -> Dataset<[f64; 2], [f64; 1]> {
    let x: Vec<[f64; 2]> = (0..n).map(|i| [i as f64 / n as f64, 1.0]).collect();
    let y = x.iter().map(|x| [2.0 * x[0] - 1.0]).collect();
    Dataset::new(x, y).unwrap()
}

#[test]
fn a_nan_in_the_data_stops_training_and_keeps_the_last_good_weights() {
    let mut net = Small::<f64>::new(2);
    let mut trainer = Trainer::<f64, Small<f64>, 4>::new(0);
    let mut sgd = Sgd::new(0.05);
    let good = line_data(16);
    trainer.epoch(&mut net, &mut sgd, &Mse, &good).unwrap();
    let after_epoch_0 = net.hidden.weight;

    let mut bad = line_data(16);
    bad.x_mut()[5][0] = f64::NAN;
    // Found before any step, by row (it would train a `Relu` on 0).
    let err = trainer.epoch(&mut net, &mut sgd, &Mse, &bad).unwrap_err();
    assert_eq!(err, TrainError::BadInput { row: 5, index: 0 });
    assert_eq!(
        err.to_string(),
        "row 5 of the data set has an input value that is not finite at index 0"
    );
    assert_eq!(net.hidden.weight, after_epoch_0);
}

#[test]
fn a_diverging_learning_rate_is_caught_and_rolled_back() {
    let mut net = Small::<f64>::new(2);
    let start = net.out.weight;
    let mut trainer = Trainer::<f64, Small<f64>, 4>::new(0);
    let mut sgd = Sgd::new(1e300);
    let err = trainer
        .epoch(&mut net, &mut sgd, &Mse, &line_data(16))
        .unwrap_err();
    assert!(
        matches!(err, TrainError::Diverged { epoch: 0, .. }),
        "{err}"
    );
    assert_eq!(net.out.weight, start);
    assert!(net.all_finite());
}

nn::network! {
    struct Wide {
        input: [2],
        out: Dense(8),
    }
}

#[test]
fn a_batch_of_32768_regression_targets_trains_on_a_2_mib_thread() {
    // The batch's targets alone are 32,768 x 64 bytes, the whole 2 MiB
    // stack: the trainer keeps them (and the inputs and side inputs) on
    // the heap.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut net = Wide::<f64>::new_boxed(2);
            let mut trainer = Trainer::<f64, Wide<f64>, 32_768>::new(0);
            let x: Vec<[f64; 2]> = (0..40_000).map(|i| [i as f64 / 4e4, 1.0]).collect();
            let y = x.iter().map(|x| [x[0]; 8]).collect();
            let data = Dataset::new(x, y).unwrap();
            let stats = trainer
                .epoch(&mut net, &mut Sgd::new(0.1), &Mse, &data)
                .unwrap();
            assert_eq!(stats.steps, 2, "a full batch and a partial one");
            assert!(stats.mean_loss.is_finite());
        })
        .unwrap()
        .join()
        .unwrap();
}
