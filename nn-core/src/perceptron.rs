//! The perceptron learning rule (Rosenblatt, 1958) for a single layer of
//! step units, `y = step(W x + b)` with `step(a) = 1 if a > 0 else 0`
//! (a [`Dense`] layer followed by the [`Step`] activation):
//!
//! ```text
//! for each sample (x, t), for each output o:
//!     y_o = step(w_o . x + b_o)
//!     w_o <- w_o + lr (t_o - y_o) x
//!     b_o <- b_o + lr (t_o - y_o)
//! ```
//!
//! Targets are 0 or 1. Only wrong outputs change (`t - y` is 0 otherwise).
//! The perceptron convergence theorem: if the samples are linearly
//! separable, repeated epochs reach zero errors after finitely many
//! updates, for any `lr > 0`; if they are not (XOR), the weights cycle
//! forever and some sample is always wrong. Backpropagation cannot train
//! this network, since the step has a zero derivative; a hidden layer of
//! step units (a multi-layer perceptron in the 1960s sense) has no
//! training rule at all, which is why smooth activations replaced it.
//!
//! PyTorch has no equivalent; scikit-learn's `Perceptron` uses the same
//! rule (with labels -1/+1 and the threshold at 0).

use core::fmt;

use crate::activations::{Activation, Step};
use crate::layers::Dense;
use crate::{Float, Layer};

/// Training stopped at `max_epochs` with errors left, as happens for data
/// that are not linearly separable (or separable only with a tiny margin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotSeparable {
    /// Epochs run.
    pub epochs: usize,
    /// Wrong outputs in the last epoch.
    pub errors: usize,
}

impl fmt::Display for NotSeparable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the perceptron still made {} errors after {} epochs; the data may not be linearly separable",
            self.errors, self.epochs
        )
    }
}

/// The step layer's output for `x`: `step(W x + b)`.
pub fn perceptron_predict<T: Float, const I: usize, const O: usize, const BIAS: bool>(
    dense: &Dense<T, I, O, BIAS>,
    x: &[T; I],
) -> [T; O] {
    let mut y = [T::ZERO; O];
    dense.forward(x, &mut y);
    y.map(Step::f)
}

/// One application of the perceptron rule for the sample `(x, target)`;
/// returns the number of wrong outputs before the update. Without `BIAS`
/// only the weights learn.
pub fn perceptron_update<T: Float, const I: usize, const O: usize, const BIAS: bool>(
    dense: &mut Dense<T, I, O, BIAS>,
    x: &[T; I],
    target: &[T; O],
    lr: T,
) -> usize {
    let y = perceptron_predict(dense, x);
    let mut wrong = 0;
    for o in 0..O {
        let e = target[o] - y[o];
        if e == T::ZERO {
            continue;
        }
        wrong += 1;
        let step = lr * e;
        for (w, x) in dense.weight[o].iter_mut().zip(x) {
            *w += step * *x;
        }
        if BIAS {
            dense.bias[o] += step;
        }
    }
    wrong
}

/// One pass of the rule over the samples in order; returns the number of
/// wrong outputs seen during the pass. `inputs` and `targets` pair up by
/// index (extra elements of the longer one are ignored).
pub fn perceptron_epoch<T: Float, const I: usize, const O: usize, const BIAS: bool>(
    dense: &mut Dense<T, I, O, BIAS>,
    inputs: &[[T; I]],
    targets: &[[T; O]],
    lr: T,
) -> usize {
    inputs
        .iter()
        .zip(targets)
        .map(|(x, t)| perceptron_update(dense, x, t, lr))
        .sum()
}

/// Epochs of the rule until one has no errors; returns the number of
/// epochs run, that last error-free one included. After `max_epochs`
/// epochs with errors it gives up with [`NotSeparable`].
pub fn train_perceptron<T: Float, const I: usize, const O: usize, const BIAS: bool>(
    dense: &mut Dense<T, I, O, BIAS>,
    inputs: &[[T; I]],
    targets: &[[T; O]],
    lr: T,
    max_epochs: usize,
) -> Result<usize, NotSeparable> {
    let mut errors = 0;
    for epoch in 1..=max_epochs {
        errors = perceptron_epoch(dense, inputs, targets, lr);
        if errors == 0 {
            return Ok(epoch);
        }
    }
    Err(NotSeparable {
        epochs: max_epochs,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    const AND: [[f64; 1]; 4] = [[0.0], [0.0], [0.0], [1.0]];
    const OR: [[f64; 1]; 4] = [[0.0], [1.0], [1.0], [1.0]];
    const XOR: [[f64; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

    fn learns(targets: &[[f64; 1]; 4]) -> usize {
        let mut d = Dense::<f64, 2, 1>::ZEROED;
        let epochs = train_perceptron(&mut d, &X, targets, 1.0, 100).expect("separable");
        for (x, t) in X.iter().zip(targets) {
            assert_eq!(perceptron_predict(&d, x), *t);
            // The layer's own forward agrees (before the step).
            let mut a = [0.0];
            d.forward(x, &mut a);
            assert_eq!(Step::f(a[0]), t[0]);
        }
        epochs
    }

    #[test]
    fn learns_and_and_or_in_a_few_epochs() {
        // From zero weights with lr = 1, the error-free epoch included
        // (traced with the same rule in python3).
        assert_eq!(learns(&AND), 6);
        assert_eq!(learns(&OR), 4);
    }

    #[test]
    fn golden_first_update() {
        let mut d = Dense::<f32, 2, 1>::ZEROED;
        // step(0) = 0 but the target is 1: w += 0.5 x, b += 0.5.
        assert_eq!(perceptron_update(&mut d, &[1.0, -2.0], &[1.0], 0.5), 1);
        assert_eq!((d.weight, d.bias), ([[0.5, -1.0]], [0.5]));
        // Now right: nothing changes.
        assert_eq!(perceptron_update(&mut d, &[1.0, -2.0], &[1.0], 0.5), 0);
        assert_eq!((d.weight, d.bias), ([[0.5, -1.0]], [0.5]));
        // Without a bias only the weights learn.
        let mut d = Dense::<f32, 2, 1, false>::ZEROED;
        perceptron_update(&mut d, &[1.0, -2.0], &[1.0], 0.5);
        assert_eq!((d.weight, d.bias), ([[0.5, -1.0]], [0.0]));
    }

    #[test]
    fn does_not_converge_on_xor() {
        let mut d = Dense::<f64, 2, 1>::ZEROED;
        let err = train_perceptron(&mut d, &X, &XOR, 1.0, 1000).unwrap_err();
        assert_eq!(err.epochs, 1000);
        assert!(err.errors > 0);
        // No weights get all four right, so every epoch has an error.
        let wrong = X
            .iter()
            .zip(&XOR)
            .filter(|(x, t)| perceptron_predict(&d, x) != **t)
            .count();
        assert!(wrong > 0);
    }

    #[test]
    fn several_outputs_learn_independently() {
        // Output 0 is AND, output 1 is OR.
        let t: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]];
        let mut d = Dense::<f64, 2, 2>::ZEROED;
        assert!(train_perceptron(&mut d, &X, &t, 0.1, 100).is_ok());
        for (x, t) in X.iter().zip(&t) {
            assert_eq!(perceptron_predict(&d, x), *t);
        }
    }
}
