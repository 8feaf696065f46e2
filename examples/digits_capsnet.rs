//! A capsule network on the 8x8 digits (`data/digits.csv`), against the
//! digits CNN on the same three stratified 80/20 splits.
//!
//! The network (Sabour, Frosst and Hinton, 2017, scaled to 8x8): a 3x3
//! convolution to 32 channels and ReLU, a 3x3 convolution to 64 channels
//! read as 8 capsule channels of dimension 8 at 4x4 positions
//! (`PrimaryCaps(8)`: 128 squashed capsules), and dynamic routing by
//! agreement (3 iterations) to 10 digit capsules of 16 (`Routing`); a
//! digit's probability is its capsule's length. Trained with the margin
//! loss plus a reconstruction decoder (two dense layers) reading the
//! capsules masked to the true class, weighted 0.005
//! (`step::train_step_reconstructing`), Adam 1e-3, batch 32, 30 epochs.
//!
//! The property the course claims for capsules: trained on the original
//! digits only, how do the networks do on test digits each shifted by one
//! pixel (up, down, left or right, at random) and rotated by a random
//! angle of up to 15 degrees (bilinear, about the centre)? The example
//! prints both networks' accuracy on the clean and the transformed test
//! digits and asserts a mean clean accuracy of at least 98.5% for the
//! capsule network.
//!
//! Run: `cargo run --release --example digits_capsnet`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits_cnn.rs"]
mod networks;
#[path = "common/splits.rs"]
mod splits;

use std::time::Instant;

use networks::DigitsCnn;
use nn::loss::MarginLoss;
use nn::prelude::*;
use nn::step::{train_step_reconstructing, StepBuffers};
use nn::train::{Batches, Dataset};

const SPLITS: u64 = 3;
const EPOCHS: usize = 30;
const BATCH: usize = 32;
const RECONSTRUCTION: f64 = 0.005;
const TARGET: f64 = 0.985;

type Image = [[[f32; 8]; 8]; 1];

nn::network! {
    /// Digits as capsules: the longest of the 10 output capsules wins.
    struct CapsNet {
        input: [1, 8, 8],
        conv1: Conv2d(32, kernel = 3),
        act1: Relu,
        conv2: Conv2d(64, kernel = 3),
        primary: PrimaryCaps(8),
        digits: Routing(10, dim = 16),
    }
}

nn::network! {
    /// The true class's capsule back to the 64 pixels.
    struct Decoder {
        input: [160],
        hidden: Dense(128),
        act: Relu,
        out: Dense(64),
        pixels: Sigmoid,
    }
}

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

/// `x` shifted by `(dy, dx)` pixels and rotated by `angle` radians about
/// the centre, sampled bilinearly (zero outside).
fn transform(x: &Image, (dy, dx): (f64, f64), angle: f64) -> Image {
    let (s, c) = angle.sin_cos();
    let at = |i: isize, j: isize| -> f64 {
        if (0..8).contains(&i) && (0..8).contains(&j) {
            x[0][i as usize][j as usize] as f64
        } else {
            0.0
        }
    };
    [core::array::from_fn(|i| {
        core::array::from_fn(|j| {
            // The source of output pixel (i, j): undo the shift, then the
            // rotation about (3.5, 3.5).
            let (y, x) = (i as f64 - dy - 3.5, j as f64 - dx - 3.5);
            let (sy, sx) = (c * y + s * x + 3.5, -s * y + c * x + 3.5);
            let (y0, x0) = (sy.floor(), sx.floor());
            let (fy, fx) = (sy - y0, sx - x0);
            let (y0, x0) = (y0 as isize, x0 as isize);
            let v = at(y0, x0) * (1.0 - fy) * (1.0 - fx)
                + at(y0, x0 + 1) * (1.0 - fy) * fx
                + at(y0 + 1, x0) * fy * (1.0 - fx)
                + at(y0 + 1, x0 + 1) * fy * fx;
            v as f32
        })
    })]
}

fn transformed(test: &Dataset<Image, usize>, seed: u64) -> Vec<Image> {
    let mut rng = Rng::seed(seed);
    test.x()
        .iter()
        .map(|x| {
            let shift = [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)][rng.below(4)];
            let angle = rng.uniform_in(-15.0, 15.0).to_radians();
            transform(x, shift, angle)
        })
        .collect()
}

/// The class of the longest capsule.
fn predict(net: &CapsNet<f32>, x: &Image) -> usize {
    let v = net.forward(x);
    let len = |k: usize| v[k].iter().map(|x| x * x).sum::<f32>();
    (0..10)
        .max_by(|a, b| len(*a).total_cmp(&len(*b)))
        .unwrap_or(0)
}

