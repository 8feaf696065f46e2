//! The training checks of `nn::testing` on every example network:
//! each parameter tensor learns in one step, and each network fits a tiny
//! batch. A check that must fail (a dense layer behind a `Step`) shows the
//! checks can fail.

use nn::prelude::*;
use nn::testing::random_inputs;
use nn::testing::{every_tensor_learns, fits_tiny_batch, TrainingCheckError};

#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/breast_cancer.rs"]
mod breast_cancer;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/co2.rs"]
mod co2;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/diabetes.rs"]
mod diabetes;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/digits.rs"]
mod digits;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/digits_cnn.rs"]
mod digits_cnn;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/digits_lstm.rs"]
mod digits_lstm;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/perceptron.rs"]
mod perceptron;
#[allow(dead_code, reason = "each test uses some of the example networks")]
#[path = "../examples/networks/xor.rs"]
mod xor;

#[test]
fn xor_network() {
    let net = xor::Xor::<f32>::new(1);
    let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = [[0.0], [1.0], [1.0], [0.0]];
    every_tensor_learns(&net, &Mse, &x, &y).unwrap();
    let loss = fits_tiny_batch(&net, &Mse, &x, &y, 0.05, 2000, 1e-3).unwrap();
    assert!(loss <= 1e-3);
}

#[test]
fn digits_network() {
    let net = digits::Digits::<f32>::new(1);
    let x = random_inputs::<f32, digits::Digits<f32>, 8>(2);
    let y = [0, 1, 2, 3, 4, 5, 6, 7];
    every_tensor_learns(&net, &SoftmaxCrossEntropy, &x, &y).unwrap();
    fits_tiny_batch(&net, &SoftmaxCrossEntropy, &x, &y, 1e-2, 500, 1e-2).unwrap();
}

#[test]
fn digits_lstm_network() {
    let net = digits_lstm::DigitsLstm::<f32>::new(1);
    let x = random_inputs::<f32, digits_lstm::DigitsLstm<f32>, 8>(5);
    let y = [0, 1, 2, 3, 4, 5, 6, 7];
    every_tensor_learns(&net, &SoftmaxCrossEntropy, &x, &y).unwrap();
    fits_tiny_batch(&net, &SoftmaxCrossEntropy, &x, &y, 1e-2, 500, 1e-2).unwrap();
}

#[test]
fn co2_network() {
    let net = co2::Co2Forecaster::<f32>::new(1);
    let x = random_inputs::<f32, co2::Co2Forecaster<f32>, 6>(6);
    let y = [[0.5], [-1.0], [2.0], [0.0], [1.5], [-0.3]];
    every_tensor_learns(&net, &Mse, &x, &y).unwrap();
    fits_tiny_batch(&net, &Mse, &x, &y, 1e-2, 1000, 1e-3).unwrap();
}

#[test]
fn digits_cnn_networks() {
    let x = random_inputs::<f32, digits_cnn::DigitsCnn<f32>, 8>(5);
    let y = [0, 1, 2, 3, 4, 5, 6, 7];
    let net = digits_cnn::DigitsCnn::<f32>::new_boxed(1);
    every_tensor_learns(&*net, &SoftmaxCrossEntropy, &x, &y).unwrap();
    fits_tiny_batch(&*net, &SoftmaxCrossEntropy, &x, &y, 1e-2, 500, 1e-2).unwrap();
    // With batch norm: gamma and beta of both norms learn too (the running
    // statistics are buffers, not parameters), and in training mode the
    // batch statistics let it fit the batch.
    let bn = digits_cnn::DigitsCnnBn::<f32>::new_boxed(1);
    every_tensor_learns(&*bn, &SoftmaxCrossEntropy, &x, &y).unwrap();
    fits_tiny_batch(&*bn, &SoftmaxCrossEntropy, &x, &y, 1e-2, 500, 1e-2).unwrap();
}

#[test]
fn breast_cancer_network() {
    let net = breast_cancer::Tumour::<f32>::new(1);
    let x = random_inputs::<f32, breast_cancer::Tumour<f32>, 6>(3);
    let y = [[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]];
    every_tensor_learns(&net, &BceWithLogits, &x, &y).unwrap();
    fits_tiny_batch(&net, &BceWithLogits, &x, &y, 1e-2, 500, 1e-2).unwrap();
}

#[test]
fn diabetes_networks() {
    let x = random_inputs::<f32, diabetes::Progression<f32>, 6>(4);
    let y = [[0.5], [-1.0], [2.0], [0.0], [1.5], [-0.3]];
    let net = diabetes::Progression::<f32>::new(1);
    every_tensor_learns(&net, &Mse, &x, &y).unwrap();
    fits_tiny_batch(&net, &Mse, &x, &y, 1e-2, 2000, 1e-3).unwrap();
    // The linear model fits 6 points in 10 dimensions exactly.
    let lin = diabetes::Linear::<f32>::new(1);
    every_tensor_learns(&lin, &Mse, &x, &y).unwrap();
    fits_tiny_batch(&lin, &Mse, &x, &y, 1e-2, 3000, 1e-3).unwrap();
}

#[test]
fn perceptron_example_networks() {
    let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = [[0.0], [1.0], [1.0], [0.0]];
    let mlp = perceptron::Mlp::<f32>::new(1);
    every_tensor_learns(&mlp, &BceWithLogits, &x, &y).unwrap();
    fits_tiny_batch(&mlp, &BceWithLogits, &x, &y, 0.05, 2000, 1e-2).unwrap();
    // A step unit passes no gradient: backprop cannot train the
    // perceptron, which is why it has its own rule. The check says so.
    let p = perceptron::P::<f32>::new(1);
    let err = every_tensor_learns(&p, &Mse, &x, &y).unwrap_err();
    assert_eq!(
        err,
        TrainingCheckError::Frozen(vec!["out", "out"], vec!["weight", "bias"])
    );
    assert_eq!(
        err.to_string(),
        "parameters that did not change after one step: out.weight out.bias; they receive no gradient from the loss"
    );
    assert!(matches!(
        fits_tiny_batch(&p, &Mse, &x, &y, 0.05, 50, 1e-3),
        Err(TrainingCheckError::DoesNotFit { .. })
    ));
}
