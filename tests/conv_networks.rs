//! Whole generated networks with convolutions, pooling, normalisation and
//! dropout, checked against values: a forward by hand and one by plain
//! loops written here independently of nn-core's kernels, batch norm's
//! running statistics against PyTorch's formula and its inference mode,
//! dropout's masks and scaling, and a `Trainer` that restores batch norm's
//! running statistics with the weights when training diverges.

#![allow(
    clippy::needless_range_loop,
    reason = "the reference loops index as the formulas do"
)]

use nn::prelude::*;
use nn::testing::{assert_close, random_inputs};
use nn::train::{Dataset, Trainer};

nn::network! {
    /// Small enough to compute by hand.
    struct ByHand {
        input: [1, 3, 3],
        c: Conv2d(1, kernel = 2, stride = 2, padding = 1),
    }
}

#[test]
fn conv2d_stride_and_padding_by_hand() {
    let mut net = ByHand::<f64>::zeroed();
    net.c.weight = [[[[1.0, 2.0], [3.0, 4.0]]]];
    net.c.bias = [0.5];
    let x = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]];
    // The input padded to 5x5 with zeros, windows at rows/cols -1 and 1:
    // (-1,-1): x00 w11 = 4; (-1,1): x01 w10 + x02 w11 = 6 + 12 = 18;
    // (1,-1): x10 w01 + x20 w11 = 8 + 28 = 36;
    // (1,1): x11 w00 + x12 w01 + x21 w10 + x22 w11 = 5 + 12 + 24 + 36 = 77.
    assert_eq!(net.forward(&x), [[[4.5, 18.5], [36.5, 77.5]]]);
    assert_eq!(ByHand::<f64>::OUTPUT_SHAPE, &[1, 2, 2]);
}

nn::network! {
    /// Every 2-d kind in one network, with non-trivial strides and padding.
    struct Golden {
        input: [2, 5, 6],
        c: Conv2d(3, kernel = (3, 2), stride = (2, 1), padding = 1),
        a: Relu,
        ap: AvgPool2d(2, stride = 1),
        mp: MaxPool2d((1, 2), stride = (1, 2)),
        bn: BatchNorm,
        flat: Flatten,
        out: Dense(2),
    }
}

#[test]
fn shapes_are_inferred_through_every_kind() {
    // Conv: (5 + 2 - 3) / 2 + 1 = 3 rows, (6 + 2 - 2) / 1 + 1 = 7 columns;
    // avg pool 2, stride 1: 2x6; max pool 1x2, stride (1, 2): 2x3.
    assert_eq!(
        Golden::<f32>::SUMMARY,
        "Network: Golden
Layer  Kind                       Output shape  Params
======================================================
input  Input                      [2, 5, 6]          0
c      Conv2d(3, k3x2, s2x1, p1)  [3, 3, 7]         39
a      Relu                       [3, 3, 7]          0
ap     AvgPool2d(2, s1)           [3, 2, 6]          0
mp     MaxPool2d(1x2)             [3, 2, 3]          0
bn     BatchNorm                  [3, 2, 3]          6
flat   Flatten                    [18]               0
out    Dense                      [2]               38
======================================================
Total params: 83 (332 bytes as f32)
Inference RAM: 752 bytes as f32 (input, output, 2 buffers)
"
    );
    assert_eq!(Golden::<f32>::INPUT_SHAPE, &[2, 5, 6]);
    assert_eq!(SeqGolden::<f32>::OUTPUT_SHAPE, &[3]);
    // Input 60, output 2, and two ping-pong buffers for activations 1..5
    // (63, 63, 36, 18, 18): 63 each.
    assert_eq!(Golden::<f32>::INFERENCE_RAM_BYTES, (60 + 2 + 63 + 63) * 4);
}

/// Deterministic, irregular values.
fn fill(v: &mut [f64], salt: f64) {
    for (i, p) in v.iter_mut().enumerate() {
        *p = ((i as f64 * 0.37 + salt).sin() * 1.3).clamp(-1.0, 1.0);
    }
}

