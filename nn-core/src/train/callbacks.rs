//! The callbacks a Keras user expects: [`EarlyStopping`] (with restoring
//! the best weights), [`ReduceLrOnPlateau`], [`LrScheduler`] (per batch or
//! per epoch), [`ModelCheckpoint`] (atomic weight files) and
//! [`CsvLogger`]. Defaults are Keras's.

use std::boxed::Box;
use std::path::PathBuf;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::schedule::Schedule;
use crate::{Float, Network};

use super::fitting::{BatchControl, Callback, EpochLog, FitState, Monitor};

/// Whether `now` improves on `best` by more than `min_delta` in the
/// direction that `higher` says is better.
fn improves(now: f64, best: Option<f64>, min_delta: f64, higher: bool) -> bool {
    match best {
        None => true,
        Some(b) if higher => now > b + min_delta,
        Some(b) => now < b - min_delta,
    }
}

/// Stops training when `monitor` has not improved by more than
/// `min_delta` for `patience` epochs; with
/// [`restore_best_weights`](Self::restore_best_weights), the network ends
/// with the weights (and buffers) of its best epoch. Keras's defaults:
/// patience 0, min delta 0, no restoring.
pub struct EarlyStopping<N> {
    monitor: Monitor,
    patience: usize,
    min_delta: f64,
    restore: bool,
    best: Option<f64>,
    best_epoch: usize,
    wait: usize,
    best_weights: Option<Box<N>>,
}

impl<N> EarlyStopping<N> {
    /// Watches `monitor`.
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            patience: 0,
            min_delta: 0.0,
            restore: false,
            best: None,
            best_epoch: 0,
            wait: 0,
            best_weights: None,
        }
    }
    /// Epochs without improvement before stopping.
    pub fn patience(mut self, epochs: usize) -> Self {
        self.patience = epochs;
        self
    }
    /// The smallest change that counts as an improvement.
    pub fn min_delta(mut self, delta: f64) -> Self {
        self.min_delta = delta.abs();
        self
    }
    /// Ends training with the best epoch's weights and buffers.
    pub fn restore_best_weights(mut self) -> Self {
        self.restore = true;
        self
    }
}

impl<T: Float, N: Network<T>> Callback<T, N> for EarlyStopping<N> {
    fn on_epoch_end(&mut self, log: &EpochLog, st: &mut FitState<'_, T, N>) {
        let Some(now) = log.get(&self.monitor) else {
            return;
        };
        let higher = (st.higher_is_better)(&self.monitor);
        if improves(now, self.best, self.min_delta, higher) {
            self.best = Some(now);
            self.best_epoch = log.epoch;
            self.wait = 0;
            if self.restore {
                let copy = self.best_weights.get_or_insert_with(N::zeroed_boxed);
                copy.copy_state_from(st.net);
            }
        } else {
            self.wait += 1;
            if self.wait > self.patience {
                st.stop = Some(std::format!(
                    "early stopping: {:?} last improved at epoch {}",
                    self.monitor,
                    self.best_epoch
                ));
            }
        }
    }

    fn on_train_end(&mut self, st: &mut FitState<'_, T, N>) {
        if let Some(best) = &self.best_weights {
            st.net.copy_state_from(best);
        }
    }
}

/// Multiplies the learning rate by `factor` when `monitor` has not
/// improved for `patience` epochs, down to `min_lr`, then waits
/// `cooldown` epochs. Keras's defaults: factor 0.1, patience 10, min
/// delta 1e-4, cooldown 0, min lr 0.
pub struct ReduceLrOnPlateau {
    monitor: Monitor,
    factor: f64,
    patience: usize,
    min_delta: f64,
    cooldown: usize,
    min_lr: f64,
    best: Option<f64>,
    wait: usize,
    cooling: usize,
}

impl ReduceLrOnPlateau {
    /// Watches `monitor`.
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            factor: 0.1,
            patience: 10,
            min_delta: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
            best: None,
            wait: 0,
            cooling: 0,
        }
    }
    /// The factor the rate is multiplied by (in (0, 1)).
    pub fn factor(mut self, f: f64) -> Self {
        self.factor = f;
        self
    }
    /// Epochs without improvement before reducing.
    pub fn patience(mut self, epochs: usize) -> Self {
        self.patience = epochs;
        self
    }
    /// Epochs to wait after a reduction.
    pub fn cooldown(mut self, epochs: usize) -> Self {
        self.cooldown = epochs;
        self
    }
    /// The smallest rate.
    pub fn min_lr(mut self, lr: f64) -> Self {
        self.min_lr = lr;
        self
    }
}

