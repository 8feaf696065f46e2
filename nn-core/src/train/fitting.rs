//! [`Fit`]: Keras's `model.fit` for any network `network!` generates.
//! Epochs of shuffled batches (the [`Trainer`]), validation data or a
//! validation split, metrics, callbacks with hooks per batch and per epoch
//! that can stop training and set the learning rate, a progress bar, and
//! a [`History`] of every epoch.
//!
//! On divergence the network's weights and buffers and the optimizer's
//! whole state (moments, step count, learning rate) are those of the end
//! of the last complete epoch, and the error names the epoch and batch.

use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::{Float, Network};

use super::{Dataset, TrainError, Trainer};

/// A score computed over a data set from the network's outputs and the
/// targets (validation accuracy, R², ...).
pub trait Metric<T: Float, O, Y> {
    /// The column name in the history, the progress bar and logs.
    fn name(&self) -> &'static str;
    /// Whether larger is better (accuracy) or smaller (errors); early
    /// stopping and checkpoints on this metric follow it.
    fn higher_is_better(&self) -> bool;
    /// The score of `outputs` against `targets` (the same length).
    fn score(&self, outputs: &[O], targets: &[Y]) -> f64;
}

/// What a [`History`] holds for one epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochLog {
    /// 0-based epoch.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches.
    pub loss: f64,
    /// Mean loss on the validation data, if any.
    pub val_loss: Option<f64>,
    /// Each metric on the validation data (name, value), if any.
    pub val_metrics: Vec<(&'static str, f64)>,
    /// The learning rate at the end of the epoch.
    pub lr: f64,
}

impl EpochLog {
    /// The value `monitor` watches, if this epoch has it.
    pub fn get(&self, monitor: &Monitor) -> Option<f64> {
        match monitor {
            Monitor::Loss => Some(self.loss),
            Monitor::ValLoss => self.val_loss,
            Monitor::ValMetric(name) => self
                .val_metrics
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v),
        }
    }
}

/// Per-epoch training and validation loss and metrics, as Keras's
/// `History`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One entry per completed epoch, in order.
    pub epochs: Vec<EpochLog>,
    /// Set when a callback stopped training (its reason).
    pub stopped_by: Option<String>,
}

impl History {
    /// The training losses, per epoch.
    pub fn loss(&self) -> Vec<f64> {
        self.epochs.iter().map(|e| e.loss).collect()
    }

    /// The validation losses, per epoch (empty without validation data).
    pub fn val_loss(&self) -> Vec<f64> {
        self.epochs.iter().filter_map(|e| e.val_loss).collect()
    }

    /// The validation values of metric `name`, per epoch.
    pub fn val_metric(&self, name: &str) -> Vec<f64> {
        self.epochs
            .iter()
            .filter_map(|e| {
                e.val_metrics
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| *v)
            })
            .collect()
    }

    /// The epoch where `monitor` was best (smallest, or largest for a
    /// metric where higher is better), and its log.
    pub fn best(&self, monitor: &Monitor, higher_is_better: bool) -> Option<&EpochLog> {
        let key = |e: &&EpochLog| e.get(monitor);
        let mut best: Option<&EpochLog> = None;
        for e in &self.epochs {
            let Some(v) = key(&e) else { continue };
            let better = match best.and_then(|b| b.get(monitor)) {
                None => true,
                Some(b) if higher_is_better => v > b,
                Some(b) => v < b,
            };
            if better {
                best = Some(e);
            }
        }
        best
    }
}

/// The course's bias/variance reading of a training run (Andrew Ng's):
/// the avoidable bias is the training error above what is achievable
/// (a baseline: human-level or the best known), the variance is the
/// validation error above the training error; the larger one says what to
/// work on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BiasVariance {
    /// The training error of the last epoch.
    pub train: f64,
    /// The validation error of the last epoch.
    pub validation: f64,
    /// `train - baseline`.
    pub avoidable_bias: f64,
    /// `validation - train`.
    pub variance: f64,
    /// What it means.
    pub reading: Reading,
}

/// What a [`BiasVariance`] says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// High bias: a bigger network, longer training, a better optimizer.
    Underfit,
    /// High variance: more data, regularisation, early stopping, a smaller
    /// network.
    Overfit,
    /// Both within the tolerance.
    Fine,
}

