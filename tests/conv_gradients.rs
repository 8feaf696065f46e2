//! Finite-difference gradient checks in f64 through whole generated
//! networks with convolutions, pooling, normalisation and dropout: every
//! parameter and every input element, relative error at most 1e-6.
//!
//! The networks cover `Conv2d` with padding (number, pair, `same`),
//! strides (number and pair), rectangular kernels, bias on and off, on both
//! of its training kernels (direct, and im2col + GEMM for the larger
//! shapes); `Conv1d`; `MaxPool2d` and `AvgPool2d` with default, smaller
//! (overlapping) and larger strides; `GlobalAvgPool` after both
//! convolutions; `LayerNorm` on `[C, H, W]` and `[N]`; `BatchNorm` per
//! channel and per feature in training mode with batches of 3 and 4, where
//! the batch statistics couple the samples; and `Dropout` with a fixed
//! mask.

use nn::prelude::*;
use nn::testing::{jitter, network_gradient_check, random_inputs};

nn::network! {
    /// Padding, strides, a rectangular kernel, bias off.
    struct Convs {
        input: [2, 6, 5],
        c1: Conv2d(3, kernel = 3, padding = same),
        a1: Tanh,
        c2: Conv2d(4, kernel = (3, 2), stride = 2, padding = (1, 0), bias = false),
        a2: Gelu,
        c3: Conv2d(2, kernel = 2, stride = (1, 2), padding = 1),
        a3: Sigmoid,
        flat: Flatten,
        out: Dense(3),
    }
}

