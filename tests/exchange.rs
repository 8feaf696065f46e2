//! PyTorch exchange through safetensors: the fixtures in tests/fixtures/
//! (PyTorch `state_dict`s with outputs for fixed inputs, made by
//! tools/fixtures/make_fixtures.py) load under their PyTorch names and
//! give PyTorch's outputs; exports carry exactly PyTorch's keys and load
//! back bit for bit; mismatches and hostile files are named errors.

use nn::prelude::*;
use nn::weights::{self, Import, WeightsError};
use safetensors::SafeTensors;

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct DenseNet { input: [4], fc1: Dense(8), act: Tanh, fc2: Dense(3) }
}

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct ConvBn {
        input: [1, 6, 6],
        conv: Conv2d(4, kernel = 3),
        bn: BatchNorm,
        relu: Relu,
        pool: MaxPool2d(2),
        flat: Flatten,
        fc: Dense(3),
    }
}

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct LstmNet { input: [5, 3], lstm: Lstm(4), fc: Dense(2) }
}

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct GruNet { input: [5, 3], gru: Gru(4), fc: Dense(2) }
}

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct BiLstm { input: [5, 3], lstm: Lstm(4, bidirectional = true), fc: Dense(2) }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/{name}.safetensors",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn floats(file: &SafeTensors<'_>, name: &str) -> Vec<f32> {
    let v = file.tensor(name).unwrap();
    v.data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

/// The file's state-dict keys (everything but `input` and `output`).
fn state_keys(bytes: &[u8]) -> Vec<String> {
    let file = SafeTensors::deserialize(bytes).unwrap();
    let mut keys: Vec<String> = file
        .names()
        .into_iter()
        .filter(|k| *k != "input" && *k != "output")
        .map(String::from)
        .collect();
    keys.sort();
    keys
}

/// Loads the fixture into `N`, runs its inputs and returns the largest
/// difference from its outputs, relative to the largest output; also checks that the export has
/// exactly the fixture's keys and loads back bit for bit.
fn check<N: Network<f32> + PartialEq + core::fmt::Debug + Clone>(name: &str, how: Import) -> f64 {
    let bytes = fixture(name);
    // The fixtures carry `input` and `output` beside the state dict.
    let mut net = N::ZEROED;
    weights::import_safetensors(&mut net, &bytes, how.lenient()).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let (x, want) = (floats(&file, "input"), floats(&file, "output"));
    let (il, ol) = (
        <N::Input as Tensor<f32>>::LEN,
        <N::Output as Tensor<f32>>::LEN,
    );
    assert_eq!((x.len(), want.len()), (3 * il, 3 * ol));
    // Differences relative to the largest output, so that an output near
    // zero is held to the same absolute accuracy as the others.
    let scale = want.iter().fold(0f64, |m, v| m.max(v.abs() as f64));
    let mut worst = 0f64;
    for b in 0..3 {
        let mut input = <N::Input as Tensor<f32>>::ZEROS;
        input.flat_mut().copy_from_slice(&x[b * il..(b + 1) * il]);
        let y = net.forward(&input);
        for (got, want) in y.flat().iter().zip(&want[b * ol..(b + 1) * ol]) {
            let rel = (*got as f64 - *want as f64).abs() / scale;
            worst = worst.max(rel);
        }
    }
    assert!(worst < 1e-5, "{name}: relative difference {worst:e}");

    let exported = weights::export_safetensors(&net, None).unwrap();
    if !name.contains('_') || name == "conv_bn" {
        assert_eq!(state_keys(&exported), state_keys(&bytes), "{name}");
    }
    let mut back = N::ZEROED;
    weights::import_safetensors(&mut back, &exported, Import::default()).unwrap();
    assert_eq!(back, net);
    worst
}

