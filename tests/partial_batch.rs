//! The last, partial batch of an epoch: a batch of runtime size `n < B`
//! whose spare slots are `Side::PADDING` trains exactly as a batch of `n`
//! (loss, gradient, batch norm's statistics), and the trainer keeps it by
//! default, as PyTorch and Keras do. Also the raw step's refusals: a bad
//! learning rate, an update that overflows, an empty batch.

use nn::prelude::*;
use nn::step::{train_step_with, StepBuffers, StepError};
use nn::train::{Dataset, TrainError, Trainer};
use nn::{Side, TrainCtx};

nn::network! {
    /// Batch norm couples the samples of a batch: padding must not count.
    struct Normed {
        input: [3],
        hidden: Dense(4),
        norm: BatchNorm,
        act: Relu,
        out: Dense(2),
    }
}

nn::network! {
    /// Sequences of runtime length, with batch norm over their steps.
    struct Seq {
        input: [4, 2],
        lstm: Lstm(3, sequences = true),
        norm: BatchNorm,
        gru: Gru(3),
        out: Dense(1),
    }
}

fn inputs<const I: usize, const B: usize>(seed: u64) -> [[f64; I]; B] {
    let mut rng = nn::Rng::seed(seed);
    core::array::from_fn(|_| core::array::from_fn(|_| rng.uniform_in(-1.0, 1.0)))
}

/// One step on `n` real samples in a batch of 5 (the rest padding) and one
/// in a batch of exactly `n`: the same loss, weights and running stats.
fn padded_step_is_the_step_of_its_real_samples<N, L>(
    make: impl Fn() -> Box<N>,
    (x2, junk): ([N::Input; 2], [N::Input; 5]),
    sides: [Side; 2],
    loss: &L,
    targets: [L::Target; 2],
) where
    N: Network<f64>,
    L: nn::loss::Loss<f64, N::Output>,
{
    let mut x5 = junk;
    x5[..2].copy_from_slice(&x2);
    let sides5 = [
        sides[0],
        sides[1],
        Side::PADDING,
        Side::PADDING,
        Side::PADDING,
    ];
    let targets5 = [targets[0], targets[1], targets[1], targets[0], targets[1]];

    let (mut a, mut b) = (make(), make());
    let (mut ga, mut gb) = (N::zeroed_boxed(), N::zeroed_boxed());
    let (mut ta, mut tb) = (N::new_trace::<2>(), N::new_trace::<5>());
    let (mut oa, mut ob) = (Sgd::new(0.1), Sgd::new(0.1));
    let (mut ca, mut cb) = (TrainCtx::seed(1), TrainCtx::seed(1));
    let la = train_step_with(
        &mut *a,
        StepBuffers {
            grads: &mut ga,
            trace: &mut ta,
        },
        &mut oa,
        loss,
        &x2,
        &sides,
        &targets,
        &mut ca,
    )
    .unwrap();
    let lb = train_step_with(
        &mut *b,
        StepBuffers {
            grads: &mut gb,
            trace: &mut tb,
        },
        &mut ob,
        loss,
        &x5,
        &sides5,
        &targets5,
        &mut cb,
    )
    .unwrap();
    assert!((la - lb).abs() < 1e-14, "loss {la} against {lb}");
    for i in 0..N::TENSORS {
        for (p, q) in ga.tensor(i).iter().zip(gb.tensor(i)) {
            assert!(
                (p - q).abs() < 1e-14,
                "gradient of tensor {i}: {p} against {q}"
            );
        }
    }
    for i in 0..N::BUFFERS {
        assert_eq!(a.buffer(i), b.buffer(i), "buffer {i} (running statistics)");
    }
    assert!(ga.tensor(0).iter().any(|g| *g != 0.0));
}

#[test]
fn a_padded_batch_trains_as_the_batch_of_its_real_samples() {
    padded_step_is_the_step_of_its_real_samples::<Normed<f64>, _>(
        || Normed::new_boxed(7),
        (inputs(3), inputs(4)),
        [Side::WHOLE; 2],
        &SoftmaxCrossEntropy,
        [1, 0],
    );
}