/// `Golden`'s forward in plain loops, from its parameters.
fn golden_reference(net: &Golden<f64>, x: &[[[f64; 6]; 5]; 2]) -> [f64; 2] {
    // Conv: OH = (5 + 2 - 3) / 2 + 1 = 3, OW = (6 + 2 - 2) / 1 + 1 = 7.
    let mut conv = [[[0.0; 7]; 3]; 3];
    for o in 0..3 {
        for oy in 0..3 {
            for ox in 0..7 {
                let mut s = net.c.bias[o];
                for c in 0..2 {
                    for ki in 0..3 {
                        for kj in 0..2 {
                            let iy = (oy * 2 + ki) as isize - 1;
                            let ix = ox as isize + kj as isize - 1;
                            if (0..5).contains(&iy) && (0..6).contains(&ix) {
                                s += net.c.weight[o][c][ki][kj] * x[c][iy as usize][ix as usize];
                            }
                        }
                    }
                }
                conv[o][oy][ox] = s.max(0.0);
            }
        }
    }
    // AvgPool 2x2 stride 1: [3, 2, 6]; MaxPool 1x2 stride (1, 2): [3, 2, 3].
    let mut pooled = [[[0.0; 3]; 2]; 3];
    for c in 0..3 {
        for i in 0..2 {
            let avg = |j: usize| {
                (conv[c][i][j] + conv[c][i][j + 1] + conv[c][i + 1][j] + conv[c][i + 1][j + 1])
                    / 4.0
            };
            for j in 0..3 {
                pooled[c][i][j] = avg(2 * j).max(avg(2 * j + 1));
            }
        }
    }
    // Batch norm in inference: running statistics per channel.
    let mut flat = [0.0; 18];
    for c in 0..3 {
        let scale = net.bn.gamma[c] / (net.bn.running_var[c] + 1e-5).sqrt();
        for i in 0..2 {
            for j in 0..3 {
                flat[c * 6 + i * 3 + j] =
                    (pooled[c][i][j] - net.bn.running_mean[c]) * scale + net.bn.beta[c];
            }
        }
    }
    // Dense, weight [out, in] as PyTorch.
    let w = net.tensor(4);
    let b = net.tensor(5);
    core::array::from_fn(|o| b[o] + (0..18).map(|i| w[o * 18 + i] * flat[i]).sum::<f64>())
}

#[test]
fn golden_network_matches_plain_loops() {
    let mut net = Golden::<f64>::new(3);
    for i in 0..<Golden<f64> as Params<f64>>::TENSORS {
        fill(net.tensor_mut(i), i as f64);
    }
    net.bn.running_mean = [0.1, -0.2, 0.3];
    net.bn.running_var = [0.5, 1.5, 2.0];
    assert_eq!(
        Golden::<f64>::PARAMS,
        3 * 2 * 3 * 2 + 3 + 3 * 2 + 2 * 18 + 2
    );
    for seed in 0..4 {
        let x = random_inputs::<f64, Golden<f64>, 1>(seed)[0];
        let want = golden_reference(&net, &x);
        let got = net.forward(&x);
        assert_close(&got, &want, 1e-12);
        assert!(got.iter().all(|v| v.abs() > 1e-6), "{got:?}");
    }
    // f32 agrees to its precision.
    let mut net32 = Golden::<f32>::new(3);
    for i in 0..<Golden<f32> as Params<f32>>::TENSORS {
        let src = net.tensor(i);
        for (d, s) in net32.tensor_mut(i).iter_mut().zip(src) {
            *d = *s as f32;
        }
    }
    net32.bn.running_mean = [0.1, -0.2, 0.3];
    net32.bn.running_var = [0.5, 1.5, 2.0];
    let x = random_inputs::<f64, Golden<f64>, 1>(9)[0];
    let x32 = x.map(|c| c.map(|r| r.map(|v| v as f32)));
    let want = golden_reference(&net, &x);
    let got = net32.forward(&x32);
    assert_close(&got.map(f64::from), &want, 1e-5);
}

nn::network! {
    /// A sequence: 1-d convolution, then global average pooling.
    struct SeqGolden {
        input: [2, 7],
        c: Conv1d(3, kernel = 3, stride = 2, padding = 2),
        a: Tanh,
        g: GlobalAvgPool,
        ln: LayerNorm,
    }
}

