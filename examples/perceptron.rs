//! The perceptron rule on a single layer of step units: it learns AND and
//! OR (linearly separable) in a few epochs and never learns XOR, which a
//! network with one smooth hidden layer learns by backpropagation.
//!
//! Exits non-zero if any of the three expectations fails.
//!
//! Run: `cargo run --example perceptron`.

use nn::perceptron::{perceptron_epoch, train_perceptron};
use nn::prelude::*;
use nn::step::{train_step, StepBuffers};

#[path = "networks/perceptron.rs"]
mod networks;
use networks::*;

const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const AND: [[f32; 1]; 4] = [[0.0], [0.0], [0.0], [1.0]];
const OR: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [1.0]];
const XOR: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

/// Trains a fresh perceptron on `targets`; true if it converged and the
/// whole network (dense then step) reproduces the truth table.
fn perceptron(name: &str, targets: &[[f32; 1]; 4]) -> bool {
    let mut net = P::<f32>::zeroed();
    match train_perceptron(&mut net.out, &X, targets, 1.0, 100) {
        Ok(epochs) => {
            let table: Vec<f32> = X.iter().map(|x| net.forward(x)[0]).collect();
            let ok = X.iter().zip(targets).all(|(x, t)| net.forward(x) == *t);
            println!(
                "{name}: learned in {epochs} epochs, w = {:?}, b = {:?}, outputs {table:?}",
                net.out.weight[0], net.out.bias[0]
            );
            ok
        }
        Err(e) => {
            println!("{name}: {e}");
            false
        }
    }
}

fn main() {
    let mut ok = true;
    ok &= perceptron("AND", &AND);
    ok &= perceptron("OR", &OR);

    // XOR is not linearly separable: the rule cycles and never reaches an
    // error-free epoch.
    let mut net = P::<f32>::zeroed();
    let max_epochs = 1000;
    match train_perceptron(&mut net.out, &X, &XOR, 1.0, max_epochs) {
        Ok(epochs) => {
            println!("XOR: unexpectedly learned in {epochs} epochs");
            ok = false;
        }
        Err(e) => {
            let wrong = X
                .iter()
                .zip(&XOR)
                .filter(|(x, t)| net.forward(x) != **t)
                .count();
            println!(
                "XOR (perceptron): not learned in {} epochs; {} errors in the last epoch, {wrong} of 4 wrong at the end",
                e.epochs, e.errors
            );
            // One more epoch still has errors, whatever the weights.
            ok &= perceptron_epoch(&mut net.out, &X, &XOR, 1.0) > 0;
        }
    }

    // A hidden layer of smooth units, trained by backpropagation on the
    // full batch of 4 with Adam and binary cross-entropy on the logit.
    let mut mlp = Mlp::<f32>::new(0);
    let mut grads = Mlp::<f32>::zeroed();
    let mut trace = Mlp::<f32>::new_trace::<4>();
    let mut adam = Adam::new(0.05);
    let mut ctx = TrainCtx::seed(0);
    let mut loss = f32::NAN;
    let steps = 1000;
    for step in 0..steps {
        let buffers = StepBuffers {
            grads: &mut grads,
            trace: &mut *trace,
        };
        match train_step(
            &mut mlp,
            buffers,
            &mut adam,
            &BceWithLogits,
            &X,
            &XOR,
            &mut ctx,
        ) {
            Ok(l) => loss = l,
            Err(e) => {
                println!("XOR (backprop): step {step} failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let probs: Vec<f32> = X
        .iter()
        .map(|x| 1.0 / (1.0 + (-mlp.forward(x)[0]).exp()))
        .collect();
    let learned = X
        .iter()
        .zip(&XOR)
        .all(|(x, t)| (mlp.forward(x)[0] > 0.0) == (t[0] == 1.0));
    println!(
        "XOR (2-4-1 tanh, Adam, {steps} steps of batch 4): loss {loss:.5}, P(1) = {:.3?} -> {}",
        probs,
        if learned { "learned" } else { "NOT learned" }
    );
    ok &= learned && loss < 0.05;

    if !ok {
        println!("FAILED");
        std::process::exit(1);
    }
    println!("all expectations met");
}
