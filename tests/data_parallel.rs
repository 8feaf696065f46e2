//! A training step split into shards across threads (`DataParallel`):
//! the same bits on any number of threads, one shard equal to
//! `train_step_with` to the bit, the gradient of the whole batch up to
//! rounding, batch norm's running statistics from shard 0, an update
//! split across threads equal to the optimizer's own step for each of
//! nn's optimizers, and errors that name the sample in the whole batch
//! with the weights untouched.

use std::sync::Mutex;

use nn::loss::SoftmaxCrossEntropy;
use nn::optim::{Adagrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RmsProp, Sgd};
use nn::prelude::*;
use nn::step::{forward_backward_with, train_step_with, StepBuffers, StepError};
use nn::train::{set_threads, DataParallel, Dataset, Trainer};

/// `set_threads` is global: the tests that change it take turns.
static THREADS: Mutex<()> = Mutex::new(());

nn::network! {
    pub struct Mlp {
        input: [12],
        hidden: Dense(16),
        act: Relu,
        drop: Dropout(0.25),
        out: Dense(4),
    }
}

nn::network! {
    pub struct Normed {
        input: [12],
        hidden: Dense(16),
        bn: BatchNorm,
        act: Relu,
        out: Dense(4),
    }
}

nn::network! {
    /// Wide enough (52k parameters) that the gradient sum and the update
    /// after the shards run in stretches on up to three threads.
    pub struct Wide {
        input: [12],
        hidden: Dense(3900),
        act: Tanh,
        out: Dense(1),
    }
}

nn::network! {
    /// Sequences of runtime length.
    pub struct Seq {
        input: [6, 3],
        gru: Gru(8),
        out: Dense(4),
    }
}

const B: usize = 12;

fn inputs<X: Tensor<f64>>(seed: u64) -> Box<[X; B]> {
    let mut rng = Rng::seed(seed);
    let mut xs: Box<[X; B]> = nn::boxed_zeroed();
    for v in X::slice_flat_mut(&mut xs[..]) {
        *v = rng.normal();
    }
    xs
}

fn labels() -> [usize; B] {
    core::array::from_fn(|i| (i * 7) % 4)
}

fn bits<N: Params<f64>>(net: &N) -> Vec<u64> {
    let tensors = (0..N::TENSORS).flat_map(|i| net.tensor(i).iter());
    let buffers = (0..N::BUFFERS).flat_map(|i| net.buffer(i).iter());
    tensors.chain(buffers).map(|v| v.to_bits()).collect()
}

/// Three Adam steps of `DataParallel<_, N, B, S>` on `threads` threads:
/// the parameters, buffers and losses, as bits.
fn three_steps<N: Network<f64, Output = [f64; 4]>, const S: usize>(
    threads: usize,
    sides: &[Side; B],
) -> (Vec<u64>, Vec<u64>) {
    set_threads(threads);
    let mut net = N::new_boxed(5);
    let mut step = DataParallel::<f64, N, B, S>::new();
    let mut adam = Adam::new(0.01);
    let mut ctx = TrainCtx::seed(9);
    let xs = inputs::<N::Input>(3);
    let losses = (0..3)
        .map(|_| {
            step.train_step_with(
                &mut *net,
                &mut adam,
                &SoftmaxCrossEntropy,
                &xs,
                sides,
                &labels(),
                &mut ctx,
            )
            .unwrap()
            .to_bits()
        })
        .collect();
    set_threads(0);
    (bits(&*net), losses)
}

/// A run on some number of threads: parameters and losses, as bits.
type Run = fn(usize) -> (Vec<u64>, Vec<u64>);

#[test]
fn a_step_is_the_same_bits_on_any_number_of_threads() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, Run); 4] = [
        ("dropout, 6 shards", |t| {
            three_steps::<Mlp<f64>, 2>(t, &[Side::WHOLE; B])
        }),
        ("dropout, 4 shards", |t| {
            three_steps::<Mlp<f64>, 3>(t, &[Side::WHOLE; B])
        }),
        ("batch norm, 3 shards", |t| {
            three_steps::<Normed<f64>, 4>(t, &[Side::WHOLE; B])
        }),
        ("lengths and padding, 4 shards", |t| {
            let lengths: [Side; B] = core::array::from_fn(|i| match i {
                4 | 11 => Side::PADDING,
                i => Side::len(1 + i % 6),
            });
            three_steps::<Seq<f64>, 3>(t, &lengths)
        }),
    ];
    for (name, run) in cases {
        let one = run(1);
        for t in [2, 3, 5, 8] {
            assert_eq!(run(t), one, "{name}: {t} threads against 1");
        }
    }
}