#[test]
fn conv1d_global_pool_and_layer_norm_match_plain_loops() {
    let mut net = SeqGolden::<f64>::new(1);
    for i in 0..<SeqGolden<f64> as Params<f64>>::TENSORS {
        fill(net.tensor_mut(i), 2.0 * i as f64 + 0.5);
    }
    let x = random_inputs::<f64, SeqGolden<f64>, 1>(4)[0];
    // OL = (7 + 4 - 3) / 2 + 1 = 5.
    let mut pooled = [0.0; 3];
    for (o, p) in pooled.iter_mut().enumerate() {
        for t in 0..5 {
            let mut s = net.c.bias[o];
            for c in 0..2 {
                for k in 0..3 {
                    let i = (2 * t + k) as isize - 2;
                    if (0..7).contains(&i) {
                        s += net.c.weight[o][c][k] * x[c][i as usize];
                    }
                }
            }
            *p += s.tanh() / 5.0;
        }
    }
    let mean = pooled.iter().sum::<f64>() / 3.0;
    let var = pooled.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 3.0;
    let want: [f64; 3] = core::array::from_fn(|i| {
        (pooled[i] - mean) / (var + 1e-5).sqrt() * net.ln.gamma[i] + net.ln.beta[i]
    });
    assert_close(&net.forward(&x), &want, 1e-12);
}

nn::network! {
    /// Batch norm per channel, straight on the input, so the test knows
    /// what it normalises.
    struct Bn {
        input: [2, 2, 3],
        bn: BatchNorm,
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// Batch norm per feature after a dense layer.
    struct BnDense {
        input: [3],
        d: Dense(4),
        bn: BatchNorm,
        out: Dense(1),
    }
}

/// PyTorch's update of the running statistics for one batch of rows
/// `[C, S]`: per channel, the mean and the unbiased variance over the
/// `B S` values, with momentum 0.1.
fn pytorch_running_update<const N: usize>(
    rows: &[[f64; N]],
    channels: usize,
    mean: &mut [f64],
    var: &mut [f64],
) {
    let s = N / channels;
    for c in 0..channels {
        let vals: Vec<f64> = rows
            .iter()
            .flat_map(|r| r[c * s..(c + 1) * s].iter().copied())
            .collect();
        let n = vals.len() as f64;
        let m = vals.iter().sum::<f64>() / n;
        let unbiased = vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
        mean[c] = 0.9 * mean[c] + 0.1 * m;
        var[c] = 0.9 * var[c] + 0.1 * unbiased;
    }
}

#[test]
fn batch_norm_running_statistics_follow_pytorch_and_serve_inference() {
    let mut net = Bn::<f64>::new_boxed(1);
    assert_eq!(net.bn.running_mean, [0.0; 2]);
    assert_eq!(net.bn.running_var, [1.0; 2]);
    let (mut mean, mut var) = ([0.0; 2], [1.0; 2]);
    let mut grads = Bn::<f64>::zeroed_boxed();
    let mut trace = Bn::<f64>::new_trace::<4>();
    let mut sgd = Sgd::new(0.1);
    let mut ctx = TrainCtx::seed(0);
    for step in 0..5u64 {
        let mut x = random_inputs::<f64, Bn<f64>, 4>(step);
        // Channel 1 with another mean and spread than channel 0.
        for s in &mut x {
            for v in s[1].as_flattened_mut() {
                *v = 3.0 * *v + 2.0;
            }
        }
        let y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]];
        nn::step::train_step(
            &mut *net,
            nn::step::StepBuffers {
                grads: &mut grads,
                trace: &mut trace,
            },
            &mut sgd,
            &Mse,
            &x,
            &y,
            &mut ctx,
        )
        .unwrap();
        let rows: Vec<[f64; 12]> = x.iter().map(flat12).collect();
        pytorch_running_update(&rows, 2, &mut mean, &mut var);
        assert_close(&net.bn.running_mean, &mean, 1e-13);
        assert_close(&net.bn.running_var, &var, 1e-13);
    }
    // After five steps the estimate moved about 41% towards the data:
    // channel 1's mean towards 2, its variance towards 9.
    assert!(mean[1] > 0.6 && var[1] > 3.0, "{mean:?} {var:?}");
    // The optimizer moved gamma and beta, never the running statistics.
    assert_ne!(net.bn.gamma, [1.0; 2]);

    // Inference normalises with the running statistics, not the sample's.
    let x = random_inputs::<f64, Bn<f64>, 1>(99)[0];
    let flat = x.as_flattened().as_flattened();
    let mut normed = [0.0; 12];
    for c in 0..2 {
        let scale = net.bn.gamma[c] / (var[c] + 1e-5).sqrt();
        for i in 0..6 {
            normed[c * 6 + i] = (flat[c * 6 + i] - mean[c]) * scale + net.bn.beta[c];
        }
    }
    let (w, b) = (net.tensor(2), net.tensor(3));
    let want: [f64; 2] =
        core::array::from_fn(|o| b[o] + (0..12).map(|i| w[o * 12 + i] * normed[i]).sum::<f64>());
    assert_close(&net.forward(&x), &want, 1e-12);

    // Training mode normalises with the batch's statistics (biased
    // variance), and moves the running ones once more.
    let xs = random_inputs::<f64, Bn<f64>, 3>(7);
    let mut trace = Bn::<f64>::new_trace::<3>();
    net.forward_train(&xs, &mut trace, &mut ctx);
    let rows: Vec<[f64; 12]> = xs.iter().map(flat12).collect();
    for (b, row) in rows.iter().enumerate() {
        let mut normed = [0.0; 12];
        for c in 0..2 {
            let vals: Vec<f64> = rows
                .iter()
                .flat_map(|r| r[c * 6..c * 6 + 6].to_vec())
                .collect();
            let m = vals.iter().sum::<f64>() / 18.0;
            let biased = vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 18.0;
            for i in 0..6 {
                normed[c * 6 + i] = (row[c * 6 + i] - m) / (biased + 1e-5).sqrt() * net.bn.gamma[c]
                    + net.bn.beta[c];
            }
        }
        let want: [f64; 2] = core::array::from_fn(|o| {
            b_out(&net)[o]
                + (0..12)
                    .map(|i| w_out(&net)[o * 12 + i] * normed[i])
                    .sum::<f64>()
        });
        assert_close(&Bn::<f64>::output(&trace)[b], &want, 1e-12);
    }
    pytorch_running_update(&rows, 2, &mut mean, &mut var);
    assert_close(&net.bn.running_var, &var, 1e-13);
}

