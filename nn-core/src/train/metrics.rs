//! Evaluation metrics.

use crate::Float;

/// Index of the largest element (the first on ties); 0 for an empty slice.
pub fn argmax<T: Float>(xs: &[T]) -> usize {
    let mut best = 0;
    for (i, x) in xs.iter().enumerate() {
        if *x > xs[best] {
            best = i;
        }
    }
    best
}

/// Share of `predicted[i] == actual[i]`; 0 for no samples.
pub fn accuracy(predicted: &[usize], actual: &[usize]) -> f64 {
    if actual.is_empty() {
        return 0.0;
    }
    let hits = predicted.iter().zip(actual).filter(|(p, a)| p == a).count();
    hits as f64 / actual.len() as f64
}

/// Coefficient of determination `1 - SS_res / SS_tot`.
pub fn r2_score(predicted: &[f64], actual: &[f64]) -> f64 {
    let n = actual.len().max(1) as f64;
    let mean = actual.iter().sum::<f64>() / n;
    let ss_res: f64 = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (a - p) * (a - p))
        .sum();
    let ss_tot: f64 = actual.iter().map(|a| (a - mean) * (a - mean)).sum();
    if ss_tot == 0.0 {
        return 0.0;
    }
    1.0 - ss_res / ss_tot
}

/// The mean over pairs of `f(predicted, actual)`; 0 for no pairs.
fn mean_of(predicted: &[f64], actual: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let n = predicted.len().min(actual.len());
    if n == 0 {
        return 0.0;
    }
    predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| f(*p, *a))
        .sum::<f64>()
        / n as f64
}

/// Mean squared error; 0 for no samples.
pub fn mse(predicted: &[f64], actual: &[f64]) -> f64 {
    mean_of(predicted, actual, |p, a| (p - a) * (p - a))
}

/// Root mean squared error; 0 for no samples.
pub fn rmse(predicted: &[f64], actual: &[f64]) -> f64 {
    libm::sqrt(mse(predicted, actual))
}

/// Mean absolute error; 0 for no samples.
pub fn mae(predicted: &[f64], actual: &[f64]) -> f64 {
    mean_of(predicted, actual, |p, a| (p - a).abs())
}

/// Mean and (population) standard deviation.
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len().max(1) as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    (m, libm::sqrt(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden() {
        assert_eq!(argmax(&[0.1f32, 3.0, 3.0, -1.0]), 1);
        assert_eq!(accuracy(&[1, 2, 3, 4], &[1, 2, 0, 4]), 0.75);
        // sklearn.metrics.r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679
        let r2 = r2_score(&[2.5, 0.0, 2.0, 8.0], &[3.0, -0.5, 2.0, 7.0]);
        assert!((r2 - 0.9486081370449679).abs() < 1e-15);
        assert!((rmse(&[1.0, 2.0], &[1.0, 4.0]) - 2.0f64.sqrt()).abs() < 1e-15);
        assert_eq!(mean_std(&[1.0, 3.0]), (2.0, 1.0));
    }
}

/// Classification accuracy of logits (or probabilities) against class
/// indices: the share of samples whose largest output is their class.
#[derive(Clone, Copy, Debug, Default)]
pub struct Accuracy;

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, usize> for Accuracy {
    fn name(&self) -> &'static str {
        "accuracy"
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn score(&self, outputs: &[O], targets: &[usize]) -> f64 {
        let predicted: std::vec::Vec<usize> = outputs.iter().map(|o| argmax(o.flat())).collect();
        accuracy(&predicted, targets)
    }
}

/// Flattens outputs and targets of a regression (target = output tensor)
/// into `f64` columns.
fn columns<T: Float, O: crate::Tensor<T>>(
    outputs: &[O],
    targets: &[O],
) -> (std::vec::Vec<f64>, std::vec::Vec<f64>) {
    let p = outputs
        .iter()
        .flat_map(|o| o.flat().iter().map(|v| v.as_f64()))
        .collect();
    let a = targets
        .iter()
        .flat_map(|o| o.flat().iter().map(|v| v.as_f64()))
        .collect();
    (p, a)
}

/// A regression metric over every output element, from one of the
/// functions above: the type, its name, and whether higher is better.
macro_rules! regression_metric {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $higher:literal, $f:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $ty;

        impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, O> for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn higher_is_better(&self) -> bool {
                $higher
            }
            fn score(&self, outputs: &[O], targets: &[O]) -> f64 {
                let (p, a) = columns::<T, O>(outputs, targets);
                $f(&p, &a)
            }
        }
    };
}