fn accuracy(predict: impl Fn(&Image) -> usize, xs: &[Image], ys: &[usize]) -> f64 {
    let right = xs.iter().zip(ys).filter(|(x, y)| predict(x) == **y).count();
    right as f64 / xs.len() as f64
}

fn train_capsnet(
    train: &Dataset<Image, usize>,
    seed: u64,
) -> Result<Box<CapsNet<f32>>, nn::step::StepError> {
    let (mut net, mut dec) = (
        CapsNet::<f32>::new_boxed(seed),
        Decoder::<f32>::new_boxed(seed + 50),
    );
    let (mut g, mut dg) = (
        CapsNet::<f32>::zeroed_boxed(),
        Decoder::<f32>::zeroed_boxed(),
    );
    let (mut t, mut dt) = (
        CapsNet::<f32>::new_trace::<BATCH>(),
        Decoder::<f32>::new_trace::<BATCH>(),
    );
    let (mut adam, mut dec_adam) = (
        Adam::<CapsNet<f32>>::boxed(1e-3),
        Adam::<Decoder<f32>>::boxed(1e-3),
    );
    let mut inputs = nn::boxed_zeroed::<[Image; BATCH]>();
    let mut targets = [0usize; BATCH];
    let mut rng = Rng::seed(seed);
    let mut ctx = TrainCtx::seed(seed);
    let mut batches = Batches::new(train.len(), BATCH, &mut rng).drop_last(true);
    for _ in 0..EPOCHS {
        batches.reshuffle(train.len(), &mut rng);
        while let Some(idx) = batches.next_batch() {
            for (k, &i) in idx.iter().enumerate() {
                inputs[k] = train.x()[i];
                targets[k] = train.y()[i];
            }
            train_step_reconstructing(
                &mut *net,
                &mut *dec,
                StepBuffers {
                    grads: &mut g,
                    trace: &mut t,
                },
                StepBuffers {
                    grads: &mut dg,
                    trace: &mut dt,
                },
                &mut *adam,
                &mut *dec_adam,
                (&MarginLoss::default(), RECONSTRUCTION),
                &inputs,
                &targets,
                &mut ctx,
            )?;
        }
    }
    Ok(net)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let data = load()?;
    print!("{}", CapsNet::<f32>::SUMMARY);
    let mut rows = Vec::new();
    for split in 0..SPLITS {
        let t = Instant::now();
        let (cnn, test, cnn_clean, _) =
            splits::train_split::<DigitsCnn<f32>, BATCH>(&data, split, EPOCHS, 1e-3);
        let (train, _) = data.stratified_split(0.2, 100 + split, |c| *c)?;
        let caps = train_capsnet(&train, split)?;
        let moved = transformed(&test, 500 + split);
        let cnn_predict = |x: &Image| nn::train::argmax(&cnn.forward(x));
        let caps_predict = |x: &Image| predict(&caps, x);
        let row = (
            accuracy(caps_predict, test.x(), test.y()),
            cnn_clean,
            accuracy(caps_predict, &moved, test.y()),
            accuracy(cnn_predict, &moved, test.y()),
        );
        println!(
            "split {split}: clean test digits: capsules {:.2}%, CNN {:.2}%; shifted and rotated: capsules {:.2}%, CNN {:.2}% ({:.1} s)",
            100.0 * row.0,
            100.0 * row.1,
            100.0 * row.2,
            100.0 * row.3,
            t.elapsed().as_secs_f64()
        );
        rows.push(row);
    }
    let mean =
        |f: fn(&(f64, f64, f64, f64)) -> f64| rows.iter().map(f).sum::<f64>() / rows.len() as f64;
    let (caps, cnn, caps_moved, cnn_moved) =
        (mean(|r| r.0), mean(|r| r.1), mean(|r| r.2), mean(|r| r.3));
    println!(
        "mean over {SPLITS} splits: clean capsules {:.2}%, CNN {:.2}%; shifted and rotated: capsules {:.2}%, CNN {:.2}%; total time {:.1} s",
        100.0 * caps,
        100.0 * cnn,
        100.0 * caps_moved,
        100.0 * cnn_moved,
        start.elapsed().as_secs_f64()
    );
    if caps < TARGET {
        return Err(format!(
            "FAILED: the capsule network's mean clean accuracy {:.2}% is below {:.1}%",
            100.0 * caps,
            100.0 * TARGET
        )
        .into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