#[test]
fn a_padded_batch_of_sequences_trains_as_the_batch_of_its_real_sequences() {
    let step = |x: [[f64; 8]; 2]| x.map(|x| core::array::from_fn(|t| [x[2 * t], x[2 * t + 1]]));
    let x2: [[f64; 8]; 2] = inputs(3);
    let junk: [[f64; 8]; 5] = inputs(4);
    let mut x5 = [[[0.0; 2]; 4]; 5];
    for (k, x) in junk.iter().enumerate() {
        x5[k] = step([*x, *x])[0];
    }
    padded_step_is_the_step_of_its_real_samples::<Seq<f64>, _>(
        || Seq::new_boxed(7),
        (step(x2), x5),
        [Side::len(3), Side::len(4)],
        &Mse,
        [[0.5], [-0.25]],
    );
}

fn data(n: usize) -> Dataset<[f64; 3], usize> {
    let x: Vec<[f64; 3]> = (0..n)
        .map(|i| [i as f64 / n as f64, 1.0 - i as f64 / n as f64, 0.5])
        .collect();
    let y = (0..n).map(|i| i % 2).collect();
    Dataset::new(x, y).unwrap()
}

#[test]
fn the_trainer_keeps_the_last_partial_batch_unless_told_to_drop_it() {
    let mut net = Normed::<f64>::new_boxed(2);
    let mut kept = Trainer::<f64, Normed<f64>, 4>::new(0);
    let stats = kept
        .epoch(
            &mut net,
            &mut Sgd::new(0.1),
            &SoftmaxCrossEntropy,
            &data(10),
        )
        .unwrap();
    assert_eq!(stats.steps, 3, "batches of 4, 4 and 2");
    let mut dropped = Trainer::<f64, Normed<f64>, 4>::new(0).drop_last(true);
    let stats = dropped
        .epoch(
            &mut net,
            &mut Sgd::new(0.1),
            &SoftmaxCrossEntropy,
            &data(10),
        )
        .unwrap();
    assert_eq!(stats.steps, 2, "batches of 4 and 4");

    // Fewer samples than one batch: one partial batch, or an error that
    // names the option when it is dropped.
    let stats = kept
        .epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data(3))
        .unwrap();
    assert_eq!(stats.steps, 1);
    let err = dropped
        .epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data(3))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the data set has 3 samples, fewer than one batch of 4, and the last partial batch is dropped (`drop_last`)"
    );
    let err = kept
        .epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the data set is empty; there is nothing to train on"
    );
    let err = Trainer::<f64, Normed<f64>, 0>::new(0)
        .epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data(3))
        .unwrap_err();
    assert!(matches!(err, TrainError::TooFewSamples { batch: 0, .. }));
    assert_eq!(
        err.to_string(),
        "the batch size is 0 (the data set has 3 samples); use a batch of at least 1"
    );
    assert!(net.all_finite());
}

nn::network! {
    /// No coupling between samples: each sample's loss is its own.
    struct Plain {
        input: [3],
        out: Dense(2),
    }
}

#[test]
fn the_epoch_loss_is_the_mean_over_samples_not_batches() {
    // A learning rate of 0 leaves the network as it is, so the epoch's
    // loss is the plain mean of the 10 per-sample losses; a mean over the
    // three batches (4, 4 and 2 samples) would weigh the last two double.
    let mut net = Plain::<f64>::new(5);
    let d = data(10);
    let stats = Trainer::<f64, Plain<f64>, 4>::new(0)
        .epoch(&mut net, &mut Sgd::new(0.0), &SoftmaxCrossEntropy, &d)
        .unwrap();
    let losses: Vec<f64> = d
        .x()
        .iter()
        .zip(d.y())
        .map(|(x, y)| SoftmaxCrossEntropy.loss(&net.forward(x), y))
        .collect();
    let mean = losses.iter().sum::<f64>() / 10.0;
    assert!(
        (stats.mean_loss - mean).abs() < 1e-12,
        "{} against {mean}",
        stats.mean_loss
    );
    assert_eq!(stats.steps, 3);
}

