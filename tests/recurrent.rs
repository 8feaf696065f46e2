//! Recurrent networks declared with `network!`: finite-difference gradient
//! checks in f64 through whole networks (full and shorter runtime lengths,
//! stacked layers, `sequences = true`, learned initial states, with
//! `LayerNorm`, `Dropout` and gradient clipping around them), and the
//! runtime-length contract (steps past `len` change nothing and get zero
//! gradient; inference and training agree).

use nn::prelude::*;
use nn::testing::{jitter, network_gradient_check_with, random_inputs};

nn::network! {
    /// One LSTM reading 4 steps of 3 features, last state, then logits.
    struct LstmLast {
        input: [4, 3],
        lstm: Lstm(5),
        out: Dense(2),
    }
}

nn::network! {
    /// Every cell stacked, each feeding the next its whole sequence.
    struct Stacked {
        input: [5, 2],
        rnn: Rnn(3, sequences = true),
        lstm: Lstm(4, sequences = true, initial = learned),
        gru: Gru(3, initial = learned),
        out: Dense(2),
    }
}

nn::network! {
    /// A sequence output read whole by a dense layer.
    struct SeqDense {
        input: [3, 2],
        gru: Gru(4, sequences = true),
        flat: Flatten,
        out: Dense(3),
    }
}

nn::network! {
    /// Normalisation and dropout between and after recurrent layers.
    struct Regularised {
        input: [4, 3],
        lstm: Lstm(6, sequences = true),
        drop: Dropout(0.3),
        rnn: Rnn(5),
        norm: LayerNorm,
        act: Tanh,
        out: Dense(2),
    }
}

nn::network! {
    /// `LayerNorm` on a sequence normalises each step (PyTorch's
    /// `LayerNorm(hidden)` in an RNN stack).
    struct StepNorm {
        input: [4, 2],
        lstm: Lstm(3, sequences = true),
        norm: LayerNorm,
        drop: Dropout(0.2),
        gru: Gru(3),
        out: Dense(2),
    }
}

nn::network! {
    /// Bidirectional layers, stacked, with a per-step norm between them.
    struct BiStack {
        input: [4, 2],
        bilstm: Lstm(3, bidirectional = true, sequences = true),
        norm: LayerNorm,
        bigru: Gru(2, bidirectional = true, initial = learned),
        out: Dense(2),
    }
}

/// Checks `N` at full length and at several shorter lengths per sample.
fn check_lengths<N: Network<f64>>(lens: &[[usize; 3]], seed: u64) {
    for (k, lens) in lens.iter().enumerate() {
        let mut net = N::new_boxed(seed);
        jitter(&mut *net, 0.3, seed + 1);
        let x = random_inputs::<f64, N, 3>(seed + 2 + k as u64);
        let r = network_gradient_check_with(&mut *net, &x, &Side::of_lengths(lens), seed + 3);
        assert!(r.worst <= 1e-6, "lengths {lens:?}: {r:?}");
    }
}

#[test]
fn lstm_last_state_matches_finite_differences() {
    check_lengths::<LstmLast<f64>>(&[[4, 4, 4], [4, 2, 1], [3, 0, 2]], 1);
}

#[test]
fn stacked_rnn_lstm_gru_match_finite_differences() {
    check_lengths::<Stacked<f64>>(&[[5, 5, 5], [5, 3, 1], [2, 4, 0]], 2);
}

#[test]
fn sequence_output_through_dense_matches_finite_differences() {
    check_lengths::<SeqDense<f64>>(&[[3, 3, 3], [1, 2, 3]], 3);
}

#[test]
fn layer_norm_and_dropout_around_recurrent_layers_match_finite_differences() {
    check_lengths::<Regularised<f64>>(&[[4, 4, 4], [4, 1, 3]], 4);
}

#[test]
fn per_step_layer_norm_matches_finite_differences() {
    check_lengths::<StepNorm<f64>>(&[[4, 4, 4], [4, 2, 1]], 5);
    // One gamma and beta of `hidden`, shared by the steps.
    assert_eq!(StepNorm::<f32>::ZEROED.norm.gamma.len(), 3);
    assert!(StepNorm::<f32>::SUMMARY.contains("LayerNorm(per step)  [4, 3]"));
}

#[test]
fn bidirectional_layers_match_finite_differences() {
    check_lengths::<BiStack<f64>>(&[[4, 4, 4], [4, 2, 1], [3, 0, 2]], 6);
    assert_eq!(
        BiStack::<f32>::PARAMS,
        2 * (4 * 3 * (2 + 3) + 8 * 3) + 2 * 6 + 2 * (3 * 2 * (6 + 2) + 6 * 2 + 2) + 4 * 2 + 2
    );
    let summary = BiStack::<f32>::SUMMARY;
    assert!(
        summary.contains("Lstm(3, bidirectional, sequences)  [4, 6]"),
        "{summary}"
    );
    assert!(summary.contains("LayerNorm(per step)"), "{summary}");
    assert!(summary.contains("[4]"), "{summary}");
}

#[test]
fn shapes_and_parameter_counts_are_inferred() {
    assert_eq!(LstmLast::<f32>::INPUT_SHAPE, &[4, 3]);
    assert_eq!(LstmLast::<f32>::OUTPUT_SHAPE, &[2]);
    // PyTorch: 4H (F + H) + 8H for an LSTM; 3H (F + H) + 6H for a GRU.
    assert_eq!(LstmLast::<f32>::PARAMS, 4 * 5 * (3 + 5) + 8 * 5 + 5 * 2 + 2);
    assert_eq!(
        Stacked::<f32>::PARAMS,
        (3 * (2 + 3) + 2 * 3)
            + (4 * 4 * (3 + 4) + 8 * 4 + 2 * 4)
            + (3 * 3 * (4 + 3) + 6 * 3 + 3)
            + (3 * 2 + 2)
    );
    assert_eq!(
        SeqDense::<f32>::PARAMS,
        3 * 4 * (2 + 4) + 6 * 4 + 12 * 3 + 3
    );
    let summary = Stacked::<f32>::SUMMARY;
    assert!(
        summary.contains("Lstm(4, sequences, learned h0)  [5, 4]"),
        "{summary}"
    );
    assert!(summary.contains("Gru(3, learned h0)"), "{summary}");
}

