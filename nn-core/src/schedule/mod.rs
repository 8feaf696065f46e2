//! Learning-rate schedules and batch-size growth.
//!
//! A [`Schedule`] maps a step count to a learning rate. The step count is
//! PyTorch's `last_epoch`: the number of times the scheduler has been
//! stepped, starting at 0 for the first update. Whether a "step" is an
//! epoch or a batch is the caller's choice, as in PyTorch: the decays
//! ([`Step`], [`Exponential`], [`Cosine`]) are usually stepped per epoch,
//! [`OneCycle`] per batch, [`Warmup`] in the unit of the schedule it wraps.
//! Every schedule is a pure function of the step (the closed forms of
//! PyTorch's schedulers), so resuming needs only the step count.
//!
//! ```
//! use nn_core::schedule::{Cosine, Schedule, Warmup};
//! let s = Warmup::new(Cosine::new(0.1, 90, 0.0), 10);
//! assert_eq!(s.lr(10), 0.1);          // warm-up done: the cosine starts
//! assert!(s.lr(0) < s.lr(5));         // ramping up before that
//! ```
//!
//! Apply a learning rate with `opt.lr = s.lr(step)` (every optimizer has a
//! public `lr` field) or, in generic code, `Optimizer::set_learning_rate`.
//!
//! Batch size: [`linear_scaling`] scales a learning rate with the batch
//! size, and [`BatchGrowth`] grows the batch size over epochs instead of
//! decaying the learning rate. Since the batch size of a training step is
//! a const generic, a grown batch size is realised either by choosing among
//! a few compiled batch sizes ([`BatchGrowth::choose`]) or by accumulating
//! several micro-batches of one compiled size before each optimizer step
//! ([`micro_batches`], [`accumulate_gradients`]).

mod accumulate;
mod batch_growth;
mod constant;
mod cosine;
mod exponential;
mod linear_scaling;
mod one_cycle;
mod step;
mod warmup;

pub use accumulate::{accumulate_gradients, micro_batches};
pub use batch_growth::BatchGrowth;
pub use constant::Constant;
pub use cosine::Cosine;
pub use exponential::Exponential;
pub use linear_scaling::linear_scaling;
pub use one_cycle::OneCycle;
pub use step::Step;
pub use warmup::Warmup;

/// A learning rate as a function of the number of scheduler steps taken.
pub trait Schedule {
    /// The learning rate for step `step` (0 for the first update).
    fn lr(&self, step: usize) -> f64;
}

impl<S: Schedule + ?Sized> Schedule for &S {
    fn lr(&self, step: usize) -> f64 {
        (**self).lr(step)
    }
}

/// Asserts `|a_i - b_i| <= 1e-12 * max(1, |b_i|)` for schedule tests.
#[cfg(test)]
pub(crate) fn assert_lrs(s: &impl Schedule, steps: &[usize], want: &[f64]) {
    for (&t, &w) in steps.iter().zip(want) {
        let got = s.lr(t);
        assert!(
            (got - w).abs() <= 1e-12 * w.abs().max(1.0),
            "step {t}: {got} vs {w}"
        );
    }
}