impl core::fmt::Display for BiasVariance {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let advice = match self.reading {
            Reading::Underfit => "underfit (high bias): try a bigger network, more epochs or another optimizer",
            Reading::Overfit => "overfit (high variance): try more data, regularisation, dropout, early stopping or a smaller network",
            Reading::Fine => "fine: both gaps are within the tolerance",
        };
        write!(
            f,
            "training error {:.4}, validation error {:.4}; avoidable bias {:.4}, variance {:.4}: {advice}",
            self.train, self.validation, self.avoidable_bias, self.variance
        )
    }
}

impl History {
    /// The bias/variance reading of the last epoch, with errors from
    /// `error` (the losses: `|e| (e.loss, e.val_loss)`; or one minus an
    /// accuracy), against `baseline` (the achievable error) and
    /// `tolerance` (gaps below it are fine). `None` without validation.
    pub fn bias_variance(
        &self,
        error: impl Fn(&EpochLog) -> (f64, Option<f64>),
        baseline: f64,
        tolerance: f64,
    ) -> Option<BiasVariance> {
        let (train, validation) = error(self.epochs.last()?);
        let validation = validation?;
        let (bias, variance) = (train - baseline, validation - train);
        let reading = if bias <= tolerance && variance <= tolerance {
            Reading::Fine
        } else if bias >= variance {
            Reading::Underfit
        } else {
            Reading::Overfit
        };
        Some(BiasVariance {
            train,
            validation,
            avoidable_bias: bias,
            variance,
            reading,
        })
    }
}

/// What a callback watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Monitor {
    /// The training loss.
    Loss,
    /// The validation loss.
    ValLoss,
    /// A validation metric, by name (`"accuracy"`).
    ValMetric(&'static str),
}

/// What callbacks see and may change.
pub struct FitState<'a, T: Float, N> {
    /// The network being trained.
    pub net: &'a mut N,
    /// The learning rate; a callback that changes it changes the
    /// optimizer's (applied after the hook).
    pub lr: f64,
    /// The epochs so far.
    pub history: &'a History,
    /// Whether the metric a callback watches is better when larger
    /// (looked up from the metrics given to [`Fit`]).
    pub higher_is_better: &'a dyn Fn(&Monitor) -> bool,
    /// Set to a reason to stop training after this hook.
    pub stop: Option<String>,
    _t: core::marker::PhantomData<T>,
}

/// What a per-batch hook may change: the learning rate of the next step,
/// and stopping (after this batch; the epoch counts as complete).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchControl {
    /// The learning rate for the next step.
    pub lr: f64,
    /// Set to a reason to stop training after this batch.
    pub stop: Option<String>,
}

/// A hook into training, as Keras's callbacks: every method has a default
/// that does nothing.
pub trait Callback<T: Float, N: Network<T>> {
    /// Before the first epoch.
    fn on_train_begin(&mut self, state: &mut FitState<'_, T, N>) {
        let _ = state;
    }
    /// Before each epoch.
    fn on_epoch_begin(&mut self, epoch: usize, state: &mut FitState<'_, T, N>) {
        let _ = (epoch, state);
    }
    /// After each batch's step of epoch `epoch`, with its loss. The
    /// network is in the middle of its step and not lent out here.
    fn on_batch_end(&mut self, epoch: usize, batch: usize, loss: f64, ctl: &mut BatchControl) {
        let _ = (epoch, batch, loss, ctl);
    }
    /// After each epoch, with its log (also the last entry of
    /// `state.history`).
    fn on_epoch_end(&mut self, log: &EpochLog, state: &mut FitState<'_, T, N>) {
        let _ = (log, state);
    }
    /// After the last epoch (also when a callback stopped training).
    fn on_train_end(&mut self, state: &mut FitState<'_, T, N>) {
        let _ = state;
    }
}

impl<T: Float, N: Network<T>, C: Callback<T, N> + ?Sized> Callback<T, N> for &mut C {
    fn on_train_begin(&mut self, state: &mut FitState<'_, T, N>) {
        (**self).on_train_begin(state)
    }
    fn on_epoch_begin(&mut self, epoch: usize, state: &mut FitState<'_, T, N>) {
        (**self).on_epoch_begin(epoch, state)
    }
    fn on_batch_end(&mut self, epoch: usize, batch: usize, loss: f64, ctl: &mut BatchControl) {
        (**self).on_batch_end(epoch, batch, loss, ctl)
    }
    fn on_epoch_end(&mut self, log: &EpochLog, state: &mut FitState<'_, T, N>) {
        (**self).on_epoch_end(log, state)
    }
    fn on_train_end(&mut self, state: &mut FitState<'_, T, N>) {
        (**self).on_train_end(state)
    }
}

