//! Hyperparameter search on digits (`data/digits.csv`): the learning rate
//! of the digits MLP (Adam, 10 epochs), on a log scale from 1e-5 to 1,
//! scored by the validation error on a stratified 80/20 split of the
//! training part (the test part is not used). With a budget of 8 trials,
//! random search and Bayesian optimisation (a Gaussian process with
//! expected improvement, 3 random trials first, the same 3 as the random
//! search's) each run from 7 seeds; the program prints one search's table
//! and counts the seeds where each search ends with the better rate (a
//! validation set of 288 digits makes many ties). The Bayesian search must
//! win more often than it loses.
//!
//! Run: `cargo run --release --example search`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits.rs"]
mod networks;
use networks::Digits;

use nn::prelude::*;
use nn::train::search::{self, Param, Space, Trial};
use nn::train::{Accuracy, Fit, Model};

const BUDGET: usize = 8;
const SEEDS: u64 = 7;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let data = common::load_digits()?;
    let (train, _test) = data.stratified_split(0.2, 100, |c| *c)?;
    let (fit_set, val) = train.stratified_split(0.2, 1, |c| *c)?;
    let space = Space::new().with(Param::LogUniform {
        name: "lr",
        lo: 1e-5,
        hi: 1.0,
    });
    // The validation error after 10 epochs at the trial's rate.
    let objective = |t: &Trial| -> Result<f64, String> {
        let mut net = Digits::<f32>::new_boxed(0);
        let mut adam = Adam::<Digits<f32>>::boxed(t.get("lr"));
        Fit::<f32, Digits<f32>, usize, 32>::new(10)
            .quiet()
            .run(&mut net, &mut *adam, &SoftmaxCrossEntropy, &fit_set)
            .map_err(|e| e.to_string())?;
        Ok(1.0 - net.score(&Accuracy, &val))
    };
    let (mut wins, mut losses) = (0, 0);
    for seed in 0..SEEDS {
        let r = search::random(&space, BUDGET, seed, objective);
        let b = search::bayesian(&space, BUDGET, 3, seed, objective);
        let (rt, rs) = r.best().ok_or("no random trial succeeded")?;
        let (bt, bs) = b.best().ok_or("no Bayesian trial succeeded")?;
        if seed == 0 {
            println!("Bayesian search, seed 0:\n{}", b.table());
        }
        println!(
            "seed {seed}: random best lr {:.2e} (validation error {:.4}), Bayesian best lr {:.2e} ({:.4})",
            rt.get("lr"),
            rs,
            bt.get("lr"),
            bs
        );
        wins += usize::from(bs < rs);
        losses += usize::from(rs < bs);
    }
    println!(
        "Bayesian optimisation found the better rate in {wins} of {SEEDS} searches, random search in {losses}, {} ties",
        SEEDS as usize - wins - losses
    );
    if wins <= losses {
        return Err(
            "FAILED: Bayesian optimisation did not beat random search more often than not".into(),
        );
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
