//! Finite-difference gradient checks in f64 through whole generated
//! networks: every parameter and every input element, relative error at
//! most 1e-6, for every activation and for `Dense` with and without bias.

use nn::testing::{jitter, network_gradient_check, random_inputs};

nn::network! {
    /// Uses every smooth activation between dense layers.
    struct AllActivations {
        input: [5],
        d1: Dense(6),
        a1: Sigmoid,
        d2: Dense(6),
        a2: Tanh,
        d3: Dense(6, bias = false),
        a3: Relu,
        d4: Dense(6),
        a4: LeakyRelu(0.2),
        d5: Dense(6),
        a5: Prelu,
        d6: Dense(6),
        a6: Swish,
        d7: Dense(6),
        a7: Elu(0.7),
        d8: Dense(6),
        a8: Gelu,
        d9: Dense(4),
        a9: Identity,
        out: Softmax,
    }
}

nn::network! {
    /// A multi-dimensional input through `Flatten`.
    struct Flattened {
        input: [2, 3, 2],
        flat: Flatten,
        hidden: Dense(12 => 5),
        act: Step,
        logits: Dense(3),
    }
}

#[test]
fn every_activation_and_dense_match_finite_differences() {
    for seed in 0..3 {
        let mut net = AllActivations::<f64>::new(seed);
        jitter(&mut net, 0.3, seed + 30);
        let x = random_inputs::<f64, AllActivations<f64>, 3>(seed + 10);
        let r = network_gradient_check(&mut net, &x, seed + 20);
        assert!(r.worst <= 1e-6, "seed {seed}: {r:?}");
    }
}

#[test]
fn flatten_and_step_networks_match_finite_differences() {
    let mut net = Flattened::<f64>::new(4);
    jitter(&mut net, 0.3, 7);
    let x = random_inputs::<f64, Flattened<f64>, 2>(5);
    let r = network_gradient_check(&mut net, &x, 6);
    assert!(r.worst <= 1e-6, "{r:?}");
}