/// Why [`Fit::run`] ended early, with the history up to there.
#[derive(Debug)]
pub struct FitError {
    /// What went wrong.
    pub cause: TrainError,
    /// The complete epochs before it.
    pub history: History,
}

impl core::fmt::Display for FitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.cause)?;
        if matches!(self.cause, TrainError::Diverged { .. }) {
            write!(f, ", and the optimizer's state of then")?;
        }
        Ok(())
    }
}

impl std::error::Error for FitError {}

/// Keras's `model.fit`, for a network `N` in batches of `B` with targets
/// `Y`, each batch split into shards of `S` samples on every core (see
/// [`DataParallel`](super::DataParallel); `S = B`, the default, is one
/// shard on the calling thread):
///
/// ```text
/// let history = Fit::<f32, Net<f32>, usize, 32>::new(60)
///     .validation(&val)
///     .metric(Accuracy)
///     .callback(EarlyStopping::new(Monitor::ValLoss).patience(5).restore_best_weights())
///     .run(&mut net, &mut adam, &SoftmaxCrossEntropy, &train)?;
/// ```
///
/// Training is exactly the [`Trainer`]'s with the same seed (validation
/// and metrics draw no random numbers), so a `Fit` and a hand-written
/// epoch loop give the same weights.
pub struct Fit<'a, T: Float, N: Network<T>, Y, const B: usize, const S: usize = B> {
    epochs: usize,
    seed: u64,
    validation: Option<&'a Dataset<N::Input, Y>>,
    validation_split: Option<f64>,
    metrics: Vec<Box<dyn Metric<T, N::Output, Y> + 'a>>,
    callbacks: Vec<Box<dyn Callback<T, N> + 'a>>,
    progress: bool,
    drop_last: bool,
}

impl<'a, T: Float, N: Network<T>, Y: Clone, const B: usize, const S: usize> Fit<'a, T, N, Y, B, S> {
    /// `epochs` epochs, seeded with 0, no validation, a progress bar on a
    /// terminal.
    pub fn new(epochs: usize) -> Self {
        Self {
            epochs,
            seed: 0,
            validation: None,
            validation_split: None,
            metrics: Vec::new(),
            callbacks: Vec::new(),
            progress: true,
            drop_last: false,
        }
    }

    /// Seeds shuffling and stochastic layers.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validation data, scored after every epoch.
    pub fn validation(mut self, data: &'a Dataset<N::Input, Y>) -> Self {
        self.validation = Some(data);
        self
    }

    /// Holds out the last `fraction` of the training data (before
    /// shuffling, as Keras) for validation.
    pub fn validation_split(mut self, fraction: f64) -> Self {
        self.validation_split = Some(fraction);
        self
    }

    /// A metric scored on the validation data after every epoch.
    pub fn metric(mut self, m: impl Metric<T, N::Output, Y> + 'a) -> Self {
        self.metrics.push(Box::new(m));
        self
    }

    /// A callback.
    pub fn callback(mut self, c: impl Callback<T, N> + 'a) -> Self {
        self.callbacks.push(Box::new(c));
        self
    }

    /// Drops each epoch's last batch when it would be partial (PyTorch's
    /// `drop_last=True`); by default it is kept, as a batch of runtime size
    /// below `B`.
    pub fn drop_last(mut self) -> Self {
        self.drop_last = true;
        self
    }

    /// No progress bar (it is hidden anyway when stderr is not a terminal).
    pub fn quiet(mut self) -> Self {
        self.progress = false;
        self
    }

