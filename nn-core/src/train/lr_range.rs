//! The learning-rate range test (Smith, 2017; fastai's `lr_find`): one
//! optimizer step per batch, on a copy of the network, with rates that
//! grow geometrically from `start` to `end`; the loss against the rate
//! shows where training is fastest, and the test suggests a rate.

use std::vec::Vec;

use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::{Float, Network};

use super::fitting::{BatchControl, Callback};
use super::{Dataset, Fit};

/// What a range test recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct LrRangeTest {
    /// The rate of each step.
    pub rates: Vec<f64>,
    /// Each step's batch loss.
    pub losses: Vec<f64>,
    /// The losses smoothed (exponential moving average, bias-corrected,
    /// factor 0.98 as fastai).
    pub smoothed: Vec<f64>,
}

impl LrRangeTest {
    /// The rate where the smoothed loss falls fastest against the log of
    /// the rate (fastai's "steepest"), the slope taken over a window of a
    /// twentieth of the steps each side (single steps are mostly noise) and
    /// leaving out the first 10 and last 5 steps as fastai does; `None`
    /// with too few steps.
    pub fn steepest(&self) -> Option<f64> {
        let s = &self.smoothed;
        let k = (s.len() / 20).max(1);
        (10.max(k)..s.len().saturating_sub(5.max(k)))
            .map(|i| {
                let slope =
                    (s[i + k] - s[i - k]) / (self.rates[i + k].ln() - self.rates[i - k].ln());
                (i, slope)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| self.rates[i])
    }

    /// A tenth of the rate at the smallest smoothed loss (the other rule
    /// of thumb).
    pub fn min_over_10(&self) -> Option<f64> {
        let i = (0..self.smoothed.len())
            .min_by(|a, b| self.smoothed[*a].total_cmp(&self.smoothed[*b]))?;
        Some(self.rates[i] / 10.0)
    }
}

/// Records each step and raises the rate; stops once the smoothed loss
/// is 4 times its best or not finite, or after `steps`.
struct Sweep {
    start: f64,
    ratio: f64,
    steps: usize,
    step: usize,
    avg: f64,
    best: f64,
    out: LrRangeTest,
}

impl<T: Float, N: Network<T>> Callback<T, N> for Sweep {
    fn on_train_begin(&mut self, st: &mut super::FitState<'_, T, N>) {
        st.lr = self.start;
    }
    fn on_batch_end(&mut self, _epoch: usize, _batch: usize, loss: f64, ctl: &mut BatchControl) {
        let lr = ctl.lr;
        self.avg = 0.98 * self.avg + 0.02 * loss;
        let smooth = self.avg / (1.0 - 0.98f64.powi(self.step as i32 + 1));
        self.out.rates.push(lr);
        self.out.losses.push(loss);
        self.out.smoothed.push(smooth);
        self.best = self.best.min(smooth);
        self.step += 1;
        if self.step >= self.steps || !smooth.is_finite() || smooth > 4.0 * self.best {
            ctl.stop = Some("range test done".into());
        }
        ctl.lr = lr * self.ratio;
    }
}

/// Runs the range test on a copy of `net` (which is left as it is) with
/// `optimizer` (a fresh one), `steps` batches of `B` from `data`, rates
/// from `start` to `end`. Divergence ends the test; what was recorded is
/// returned.
pub fn lr_range_test<T, N, O, L, const B: usize>(
    net: &N,
    optimizer: &mut O,
    loss: &L,
    data: &Dataset<N::Input, L::Target>,
    (start, end): (f64, f64),
    steps: usize,
    seed: u64,
) -> LrRangeTest
where
    T: Float,
    N: Network<T>,
    O: Optimizer<T, N>,
    L: Loss<T, N::Output>,
    L::Target: Clone,
{
    let mut copy = N::zeroed_boxed();
    copy.copy_state_from(net);
    let steps = steps.max(2);
    let per_epoch = (data.len() / B.max(1)).max(1);
    let mut sweep = Sweep {
        start,
        ratio: (end / start).powf(1.0 / (steps - 1) as f64),
        steps,
        step: 0,
        avg: 0.0,
        best: f64::INFINITY,
        out: LrRangeTest {
            rates: Vec::new(),
            losses: Vec::new(),
            smoothed: Vec::new(),
        },
    };
    let _ = Fit::<T, N, L::Target, B>::new(steps.div_ceil(per_epoch))
        .seed(seed)
        .quiet()
        .callback(&mut sweep)
        .run(&mut copy, optimizer, loss, data);
    sweep.out
}
