//! The TinyML benchmarks' sine model: a 1-16-16-1 network (ReLU) learns
//! `sin(x)` on `[0, 2 pi)` from 1,000 noisy samples (noise 0.1), trained
//! with `Fit` (Adam, 3e-3, batches of 16, up to 500 epochs, a validation
//! split and early stopping after 100 epochs without improvement). The mean absolute error on 200 clean points must
//! be below 0.05. With `-- --save DIR` it writes `DIR/sine.nnw`, the
//! weights of the sine firmware (`embedded/src/bin/sine.rs`, data in
//! `embedded/data/`).
//!
//! Run: `cargo run --release --example sine`.

use nn::prelude::*;
use nn::train::{Dataset, EarlyStopping, Fit, Monitor};

#[path = "networks/sine.rs"]
mod networks;
use networks::Sine;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::seed(1);
    let two_pi = 2.0 * std::f64::consts::PI;
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..1000 {
        let v = rng.uniform() * two_pi;
        x.push([v as f32]);
        y.push([(v.sin() + 0.1 * rng.normal()) as f32]);
    }
    let data = Dataset::new(x, y)?;
    let mut net = Sine::<f32>::new(3);
    let mut adam = Adam::new(3e-3);
    let history = Fit::<f32, Sine<f32>, [f32; 1], 16>::new(500)
        .seed(2)
        .validation_split(0.2)
        .callback(
            EarlyStopping::new(Monitor::ValLoss)
                .patience(100)
                .restore_best_weights(),
        )
        .quiet()
        .run(&mut net, &mut adam, &Mse, &data)?;
    let mae: f64 = (0..200)
        .map(|i| {
            let v = two_pi * i as f64 / 200.0;
            (net.forward(&[v as f32])[0] as f64 - v.sin()).abs()
        })
        .sum::<f64>()
        / 200.0;
    println!(
        "{} epochs; mean absolute error on 200 clean points {mae:.4} (noise in training 0.1)",
        history.epochs.len()
    );
    let args: Vec<String> = std::env::args().collect();
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--save")
        .and_then(|i| args.get(i + 1))
    {
        let path = std::path::Path::new(dir).join("sine.nnw");
        nn::weights::save(&net, &path)?;
        println!("saved {}", path.display());
    }
    if mae >= 0.05 {
        return Err("FAILED: the network does not fit the sine".into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