#[test]
fn steps_past_the_length_change_nothing_and_get_zero_gradient() {
    let mut net = Stacked::<f64>::new(5);
    jitter(&mut net, 0.3, 6);
    let x = random_inputs::<f64, Stacked<f64>, 1>(7)[0];
    let mut changed = x;
    for step in &mut changed[3..] {
        for v in step {
            *v += 10.0;
        }
    }
    assert_eq!(
        net.forward_with(&x, Side::len(3)),
        net.forward_with(&changed, Side::len(3))
    );
    assert_ne!(
        net.forward_with(&x, Side::len(4)),
        net.forward_with(&changed, Side::len(4))
    );
    // `forward` is the whole capacity.
    assert_eq!(net.forward(&x), net.forward_with(&x, Side::len(5)));

    let mut trace = Stacked::<f64>::new_trace::<2>();
    let mut grads = Stacked::<f64>::zeroed_boxed();
    net.forward_train_with(
        &[x, x],
        &Side::of_lengths(&[3, 5]),
        &mut trace,
        &mut TrainCtx::seed(0),
    );
    // Training and inference compute the same outputs.
    assert_eq!(
        Stacked::<f64>::output(&trace)[0],
        net.forward_with(&x, Side::len(3))
    );
    assert_eq!(Stacked::<f64>::output(&trace)[1], net.forward(&x));
    Stacked::<f64>::output_and_grad(&mut trace).1[0] = [1.0, -1.0];
    Stacked::<f64>::output_and_grad(&mut trace).1[1] = [1.0, -1.0];
    let dx = net.backward_input(&mut trace, &mut grads);
    assert!(dx[0][3..].iter().flatten().all(|g| *g == 0.0));
    assert!(dx[0][..3].iter().flatten().all(|g| *g != 0.0));
    assert!(dx[1].iter().flatten().all(|g| *g != 0.0));
}

#[test]
fn gradient_clipping_bounds_recurrent_gradients() {
    let mut net = LstmLast::<f64>::new(8);
    let x = random_inputs::<f64, LstmLast<f64>, 4>(9);
    let targets = [0usize, 1, 1, 0];
    let mut grads = LstmLast::<f64>::zeroed_boxed();
    let mut trace = LstmLast::<f64>::new_trace::<4>();
    nn::step::forward_backward_with(
        &mut net,
        &mut grads,
        &mut trace,
        &SoftmaxCrossEntropy,
        &x,
        &Side::of_lengths(&[4, 3, 2, 1]),
        &targets,
        &mut TrainCtx::seed(0),
    )
    .unwrap();
    let norm = |g: &LstmLast<f64>| -> f64 {
        (0..LstmLast::<f64>::TENSORS)
            .flat_map(|i| g.tensor(i).iter().copied())
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt()
    };
    let before = norm(&grads);
    assert!(before > 1e-3);
    let reported = clip_grad_norm(&mut *grads, before / 4.0);
    assert!((reported - before).abs() < 1e-12);
    // PyTorch's coefficient max_norm / (norm + 1e-6).
    let want = before / 4.0 * before / (before + 1e-6);
    assert!(
        (norm(&grads) - want).abs() < 1e-12,
        "{} vs {want}",
        norm(&grads)
    );
}

nn::network! {
    /// Learns to tell which of two patterns a variable-length sequence holds.
    struct Parity {
        input: [6, 1],
        gru: Gru(8),
        out: Dense(2),
    }
}

#[test]
fn a_gru_learns_from_variable_length_sequences() {
    use nn::train::{Dataset, Trainer};
    // Class = sign of the last real step; padding after it is random
    // noise, so only a network that honours the lengths can be right.
    let mut rng = Rng::seed(11);
    let (mut x, mut y, mut lens) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..256 {
        let len = 1 + (i % 6);
        let mut s = [[0.0f32; 1]; 6];
        for step in s.iter_mut() {
            step[0] = rng.normal() as f32;
        }
        y.push(usize::from(s[len - 1][0] > 0.0));
        x.push(s);
        lens.push(len);
    }
    let data = Dataset::with_lengths(x, y, lens).unwrap();
    let (train, test) = data.split(0.25, 3).unwrap();
    let mut net = Parity::<f32>::new_boxed(4);
    let mut trainer = Trainer::<f32, Parity<f32>, 16>::new(5);
    let mut adam = Adam::new(0.01);
    for _ in 0..40 {
        trainer
            .epoch(&mut net, &mut adam, &SoftmaxCrossEntropy, &train)
            .unwrap();
    }
    let correct = (0..test.len())
        .filter(|&i| {
            nn::train::argmax(&net.forward_with(&test.x()[i], test.side_of(i))) == test.y()[i]
        })
        .count();
    let accuracy = correct as f64 / test.len() as f64;
    assert!(accuracy >= 0.9, "accuracy {accuracy}");
    // The same inputs read at full capacity see the noise: worse.
    let at_capacity = (0..test.len())
        .filter(|&i| nn::train::argmax(&net.forward(&test.x()[i])) == test.y()[i])
        .count();
    assert!(at_capacity < correct, "{at_capacity} vs {correct}");
}
