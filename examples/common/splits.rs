//! Seeded splits and the reporting the examples share; training is the
//! library's `nn::train::Fit`.
#![allow(dead_code, reason = "each example uses some of these")]

use nn::loss::Loss;
use nn::loss::SoftmaxCrossEntropy;
use nn::optim::{Adam, Optimizer};
use nn::train::{mean_std, Accuracy, Callback, Dataset, EpochLog, Fit, FitState, History, Model};
use nn::Network;

/// Stops once an epoch's mean training loss is at most the bound.
struct StopBelow(f64);

impl<N: Network<f32>> Callback<f32, N> for StopBelow {
    fn on_epoch_end(&mut self, log: &EpochLog, st: &mut FitState<'_, f32, N>) {
        if log.loss <= self.0 {
            st.stop = Some(format!("training loss {:.4} <= {}", log.loss, self.0));
        }
    }
}

/// Trains `net` on `train` for up to `epochs` epochs in shuffled batches
/// of `B` (seeded) and returns the mean training loss of each epoch;
/// stops early once an epoch's loss is at most `stop_below`. A diverging
/// run ends the program with its error (exit status 1).
pub fn fit<N, L, O, const B: usize>(
    net: &mut N,
    opt: &mut O,
    loss: &L,
    train: &Dataset<N::Input, L::Target>,
    epochs: usize,
    seed: u64,
    stop_below: f64,
) -> Vec<f64>
where
    N: Network<f32>,
    L: Loss<f32, N::Output>,
    L::Target: Clone,
    O: Optimizer<f32, N>,
{
    let run = Fit::<f32, N, L::Target, B>::new(epochs)
        .seed(seed)
        .callback(StopBelow(stop_below))
        .quiet()
        .run(net, opt, loss, train);
    match run {
        Ok(history) => history.loss(),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// Prints every fifth epoch's loss and the last one.
pub fn print_losses(losses: &[f64]) {
    for (epoch, l) in losses.iter().enumerate() {
        if epoch % 5 == 0 || epoch + 1 == losses.len() {
            println!("  epoch {epoch:3}  loss {l:.4}");
        }
    }
}

/// Test accuracy of a classifier whose outputs are per-class logits,
/// reading each input at its runtime length.
pub fn class_accuracy<N: Network<f32>>(net: &N, test: &Dataset<N::Input, usize>) -> f64 {
    net.score(&Accuracy, test)
}

/// One seeded, stratified 80/20 split of a classification data set (seed
/// `100 + split`): trains a fresh `N` (seeded with `split`) with Adam at
/// `lr` and softmax cross-entropy for `epochs` in batches of `B`, prints
/// the losses of split 0 and the split's test accuracy, and returns it.
pub fn classify_split<N, const B: usize>(
    data: &Dataset<N::Input, usize>,
    split: u64,
    epochs: usize,
    lr: f64,
) -> f64
where
    N: Network<f32>,
{
    train_split::<N, B>(data, split, epochs, lr).2
}

/// [`classify_split`], also returning the trained network, the split's
/// test set and the history, whose validation columns are the test set's
/// loss and accuracy after each epoch (for the picture; they decide
/// nothing, and reading them draws no random numbers).
pub fn train_split<N, const B: usize>(
    data: &Dataset<N::Input, usize>,
    split: u64,
    epochs: usize,
    lr: f64,
) -> (Box<N>, Dataset<N::Input, usize>, f64, History)
where
    N: Network<f32>,
{
    let (train, test) = data
        .stratified_split(0.2, 100 + split, |c| *c)
        .expect("0.2 is a fraction and every digit class has many samples");
    let mut net = N::new_boxed(split);
    let mut opt = Adam::<N>::boxed(lr);
    let run = Fit::<f32, N, usize, B>::new(epochs)
        .seed(split)
        .validation(&test)
        .metric(Accuracy)
        .quiet()
        .run(&mut *net, &mut *opt, &SoftmaxCrossEntropy, &train);
    let history = match run {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    if split == 0 {
        print_losses(&history.loss());
    }
    let acc = class_accuracy(&*net, &test);
    print_split(split, acc, test.len());
    (net, test, acc, history)
}

/// Prints one split's test accuracy.
pub fn print_split(split: u64, acc: f64, samples: usize) {
    println!(
        "split {split}: test accuracy {:.2}% ({samples} test samples)",
        acc * 100.0
    );
}

/// Prints the mean and spread of per-split accuracies and ends the program
/// with exit status 1 if the mean is below `target`.
pub fn require_mean_accuracy(accuracies: &[f64], target: f64) {
    let (mean, std) = mean_std(accuracies);
    println!(
        "mean test accuracy over {} splits: {:.2}% (std {:.2}); target {:.1}%",
        accuracies.len(),
        mean * 100.0,
        std * 100.0,
        target * 100.0
    );
    if mean < target {
        eprintln!("FAILED: mean accuracy below the target");
        std::process::exit(1);
    }
}
