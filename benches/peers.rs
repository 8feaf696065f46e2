//! Criterion benches of the three peer-benchmark workloads (see
//! `bench/peers/`, which runs the same networks inside the side-by-side
//! harness next to PyTorch, dfdx and candle):
//!
//! - `w1_mlp`: MLP 784-128-64-10,
//! - `w2_cnn`: LeNet-5-like CNN on 1x28x28,
//! - `w3_lstm`: LSTM 32 steps x 32 features, hidden 64, dense 64 -> 10,
//! - `w3_gru`: the same with `Gru(64)` in place of `Lstm(64)`,
//!
//! each as batch-1 inference and one plain-SGD training step at batch 32
//! (lr 0.01, softmax cross-entropy). Data are seeded. Throughput is in
//! samples. Run with `cargo bench --bench peers [-- w2]`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nn::{Network, Rng, Tensor};

#[path = "../bench/peers/nn_nets.rs"]
mod nn_nets;
use nn_nets::{GruNet, LeNet, LstmNet, Mlp, TrainBench, BATCH};

const CLASSES: usize = 10;

/// `n` values uniform in [-1, 1), seeded.
fn uniform(n: usize, rng: &mut Rng) -> Vec<f32> {
    (0..n).map(|_| rng.uniform_in(-1.0, 1.0) as f32).collect()
}

fn workload<N: Network<f32>>(c: &mut Criterion, name: &str, seed: u64) {
    let mut rng = Rng::seed(seed);
    let mut g = c.benchmark_group(name);
    let len = <N::Input as Tensor<f32>>::LEN;

    let net = N::new_boxed(seed);
    let mut x = <N::Input as Tensor<f32>>::ZEROS;
    x.flat_mut().copy_from_slice(&uniform(len, &mut rng));
    g.throughput(Throughput::Elements(1));
    g.bench_function("infer_b1", |b| b.iter(|| net.forward(black_box(&x))));

    let data = uniform(BATCH * len, &mut rng);
    let labels: [usize; BATCH] = core::array::from_fn(|_| rng.below(CLASSES));
    let mut bench = TrainBench::<N>::new(seed, &data, labels);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("train_b32", |b| b.iter(|| bench.step()));
    g.finish();
}

fn w1_mlp(c: &mut Criterion) {
    workload::<Mlp>(c, "w1_mlp", 1);
}

fn w2_cnn(c: &mut Criterion) {
    workload::<LeNet>(c, "w2_cnn", 2);
}

fn w3_lstm(c: &mut Criterion) {
    workload::<LstmNet>(c, "w3_lstm", 3);
}

fn w3_gru(c: &mut Criterion) {
    workload::<GruNet>(c, "w3_gru", 3);
}

criterion_group!(w1, w1_mlp);
criterion_group!(w2, w2_cnn);
criterion_group!(w3, w3_lstm, w3_gru);
criterion_main!(w1, w2, w3);