#[test]
fn pytorch_fixtures_give_pytorchs_outputs() {
    let mut report = vec![
        ("dense", check::<DenseNet>("dense", Import::default())),
        ("conv_bn", check::<ConvBn>("conv_bn", Import::default())),
        ("lstm", check::<LstmNet>("lstm", Import::default())),
        ("gru", check::<GruNet>("gru", Import::default())),
        ("bilstm", check::<BiLstm>("bilstm", Import::default())),
    ];
    for v in ["dense_f64", "dense_f16", "dense_bf16"] {
        report.push((v, check::<DenseNet>(v, Import::converting())));
    }
    eprintln!("largest relative differences: {report:?}");
}

#[test]
fn mismatches_are_named() {
    let err = |r: Result<(), WeightsError>| r.unwrap_err().to_string();
    let mut net = DenseNet::<f32>::new(1);
    let before = net.clone();
    // Another element type, without conversion.
    assert_eq!(
        err(weights::import_safetensors(
            &mut net,
            &fixture("dense_f16"),
            Import::default()
        )),
        "tensor `fc1.weight` is stored as F16, F32 is expected"
    );
    // Another architecture.
    assert_eq!(
        err(weights::import_safetensors(
            &mut net,
            &fixture("lstm"),
            Import::default()
        )),
        "the file has no tensor `fc1.weight`"
    );
    let mut conv = ConvBn::<f32>::new(1);
    let lstm = fixture("lstm");
    assert_eq!(
        err(weights::import_safetensors(
            &mut conv,
            &lstm,
            Import::default()
        )),
        "the file has no tensor `conv.weight`"
    );
    // A shape that differs.
    let mut gru = GruNet::<f32>::new(1);
    let gru_bytes = fixture("gru");
    let mut sd = SafeTensors::deserialize(&gru_bytes).unwrap().tensors();
    sd.retain(|(n, _)| n != "input" && n != "output");
    let small = vec![0u8; 4 * 4];
    for (n, v) in sd.iter_mut() {
        if n == "fc.weight" {
            *v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![2, 2], &small)
                .unwrap();
        }
    }
    let bad =
        safetensors::serialize(sd.iter().map(|(n, v)| (n.as_str(), v.clone())), None).unwrap();
    assert_eq!(
        err(weights::import_safetensors(
            &mut gru,
            &bad,
            Import::default()
        )),
        "tensor `fc.weight` has shape [2, 2] in the file and [2, 4] in the network"
    );
    // An extra tensor (the fixture's `input`) is refused when strict, as
    // PyTorch's `strict=True`.
    assert_eq!(
        err(weights::import_safetensors(
            &mut net,
            &fixture("dense"),
            Import::default()
        )),
        "the file has a tensor `input` that the network does not have"
    );
    assert_eq!(net, before);
    weights::import_safetensors(&mut net, &fixture("dense"), Import::default().lenient()).unwrap();
    assert_ne!(net, before);
}

/// A safetensors file by hand: `header` JSON, then `data`.
fn raw_file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut h = header.as_bytes().to_vec();
    while !h.len().is_multiple_of(8) {
        h.push(b' ');
    }
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    out
}

