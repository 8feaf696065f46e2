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
//! Then the architecture: a family declared once, `hidden: Dense(16 | 32 |
//! 64 | 128)`, is four network types; a grid over the member and three
//! learning rates (12 trials) picks the best pair on the same validation
//! split, which must reach at least 95% accuracy.
//!
//! Run: `cargo run --release --example search`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits.rs"]
mod networks;
use networks::Digits;

use nn::family::{Member, VisitMembers};
use nn::prelude::*;
use nn::train::search::{self, Param, Space, Trial};
use nn::train::{Accuracy, Dataset, Fit, Model};

nn::network! {
    /// The digits MLP with its hidden width left open: four members,
    /// `WidthsHidden16` to `WidthsHidden128`.
    struct Widths {
        input: [64],
        hidden: Dense(16 | 32 | 64 | 128),
        act: Relu,
        logits: Dense(10),
    }
}

/// One trial of the architecture search: trains the member it is handed
/// at `lr` and keeps its validation error.
struct Score<'a> {
    lr: f64,
    fit_set: &'a Dataset<[f32; 64], usize>,
    val: &'a Dataset<[f32; 64], usize>,
    error: Result<f64, String>,
}

impl VisitMembers<f32, [f32; 64], [f32; 10]> for Score<'_> {
    fn visit<N: Network<f32, Input = [f32; 64], Output = [f32; 10]>>(&mut self, _: Member) {
        let mut net = N::new_boxed(0);
        let mut adam = Adam::<N>::boxed(self.lr);
        self.error = Fit::<f32, N, usize, 32>::new(10)
            .quiet()
            .run(&mut net, &mut *adam, &SoftmaxCrossEntropy, self.fit_set)
            .map(|_| 1.0 - net.score(&Accuracy, self.val))
            .map_err(|e| e.to_string());
    }
}

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

    let members = Widths::MEMBERS.len();
    let space = Space::new()
        .with(Param::Choice {
            name: "member",
            values: (0..members).map(|m| m as f64).collect(),
        })
        .with(Param::LogUniform {
            name: "lr",
            lo: 1e-3,
            hi: 1e-1,
        });
    let result = search::grid(&space, 3, |t: &Trial| {
        let mut score = Score {
            lr: t.get("lr"),
            fit_set: &fit_set,
            val: &val,
            error: Err("no member".into()),
        };
        Widths::visit(t.get("member") as usize, &mut score);
        score.error
    });
    println!(
        "\nArchitecture and learning rate, a grid of {} trials:",
        result.trials.len()
    );
    for m in Widths::MEMBERS {
        let best = result
            .trials
            .iter()
            .filter(|(t, _)| t.get("member") as usize == m.index)
            .filter_map(|(t, r)| r.as_ref().ok().map(|e| (t.get("lr"), *e)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((lr, e)) = best {
            println!(
                "  {:<16} ({}): best validation error {e:.4} at lr {lr:.0e}",
                m.name, m.choices
            );
        }
    }
    let (best, error) = result.best().ok_or("no architecture trial succeeded")?;
    let member = Widths::MEMBERS[best.get("member") as usize];
    println!(
        "best: {} at lr {:.0e}, validation accuracy {:.2}%",
        member.name,
        best.get("lr"),
        100.0 * (1.0 - error)
    );
    if error > 0.05 {
        return Err("FAILED: the best architecture is below 95% validation accuracy".into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
