//! The 1cycle policy (Smith & Topin, 2017), two-phase with cosine
//! annealing as PyTorch and fastai:
//!
//! ```text
//! initial = max_lr / div_factor,   min = initial / final_div_factor
//! e1 = pct_start total_steps - 1,  e2 = total_steps - 1
//! anneal(a, b, p) = b + (a - b) (1 + cos(pi p)) / 2
//! lr_t = anneal(initial, max_lr, t / e1)                for t <= e1
//!      = anneal(max_lr, min, (t - e1) / (e2 - e1))      otherwise
//! ```
//!
//! Momentum (or Adam's `beta1`) cycles the other way, from
//! `max_momentum` down to `base_momentum` at the peak and back
//! ([`OneCycle::momentum`]).
//!
//! PyTorch: `torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr,
//! total_steps, pct_start=0.3, anneal_strategy="cos", cycle_momentum=True,
//! base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
//! final_div_factor=1e4, three_phase=False)`. Stepped per batch. Where
//! PyTorch raises an error (a step past `total_steps`, or a first phase
//! shorter than one step), this returns the final value of the phase.

use super::Schedule;

/// PyTorch's `OneCycleLR` (cosine, two phases).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OneCycle {
    /// Peak learning rate.
    pub max_lr: f64,
    /// Steps of the whole cycle (usually epochs times batches per epoch).
    pub total_steps: usize,
    /// Fraction of the cycle spent rising (PyTorch default 0.3).
    pub pct_start: f64,
    /// `initial = max_lr / div_factor` (PyTorch default 25).
    pub div_factor: f64,
    /// `min = initial / final_div_factor` (PyTorch default 1e4).
    pub final_div_factor: f64,
    /// Momentum at the peak learning rate (PyTorch default 0.85).
    pub base_momentum: f64,
    /// Momentum at the start and end (PyTorch default 0.95).
    pub max_momentum: f64,
}

impl OneCycle {
    /// A cycle of `total_steps` peaking at `max_lr`, with PyTorch's other
    /// defaults.
    pub const fn new(max_lr: f64, total_steps: usize) -> Self {
        Self {
            max_lr,
            total_steps,
            pct_start: 0.3,
            div_factor: 25.0,
            final_div_factor: 1e4,
            base_momentum: 0.85,
            max_momentum: 0.95,
        }
    }

    /// The learning rate at step 0.
    pub fn initial_lr(&self) -> f64 {
        self.max_lr / self.div_factor
    }

    /// The learning rate at the last step.
    pub fn min_lr(&self) -> f64 {
        self.initial_lr() / self.final_div_factor
    }

    /// The phase of `step`: `(first, fraction done)`.
    fn phase(&self, step: usize) -> (bool, f64) {
        let e1 = self.pct_start * self.total_steps as f64 - 1.0;
        let e2 = self.total_steps as f64 - 1.0;
        let t = (step as f64).min(e2);
        let pct = |start: f64, end: f64| {
            if end > start {
                (t - start) / (end - start)
            } else {
                1.0
            }
        };
        if t <= e1 {
            (true, pct(0.0, e1))
        } else {
            (false, pct(e1, e2))
        }
    }

    /// The momentum (or Adam `beta1`) PyTorch sets at `step`.
    pub fn momentum(&self, step: usize) -> f64 {
        match self.phase(step) {
            (true, p) => anneal(self.max_momentum, self.base_momentum, p),
            (false, p) => anneal(self.base_momentum, self.max_momentum, p),
        }
    }
}

/// Cosine from `start` (`pct = 0`) to `end` (`pct = 1`).
fn anneal(start: f64, end: f64, pct: f64) -> f64 {
    let cos_out = libm::cos(core::f64::consts::PI * pct) + 1.0;
    end + (start - end) / 2.0 * cos_out
}

impl Schedule for OneCycle {
    fn lr(&self, step: usize) -> f64 {
        match self.phase(step) {
            (true, p) => anneal(self.initial_lr(), self.max_lr, p),
            (false, p) => anneal(self.max_lr, self.min_lr(), p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::assert_lrs;

    #[test]
    fn golden() {
        // python3: PyTorch's OneCycleLR.get_lr transcribed (two phases,
        // end steps float(pct_start * total) - 1 and total - 1).
        let s = OneCycle::new(0.1, 100);
        let steps = [0, 1, 15, 29, 30, 50, 99];
        let lr = [
            0.0040000000000000036,
            0.004281378056590748,
            0.05459866761210004,
            0.1,
            0.09994965352845243,
            0.0793893450575732,
            4e-07,
        ];
        assert_lrs(&s, &steps, &lr);
        let mom = [
            0.95,
            0.9497068978577179,
            0.897293054570729,
            0.85,
            0.8500503466729342,
            0.8706107373853763,
            0.95,
        ];
        for (&t, &m) in steps.iter().zip(&mom) {
            assert!((s.momentum(t) - m).abs() < 1e-12, "step {t}");
        }
        // A fractional end of the first phase (0.3 * 7 - 1 = 1.1).
        let s = OneCycle::new(1.0, 7);
        let want = [
            0.040000000000000036,
            0.9805566273349586,
            0.9190443762697106,
            0.6726838364805451,
            0.35773877573965707,
            0.0992967918932656,
            4e-06,
        ];
        assert_lrs(&s, &[0, 1, 2, 3, 4, 5, 6], &want);
        // Past the end it stays at the final rate.
        assert_eq!(s.lr(7), s.min_lr());
    }

    #[test]
    fn degenerate_cycles_stay_finite() {
        for total in 0..4 {
            let s = OneCycle::new(1.0, total);
            for t in 0..5 {
                assert!(
                    s.lr(t).is_finite() && s.momentum(t).is_finite(),
                    "{total} {t}"
                );
            }
        }
    }
}
