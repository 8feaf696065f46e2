//! The project's own library, `nn` (this repository), as the `nn-core`
//! peer of the side-by-side benchmark in `shared/peers`.
//!
//! `bench/peers/run.sh` copies the harness, drops this file and
//! `nn_nets.rs` (the three networks) into the copy's `rust/src/`, points
//! the copy's `nn` dependency at this checkout and runs it.
//!
//! The three networks are declared with `nn::network!` (`nn_nets.rs`).
//! Training is `nn_nets::TrainBench`: nn's own `SoftmaxCrossEntropy`,
//! `train_step` and plain `Sgd` (lr = `LR`, no momentum, no weight decay). Networks, the
//! gradient buffer and the batch trace are built on the heap once, outside
//! the timed code; a timed iteration is exactly one batch-1 `forward` or
//! one `train_step` at batch 32.

use crate::harness::*;
use nn::{Network, Tensor};

#[path = "nn_nets.rs"]
mod nn_nets;
use nn_nets::{GruNet, LeNet, LstmNet, Mlp, TrainBench, BATCH};

// The harness's workload definition and ours agree.
const _: () = assert!(nn_nets::BATCH == crate::harness::BATCH);
const _: () = assert!(nn_nets::LR as f32 == crate::harness::LR);

pub const PEER: &str = "nn-core";
pub const VERSION: &str = "nn 0.1.0 (this checkout)";
/// W3 with `Gru(64)` in place of `Lstm(64)`, as a column of its own.
pub const PEER_GRU: &str = "nn-core-gru";

fn infer<N: Network<f32>>(peer: &str, w: Workload, seed: u64, rng: &mut Rng) {
    let net = N::new_boxed(seed);
    let mut x = <N::Input as Tensor<f32>>::ZEROS;
    x.flat_mut()
        .copy_from_slice(&rng.vec(<N::Input as Tensor<f32>>::LEN));
    let t = time_it(|| net.forward(std::hint::black_box(&x)));
    report(peer, VERSION, w, &t);
}

fn train<N: Network<f32>>(peer: &str, w: Workload, seed: u64, rng: &mut Rng) {
    let data = rng.vec(BATCH * <N::Input as Tensor<f32>>::LEN);
    let labels: [usize; BATCH] = rng.labels(BATCH).try_into().unwrap();
    let mut bench = TrainBench::<N>::new(seed, &data, labels);
    let first = bench.step();
    let t = time_it(|| bench.step());
    let last = bench.step();
    report_train(peer, VERSION, w, &t, first, last);
}

pub fn run(ws: &[Workload]) {
    let mut rng = Rng::new(2);
    for &w in ws {
        match w {
            Workload::MlpInfer => infer::<Mlp>(PEER, w, 1, &mut rng),
            Workload::MlpTrain => train::<Mlp>(PEER, w, 1, &mut rng),
            Workload::CnnInfer => infer::<LeNet>(PEER, w, 2, &mut rng),
            Workload::CnnTrain => train::<LeNet>(PEER, w, 2, &mut rng),
            Workload::LstmInfer => {
                infer::<LstmNet>(PEER, w, 3, &mut rng);
                infer::<GruNet>(PEER_GRU, w, 3, &mut rng);
            }
            Workload::LstmTrain => {
                train::<LstmNet>(PEER, w, 3, &mut rng);
                train::<GruNet>(PEER_GRU, w, 3, &mut rng);
            }
        }
    }
}
