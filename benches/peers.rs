//! Criterion benches of the three peer-benchmark workloads (see
//! `bench/peers/`, which runs the same networks inside the side-by-side
//! harness next to PyTorch, dfdx and candle):
//!
//! - `w1_mlp`: MLP 784-128-64-10,
//! - `w2_cnn`: LeNet-5-like CNN on 1x28x28,
//! - `w3_lstm`: LSTM 32 steps x 32 features, hidden 64, dense 64 -> 10,
//!
//! each as batch-1 inference and one plain-SGD training step at batch 32
//! (lr 0.01, softmax cross-entropy). Data are seeded. Throughput is in
//! samples. Run with `cargo bench --bench peers [-- w2]`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nn::loss::SoftmaxCrossEntropy;
use nn::optim::Sgd;
use nn::step::{train_step, StepBuffers};
use nn::{Network, Rng, Tensor, TrainCtx};

#[path = "../bench/peers/nn_nets.rs"]
mod nn_nets;
use nn_nets::{LeNet, LstmNet, Mlp};

const BATCH: usize = 32;
const LR: f64 = 0.01;
const CLASSES: usize = 10;

/// Uniform in [-1, 1), seeded.
fn fill(x: &mut [f32], rng: &mut Rng) {
    for v in x {
        *v = rng.uniform_in(-1.0, 1.0) as f32;
    }
}

fn workload<N: Network<f32>>(c: &mut Criterion, name: &str, seed: u64) {
    let mut rng = Rng::seed(seed);
    let mut g = c.benchmark_group(name);

    let net = N::new_boxed(seed);
    let mut x = <N::Input as Tensor<f32>>::ZEROS;
    fill(x.flat_mut(), &mut rng);
    g.throughput(Throughput::Elements(1));
    g.bench_function("infer_b1", |b| b.iter(|| net.forward(black_box(&x))));

    let mut net = N::new_boxed(seed);
    let mut grads = N::zeroed_boxed();
    let mut trace = N::new_trace::<BATCH>();
    let mut xs: Box<[N::Input; BATCH]> = nn::boxed_zeroed();
    fill(
        <N::Input as Tensor<f32>>::slice_flat_mut(&mut xs[..]),
        &mut rng,
    );
    let labels: [usize; BATCH] = core::array::from_fn(|_| rng.below(CLASSES));
    let mut sgd = Sgd::new(LR);
    let mut ctx = TrainCtx::seed(seed);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("train_b32", |b| {
        b.iter(|| {
            train_step::<f32, N, _, _, BATCH>(
                &mut net,
                StepBuffers {
                    grads: &mut grads,
                    trace: &mut trace,
                },
                &mut sgd,
                &SoftmaxCrossEntropy,
                black_box(&xs),
                &labels,
                &mut ctx,
            )
            .expect("finite loss")
        })
    });
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

criterion_group!(w1, w1_mlp);
criterion_group!(w2, w2_cnn);
criterion_group!(w3, w3_lstm);
criterion_main!(w1, w2, w3);
