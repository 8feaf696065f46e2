//! The project's own library, `nn` (this repository), as the `nn-core`
//! peer of the side-by-side benchmark in `shared/peers`.
//!
//! `bench/peers/run.sh` copies the harness, drops this file and
//! `nn_nets.rs` (the three networks) into the copy's `rust/src/`, points
//! the copy's `nn` dependency at this checkout and runs it.
//!
//! W1 and W2 are declared with `nn::network!`; W3 composes nn-core's
//! `Lstm` and `Dense` by hand (see `nn_nets.rs`) until `network!` has
//! `Lstm`. Training uses nn's own `SoftmaxCrossEntropy`, `train_step` and
//! plain `Sgd` (lr = `LR`, no momentum, no weight decay). Networks, the
//! gradient buffer and the batch trace are built on the heap once, outside
//! the timed code; a timed iteration is exactly one batch-1 `forward` or
//! one `train_step` at batch 32.

use crate::harness::*;
use nn::loss::SoftmaxCrossEntropy;
use nn::optim::Sgd;
use nn::step::{train_step, StepBuffers};
use nn::{Network, Tensor, TrainCtx};

#[path = "nn_nets.rs"]
mod nn_nets;
use nn_nets::{LeNet, LstmNet, Mlp};

pub const PEER: &str = "nn-core";
pub const VERSION: &str = "nn 0.1.0 (this checkout)";

/// Fill a network input (any nested array shape) from the harness's data.
fn input<N: Network<f32>>(data: &[f32]) -> N::Input {
    let mut x = <N::Input as Tensor<f32>>::ZEROS;
    x.flat_mut().copy_from_slice(data);
    x
}

/// A boxed batch of `BATCH` inputs from flat data.
fn batch<N: Network<f32>>(data: &[f32]) -> Box<[N::Input; BATCH]> {
    let mut xs: Box<[N::Input; BATCH]> = nn::boxed_zeroed();
    <N::Input as Tensor<f32>>::slice_flat_mut(&mut xs[..]).copy_from_slice(data);
    xs
}

fn infer<N: Network<f32>>(w: Workload, seed: u64, rng: &mut Rng) {
    let net = N::new_boxed(seed);
    let x = input::<N>(&rng.vec(<N::Input as Tensor<f32>>::LEN));
    let t = time_it(|| net.forward(std::hint::black_box(&x)));
    report(PEER, VERSION, w, &t);
}

fn train<N: Network<f32>>(w: Workload, seed: u64, rng: &mut Rng) {
    let mut net = N::new_boxed(seed);
    let mut grads = N::zeroed_boxed();
    let mut trace = N::new_trace::<BATCH>();
    let xs = batch::<N>(&rng.vec(BATCH * <N::Input as Tensor<f32>>::LEN));
    let labels: [usize; BATCH] = rng.labels(BATCH).try_into().unwrap();
    let mut sgd = Sgd::new(LR as f64);
    let mut ctx = TrainCtx::seed(seed);
    let mut step = || {
        train_step::<f32, N, _, _, BATCH>(
            &mut net,
            StepBuffers {
                grads: &mut grads,
                trace: &mut trace,
            },
            &mut sgd,
            &SoftmaxCrossEntropy,
            &xs,
            &labels,
            &mut ctx,
        )
        .expect("finite loss and gradients")
    };
    let first = step();
    let t = time_it(&mut step);
    let last = step();
    report_train(PEER, VERSION, w, &t, first, last);
}

pub fn run(ws: &[Workload]) {
    let mut rng = Rng::new(2);
    for &w in ws {
        match w {
            Workload::MlpInfer => infer::<Mlp>(w, 1, &mut rng),
            Workload::MlpTrain => train::<Mlp>(w, 1, &mut rng),
            Workload::CnnInfer => infer::<LeNet>(w, 2, &mut rng),
            Workload::CnnTrain => train::<LeNet>(w, 2, &mut rng),
            Workload::LstmInfer => infer::<LstmNet>(w, 3, &mut rng),
            Workload::LstmTrain => train::<LstmNet>(w, 3, &mut rng),
        }
    }
}
