//! `predict`, `predict_data`, `evaluate` and `score` over many samples on
//! several threads give the one-thread outputs to the bit, in order.

use nn::prelude::*;
use nn::train::{set_threads, Accuracy, Dataset};

nn::network! {
    pub struct Mlp {
        input: [64],
        hidden: Dense(128),
        act: Relu,
        out: Dense(10),
    }
}

nn::network! {
    /// Sequences of runtime length: each sample's side goes to its thread.
    pub struct Seq {
        input: [12, 8],
        lstm: Lstm(32),
        out: Dense(3),
    }
}

fn bits<const N: usize>(ys: &[[f32; N]]) -> Vec<u32> {
    ys.iter().flatten().map(|v| v.to_bits()).collect()
}

#[test]
fn outputs_are_the_same_bits_on_any_number_of_threads() {
    let mut rng = Rng::seed(1);
    let mlp = Mlp::<f32>::new(2);
    let x: Vec<[f32; 64]> = (0..1500)
        .map(|_| core::array::from_fn(|_| rng.normal() as f32))
        .collect();
    let seq = Seq::<f32>::new(3);
    let sx: Vec<[[f32; 8]; 12]> = (0..700)
        .map(|_| core::array::from_fn(|_| core::array::from_fn(|_| rng.normal() as f32)))
        .collect();
    let lens: Vec<usize> = (0..700).map(|i| 1 + i % 12).collect();
    let labels: Vec<usize> = (0..700).map(|i| i % 3).collect();
    let data = Dataset::with_lengths(sx.clone(), labels, lens).unwrap();

    set_threads(1);
    let (one, one_seq) = (bits(&mlp.predict(&x)), bits(&seq.predict_data(&data)));
    let one_score = seq.score(&Accuracy, &data);
    for t in [2, 3, 8] {
        set_threads(t);
        assert_eq!(bits(&mlp.predict(&x)), one, "mlp, {t} threads");
        assert_eq!(
            bits(&seq.predict_data(&data)),
            one_seq,
            "sequences, {t} threads"
        );
        assert_eq!(seq.score(&Accuracy, &data), one_score);
    }
    set_threads(0);
    // The lengths reach the threads: a shorter sequence gives another output.
    assert_ne!(one_seq[..3], bits(&seq.predict(&sx[..1]))[..3]);
}