/// One shard is `train_step_with`, bit for bit, dropout included.
#[test]
fn one_shard_is_train_step_with() {
    let sides = [Side::WHOLE; B];
    let xs = inputs::<[f64; 12]>(4);
    let (mut a, mut b) = (Mlp::<f64>::new_boxed(1), Mlp::<f64>::new_boxed(1));
    let (mut ca, mut cb) = (TrainCtx::seed(2), TrainCtx::seed(2));
    let (mut sa, mut sb) = (Sgd::new(0.1), Sgd::new(0.1));
    let mut step = DataParallel::<f64, Mlp<f64>, B>::new();
    let mut grads = Mlp::<f64>::zeroed_boxed();
    let mut trace = Mlp::<f64>::new_trace::<B>();
    for _ in 0..3 {
        let la = step
            .train_step_with(
                &mut *a,
                &mut sa,
                &SoftmaxCrossEntropy,
                &xs,
                &sides,
                &labels(),
                &mut ca,
            )
            .unwrap();
        let buffers = StepBuffers {
            grads: &mut *grads,
            trace: &mut *trace,
        };
        let lb = train_step_with(
            &mut *b,
            buffers,
            &mut sb,
            &SoftmaxCrossEntropy,
            &xs,
            &sides,
            &labels(),
            &mut cb,
        )
        .unwrap();
        assert_eq!(la.to_bits(), lb.to_bits());
    }
    assert_eq!(bits(&*a), bits(&*b));
}

/// Without dropout or batch norm, shards give the whole batch's mean
/// loss and gradient up to rounding (the sums' order differs).
#[test]
fn shards_give_the_whole_batch_gradient() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    let sides: [Side; B] = core::array::from_fn(|i| {
        if i == 7 {
            Side::PADDING
        } else {
            Side::len(1 + i % 6)
        }
    });
    let xs = inputs::<[[f64; 3]; 6]>(6);
    let mut net = Seq::<f64>::new_boxed(2);
    let mut grads = Seq::<f64>::zeroed_boxed();
    let mut trace = Seq::<f64>::new_trace::<B>();
    let mut ctx = TrainCtx::seed(0);
    let whole = forward_backward_with(
        &mut *net,
        &mut grads,
        &mut trace,
        &SoftmaxCrossEntropy,
        &xs,
        &sides,
        &labels(),
        &mut ctx,
    )
    .unwrap();
    set_threads(2);
    let mut step = DataParallel::<f64, Seq<f64>, B, 3>::new();
    let sharded = step
        .forward_backward_with(
            &mut *net,
            &SoftmaxCrossEntropy,
            &xs,
            &sides,
            &labels(),
            &mut ctx,
        )
        .unwrap();
    set_threads(0);
    assert!((whole - sharded).abs() < 1e-14, "{whole} against {sharded}");
    let mut compared = 0;
    for i in 0..Seq::<f64>::TENSORS {
        for (a, b) in grads.tensor(i).iter().zip(step.grads().tensor(i)) {
            assert!(
                (a - b).abs() <= 1e-14 * (1.0 + a.abs()),
                "tensor {i}: {a} against {b}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, Seq::<f64>::PARAMS);
    assert!(step.grads().tensor(0).iter().any(|g| *g != 0.0));
}

/// Batch norm's running statistics move by shard 0 alone: the same as a
/// training pass over shard 0's samples.
#[test]
fn batch_norm_statistics_come_from_shard_0() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    let xs = inputs::<[f64; 12]>(8);
    let mut net = Normed::<f64>::new_boxed(3);
    let mut alone = Normed::<f64>::new_boxed(3);
    set_threads(2);
    let mut step = DataParallel::<f64, Normed<f64>, B, 4>::new();
    step.forward_backward_with(
        &mut *net,
        &SoftmaxCrossEntropy,
        &xs,
        &[Side::WHOLE; B],
        &labels(),
        &mut TrainCtx::seed(0),
    )
    .unwrap();
    set_threads(0);
    let first: &[[f64; 12]; 4] = xs[..4].try_into().unwrap();
    let mut trace = Normed::<f64>::new_trace::<4>();
    alone.forward_train(first, &mut trace, &mut TrainCtx::seed(0));
    const { assert!(Normed::<f64>::BUFFERS > 0) };
    assert_eq!(bits(&*net), bits(&*alone));
    assert_ne!(bits(&*net), bits(&*Normed::<f64>::new_boxed(3)));
}

/// A class out of range in sample 9 stops the step with that index (shard 3 of 4), on
/// any number of threads, and leaves the weights as they were.
#[test]
fn a_bad_sample_is_named_in_the_whole_batch() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    let xs = inputs::<[f64; 12]>(1);
    let mut bad = labels();
    bad[9] = 4;
    for t in [1, 2] {
        set_threads(t);
        let mut net = Mlp::<f64>::new_boxed(1);
        let before = bits(&*net);
        let mut step = DataParallel::<f64, Mlp<f64>, B, 3>::new();
        let err = step
            .train_step_with(
                &mut *net,
                &mut Sgd::new(0.1),
                &SoftmaxCrossEntropy,
                &xs,
                &[Side::WHOLE; B],
                &bad,
                &mut TrainCtx::seed(0),
            )
            .unwrap_err();
        assert_eq!(err, StepError::NonFiniteLoss { sample: 9 }, "{t} threads");
        assert_eq!(bits(&*net), before);
        let empty = step.train_step_with(
            &mut *net,
            &mut Sgd::new(0.1),
            &SoftmaxCrossEntropy,
            &xs,
            &[Side::PADDING; B],
            &labels(),
            &mut TrainCtx::seed(0),
        );
        assert_eq!(empty, Err(StepError::EmptyBatch));
    }
    set_threads(0);
}