fn flat12(x: &[[[f64; 3]; 2]; 2]) -> [f64; 12] {
    let mut out = [0.0; 12];
    out.copy_from_slice(x.as_flattened().as_flattened());
    out
}

fn w_out(net: &Bn<f64>) -> &[f64] {
    net.tensor(2)
}

fn b_out(net: &Bn<f64>) -> &[f64] {
    net.tensor(3)
}

#[test]
fn batch_norm_per_feature_after_dense() {
    let mut net = BnDense::<f64>::new_boxed(2);
    let mut trace = BnDense::<f64>::new_trace::<5>();
    let mut ctx = TrainCtx::seed(0);
    let (mut mean, mut var) = ([0.0; 4], [1.0; 4]);
    for step in 0..3 {
        let x = random_inputs::<f64, BnDense<f64>, 5>(step);
        net.forward_train(&x, &mut trace, &mut ctx);
        // The norm's input: the dense layer's output, computed here.
        let (w, b) = (net.tensor(0), net.tensor(1));
        let rows: Vec<[f64; 4]> = x
            .iter()
            .map(|x| {
                core::array::from_fn(|o| b[o] + (0..3).map(|i| w[o * 3 + i] * x[i]).sum::<f64>())
            })
            .collect();
        pytorch_running_update(&rows, 4, &mut mean, &mut var);
        assert_close(&net.bn.running_mean, &mean, 1e-13);
        assert_close(&net.bn.running_var, &var, 1e-13);
    }
}

