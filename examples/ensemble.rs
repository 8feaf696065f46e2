//! Several networks averaged: five digits MLPs (`data/digits.csv`), the
//! same architecture from five seeds, trained with `Fit` on each of three
//! stratified 80/20 splits; their mean test accuracy against the
//! ensemble's, by soft voting (mean probabilities) and hard voting. Over
//! the splits, the soft-voting ensemble must beat the mean single network.
//!
//! Run: `cargo run --release --example ensemble`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits.rs"]
mod networks;
use networks::Digits;

use nn::prelude::*;
use nn::train::{accuracy, Accuracy, Ensemble, Fit, Model, Voting};

const MEMBERS: u64 = 5;
const EPOCHS: usize = 60;

const SPLITS: u64 = 3;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let data = common::load_digits()?;
    let (mut single_sum, mut soft_sum, mut hard_sum) = (0.0, 0.0, 0.0);
    for split in 0..SPLITS {
        let (train, test) = data.stratified_split(0.2, 100 + split, |c| *c)?;
        let mut members = Vec::new();
        let mut singles = Vec::new();
        for seed in 0..MEMBERS {
            let mut net = Digits::<f32>::new_boxed(seed);
            let mut adam = Adam::<Digits<f32>>::boxed(1e-3);
            Fit::<f32, Digits<f32>, usize, 32>::new(EPOCHS)
                .seed(seed)
                .quiet()
                .run(&mut net, &mut *adam, &SoftmaxCrossEntropy, &train)?;
            singles.push(net.score(&Accuracy, &test));
            members.push(net);
        }
        let mean = singles.iter().sum::<f64>() / singles.len() as f64;
        let ensemble = Ensemble::new(members);
        let vote = |v: Voting| {
            let predicted: Vec<usize> = test.x().iter().map(|x| ensemble.classify(x, v)).collect();
            accuracy(&predicted, test.y())
        };
        let (soft, hard) = (vote(Voting::Soft), vote(Voting::Hard));
        let each: Vec<String> = singles
            .iter()
            .map(|a| format!("{:.2}", a * 100.0))
            .collect();
        println!(
            "split {split}: networks {}%, mean {:.2}%; ensemble {:.2}% soft, {:.2}% hard",
            each.join(" "),
            mean * 100.0,
            soft * 100.0,
            hard * 100.0
        );
        single_sum += mean;
        soft_sum += soft;
        hard_sum += hard;
    }
    let n = SPLITS as f64;
    println!(
        "over {SPLITS} splits: mean single network {:.2}%, ensemble of {MEMBERS} {:.2}% soft voting, {:.2}% hard voting",
        single_sum / n * 100.0,
        soft_sum / n * 100.0,
        hard_sum / n * 100.0
    );
    if soft_sum <= single_sum {
        return Err("FAILED: the ensemble does not beat the mean single network".into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