    /// Trains `net` with `optimizer` on `loss` over `train`.
    pub fn run<O, L>(
        mut self,
        net: &mut N,
        optimizer: &mut O,
        loss: &L,
        train: &Dataset<N::Input, Y>,
    ) -> Result<History, FitError>
    where
        O: Optimizer<T, N>,
        L: Loss<T, N::Output, Target = Y>,
    {
        let mut history = History::default();
        let held_out;
        let (train, validation) = match (self.validation_split, self.validation) {
            (Some(f), None) => {
                if !(f > 0.0 && f < 1.0) {
                    let why = std::format!("{f} is not a fraction strictly between 0 and 1");
                    let cause = TrainError::BadOption {
                        what: "validation_split",
                        why,
                    };
                    return Err(FitError { cause, history });
                }
                let n = train.len();
                let cut = n - (((n as f64) * f).round() as usize).min(n);
                let (a, b): (Vec<usize>, Vec<usize>) = ((0..cut).collect(), (cut..n).collect());
                held_out = (train.subset(&a), train.subset(&b));
                (&held_out.0, Some(&held_out.1))
            }
            (_, v) => (train, v),
        };
        let names: Vec<(&'static str, bool)> = self
            .metrics
            .iter()
            .map(|m| (m.name(), m.higher_is_better()))
            .collect();
        let higher = move |m: &Monitor| match m {
            Monitor::ValMetric(name) => names.iter().any(|(n, h)| n == name && *h),
            _ => false,
        };
        let mut trainer = Trainer::<T, N, B, S>::new(self.seed).drop_last(self.drop_last);
        let mut saved = OptimizerBackup::of(optimizer);
        let bar = progress_bar(self.progress);
        let batches = if self.drop_last {
            train.len() / B.max(1)
        } else {
            train.len().div_ceil(B.max(1))
        };
        let epochs = self.epochs;

        let mut lr = optimizer.learning_rate();
        let mut stop = call(
            &mut self.callbacks,
            net,
            &mut lr,
            &history,
            &higher,
            |c, st| c.on_train_begin(st),
        );
        optimizer.set_learning_rate(lr);
        for epoch in 0..epochs {
            if stop.is_some() {
                break;
            }
            stop = call(
                &mut self.callbacks,
                net,
                &mut lr,
                &history,
                &higher,
                |c, st| c.on_epoch_begin(epoch, st),
            );
            optimizer.set_learning_rate(lr);
            if stop.is_some() {
                break;
            }
            if let Some(b) = &bar {
                b.reset();
                b.set_length(batches as u64);
                b.set_message(std::format!("epoch {}/{epochs}", epoch + 1));
            }
            let callbacks = &mut self.callbacks;
            let mut batch_stop = None;
            let mut after = |batch: usize, l: f64, opt: &mut O| {
                if let Some(b) = &bar {
                    b.inc(1);
                    b.set_message(std::format!("epoch {}/{epochs}  loss {l:.4}", epoch + 1));
                }
                let mut ctl = BatchControl {
                    lr: opt.learning_rate(),
                    stop: None,
                };
                for c in callbacks.iter_mut() {
                    c.on_batch_end(epoch, batch, l, &mut ctl);
                }
                opt.set_learning_rate(ctl.lr);
                batch_stop = ctl.stop;
                batch_stop.is_none()
            };
            let stats = match trainer.epoch_with(net, optimizer, loss, train, &mut after) {
                Ok(s) => s,
                Err(cause) => {
                    // The trainer restored the weights of the last complete
                    // epoch; the optimizer's state of then goes with them.
                    saved.restore(optimizer);
                    if let Some(b) = &bar {
                        b.abandon();
                    }
                    return Err(FitError { cause, history });
                }
            };
            let (val_loss, val_metrics) = match validation {
                Some(v) => {
                    let outputs = net.predict_data(v);
                    let metrics = self
                        .metrics
                        .iter()
                        .map(|m| (m.name(), m.score(&outputs, v.y())))
                        .collect();
                    (Some(mean_loss(loss, &outputs, v.y())), metrics)
                }
                None => (None, Vec::new()),
            };
            let log = EpochLog {
                epoch,
                loss: stats.mean_loss,
                val_loss,
                val_metrics,
                lr: optimizer.learning_rate(),
            };
            if let Some(b) = &bar {
                b.finish_with_message(describe(&log, epochs));
            }
            history.epochs.push(log.clone());
            saved.update(optimizer);
            lr = optimizer.learning_rate();
            let by_epoch = call(
                &mut self.callbacks,
                net,
                &mut lr,
                &history,
                &higher,
                |c, st| c.on_epoch_end(&log, st),
            );
            optimizer.set_learning_rate(lr);
            stop = batch_stop.or(by_epoch);
        }
        history.stopped_by = stop;
        let _ = call(
            &mut self.callbacks,
            net,
            &mut lr,
            &history,
            &higher,
            |c, st| c.on_train_end(st),
        );
        Ok(history)
    }
}

/// Runs `f` on every callback with one state, and returns the reason to
/// stop, if one set it.
fn call<T: Float, N: Network<T>>(
    callbacks: &mut [Box<dyn Callback<T, N> + '_>],
    net: &mut N,
    lr: &mut f64,
    history: &History,
    higher_is_better: &dyn Fn(&Monitor) -> bool,
    mut f: impl FnMut(&mut dyn Callback<T, N>, &mut FitState<'_, T, N>),
) -> Option<String> {
    let mut st = FitState {
        net,
        lr: *lr,
        history,
        higher_is_better,
        stop: None,
        _t: core::marker::PhantomData,
    };
    for c in callbacks.iter_mut() {
        f(&mut **c, &mut st);
    }
    *lr = st.lr;
    st.stop
}

/// The optimizer's whole state in memory, for divergence recovery: the
/// last one saved, and a second buffer that a new save is written into
/// and swapped in only if it succeeds (so neither allocates after the
/// first epochs).
struct OptimizerBackup {
    saved: Vec<u8>,
    scratch: Vec<u8>,
}

impl OptimizerBackup {
    fn of<T: Float, N: Network<T>, O: Optimizer<T, N>>(opt: &O) -> Self {
        let mut b = Self {
            saved: Vec::new(),
            scratch: Vec::new(),
        };
        b.update(opt);
        b
    }

    fn update<T: Float, N: Network<T>, O: Optimizer<T, N>>(&mut self, opt: &O) {
        if crate::weights::state_into::<T>(&|w| opt.save_state(w), &mut self.scratch).is_ok() {
            core::mem::swap(&mut self.saved, &mut self.scratch);
        }
    }

    fn restore<T: Float, N: Network<T>, O: Optimizer<T, N>>(&self, opt: &mut O) {
        let _ = crate::weights::state_from_bytes::<T>(&self.saved, &mut |r| opt.load_state(r));
    }
}

/// A progress bar per epoch on stderr, or none (asked for none, or stderr
/// is not a terminal).
fn progress_bar(show: bool) -> Option<indicatif::ProgressBar> {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    // A hidden bar is dropped, so that no step formats a message for it.
    (show && !bar.is_hidden()).then_some(bar)
}

/// One epoch as a line: `epoch 3/60  loss 0.1234  val_loss 0.2345  val_accuracy 0.9722`.
pub fn describe(log: &EpochLog, epochs: usize) -> String {
    let mut s = std::format!("epoch {}/{epochs}  loss {:.4}", log.epoch + 1, log.loss);
    if let Some(v) = log.val_loss {
        s.push_str(&std::format!("  val_loss {v:.4}"));
    }
    for (n, v) in &log.val_metrics {
        s.push_str(&std::format!("  val_{n} {v:.4}"));
    }
    s
}

/// The mean of `loss` over outputs and their targets; 0 for none.
fn mean_loss<T: Float, O: crate::Tensor<T>, L: Loss<T, O>>(
    loss: &L,
    outputs: &[O],
    targets: &[L::Target],
) -> f64 {
    let total: f64 = outputs
        .iter()
        .zip(targets)
        .map(|(o, y)| loss.loss(o, y).as_f64())
        .sum();
    total / outputs.len().max(1) as f64
}

/// Keras's `predict` and `evaluate` as methods of every network (in the
/// prelude): inference over many samples, at their runtime lengths, on
/// every core when there is enough work ([`set_threads`](super::set_threads)
/// changes that); the outputs are the same bits on any number of threads.
pub trait Model<T: Float>: Network<T> {
    /// The outputs for `inputs` (whole samples).
    fn predict(&self, inputs: &[Self::Input]) -> Vec<Self::Output> {
        super::parallel::map_in_order(inputs.len(), Self::PARAMS, |i| self.forward(&inputs[i]))
    }

    /// The outputs for a data set's inputs, each at its runtime length.
    fn predict_data<Y: Clone>(&self, data: &Dataset<Self::Input, Y>) -> Vec<Self::Output> {
        let sides: Vec<crate::Side> = (0..data.len()).map(|i| data.side_of(i)).collect();
        let x = data.x();
        super::parallel::map_in_order(x.len(), Self::PARAMS, |i| {
            self.forward_with(&x[i], sides[i])
        })
    }

    /// The mean `loss` over `data` (inference mode: no dropout).
    fn evaluate<L: Loss<T, Self::Output>>(
        &self,
        loss: &L,
        data: &Dataset<Self::Input, L::Target>,
    ) -> f64
    where
        L::Target: Clone,
    {
        mean_loss(loss, &self.predict_data(data), data.y())
    }

    /// `metric` over `data` (`net.score(&Accuracy, &test)`).
    fn score<Y: Clone, M: Metric<T, Self::Output, Y>>(
        &self,
        metric: &M,
        data: &Dataset<Self::Input, Y>,
    ) -> f64 {
        metric.score(&self.predict_data(data), data.y())
    }
}

impl<T: Float, N: Network<T>> Model<T> for N {}