nn::network! {
    /// Dropout between a convolution and dense layers.
    struct WithDropout {
        input: [1, 5, 5],
        c: Conv2d(2, kernel = 3),
        a: Relu,
        drop1: Dropout(0.5),
        flat: Flatten,
        d: Dense(6),
        drop2: Dropout(0.25),
        out: Dense(2),
    }
}

nn::network! {
    /// `WithDropout` without the dropout: the same parameter tensors.
    struct WithoutDropout {
        input: [1, 5, 5],
        c: Conv2d(2, kernel = 3),
        a: Relu,
        flat: Flatten,
        d: Dense(6),
        out: Dense(2),
    }
}

nn::network! {
    /// Dropout alone, to look at its scaling.
    struct OnlyDropout {
        input: [4000],
        drop: Dropout(0.25),
        out: Identity,
    }
}

#[test]
fn dropout_is_the_identity_in_inference() {
    let with = WithDropout::<f64>::new(5);
    let mut without = WithoutDropout::<f64>::new(0);
    assert_eq!(
        <WithDropout<f64> as Params<f64>>::TENSORS,
        <WithoutDropout<f64> as Params<f64>>::TENSORS
    );
    for i in 0..<WithDropout<f64> as Params<f64>>::TENSORS {
        without.tensor_mut(i).copy_from_slice(with.tensor(i));
    }
    for seed in 0..3 {
        let x = random_inputs::<f64, WithDropout<f64>, 1>(seed)[0];
        assert_eq!(with.forward(&x), without.forward(&x));
    }
}

#[test]
fn dropout_masks_are_seeded_and_differ_between_seeds() {
    let mut net = WithDropout::<f64>::new(5);
    let x = random_inputs::<f64, WithDropout<f64>, 4>(1);
    let mut run = |seed: u64| {
        let mut trace = WithDropout::<f64>::new_trace::<4>();
        net.forward_train(&x, &mut trace, &mut TrainCtx::seed(seed));
        *WithDropout::<f64>::output(&trace)
    };
    let (a, b, c) = (run(7), run(7), run(8));
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Training output differs from inference (some units are dropped).
    let inference: Vec<[f64; 2]> = x.iter().map(|x| net.forward(x)).collect();
    assert_ne!(a.to_vec(), inference);
}

#[test]
fn dropout_scales_survivors_so_the_mean_is_kept() {
    let mut net = OnlyDropout::<f64>::zeroed();
    let x = [[1.5; 4000]; 2];
    let mut trace = OnlyDropout::<f64>::new_trace::<2>();
    net.forward_train(&x, &mut trace, &mut TrainCtx::seed(11));
    let y = OnlyDropout::<f64>::output(&trace).as_flattened().to_vec();
    let kept = y.iter().filter(|v| **v != 0.0).count();
    // Survivors are scaled by 1 / (1 - p) = 4 / 3, so 1.5 becomes 2.
    assert!(y.iter().all(|v| *v == 0.0 || *v == 2.0));
    // 8000 Bernoulli(0.75) draws: standard error of the fraction 0.0048.
    let frac = kept as f64 / 8000.0;
    assert!((frac - 0.75).abs() < 0.02, "kept {frac}");
    let mean = y.iter().sum::<f64>() / 8000.0;
    assert!((mean - 1.5).abs() < 0.04, "mean {mean}");
    // Backward routes the gradient through the same mask, scaled.
    OnlyDropout::<f64>::output_and_grad(&mut trace)
        .1
        .as_flattened_mut()
        .fill(1.0);
    let mut grads = OnlyDropout::<f64>::zeroed();
    let dx = net.backward_input(&mut trace, &mut grads);
    for (d, y) in dx.as_flattened().iter().zip(&y) {
        assert_eq!(*d, if *y == 0.0 { 0.0 } else { 4.0 / 3.0 });
    }
}

