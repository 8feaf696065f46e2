//! One thread against two (issue 13's "training on all cores"):
//! - `predict` over many samples: the W1 MLP over 4,096 samples and the W2
//!   CNN over 512 (the same bits either way, `tests/parallel_predict.rs`);
//! - a plain-SGD training step at batch 64 split into two shards of 32
//!   (`DataParallel<f32, N, 64, 32>`) for W1, W2, W3 and W3 with a GRU
//!   (the same bits either way, `tests/data_parallel.rs`).
//!
//! Throughput in samples. Run with `cargo bench --bench threads`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nn::prelude::*;
use nn::Tensor;

#[path = "../bench/peers/nn_nets.rs"]
mod nn_nets;
use nn_nets::{GruNet, LeNet, LstmNet, Mlp};

fn many<N: Network<f32>>(c: &mut Criterion, name: &str, samples: usize) {
    let mut rng = Rng::seed(1);
    let net = N::new_boxed(2);
    let inputs: Vec<N::Input> = (0..samples)
        .map(|_| {
            let mut x = <N::Input as Tensor<f32>>::ZEROS;
            x.flat_mut()
                .iter_mut()
                .for_each(|v| *v = rng.uniform_in(-1.0, 1.0) as f32);
            x
        })
        .collect();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(samples as u64));
    for threads in [1, 2] {
        g.bench_function(format!("threads_{threads}"), |b| {
            nn::train::set_threads(threads);
            b.iter(|| net.predict(black_box(&inputs)))
        });
    }
    nn::train::set_threads(0);
    g.finish();
}

/// Batch and shard of the training steps.
const BATCH: usize = 64;
const SHARD: usize = 32;

fn train<N: Network<f32>>(c: &mut Criterion, name: &str) {
    let mut rng = Rng::seed(1);
    let mut net = N::new_boxed(2);
    let mut inputs: Box<[N::Input; BATCH]> = nn::boxed_zeroed();
    <N::Input as Tensor<f32>>::slice_flat_mut(&mut inputs[..])
        .iter_mut()
        .for_each(|v| *v = rng.uniform_in(-1.0, 1.0) as f32);
    let labels: [usize; BATCH] = core::array::from_fn(|i| (i * 7) % 10);
    let sides = [Side::WHOLE; BATCH];
    let mut step = nn::train::DataParallel::<f32, N, BATCH, SHARD>::new();
    let mut sgd = nn::optim::Sgd::new(nn_nets::LR);
    let mut ctx = TrainCtx::seed(3);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(BATCH as u64));
    for threads in [1, 2] {
        g.bench_function(format!("threads_{threads}"), |b| {
            nn::train::set_threads(threads);
            b.iter(|| {
                step.train_step_with(
                    &mut *net,
                    &mut sgd,
                    &nn::loss::SoftmaxCrossEntropy,
                    black_box(&inputs),
                    &sides,
                    &labels,
                    &mut ctx,
                )
                .expect("a finite step")
            })
        });
    }
    nn::train::set_threads(0);
    g.finish();
}

fn benches(c: &mut Criterion) {
    many::<Mlp>(c, "predict_mlp_4096", 4096);
    many::<LeNet>(c, "predict_cnn_512", 512);
    train::<Mlp>(c, "train_mlp_b64");
    train::<LeNet>(c, "train_cnn_b64");
    train::<LstmNet>(c, "train_lstm_b64");
    train::<GruNet>(c, "train_gru_b64");
}

criterion_group!(threads, benches);
criterion_main!(threads);
