//! A small CNN classifies 8x8 handwritten digits (UCI, as shipped by
//! scikit-learn; `data/digits.csv`), with the image as `[1, 8, 8]`.
//!
//! Three seeded, stratified 80/20 splits; for each: train `DigitsCnn`
//! (conv 16@3x3, 2x2 max pool, dense 64, 10 logits) with Adam (PyTorch's
//! defaults, learning rate 1e-3) in mini-batches of 32 for 30 epochs and
//! print the test accuracy. The mean must reach 97.5% (PyTorch averages
//! 97.9% with this network and training), or the program exits non-zero.
//!
//! Then the batch-norm demonstration, on each split's training set: the
//! same network with and without `BatchNorm` (same seeds, same optimizer,
//! batches and everything else), and the number of epochs each needs
//! before its mean training loss over an epoch drops to a target. It
//! reports what it measures; nothing is asserted about it.
//!
//! Run: `cargo run --release --example digits_cnn`.

use std::time::Instant;

use nn::prelude::*;
use nn::train::Dataset;

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits_cnn.rs"]
mod networks;
#[path = "common/splits.rs"]
mod splits;
use networks::*;

/// One 8x8 grey image, one channel.
type Image = [[[f32; 8]; 8]; 1];

const SPLITS: u64 = 3;
const EPOCHS: usize = 30;
const BATCH: usize = 32;
/// Mean test accuracy the example must reach.
const TARGET: f64 = 0.975;
/// The training loss the batch-norm demonstration races to.
const LOSS_TARGET: f64 = 0.02;
/// Epochs the demonstration gives each network.
const RACE_EPOCHS: usize = 40;

/// The digits as one-channel 8x8 images.
fn load() -> Result<Dataset<Image, usize>, Box<dyn std::error::Error>> {
    let flat = common::load_digits()?;
    let x = flat
        .x()
        .iter()
        .map(|p| {
            [core::array::from_fn(|r| {
                core::array::from_fn(|c| p[r * 8 + c])
            })]
        })
        .collect();
    Ok(Dataset::new(x, flat.y().to_vec())?)
}

/// Trains `net` for up to `epochs` epochs; returns the mean training loss
/// of each epoch. `stop_below` ends training at the first epoch whose loss
/// is at most that. Exits the program if training diverges.
fn train<N: Network<f32, Input = Image, Output = [f32; 10]>>(
    net: &mut N,
    data: &Dataset<Image, usize>,
    seed: u64,
    epochs: usize,
    stop_below: f64,
) -> Vec<f64> {
    let mut opt = Adam::<N>::boxed(1e-3);
    splits::fit::<_, _, _, BATCH>(
        net,
        &mut *opt,
        &SoftmaxCrossEntropy,
        data,
        epochs,
        seed,
        stop_below,
    )
}

fn main() {
    let start = Instant::now();
    let data = match load() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    print!("{}", DigitsCnn::<f32>::SUMMARY);
    println!(
        "{} samples, {SPLITS} stratified 80/20 splits, {EPOCHS} epochs, batch {BATCH}, Adam 1e-3",
        data.len()
    );

    let accuracies: Vec<f64> = (0..SPLITS)
        .map(|split| splits::classify_split::<DigitsCnn<f32>, BATCH>(&data, split, EPOCHS, 1e-3))
        .collect();

    // The seed's advice is batch norm for CNN and feed-forward nets: how
    // many epochs does each version need to reach the training loss target?
    println!();
    print!("{}", DigitsCnnBn::<f32>::SUMMARY);
    println!(
        "batch norm: epochs until the mean training loss of an epoch is at most {LOSS_TARGET} \
         (at most {RACE_EPOCHS}; same split, seeds and training for both)"
    );
    let mut epochs_needed = [Vec::new(), Vec::new()];
    for split in 0..SPLITS {
        let (train_set, test) = data
            .stratified_split(0.2, 100 + split, |c| *c)
            .expect("0.2 is a fraction and every digit class has many samples");
        let mut plain = DigitsCnn::<f32>::new_boxed(split);
        let plain_losses = train(&mut *plain, &train_set, split, RACE_EPOCHS, LOSS_TARGET);
        let mut normed = DigitsCnnBn::<f32>::new_boxed(split);
        let normed_losses = train(&mut *normed, &train_set, split, RACE_EPOCHS, LOSS_TARGET);
        for (k, (name, losses, acc)) in [
            (
                "without BatchNorm",
                &plain_losses,
                splits::class_accuracy(&*plain, &test),
            ),
            (
                "with BatchNorm   ",
                &normed_losses,
                splits::class_accuracy(&*normed, &test),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let last = losses.last().copied().unwrap_or(f64::NAN);
            let reached = if last <= LOSS_TARGET {
                epochs_needed[k].push(losses.len() as f64);
                format!("{:2} epochs", losses.len())
            } else {
                format!("not within {RACE_EPOCHS} epochs")
            };
            let first = losses.first().copied().unwrap_or(f64::NAN);
            println!(
                "  split {split}, {name}: {reached} (loss after epoch 1 {first:.4}, at the end {last:.4}; test accuracy {:.2}%)",
                acc * 100.0
            );
        }
    }
    for (k, name) in ["without BatchNorm", "with BatchNorm   "]
        .iter()
        .enumerate()
    {
        let n = &epochs_needed[k];
        if n.len() as u64 == SPLITS {
            println!(
                "  {name}: {:.1} epochs on average",
                n.iter().sum::<f64>() / n.len() as f64
            );
        } else {
            println!(
                "  {name}: reached the target in {} of {SPLITS} splits",
                n.len()
            );
        }
    }
    println!("total time {:.1} s", start.elapsed().as_secs_f64());
    splits::require_mean_accuracy(&accuracies, TARGET);
}