regression_metric!(
    /// Mean squared error of a regression.
    MeanSquaredError, "mse", false, mse
);
regression_metric!(
    /// Root mean squared error of a regression.
    RootMeanSquaredError, "rmse", false, rmse
);
regression_metric!(
    /// Mean absolute error of a regression.
    MeanAbsoluteError, "mae", false, mae
);
regression_metric!(
    /// Coefficient of determination of a regression.
    R2Score, "r2", true, r2_score
);

/// Share of samples whose class is among the `k` largest outputs (ties
/// broken towards the lower index, as `argmax`); 0 for no samples.
pub fn top_k_accuracy<T: Float>(outputs: &[&[T]], actual: &[usize], k: usize) -> f64 {
    if actual.is_empty() {
        return 0.0;
    }
    let hits = outputs
        .iter()
        .zip(actual)
        .filter(|(o, a)| {
            let Some(mine) = o.get(**a) else {
                return false;
            };
            // Outputs ranked above the class's: larger, or equal and earlier.
            let above = o
                .iter()
                .enumerate()
                .filter(|(j, v)| **v > *mine || (**v == *mine && j < *a))
                .count();
            above < k
        })
        .count();
    hits as f64 / actual.len() as f64
}

/// Counts of (actual, predicted) class pairs, with the per-class and macro
/// precision, recall and F1 derived from them (scikit-learn's
/// definitions; a class never predicted has precision 0, one never
/// present recall 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// `counts[actual][predicted]`.
    pub counts: std::vec::Vec<std::vec::Vec<usize>>,
}

impl ConfusionMatrix {
    /// From predicted and actual classes in `0..classes`; a class out of
    /// range is an error that names the sample.
    pub fn new(
        predicted: &[usize],
        actual: &[usize],
        classes: usize,
    ) -> Result<Self, super::DataError> {
        let mut counts = std::vec![std::vec![0; classes]; classes];
        for (row, (p, a)) in predicted.iter().zip(actual).enumerate() {
            if *p >= classes || *a >= classes {
                return Err(super::DataError::BadLabel {
                    row,
                    value: (*p).max(*a) as f64,
                    classes,
                });
            }
            counts[*a][*p] += 1;
        }
        Ok(Self { counts })
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.counts.len()
    }

    /// Samples of class `c`.
    pub fn support(&self, c: usize) -> usize {
        self.counts[c].iter().sum()
    }

    /// Of the samples predicted `c`, the share that are `c`.
    pub fn precision(&self, c: usize) -> f64 {
        let predicted: usize = self.counts.iter().map(|r| r[c]).sum();
        ratio(self.counts[c][c], predicted)
    }