fn raw_step(net: &mut Normed<f64>, lr: f64, sides: &[Side; 4]) -> Result<f64, StepError> {
    let mut grads = Normed::<f64>::zeroed_boxed();
    let mut trace = Normed::<f64>::new_trace::<4>();
    let x: [[f64; 3]; 4] = inputs(9);
    train_step_with(
        net,
        StepBuffers {
            grads: &mut grads,
            trace: &mut trace,
        },
        &mut Sgd::new(lr),
        &SoftmaxCrossEntropy,
        &x,
        sides,
        &[0, 1, 1, 0],
        &mut TrainCtx::seed(0),
    )
}

#[test]
fn the_raw_step_refuses_a_bad_learning_rate_before_touching_the_weights() {
    let mut net = Normed::<f64>::new_boxed(3);
    let before = net.out.weight;
    for lr in [f64::INFINITY, f64::NAN, -0.1] {
        let err = raw_step(&mut net, lr, &[Side::WHOLE; 4]).unwrap_err();
        assert!(matches!(err, StepError::BadLearningRate { .. }), "{err}");
        assert_eq!(net.out.weight, before, "lr {lr}");
    }
    assert_eq!(
        raw_step(&mut net, f64::INFINITY, &[Side::WHOLE; 4])
            .unwrap_err()
            .to_string(),
        "the learning rate inf is not a finite number of at least 0; the weights were left as they were"
    );
}

#[test]
fn the_raw_step_reports_an_update_that_overflows_the_weights() {
    // Output biases near f32's largest value: equal logits, so class 0's
    // bias gets a gradient of -0.5 and 1e38 times that overflows it.
    let mut net = Normed::<f32>::new_boxed(3);
    net.out.bias = [3e38; 2];
    let mut grads = Normed::<f32>::zeroed_boxed();
    let mut trace = Normed::<f32>::new_trace::<4>();
    let x = [
        [3.0f32, -2.0, 1.0],
        [-1.0, 2.0, 0.5],
        [0.0, 1.0, -3.0],
        [2.0, 2.0, 2.0],
    ];
    let err = train_step_with(
        &mut *net,
        StepBuffers {
            grads: &mut grads,
            trace: &mut trace,
        },
        &mut Sgd::new(1e38),
        &SoftmaxCrossEntropy,
        &x,
        &[Side::WHOLE; 4],
        &[0; 4],
        &mut TrainCtx::seed(0),
    )
    .unwrap_err();
    assert!(matches!(err, StepError::NonFiniteWeights { .. }), "{err}");
    assert!(!net.all_finite());
}

#[test]
fn the_raw_step_refuses_a_batch_of_only_padding() {
    let mut net = Normed::<f64>::new_boxed(3);
    let before = net.out.weight;
    let err = raw_step(&mut net, 0.1, &[Side::PADDING; 4]).unwrap_err();
    assert_eq!(err, StepError::EmptyBatch);
    assert_eq!(net.out.weight, before);
}

#[test]
fn a_trainer_can_move_to_another_thread() {
    fn send<S: Send>(_: &S) {}
    let trainer = Trainer::<f64, Normed<f64>, 4>::new(0);
    send(&trainer);
    let handle = std::thread::spawn(move || {
        let mut trainer = trainer;
        let mut net = Normed::<f64>::new_boxed(2);
        trainer
            .epoch(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &data(6))
            .unwrap()
            .steps
    });
    assert_eq!(handle.join().unwrap(), 2);
}

#[test]
fn a_running_statistic_that_overflows_is_reported() {
    // Finite inputs of 1e20 give batch norm a variance of 1e40, past f32:
    // the loss and gradient stay finite, the running variance does not.
    let mut net = Normed::<f32>::new_boxed(3);
    let mut grads = Normed::<f32>::zeroed_boxed();
    let mut trace = Normed::<f32>::new_trace::<2>();
    let err = train_step_with(
        &mut *net,
        StepBuffers {
            grads: &mut grads,
            trace: &mut trace,
        },
        &mut Sgd::new(0.0),
        &SoftmaxCrossEntropy,
        &[[1e20, 1e20, 1e20], [-1e20, -1e20, -1e20]],
        &[Side::WHOLE; 2],
        &[0, 1],
        &mut TrainCtx::seed(0),
    )
    .unwrap_err();
    assert!(matches!(err, StepError::NonFiniteBuffer { .. }), "{err}");
}