/// A `Trainer` with shards trains to the same weights on one thread and
/// on two, and learns (the loss falls).
#[test]
fn a_sharded_trainer_is_the_same_on_one_and_two_threads() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = Rng::seed(4);
    let x: Vec<[f64; 12]> = (0..100)
        .map(|_| core::array::from_fn(|_| rng.normal()))
        .collect();
    let y: Vec<usize> = x
        .iter()
        .map(|r| usize::from(r[0] > 0.0) + 2 * usize::from(r[1] > 0.0))
        .collect();
    let data = Dataset::new(x, y).unwrap();
    let run = |threads: usize| {
        set_threads(threads);
        let mut net = Mlp::<f64>::new_boxed(7);
        let mut trainer = Trainer::<f64, Mlp<f64>, B, 4>::new(1);
        let mut adam = Adam::new(0.01);
        let losses: Vec<f64> = (0..8)
            .map(|_| {
                trainer
                    .epoch(&mut net, &mut adam, &SoftmaxCrossEntropy, &data)
                    .unwrap()
                    .mean_loss
            })
            .collect();
        set_threads(0);
        (bits(&*net), losses)
    };
    let (one, losses) = run(1);
    assert_eq!(run(2), (one, losses.clone()));
    assert!(losses[7] < 0.8 * losses[0], "{losses:?}");
}

/// For each of nn's optimizers, with weight decay: a sharded step on one,
/// two and three threads (the update in one, two and three stretches per
/// tensor) leaves the bits that the optimizer's own `step` leaves from
/// the same mean gradient.
#[test]
fn a_split_update_is_each_optimizers_own_step() {
    let _turn = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    const { assert!(Wide::<f64>::PARAMS > 3 * (1 << 14)) };
    let xs = inputs::<[f64; 12]>(8);
    let targets: [[f64; 1]; B] = core::array::from_fn(|i| [(i % 3) as f64 - 1.0]);
    let sides = [Side::WHOLE; B];
    fn run<O: Optimizer<f64, Wide<f64>>>(
        make: &dyn Fn() -> O,
        threads: usize,
        split: bool,
        xs: &[[f64; 12]; B],
        targets: &[[f64; 1]; B],
        sides: &[Side; B],
    ) -> Vec<u64> {
        set_threads(threads);
        let mut net = Wide::<f64>::new_boxed(3);
        let mut step = DataParallel::<f64, Wide<f64>, B, 6>::new();
        let (mut opt, mut ctx) = (make(), TrainCtx::seed(1));
        for _ in 0..3 {
            let loss = &nn::loss::Mse;
            if split {
                step.train_step_with(&mut *net, &mut opt, loss, xs, sides, targets, &mut ctx)
                    .unwrap();
            } else {
                step.forward_backward_with(&mut *net, loss, xs, sides, targets, &mut ctx)
                    .unwrap();
                opt.step(&mut net, step.grads());
            }
        }
        set_threads(0);
        bits(&*net)
    }
    fn check<O: Optimizer<f64, Wide<f64>>>(
        name: &str,
        make: &dyn Fn() -> O,
        (xs, targets, sides): (&[[f64; 12]; B], &[[f64; 1]; B], &[Side; B]),
    ) {
        let whole = run(make, 1, false, xs, targets, sides);
        assert_ne!(whole, bits(&*Wide::<f64>::new_boxed(3)), "{name} trains");
        for threads in [1, 2, 3] {
            let split = run(make, threads, true, xs, targets, sides);
            assert!(
                split == whole,
                "{name}: {threads} threads against the optimizer's step"
            );
        }
    }
    let data = (&*xs, &targets, &sides);
    check("SGD", &|| Sgd::new(0.05).with_weight_decay(0.01), data);
    check(
        "momentum",
        &|| Momentum::new(0.05, 0.9).with_weight_decay(0.01),
        data,
    );
    check(
        "Nesterov",
        &|| Nesterov::new(0.05, 0.9).with_weight_decay(0.01),
        data,
    );
    check("Adam", &|| Adam::new(0.01).with_weight_decay(0.01), data);
    check("AdamW", &|| AdamW::new(0.01), data);
    check(
        "RMSprop",
        &|| RmsProp::new(0.01).with_weight_decay(0.01),
        data,
    );
    check(
        "Adagrad",
        &|| Adagrad::new(0.05).with_weight_decay(0.01),
        data,
    );
}