#[test]
fn trainer_restores_batch_norm_statistics_when_training_diverges() {
    // A rate that blows the weights up: a later forward pass folds an
    // infinite batch mean into the running statistics, the loss is not
    // finite, the step is refused and the trainer restores the state of
    // the last complete epoch, running statistics included. (An infinite
    // pixel is refused by row before any step.)
    let mut rng = Rng::seed(3);
    let mut xs: Vec<[[[f32; 3]; 2]; 2]> = (0..16)
        .map(|_| {
            let mut x = [[[0.0f32; 3]; 2]; 2];
            for v in x.as_flattened_mut().as_flattened_mut() {
                *v = rng.normal() as f32;
            }
            x
        })
        .collect();
    let ys: Vec<[f32; 2]> = (0..16).map(|i| [i as f32 / 16.0, 0.5]).collect();
    let good = Dataset::new(xs.clone(), ys.clone()).unwrap();
    xs[5][1][0][2] = f32::INFINITY;
    let bad = Dataset::new(xs, ys).unwrap();

    let mut net = Bn::<f32>::new_boxed(1);
    let mut trainer = Trainer::<f32, Bn<f32>, 4>::new(2);
    let mut sgd = Sgd::new(0.05);
    trainer.epoch(&mut *net, &mut sgd, &Mse, &good).unwrap();
    let (mean, var, gamma) = (net.bn.running_mean, net.bn.running_var, net.bn.gamma);
    assert_ne!(mean, [0.0; 2]);
    let err = trainer.epoch(&mut *net, &mut sgd, &Mse, &bad).unwrap_err();
    assert_eq!(err, nn::train::TrainError::BadInput { row: 5, index: 8 });
    let err = trainer
        .epoch(&mut *net, &mut Sgd::new(1e30), &Mse, &good)
        .unwrap_err();
    assert!(
        matches!(err, nn::train::TrainError::Diverged { epoch: 1, .. }),
        "{err}"
    );
    assert_eq!(net.bn.gamma, gamma);
    assert_eq!(net.bn.running_mean, mean);
    assert_eq!(net.bn.running_var, var);
    assert!(net.forward(&good.x()[0]).iter().all(|v| v.is_finite()));
}

nn::network! {
    /// Two batch norms: four buffers, numbered in layer order.
    struct TwoNorms {
        input: [2, 3, 3],
        bn1: BatchNorm,
        c: Conv2d(4, kernel = 2),
        bn2: BatchNorm,
        a: Relu,
        flat: Flatten,
        out: Dense(1),
    }
}

#[test]
fn buffers_are_numbered_over_the_network_and_copied_with_the_state() {
    type N = TwoNorms<f64>;
    assert_eq!(<N as Params<f64>>::BUFFERS, 4);
    let names: Vec<_> = (0..5).map(<N as Params<f64>>::buffer_name).collect();
    assert_eq!(
        names,
        [
            Some(("bn1", "running_mean")),
            Some(("bn1", "running_var")),
            Some(("bn2", "running_mean")),
            Some(("bn2", "running_var")),
            None
        ]
    );
    let mut net = N::new(1);
    assert_eq!(net.buffer(1), &[1.0; 2]);
    assert_eq!(net.buffer(3), &[1.0; 4]);
    assert!(net.buffer(4).is_empty());
    net.buffer_mut(2).copy_from_slice(&[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(net.bn2.running_mean, [1.0, 2.0, 3.0, 4.0]);
    // Buffers are not parameters: 4 tensors of norms (gamma, beta) + conv
    // weight and bias + dense weight and bias.
    assert_eq!(<N as Params<f64>>::TENSORS, 8);
    assert_eq!(N::PARAMS, 2 * 2 + 4 * 2 * 2 * 2 + 4 + 2 * 4 + 16 + 1);

    let mut copy = N::zeroed();
    copy.copy_params_from(&net);
    assert_eq!(copy.bn2.running_mean, [0.0; 4]);
    copy.copy_state_from(&net);
    assert_eq!(state(&copy), state(&net));
    net.bn1.running_var[0] = f64::NAN;
    assert!(!net.all_finite());
}

/// Every tensor and buffer of a `TwoNorms`.
fn state(n: &TwoNorms<f64>) -> Vec<Vec<f64>> {
    let mut v: Vec<Vec<f64>> = (0..8).map(|i| n.tensor(i).to_vec()).collect();
    v.extend((0..4).map(|i| n.buffer(i).to_vec()));
    v
}
