//! An MLP classifies 8x8 handwritten digits (UCI, as shipped by
//! scikit-learn; `data/digits.csv`).
//!
//! Five seeded, stratified 80/20 splits; for each: train with Adam
//! (PyTorch's defaults, learning rate 1e-3) in mini-batches of 32, print
//! the loss per epoch (first split) and the test accuracy; the mean test
//! accuracy over the splits must reach the target (PyTorch and
//! scikit-learn average 97.0-97.4% on such splits), or the program exits
//! non-zero.
//!
//! Run: `cargo run --release --example digits`.

#[path = "common/digits.rs"]
mod common;
#[path = "common/fit.rs"]
mod fit;
#[path = "networks/digits.rs"]
mod networks;
use networks::*;

const SPLITS: u64 = 5;
const EPOCHS: usize = 60;
const BATCH: usize = 32;
/// Mean test accuracy the example must reach.
const TARGET: f64 = 0.970;

fn main() {
    let data = match common::load_digits() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    print!("{}", Digits::<f32>::SUMMARY);
    println!(
        "{} samples, {} splits, {EPOCHS} epochs, batch {BATCH}",
        data.len(),
        SPLITS
    );

    let accuracies: Vec<f64> = (0..SPLITS)
        .map(|split| fit::classify_split::<Digits<f32>, BATCH>(&data, split, EPOCHS, 1e-3))
        .collect();
    fit::require_mean_accuracy(&accuracies, TARGET);
}
