//! `Params` apart from `Network`: a pair of networks is one value of
//! parameters, numbered one network after the other, that optimizers,
//! clipping and copies take as they take a single network.

use nn::prelude::*;

nn::network! {
    /// A generator-sized network: 2 -> 4 -> 3.
    struct Gen {
        input: [2],
        hidden: Dense(4),
        act: Tanh,
        out: Dense(3),
    }
}

nn::network! {
    /// A discriminator-sized network with batch norm (buffers): 3 -> 4 -> 1.
    struct Disc {
        input: [3],
        hidden: Dense(4),
        norm: BatchNorm,
        act: Relu,
        out: Dense(1),
    }
}

type Pair = (Gen<f64>, Disc<f64>);

fn seeded_grads<P: Params<f64>>(seed: u64) -> P {
    let mut g = P::ZEROED;
    nn::testing::jitter(&mut g, 1.0, seed);
    g
}

#[test]
fn a_pair_numbers_its_members_in_order() {
    assert_eq!(<Pair as Params<f64>>::TENSORS, 4 + 6);
    assert_eq!(
        <Pair as Params<f64>>::PARAMS,
        Gen::<f64>::PARAMS + Disc::<f64>::PARAMS
    );
    assert_eq!(<Pair as Params<f64>>::BUFFERS, 2);
    let pair: Pair = (Gen::new(1), Disc::new(2));
    for i in 0..4 {
        assert_eq!(pair.tensor(i), pair.0.tensor(i));
        assert_eq!(
            <Pair as Params<f64>>::tensor_info(i),
            <Gen<f64> as Params<f64>>::tensor_info(i)
        );
    }
    for i in 0..6 {
        assert_eq!(pair.tensor(4 + i), pair.1.tensor(i));
    }
    assert!(pair.tensor(10).is_empty());
    assert_eq!(
        <Pair as Params<f64>>::buffer_name(0),
        Some(("norm", "running_mean"))
    );
}

#[test]
fn adam_on_a_pair_is_adam_on_each() {
    let mut pair: Pair = (Gen::new(1), Disc::new(2));
    let (mut g, mut d) = (Gen::<f64>::new(1), Disc::<f64>::new(2));
    let mut adam_pair = Adam::<Pair>::new(0.01);
    let (mut adam_g, mut adam_d) = (Adam::<Gen<f64>>::new(0.01), Adam::<Disc<f64>>::new(0.01));
    for step in 0..5 {
        let grads: Pair = (seeded_grads(10 + step), seeded_grads(20 + step));
        adam_pair.step(&mut pair, &grads);
        adam_g.step(&mut g, &grads.0);
        adam_d.step(&mut d, &grads.1);
    }
    for i in 0..4 {
        assert_eq!(pair.0.tensor(i), g.tensor(i));
    }
    for i in 0..6 {
        assert_eq!(pair.1.tensor(i), d.tensor(i));
    }
    // And the pair moved: the test can fail.
    assert_ne!(pair.0.tensor(0), Gen::<f64>::new(1).tensor(0));
}

#[test]
fn clipping_and_copies_see_the_whole_pair() {
    let mut grads: Pair = (seeded_grads(1), seeded_grads(2));
    let norm = |p: &Pair| {
        (0..<Pair as Params<f64>>::TENSORS)
            .flat_map(|i| p.tensor(i).to_vec())
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt()
    };
    let before = norm(&grads);
    let reported = clip_grad_norm(&mut grads, 0.5);
    assert!((reported - before).abs() < 1e-12);
    assert!(before > 0.5);
    // PyTorch's coefficient, max_norm / (total + 1e-6).
    assert!((norm(&grads) - 0.5 * before / (before + 1e-6)).abs() < 1e-12);

    let mut copy: Pair = Params::ZEROED;
    let mut source: Pair = (Gen::new(3), Disc::new(4));
    source.buffer_mut(1).fill(2.0);
    copy.copy_state_from(&source);
    assert_eq!(copy.buffer(1), source.buffer(1));
    assert_eq!(copy.tensor(9), source.tensor(9));
    assert!(copy.all_finite());
    copy.tensor_mut(7)[0] = f64::NAN;
    assert!(!copy.all_finite());
}