    /// Of the samples of class `c`, the share predicted `c`.
    pub fn recall(&self, c: usize) -> f64 {
        ratio(self.counts[c][c], self.support(c))
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self, c: usize) -> f64 {
        let (p, r) = (self.precision(c), self.recall(c));
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Share of samples on the diagonal.
    pub fn accuracy(&self) -> f64 {
        let total: usize = self.counts.iter().flatten().sum();
        ratio((0..self.classes()).map(|c| self.counts[c][c]).sum(), total)
    }

    /// Unweighted mean over classes of `f`.
    fn macro_of(&self, f: impl Fn(usize) -> f64) -> f64 {
        (0..self.classes()).map(f).sum::<f64>() / self.classes().max(1) as f64
    }

    /// Macro-averaged precision.
    pub fn macro_precision(&self) -> f64 {
        self.macro_of(|c| self.precision(c))
    }

    /// Macro-averaged recall.
    pub fn macro_recall(&self) -> f64 {
        self.macro_of(|c| self.recall(c))
    }

    /// Macro-averaged F1.
    pub fn macro_f1(&self) -> f64 {
        self.macro_of(|c| self.f1(c))
    }

    /// A table as scikit-learn's `classification_report`: precision,
    /// recall, F1 and support per class, then accuracy and macro averages.
    pub fn report(&self) -> std::string::String {
        use core::fmt::Write;
        let mut s = std::string::String::new();
        let _ = writeln!(
            s,
            "{:>8} {:>9} {:>9} {:>9} {:>9}",
            "class", "precision", "recall", "f1", "support"
        );
        for c in 0..self.classes() {
            let _ = writeln!(
                s,
                "{c:>8} {:>9.4} {:>9.4} {:>9.4} {:>9}",
                self.precision(c),
                self.recall(c),
                self.f1(c),
                self.support(c)
            );
        }
        let total: usize = (0..self.classes()).map(|c| self.support(c)).sum();
        let _ = writeln!(
            s,
            "{:>8} {:>9} {:>9} {:>9.4} {total:>9}",
            "accuracy",
            "",
            "",
            self.accuracy()
        );
        let _ = writeln!(
            s,
            "{:>8} {:>9.4} {:>9.4} {:>9.4} {total:>9}",
            "macro",
            self.macro_precision(),
            self.macro_recall(),
            self.macro_f1()
        );
        s
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Top-`k` accuracy as a [`Metric`](super::Metric) (named `top_k`).
#[derive(Clone, Copy, Debug)]
pub struct TopK(pub usize);

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, usize> for TopK {
    fn name(&self) -> &'static str {
        "top_k"
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn score(&self, outputs: &[O], targets: &[usize]) -> f64 {
        let flat: std::vec::Vec<&[T]> = outputs.iter().map(|o| o.flat()).collect();
        top_k_accuracy(&flat, targets, self.0)
    }
}

/// Macro-averaged F1 as a [`Metric`](super::Metric) (named `macro_f1`).
#[derive(Clone, Copy, Debug, Default)]
pub struct MacroF1;

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, usize> for MacroF1 {
    fn name(&self) -> &'static str {
        "macro_f1"
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn score(&self, outputs: &[O], targets: &[usize]) -> f64 {
        let predicted: std::vec::Vec<usize> = outputs.iter().map(|o| argmax(o.flat())).collect();
        ConfusionMatrix::new(&predicted, targets, O::LEN).map_or(0.0, |m| m.macro_f1())
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn classification_figures_by_hand() {
        // actual:    0 0 0 1 1 2
        // predicted: 0 1 0 1 2 2
        let m = ConfusionMatrix::new(&[0, 1, 0, 1, 2, 2], &[0, 0, 0, 1, 1, 2], 3).unwrap();
        assert_eq!(m.counts, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
        // Class 0: precision 2/2, recall 2/3; class 1: 1/2, 1/2; class 2: 1/2, 1/1.
        assert_eq!((m.precision(0), m.recall(0)), (1.0, 2.0 / 3.0));
        assert_eq!((m.precision(1), m.recall(1)), (0.5, 0.5));
        assert_eq!((m.precision(2), m.recall(2)), (0.5, 1.0));
        assert!((m.f1(0) - 0.8).abs() < 1e-15);
        assert!((m.f1(2) - 2.0 / 3.0).abs() < 1e-15);
        assert!((m.macro_precision() - 2.0 / 3.0).abs() < 1e-15);
        assert!((m.macro_recall() - (2.0 / 3.0 + 0.5 + 1.0) / 3.0).abs() < 1e-15);
        assert!((m.macro_f1() - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-15);
        assert_eq!(m.accuracy(), 4.0 / 6.0);
        let report = m.report();
        assert!(
            report.contains("       0    1.0000    0.6667    0.8000         3"),
            "{report}"
        );
        assert!(
            report.contains("accuracy                        0.6667         6"),
            "{report}"
        );
        assert!(ConfusionMatrix::new(&[3], &[0], 3).is_err());
        // Top-k: outputs for class 2 ranked third, and a tie.
        let outs: [&[f64]; 2] = [&[0.5, 0.3, 0.2], &[0.4, 0.4, 0.2]];
        assert_eq!(top_k_accuracy(&outs, &[2, 1], 1), 0.0);
        assert_eq!(top_k_accuracy(&outs, &[2, 1], 2), 0.5);
        assert_eq!(top_k_accuracy(&outs, &[2, 1], 3), 1.0);
        assert_eq!(top_k_accuracy(&outs, &[7, 0], 3), 0.5);
        assert_eq!(mse(&[1.0, 3.0], &[2.0, 1.0]), 2.5);
        assert_eq!(mae(&[1.0, 3.0], &[2.0, 1.0]), 1.5);
        assert_eq!(rmse(&[1.0, 3.0], &[2.0, 1.0]), 2.5f64.sqrt());
        // The same as metrics over two-element outputs, flattened:
        // errors 1, -1, 2, 0; actual mean 2.5, SS_tot 5, SS_res 6.
        use crate::train::Metric;
        let (out, tgt) = ([[2.0f32, 1.0], [5.0, 4.0]], [[1.0f32, 2.0], [3.0, 4.0]]);
        let score = |m: &dyn Metric<f32, [f32; 2], [f32; 2]>| m.score(&out, &tgt);
        assert_eq!(score(&MeanSquaredError), 1.5);
        assert_eq!(score(&RootMeanSquaredError), 1.5f64.sqrt());
        assert_eq!(score(&MeanAbsoluteError), 1.0);
        assert!((score(&R2Score) - (1.0 - 6.0 / 5.0)).abs() < 1e-15);
    }
}
