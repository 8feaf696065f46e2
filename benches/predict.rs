//! `predict` over many samples on one thread and on two (issue 13's
//! "inference of many samples on all cores"): the W1 MLP over 4,096
//! samples and the W2 CNN over 512, throughput in samples. The outputs are
//! the same bits either way (`tests/parallel_predict.rs`). Run with
//! `cargo bench --bench predict`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nn::prelude::*;
use nn::Tensor;

#[path = "../bench/peers/nn_nets.rs"]
mod nn_nets;
use nn_nets::{LeNet, Mlp};

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

fn benches(c: &mut Criterion) {
    many::<Mlp>(c, "predict_mlp_4096", 4096);
    many::<LeNet>(c, "predict_cnn_512", 512);
}

criterion_group!(predict, benches);
criterion_main!(predict);
