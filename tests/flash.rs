//! `#[nn(weights = "..")]`: `TRAINED` made at compile time from a weight
//! file equals the same file loaded at run time, tensor for tensor and
//! buffer for buffer, for every kind with parameters or buffers; a
//! `static` of it works (read-only data, no RAM for weights).

use nn::prelude::*;

include!("common/flash_nets.rs");
flash_image_net!(
    #[nn(weights = "fixtures/flash_image.nnw")]
    ImageNet
);
flash_sequence_net!(
    #[nn(weights = "fixtures/flash_sequence.nnw")]
    SequenceNet
);

static IMAGE: ImageNet = ImageNet::TRAINED;
static SEQUENCE: SequenceNet = SequenceNet::TRAINED;

fn loaded<N: Params<f32>>(file: &str) -> N {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut net = N::ZEROED;
    nn::weights::load(&mut net, path).unwrap();
    net
}

#[test]
fn trained_equals_the_file_loaded_at_run_time() {
    let image: ImageNet = loaded("flash_image.nnw");
    assert_eq!(IMAGE, image);
    assert_eq!(image, filled::<ImageNet>(21));
    let sequence: SequenceNet = loaded("flash_sequence.nnw");
    assert_eq!(SEQUENCE, sequence);
    assert_eq!(sequence, filled::<SequenceNet>(22));
    // The layer kinds' tensor lists in the macro agree with nn-core's: a
    // disagreement would have been a compile error or a different value.
    let x = [[[0.25f32; 6]; 6]; 2];
    assert_eq!(IMAGE.forward(&x), image.forward(&x));
    let s = [[0.5f32; 8]; 4];
    assert_eq!(SEQUENCE.forward(&s), sequence.forward(&s));
}

#[macro_use]
#[path = "../examples/networks/digits.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod digits;
digits_network!(
    /// The digits firmware's network, from the file it is made of.
    #[nn(weights = "../embedded/data/digits.nnw")]
    pub struct Digits
);

/// The digits firmware's data agree with this library: its weights give,
/// here too, the predictions stored beside the held-out digits (so a
/// change that made the files stale would fail here, not only on the
/// device).
#[test]
fn the_digits_firmware_data_are_current() {
    let test = include_bytes!("../embedded/data/digits_test.bin");
    let n = u16::from_le_bytes([test[0], test[1]]) as usize;
    assert_eq!(n, 359);
    let net = Digits::TRAINED;
    let (mut right, mut same) = (0, 0);
    for d in test[2..].chunks_exact(66) {
        let x: [f32; 64] = core::array::from_fn(|i| d[i] as f32 / 16.0);
        let p = nn::train::argmax(&net.forward(&x));
        right += usize::from(p == d[64] as usize);
        same += usize::from(p == d[65] as usize);
    }
    assert_eq!((same, right), (359, 353));
    // The README quotes the firmware's figure (truncated, as it prints).
    let hundredths = right * 10_000 / n;
    let quoted = format!("{}.{:02}% right", hundredths / 100, hundredths % 100);
    assert!(include_str!("../README.md").contains(&quoted), "{quoted}");
}

#[macro_use]
#[path = "../examples/networks/sine.rs"]
#[allow(dead_code, reason = "the macro is what is used")]
mod sine;
sine_network!(
    /// The sine firmware's network, from the file it is made of.
    #[nn(weights = "../embedded/data/sine.nnw")]
    pub struct Sine
);

/// The sine firmware's weights fit the sine here too (the firmware checks
/// eight points within 0.1).
#[test]
fn the_sine_firmware_weights_fit_the_sine() {
    let net = Sine::TRAINED;
    let mae: f64 = (0..200)
        .map(|i| {
            let v = std::f64::consts::TAU * i as f64 / 200.0;
            (net.forward(&[v as f32])[0] as f64 - v.sin()).abs()
        })
        .sum::<f64>()
        / 200.0;
    assert!(mae < 0.05, "{mae}");
    let loaded: Sine = loaded("../../embedded/data/sine.nnw");
    assert_eq!(loaded.forward(&[1.0]), net.forward(&[1.0]));
}

#[path = "../embedded/src/golden.rs"]
mod golden;

/// The host computes the output bits the sine and digits firmwares check
/// on the device (`embedded/src/golden.rs`): one order of sums, so one
/// result, on x86-64 with its vector lanes and on the Cortex-M4F with its
/// assembly loop.
#[test]
fn the_firmwares_golden_output_bits_are_the_hosts() {
    let sine = Sine::TRAINED;
    let bits: Vec<u32> = (0..8)
        .map(|k| {
            let x = core::f32::consts::TAU * k as f32 / 8.0;
            sine.forward(&[x])[0].to_bits()
        })
        .collect();
    assert_eq!(bits, golden::SINE_BITS, "sine");

    let digits = Digits::TRAINED;
    let test = include_bytes!("../embedded/data/digits_test.bin");
    let n = u16::from_le_bytes([test[0], test[1]]) as usize;
    let mut hash = golden::FNV_START;
    for digit in test[2..].chunks_exact(66).take(n) {
        let x: [f32; 64] = core::array::from_fn(|i| digit[i] as f32 / 16.0);
        for y in digits.forward(&x) {
            hash = golden::fnv1a(hash, y.to_bits());
        }
    }
    assert_eq!(n, 359);
    assert_eq!(hash, golden::DIGITS_OUTPUT_FNV, "digits: {hash:#010x}");
}
