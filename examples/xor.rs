//! A 2-2-1 network learns XOR with full-batch gradient descent.
//!
//! Run: `cargo run --release --example xor`. Exits non-zero if any of the
//! four outputs is on the wrong side of 0.5.

use nn::prelude::*;
use nn::step::{train_step, StepBuffers};

#[path = "networks/xor.rs"]
mod networks;
use networks::*;

fn main() {
    const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    const Y: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

    print!("{}", Xor::<f32>::SUMMARY);
    let mut net = Xor::<f32>::new(3);
    let mut grads = Xor::<f32>::zeroed();
    let mut trace = XorTrace::<f32, 4>::zeroed();
    let mut sgd = Sgd::new(0.5);
    let mut ctx = TrainCtx::seed(0);

    let mut loss = f32::NAN;
    for epoch in 0..4000 {
        let buffers = StepBuffers {
            grads: &mut grads,
            trace: &mut trace,
        };
        loss = match train_step(&mut net, buffers, &mut sgd, &Mse, &X, &Y, &mut ctx) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("epoch {epoch}: {e}");
                std::process::exit(1);
            }
        };
        if epoch % 500 == 0 {
            println!("epoch {epoch:4}  mse {loss:.5}");
        }
    }
    println!("final mse {loss:.5}");

    let mut ok = true;
    for (x, y) in X.iter().zip(&Y) {
        let p = net.forward(x)[0];
        let right = (p > 0.5) == (y[0] > 0.5);
        ok &= right;
        println!("{x:?} -> {p:.3} (want {})", y[0]);
    }
    if !ok {
        eprintln!("FAILED: the network did not learn XOR");
        std::process::exit(1);
    }
    println!("learned XOR");
}