nn::network! {
    /// Large enough that the convolutions train through im2col + GEMM.
    struct WideConv {
        input: [2, 8, 8],
        c1: Conv2d(8, kernel = 3, padding = 1),
        a1: Tanh,
        c2: Conv2d(8, kernel = 3, stride = 2, bias = false),
        a2: Swish,
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// A 1-d convolution large enough for im2col + GEMM.
    struct WideSeq {
        input: [4, 32],
        c1: Conv1d(8, kernel = 5, padding = 2),
        a1: Tanh,
        c2: Conv1d(6, kernel = 3, stride = 3, bias = false),
        g: GlobalAvgPool,
        out: Dense(2),
    }
}

nn::network! {
    /// Max and average pooling, with default, overlapping and skipping strides.
    struct Pools {
        input: [1, 9, 9],
        c: Conv2d(3, kernel = 2, padding = (1, 0)),
        a: Tanh,
        mp1: MaxPool2d(2),
        mp2: MaxPool2d(3, stride = 1),
        ap1: AvgPool2d((2, 1), stride = (1, 2)),
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// Average pooling with a stride larger than the window, then max pooling.
    struct SkipPools {
        input: [2, 7, 7],
        ap: AvgPool2d(2, stride = 3),
        c: Conv2d(2, kernel = 1),
        a: Elu(1.0),
        mp: MaxPool2d((2, 1)),
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// 1-d convolutions and global average pooling of a sequence.
    struct Seq {
        input: [2, 9],
        c1: Conv1d(3, kernel = 3, stride = 2, padding = 1),
        a1: Tanh,
        c2: Conv1d(4, kernel = 2, bias = false),
        a2: Sigmoid,
        c3: Conv1d(2, kernel = 3, padding = same),
        g: GlobalAvgPool,
        out: Dense(2),
    }
}

nn::network! {
    /// Layer norm on images and on features, global pooling of a plane.
    struct Norms {
        input: [2, 4, 4],
        c: Conv2d(3, kernel = 3, padding = 1),
        ln1: LayerNorm,
        a: Tanh,
        g: GlobalAvgPool,
        d: Dense(5),
        ln2: LayerNorm,
        a2: Sigmoid,
        out: Dense(2),
    }
}

nn::network! {
    /// Batch norm per channel after a convolution and per feature after a
    /// dense layer.
    struct Batch {
        input: [2, 5, 5],
        c: Conv2d(3, kernel = 3, padding = same),
        bn1: BatchNorm,
        a1: Tanh,
        mp: MaxPool2d(2),
        flat: Flatten,
        d: Dense(6),
        bn2: BatchNorm,
        a2: Sigmoid,
        out: Dense(3),
    }
}

nn::network! {
    /// Batch norm on the larger convolution (im2col path) and on a sequence.
    struct BatchWide {
        input: [2, 8, 8],
        c: Conv2d(8, kernel = 3, padding = 1, bias = false),
        bn: BatchNorm,
        a: Tanh,
        g: GlobalAvgPool,
        out: Dense(2),
    }
}

nn::network! {
    /// Batch norm per channel of a 1-d convolution.
    struct BatchSeq {
        input: [1, 7],
        c: Conv1d(3, kernel = 3),
        bn: BatchNorm,
        a: Tanh,
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// Dropout between convolutions and dense layers.
    struct Dropped {
        input: [1, 6, 6],
        c: Conv2d(3, kernel = 3),
        a: Tanh,
        drop1: Dropout(0.3),
        flat: Flatten,
        d: Dense(8),
        a2: Sigmoid,
        drop2: Dropout(0.5),
        out: Dense(2),
    }
}

/// Checks `N` from three seeds with batch `B`; the networks are jittered so
/// that no bias is exactly zero.
fn check<N: Network<f64>, const B: usize>(name: &str, new: impl Fn(u64) -> Box<N>) {
    for seed in 0..3 {
        let mut net = new(seed);
        jitter(&mut *net, 0.3, seed + 30);
        let x = random_inputs::<f64, N, B>(seed + 10);
        let r = network_gradient_check(&mut *net, &x, seed + 20);
        assert!(r.worst <= 1e-6, "{name}, seed {seed}: {r:?}");
        assert!(r.worst.is_finite());
    }
}

#[test]
fn conv2d_with_padding_stride_and_bias_variants() {
    check::<Convs<f64>, 3>("Convs", Convs::new_boxed);
}

#[test]
fn conv2d_on_the_im2col_path() {
    // The shapes really take the GEMM path in training.
    type C1 = nn::layers::Conv2d<f64, 2, 8, 8, 8, 3, 3, 1, 1, 1, 1, 8, 8, 128, 512>;
    assert!(C1::use_im2col(2));
    check::<WideConv<f64>, 2>("WideConv", WideConv::new_boxed);
}

#[test]
fn conv1d_on_the_im2col_path() {
    type C1 = nn::layers::Conv1d<f64, 4, 32, 8, 5, 1, 2, 32, 128, 256>;
    assert!(C1::use_im2col(2));
    check::<WideSeq<f64>, 2>("WideSeq", WideSeq::new_boxed);
}

#[test]
fn max_and_avg_pooling() {
    check::<Pools<f64>, 3>("Pools", Pools::new_boxed);
    check::<SkipPools<f64>, 2>("SkipPools", SkipPools::new_boxed);
}

#[test]
fn conv1d_and_global_avg_pool() {
    check::<Seq<f64>, 3>("Seq", Seq::new_boxed);
}

#[test]
fn layer_norm_on_images_and_features() {
    check::<Norms<f64>, 3>("Norms", Norms::new_boxed);
}

#[test]
fn batch_norm_in_training_mode_couples_the_batch() {
    check::<Batch<f64>, 3>("Batch B=3", Batch::new_boxed);
    check::<Batch<f64>, 4>("Batch B=4", Batch::new_boxed);
    check::<BatchWide<f64>, 3>("BatchWide", BatchWide::new_boxed);
    check::<BatchSeq<f64>, 5>("BatchSeq", BatchSeq::new_boxed);
}

nn::network! {
    /// Batch norm straight on the input: `[2, 3]` is 2 channels of 3 positions.
    struct BatchOnly {
        input: [2, 3],
        bn: BatchNorm,
        flat: Flatten,
        out: Dense(2),
    }
}

#[test]
fn batch_norm_input_gradient_sums_to_zero_per_channel() {
    // The batch mean is subtracted, so moving one channel's inputs of the
    // whole batch together changes nothing: for any dL/dy the input
    // gradient sums to zero over the batch and positions of each channel.
    // A backward that treated the statistics as constants would give
    // (gamma / std) * sum dy instead, which is not zero here.
    let mut net = BatchOnly::<f64>::new_boxed(1);
    jitter(&mut *net, 0.3, 2);
    let x = random_inputs::<f64, BatchOnly<f64>, 4>(3);
    let mut trace = BatchOnly::<f64>::new_trace::<4>();
    net.forward_train(&x, &mut trace, &mut TrainCtx::seed(0));
    let mut rng = Rng::seed(5);
    for g in BatchOnly::<f64>::output_and_grad(&mut trace).1.iter_mut() {
        *g = [rng.normal(), rng.normal()];
    }
    let mut grads = BatchOnly::<f64>::zeroed_boxed();
    let dx = *net.backward_input(&mut trace, &mut grads);
    for c in 0..2 {
        let sum: f64 = dx.iter().map(|s| s[c].iter().sum::<f64>()).sum();
        let size: f64 = dx
            .iter()
            .map(|s| s[c].iter().map(|v| v.abs()).sum::<f64>())
            .sum();
        assert!(size > 0.1, "channel {c}: gradient {size}");
        assert!(sum.abs() < 1e-12 * size, "channel {c}: sum {sum}");
    }
    check::<BatchOnly<f64>, 3>("BatchOnly", BatchOnly::new_boxed);
}

#[test]
fn dropout_with_a_fixed_mask() {
    // The check evaluates every perturbation with the same context seed,
    // so the same mask: the gradient is that of the masked network.
    check::<Dropped<f64>, 3>("Dropped", Dropped::new_boxed);
}

nn::network! {
    /// A DCGAN-style generator: noise as a one-pixel image, transposed
    /// convolutions and nearest upsampling up to 8x8.
    struct Gen8 {
        input: [3, 1, 1],
        up1: ConvTranspose2d(4, kernel = 2),
        a1: Relu,
        up2: ConvTranspose2d(2, kernel = 4, stride = 2, padding = 1),
        a2: Tanh,
        near: Upsample(2),
        out: Conv2d(1, kernel = 3, padding = 1),
        flat: Flatten,
    }
}

#[test]
fn a_generator_of_transposed_convolutions_and_upsampling_has_exact_gradients() {
    assert!(Gen8::<f32>::SUMMARY.contains("ConvTranspose2d(2, k4, s2, p1)"));
    assert!(Gen8::<f32>::SUMMARY.contains("Upsample(2)"));
    assert_eq!(
        Gen8::<f32>::PARAMS,
        (3 * 4 * 4 + 4) + (4 * 2 * 16 + 2) + (2 * 9 + 1)
    );
    let mut net = Gen8::<f64>::new(3);
    let _: [f64; 64] = nn::Network::forward(&net, &[[[0.5]]; 3]);
    let x = nn::testing::random_inputs::<f64, Gen8<f64>, 2>(5);
    let report = nn::testing::network_gradient_check_with::<Gen8<f64>, 2>(
        &mut net,
        &x,
        &[nn::Side::WHOLE; 2],
        6,
    );
    assert!(report.worst < 1e-6, "{report:?}");
}
