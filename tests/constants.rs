//! The constants `network!` generates for a small network, checked against
//! numbers worked out by hand, and a zeroed network in a `static`.

use nn::prelude::*;

nn::network! {
    /// A small digit classifier with a reshape, a bias-free layer and a softmax.
    pub struct Digits {
        input: [1, 8, 8],
        flat: Flatten,
        hidden: Dense(64 => 16),
        act: Relu,
        logits: Dense(10, bias = false),
        probs: Softmax,
    }
}

/// Parameters: 64 * 16 + 16 (hidden) + 16 * 10 (logits, no bias).
const PARAMS: usize = 64 * 16 + 16 + 16 * 10;

/// Inference elements: the input (64), the output (10) and the two
/// ping-pong buffers for activations 1..3 (sizes 16, 16, 10): 16 each.
const INFERENCE_ELEMS: usize = 64 + 10 + 16 + 16;

/// A compile-time RAM budget: this file does not build if a training step
/// at batch 32 outgrows 64 KiB (trace and gradients).
const _: () = assert!(nn::training_ram_bytes::<Digits<f32>, f32, 32>() <= 64 * 1024);
const _: () = assert!(
    nn::training_ram_bytes::<Digits<f64>, f64, 1>()
        > nn::training_ram_bytes::<Digits<f32>, f32, 1>()
);

static ZEROED: Digits<f32> = Digits::<f32>::zeroed();

#[test]
fn sizes_match_hand_counts() {
    assert_eq!(PARAMS, 1200);
    assert_eq!(Digits::<f32>::PARAMS, PARAMS);
    assert_eq!(Digits::<f64>::PARAMS, PARAMS);
    assert_eq!(<Digits<f32> as Params<f32>>::PARAMS, PARAMS);
    assert_eq!(Digits::<f32>::PARAM_BYTES, 4800);
    assert_eq!(Digits::<f64>::PARAM_BYTES, 9600);
    assert_eq!(<Digits<f64> as Params<f64>>::PARAM_BYTES, 9600);
    assert_eq!(Digits::<f32>::INFERENCE_RAM_BYTES, INFERENCE_ELEMS * 4);
    assert_eq!(Digits::<f32>::INFERENCE_RAM_BYTES, 424);
    assert_eq!(Digits::<f64>::INFERENCE_RAM_BYTES, 848);
    assert_eq!(<Digits<f64> as Network<f64>>::INFERENCE_RAM_BYTES, 848);
    // hidden: weights and bias; logits: weights only.
    assert_eq!(<Digits<f32> as Params<f32>>::TENSORS, 3);
    assert_eq!(Digits::<f32>::INPUT_SHAPE, &[1, 8, 8]);
    assert_eq!(Digits::<f32>::OUTPUT_SHAPE, &[10]);
}

#[test]
fn summary_is_the_expected_table() {
    let expected = concat!(
        "Network: Digits\n",
        "Layer   Kind            Output shape  Params\n",
        "============================================\n",
        "input   Input           [1, 8, 8]          0\n",
        "flat    Flatten         [64]               0\n",
        "hidden  Dense           [16]           1,040\n",
        "act     Relu            [16]               0\n",
        "logits  Dense(no bias)  [10]             160\n",
        "probs   Softmax         [10]               0\n",
        "============================================\n",
        "Total params: 1,200 (4,800 bytes as f32)\n",
        "Inference RAM: 424 bytes as f32 (input, output, 2 buffers)\n",
    );
    assert_eq!(Digits::<f32>::SUMMARY, expected);
    assert_eq!(<Digits<f64> as Network<f64>>::SUMMARY, expected);
}

#[test]
fn zeroed_network_works_from_a_static() {
    let net: &'static Digits<f32> = &ZEROED;
    for i in 0..<Digits<f32> as Params<f32>>::TENSORS {
        assert!(net.tensor(i).iter().all(|&p| p == 0.0), "tensor {i}");
    }
    let total: usize = (0..<Digits<f32> as Params<f32>>::TENSORS)
        .map(|i| net.tensor(i).len())
        .sum();
    assert_eq!(total, PARAMS);
    // All-zero weights: equal logits, so a uniform softmax.
    let y = net.forward(&[[[0.5; 8]; 8]; 1]);
    for p in y {
        assert!((p - 0.1).abs() < 1e-6, "{y:?}");
    }
}

#[test]
fn const_training_ram_matches_the_trait_method() {
    const AT_8: usize = nn::training_ram_bytes::<Digits<f32>, f32, 8>();
    assert_eq!(
        AT_8,
        <Digits<f32> as Network<f32>>::training_ram_bytes::<8>()
    );
    assert_eq!(
        nn::training_ram_bytes::<Digits<f64>, f64, 3>(),
        <Digits<f64> as Network<f64>>::training_ram_bytes::<3>()
    );
    // The gradients (a second network) plus a trace that grows with B.
    let per_sample = nn::training_ram_bytes::<Digits<f32>, f32, 2>()
        - nn::training_ram_bytes::<Digits<f32>, f32, 1>();
    assert!(per_sample > 0);
    assert!(AT_8 >= Digits::<f32>::PARAM_BYTES + 8 * per_sample);
}

nn::network! {
    /// Six steps of two features, an LSTM of 4, three outputs.
    struct Reader {
        input: [6, 2],
        lstm: Lstm(4),
        out: Dense(3),
    }
}

#[test]
fn inference_ram_counts_the_recurrent_state_and_gates() {
    // Input 12, output 3, one buffer of 4 (the LSTM's last state), and the
    // LSTM's scratch: h, c and hn (3 x 4) and two gate vectors (2 x 16).
    let elems = 12 + 3 + 4 + (3 * 4 + 2 * 16);
    assert_eq!(Reader::<f32>::INFERENCE_RAM_BYTES, elems * 4);
    assert_eq!(
        <Reader<f64> as Network<f64>>::INFERENCE_RAM_BYTES,
        elems * 8
    );
    assert!(Reader::<f32>::SUMMARY
        .contains("Inference RAM: 252 bytes as f32 (input, output, 2 buffers, layer scratch)"));
}