impl<T: Float, N: Network<T>> Callback<T, N> for ReduceLrOnPlateau {
    fn on_epoch_end(&mut self, log: &EpochLog, st: &mut FitState<'_, T, N>) {
        let Some(now) = log.get(&self.monitor) else {
            return;
        };
        let higher = (st.higher_is_better)(&self.monitor);
        if self.cooling > 0 {
            self.cooling -= 1;
            self.wait = 0;
        }
        if improves(now, self.best, self.min_delta, higher) {
            self.best = Some(now);
            self.wait = 0;
        } else if self.cooling == 0 {
            self.wait += 1;
            if self.wait >= self.patience {
                st.lr = (st.lr * self.factor).max(self.min_lr);
                self.cooling = self.cooldown;
                self.wait = 0;
            }
        }
    }
}

/// When an [`LrScheduler`] advances its schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// Before every step (step `k` counts the batches since the start).
    Batch,
    /// Before every epoch (step `k` is the epoch).
    Epoch,
}

/// Sets the learning rate from a [`Schedule`] before each batch or epoch.
pub struct LrScheduler<S> {
    schedule: S,
    every: Every,
    step: usize,
}

impl<S: Schedule> LrScheduler<S> {
    /// `schedule`, advanced every batch or every epoch.
    pub fn new(schedule: S, every: Every) -> Self {
        Self {
            schedule,
            every,
            step: 0,
        }
    }
}

impl<T: Float, N: Network<T>, S: Schedule> Callback<T, N> for LrScheduler<S> {
    fn on_train_begin(&mut self, st: &mut FitState<'_, T, N>) {
        st.lr = self.schedule.lr(0);
    }
    fn on_epoch_begin(&mut self, epoch: usize, st: &mut FitState<'_, T, N>) {
        if self.every == Every::Epoch {
            st.lr = self.schedule.lr(epoch);
        }
    }
    fn on_batch_end(&mut self, _epoch: usize, _batch: usize, _loss: f64, ctl: &mut BatchControl) {
        if self.every == Every::Batch {
            self.step += 1;
            ctl.lr = self.schedule.lr(self.step);
        }
    }
}

/// Saves the network's weights to `path` after every epoch, or with
/// [`best_only`](Self::best_only) when `monitor` improved; written
/// atomically (a crash leaves the previous file).
pub struct ModelCheckpoint {
    path: PathBuf,
    monitor: Monitor,
    best_only: bool,
    best: Option<f64>,
    /// The last save's error, if any (training goes on).
    pub error: Option<String>,
    /// Epochs saved.
    pub saved: Vec<usize>,
}

impl ModelCheckpoint {
    /// Saves to `path` after every epoch.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            monitor: Monitor::ValLoss,
            best_only: false,
            best: None,
            error: None,
            saved: Vec::new(),
        }
    }
    /// Saves only when `monitor` is better than at every save before.
    pub fn best_only(mut self, monitor: Monitor) -> Self {
        self.monitor = monitor;
        self.best_only = true;
        self
    }
}

impl<T: Float, N: Network<T>> Callback<T, N> for ModelCheckpoint {
    fn on_epoch_end(&mut self, log: &EpochLog, st: &mut FitState<'_, T, N>) {
        if self.best_only {
            let Some(now) = log.get(&self.monitor) else {
                return;
            };
            if !improves(now, self.best, 0.0, (st.higher_is_better)(&self.monitor)) {
                return;
            }
            self.best = Some(now);
        }
        match crate::weights::save::<T, N>(st.net, &self.path) {
            Ok(()) => self.saved.push(log.epoch),
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

/// Writes the history as CSV (`epoch,loss,val_loss,val_<metric>..,lr`)
/// after every epoch, atomically, so the file is always a complete table.
pub struct CsvLogger {
    path: PathBuf,
    /// The last write's error, if any (training goes on).
    pub error: Option<String>,
}

impl CsvLogger {
    /// Logs to `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            error: None,
        }
    }
}

impl<T: Float, N: Network<T>> Callback<T, N> for CsvLogger {
    fn on_epoch_end(&mut self, _log: &EpochLog, st: &mut FitState<'_, T, N>) {
        let Some(first) = st.history.epochs.first() else {
            return;
        };
        let mut out = String::from("epoch,loss");
        if first.val_loss.is_some() {
            out.push_str(",val_loss");
        }
        for (n, _) in &first.val_metrics {
            out.push_str(&std::format!(",val_{n}"));
        }
        out.push_str(",lr\n");
        for e in &st.history.epochs {
            out.push_str(&std::format!("{},{}", e.epoch, e.loss));
            if let Some(v) = e.val_loss {
                out.push_str(&std::format!(",{v}"));
            }
            for (_, v) in &e.val_metrics {
                out.push_str(&std::format!(",{v}"));
            }
            out.push_str(&std::format!(",{}\n", e.lr));
        }
        if let Err(e) = crate::weights::write_file_atomically(&self.path, out.as_bytes()) {
            self.error = Some(e.to_string());
        }
    }
}
