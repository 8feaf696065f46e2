//! Several networks as one: [`Ensemble`] averages their class
//! probabilities (soft voting) or counts their votes (hard voting), as
//! scikit-learn's `VotingClassifier`, and averages regression outputs.

use std::boxed::Box;
use std::vec::Vec;

use crate::{Float, Network, Tensor};

/// How an [`Ensemble`] of classifiers combines its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voting {
    /// The mean of the members' softmax probabilities; the class is its
    /// largest entry.
    Soft,
    /// Each member votes for its largest output; ties go to the lower class.
    Hard,
}

/// Networks of one type trained apart (different seeds), used together.
pub struct Ensemble<N> {
    /// The members.
    pub members: Vec<Box<N>>,
}

impl<N> Ensemble<N> {
    /// The ensemble of `members`.
    pub fn new(members: Vec<Box<N>>) -> Self {
        Self { members }
    }
}

impl<N> Ensemble<N> {
    /// The mean of the members' outputs (a regression's prediction).
    pub fn mean_output<T: Float>(&self, x: &N::Input) -> N::Output
    where
        N: Network<T>,
    {
        let mut out = <N::Output as Tensor<T>>::ZEROS;
        let n = T::cast(self.members.len().max(1) as f64);
        for m in &self.members {
            let y = m.forward(x);
            for (o, v) in out.flat_mut().iter_mut().zip(y.flat()) {
                *o += *v / n;
            }
        }
        out
    }

    /// The class of `x` (outputs are logits).
    pub fn classify<T: Float>(&self, x: &N::Input, voting: Voting) -> usize
    where
        N: Network<T>,
    {
        let k = <N::Output as Tensor<T>>::LEN;
        let mut score = std::vec![0f64; k];
        for m in &self.members {
            let y = m.forward(x);
            let z = y.flat();
            match voting {
                Voting::Hard => score[super::argmax(z)] += 1.0,
                Voting::Soft => {
                    let top = z.iter().fold(f64::NEG_INFINITY, |a, v| a.max(v.as_f64()));
                    let e: Vec<f64> = z.iter().map(|v| (v.as_f64() - top).exp()).collect();
                    let s: f64 = e.iter().sum();
                    for (sc, e) in score.iter_mut().zip(&e) {
                        *sc += e / s;
                    }
                }
            }
        }
        super::argmax(&score)
    }
}
