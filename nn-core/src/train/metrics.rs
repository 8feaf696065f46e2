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

/// Root mean squared error.
pub fn rmse(predicted: &[f64], actual: &[f64]) -> f64 {
    let n = actual.len().max(1) as f64;
    let s: f64 = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (a - p) * (a - p))
        .sum();
    libm::sqrt(s / n)
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

/// Mean absolute error of a regression, over every output element.
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanAbsoluteError;

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, O> for MeanAbsoluteError {
    fn name(&self) -> &'static str {
        "mae"
    }
    fn higher_is_better(&self) -> bool {
        false
    }
    fn score(&self, outputs: &[O], targets: &[O]) -> f64 {
        let (p, a) = columns::<T, O>(outputs, targets);
        p.iter().zip(&a).map(|(p, a)| (p - a).abs()).sum::<f64>() / p.len().max(1) as f64
    }
}

/// Root mean squared error of a regression, over every output element.
#[derive(Clone, Copy, Debug, Default)]
pub struct RootMeanSquaredError;

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, O> for RootMeanSquaredError {
    fn name(&self) -> &'static str {
        "rmse"
    }
    fn higher_is_better(&self) -> bool {
        false
    }
    fn score(&self, outputs: &[O], targets: &[O]) -> f64 {
        let (p, a) = columns::<T, O>(outputs, targets);
        rmse(&p, &a)
    }
}

/// Coefficient of determination of a regression, over every output
/// element.
#[derive(Clone, Copy, Debug, Default)]
pub struct R2Score;

impl<T: Float, O: crate::Tensor<T>> super::Metric<T, O, O> for R2Score {
    fn name(&self) -> &'static str {
        "r2"
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn score(&self, outputs: &[O], targets: &[O]) -> f64 {
        let (p, a) = columns::<T, O>(outputs, targets);
        r2_score(&p, &a)
    }
}