#[test]
fn hostile_safetensors_are_errors_not_panics() {
    let err = |b: &[u8]| {
        let mut net = DenseNet::<f32>::new(3);
        let before = net.clone();
        let e = weights::import_safetensors(&mut net, b, Import::converting()).unwrap_err();
        assert_eq!(net, before);
        e.to_string()
    };
    // A name given twice (a JSON map would keep one of them).
    let dup = raw_file(
        r#"{"fc1.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"fc1.bias":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        &[0; 8],
    );
    assert_eq!(err(&dup), "the file holds the tensor `fc1.bias` twice");
    // A header length past the end, offsets past the end, sizes that overflow.
    assert!(
        err(&u64::MAX.to_le_bytes()).starts_with("the weight data is truncated"),
        "{}",
        err(&u64::MAX.to_le_bytes())
    );
    let past = raw_file(
        r#"{"fc1.bias":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#,
        &[0; 8],
    );
    assert!(
        err(&past).starts_with("not a valid safetensors file"),
        "{}",
        err(&past)
    );
    let huge = raw_file(
        r#"{"fc1.bias":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}"#,
        &[],
    );
    assert!(
        err(&huge).starts_with("not a valid safetensors file"),
        "{}",
        err(&huge)
    );
    // A NaN weight.
    let dense = fixture("dense");
    let mut sd = SafeTensors::deserialize(&dense).unwrap().tensors();
    sd.retain(|(n, _)| n.starts_with("fc"));
    let nan = [f32::NAN.to_le_bytes(); 8].concat();
    for (n, v) in sd.iter_mut() {
        if n == "fc1.bias" {
            *v = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![8], &nan)
                .unwrap();
        }
    }
    let bad =
        safetensors::serialize(sd.iter().map(|(n, v)| (n.as_str(), v.clone())), None).unwrap();
    assert_eq!(
        err(&bad),
        "tensor `fc1.bias` has a value that is not finite at index 0"
    );

    // Every truncation and byte change of a real file, then random
    // mutations: 100,000 cases.
    let good = fixture("conv_bn");
    let net0 = ConvBn::<f32>::new(1);
    let cases = std::cell::Cell::new(0usize);
    let try_one = |b: &[u8]| {
        cases.set(cases.get() + 1);
        let mut net = net0.clone();
        if weights::import_safetensors(&mut net, b, Import::converting().lenient()).is_err() {
            assert_eq!(net, net0);
        }
    };
    for len in 0..good.len() {
        try_one(&good[..len]);
    }
    for i in 0..good.len() {
        for v in [0u8, b'9', b'"', b'{', 0xff, good[i] ^ 1] {
            let mut m = good.clone();
            m[i] = v;
            try_one(&m);
        }
    }
    let mut rng = Rng::seed(5);
    while cases.get() < 100_000 {
        let mut m = good.clone();
        for _ in 0..1 + rng.below(6) {
            let i = rng.below(m.len());
            match rng.below(3) {
                0 => m[i] = rng.next_u64() as u8,
                1 => m[i] = b"0123456789,:[]{}\"-eE."[rng.below(21)],
                _ => {
                    m.remove(i);
                }
            }
            if m.is_empty() {
                break;
            }
        }
        try_one(&m);
    }
    assert!(cases.get() >= 100_000);
}

nn::network! {
    /// The dense fixture as PyTorch's `nn.Sequential(Linear(4, 8), Tanh(),
    /// Linear(8, 3))`, whose keys are `0.weight`, `0.bias`, `2.weight`, ...
    #[derive(Clone, Debug, PartialEq)]
    pub struct Sequential {
        input: [4],
        #[nn(rename = "0")]
        fc1: Dense(8),
        act: Tanh,
        /// Layers keep their doc comments beside the rename.
        #[nn(rename = "2")]
        fc2: Dense(3),
    }
}

#[test]
fn a_renamed_layer_takes_pytorchs_name() {
    let dense = fixture("dense");
    let sd = SafeTensors::deserialize(&dense).unwrap().tensors();
    let renamed: Vec<(String, _)> = sd
        .into_iter()
        .filter(|(n, _)| n.starts_with("fc"))
        .map(|(n, v)| (n.replace("fc1.", "0.").replace("fc2.", "2."), v))
        .collect();
    let file =
        safetensors::serialize(renamed.iter().map(|(n, v)| (n.as_str(), v.clone())), None).unwrap();
    let mut seq = Sequential::<f32>::zeroed();
    weights::import_safetensors(&mut seq, &file, Import::default()).unwrap();
    let mut plain = DenseNet::<f32>::zeroed();
    weights::import_safetensors(&mut plain, &dense, Import::default().lenient()).unwrap();
    let x = [0.5, -1.0, 0.25, 2.0];
    assert_eq!(seq.forward(&x), plain.forward(&x));
    assert_eq!(
        state_keys(&weights::export_safetensors(&seq, None).unwrap()),
        ["0.bias", "0.weight", "2.bias", "2.weight"]
    );
    // nn's own files use the new names too.
    let bytes = weights::to_bytes(&seq).unwrap();
    let names: Vec<&str> = weights::WeightFile::parse(&bytes)
        .unwrap()
        .entries()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
}
