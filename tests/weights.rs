//! Weight files and checkpoints: bit-identical round trips, exact
//! resumption of training, and hostile files that must give an error
//! naming what is wrong, never a panic, and leave the network unchanged.

use nn::optim::{Adam, Momentum};
use nn::prelude::*;
use nn::train::{Dataset, Standardizer, Trainer};
use nn::weights::{self, WeightFile, WeightsError};

nn::network! {
    /// Dense with dropout (the trainer's generator matters on resume).
    #[derive(Clone, Debug, PartialEq)]
    pub struct Mlp {
        input: [6],
        hidden: Dense(16),
        act: Relu,
        drop: Dropout(0.2),
        out: Dense(3),
    }
}

nn::network! {
    /// Convolution with batch norm (buffers in the file).
    #[derive(Clone, Debug, PartialEq)]
    pub struct Cnn {
        input: [1, 6, 6],
        conv: Conv2d(3, kernel = 3),
        bn: BatchNorm,
        act: Relu,
        flat: Flatten,
        out: Dense(2),
    }
}

nn::network! {
    /// A recurrent network (the other tensor names).
    #[derive(Clone, Debug, PartialEq)]
    pub struct Seq {
        input: [4, 3],
        lstm: Lstm(5, bidirectional = true),
        out: Dense(2),
    }
}

nn::network! {
    /// Mlp's names with another hidden size.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Wider {
        input: [6],
        hidden: Dense(17),
        act: Relu,
        drop: Dropout(0.2),
        out: Dense(3),
    }
}

fn round_trip<N: Params<f32> + PartialEq + core::fmt::Debug>(net: &N) -> Vec<u8> {
    let bytes = weights::to_bytes(net).unwrap();
    assert_eq!(bytes.len(), weights::encoded_len(net));
    let mut slice = vec![0u8; bytes.len()];
    assert_eq!(weights::write(net, &mut slice).unwrap(), bytes.len());
    assert_eq!(slice, bytes);
    let mut back = N::ZEROED;
    weights::read(&mut back, &bytes).unwrap();
    for i in 0..N::TENSORS {
        let (a, b) = (net.tensor(i), back.tensor(i));
        assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
    for i in 0..N::BUFFERS {
        assert_eq!(net.buffer(i), back.buffer(i));
    }
    assert_eq!(&back, net);
    bytes
}

#[test]
fn round_trips_are_bit_identical() {
    round_trip(&Mlp::<f32>::new(1));
    let mut cnn = Cnn::<f32>::new(2);
    cnn.bn.running_mean = [0.5, -0.25, 1.0];
    cnn.bn.running_var = [2.0, 0.5, 1.5];
    let bytes = round_trip(&cnn);
    // The buffers are in the file, under their layer's name.
    let file = WeightFile::parse(&bytes).unwrap();
    let names: Vec<&str> = file.entries().map(|e| e.name).collect();
    assert_eq!(
        names,
        [
            "conv.weight",
            "conv.bias",
            "bn.weight",
            "bn.bias",
            "out.weight",
            "out.bias",
            "bn.running_mean",
            "bn.running_var"
        ]
    );
    round_trip(&Seq::<f32>::new(3));
    let wide = Mlp::<f64>::new(4);
    let bytes = weights::to_bytes(&wide).unwrap();
    let mut back = Mlp::<f64>::zeroed();
    weights::read(&mut back, &bytes).unwrap();
    assert_eq!(back, wide);
}

#[test]
fn files_on_disk_and_their_errors() {
    let dir = std::env::temp_dir().join(format!("nn-weights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mlp.nnw");
    let net = Mlp::<f32>::new(5);
    weights::save(&net, &path).unwrap();
    let mut back = Mlp::<f32>::zeroed();
    weights::load(&mut back, &path).unwrap();
    assert_eq!(back, net);
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");

    // A network with a NaN is not saved, and the old file stays.
    let mut bad = net.clone();
    bad.out.weight[1][2] = f32::NAN;
    let err = weights::save(&bad, &path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `out.weight` has a value that is not finite at index 18"
    );
    let mut again = Mlp::<f32>::zeroed();
    weights::load(&mut again, &path).unwrap();
    assert_eq!(again, net);

    let err = weights::load(&mut again, dir.join("missing.nnw")).unwrap_err();
    assert!(err.to_string().contains("missing.nnw"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn another_architecture_is_named_and_changes_nothing() {
    let bytes = weights::to_bytes(&Mlp::<f32>::new(1)).unwrap();
    let before = Wider::<f32>::new(9);
    let mut wider = before.clone();
    let err = weights::read(&mut wider, &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `hidden.weight` has shape [16, 6] in the file and [17, 6] in the network"
    );
    assert_eq!(wider, before);

    let mut cnn = Cnn::<f32>::new(1);
    let err = weights::read(&mut cnn, &bytes).unwrap_err();
    assert!(matches!(err, WeightsError::Unexpected { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the file has a tensor `hidden.weight` where the network expects `conv.weight` (the file was made for another architecture)"
    );

    let mut f64_net = Mlp::<f64>::zeroed();
    let err = weights::read(&mut f64_net, &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file holds f32 tensors and the network computes in f64; load it into `Net<f32>`"
    );
    assert_eq!(f64_net, Mlp::<f64>::zeroed());
}

/// A small classification set: class = which third of the line the sum
/// of the features falls in.
fn data(n: usize, seed: u64) -> Dataset<[f32; 6], usize> {
    let mut rng = Rng::seed(seed);
    let mut x = Vec::new();
    let mut y = Vec::new();
    for _ in 0..n {
        let v: [f32; 6] = core::array::from_fn(|_| rng.uniform_in(-1.0, 1.0) as f32);
        let s: f32 = v.iter().sum();
        y.push(if s < -1.0 {
            0
        } else if s < 1.0 {
            1
        } else {
            2
        });
        x.push(v);
    }
    Dataset::new(x, y).unwrap()
}

fn bits<N: Params<f32>>(net: &N) -> Vec<u32> {
    (0..N::TENSORS)
        .flat_map(|i| net.tensor(i).iter().map(|v| v.to_bits()))
        .collect()
}

#[test]
fn a_checkpoint_resumes_training_bit_for_bit() {
    const B: usize = 8;
    let train = data(100, 1);
    let (total, k) = (6, 2);

    // Straight through.
    let mut net = Mlp::<f32>::new_boxed(3);
    let mut opt = Adam::boxed(0.01);
    let mut trainer = Trainer::<f32, Mlp<f32>, B>::new(4);
    let mut losses = Vec::new();
    for _ in 0..total {
        losses.push(
            trainer
                .epoch(&mut net, &mut *opt, &SoftmaxCrossEntropy, &train)
                .unwrap()
                .mean_loss,
        );
    }

    // k epochs, a checkpoint, then fresh values.
    let mut first = Mlp::<f32>::new_boxed(3);
    let mut opt1 = Adam::boxed(0.01);
    let mut trainer1 = Trainer::<f32, Mlp<f32>, B>::new(4);
    for _ in 0..k {
        trainer1
            .epoch(&mut first, &mut *opt1, &SoftmaxCrossEntropy, &train)
            .unwrap();
    }
    let file = weights::checkpoint_to_bytes(&*first, &*opt1, &trainer1).unwrap();
    let mut resumed = Mlp::<f32>::zeroed_boxed();
    let mut opt2 = Adam::boxed(0.5); // another learning rate: the checkpoint's wins
    let mut trainer2 = Trainer::<f32, Mlp<f32>, B>::new(99);
    weights::read_checkpoint(&mut *resumed, &mut *opt2, &mut trainer2, &file).unwrap();
    assert_eq!(trainer2.epochs_done(), k);
    assert_eq!(opt2.lr, 0.01);
    let mut resumed_losses = Vec::new();
    for _ in k..total {
        resumed_losses.push(
            trainer2
                .epoch(&mut resumed, &mut *opt2, &SoftmaxCrossEntropy, &train)
                .unwrap()
                .mean_loss,
        );
    }
    assert_eq!(bits(&*resumed), bits(&*net));
    assert_eq!(resumed_losses, losses[k..]);

    // The weights alone load from a checkpoint too.
    let mut weights_only = Mlp::<f32>::zeroed();
    weights::read(&mut weights_only, &file).unwrap();
    assert_eq!(weights_only, *first);
    // But a weight file is not a checkpoint.
    let plain = weights::to_bytes(&*first).unwrap();
    let err =
        weights::read_checkpoint(&mut *resumed, &mut *opt2, &mut trainer2, &plain).unwrap_err();
    assert!(matches!(err, WeightsError::NotACheckpoint), "{err}");
    // Another optimizer's state is named.
    let mut momentum = Momentum::boxed(0.1, 0.9);
    let err =
        weights::read_checkpoint(&mut *resumed, &mut *momentum, &mut trainer2, &file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file has a tensor `optimizer.beta1` where the network expects `optimizer.momentum` (the file was made for another architecture)"
    );
}

#[test]
fn the_label_encoder_travels_with_the_model() {
    let enc = nn::train::LabelEncoder::fit(["virginica", "setosa", "versicolor", "setosa"]);
    let (net, opt) = (Mlp::<f32>::new(1), nn::optim::Sgd::new(0.1));
    let st = Standardizer {
        mean: vec![1.0],
        std: vec![2.0],
    };
    let file = weights::checkpoint_to_bytes(&net, &opt, &(enc.clone(), st.clone())).unwrap();
    let mut back = (
        nn::train::LabelEncoder::default(),
        Standardizer {
            mean: vec![],
            std: vec![],
        },
    );
    let (mut n, mut o) = (Mlp::<f32>::zeroed(), nn::optim::Sgd::new(1.0));
    weights::read_checkpoint(&mut n, &mut o, &mut back, &file).unwrap();
    assert_eq!(back, (enc, st));
    assert_eq!(back.0.decode(1), Some("versicolor"));
}

#[test]
fn the_standardizer_travels_with_the_model() {
    let rows = [[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]];
    let st = Standardizer::fit(rows.iter().map(|r| &r[..]), 2);
    let net = Mlp::<f32>::new(1);
    let opt = nn::optim::Sgd::new(0.1);
    let file = weights::checkpoint_to_bytes(&net, &opt, &st).unwrap();
    let mut back = Standardizer {
        mean: vec![],
        std: vec![],
    };
    let (mut net2, mut opt2) = (Mlp::<f32>::zeroed(), nn::optim::Sgd::new(1.0));
    weights::read_checkpoint(&mut net2, &mut opt2, &mut back, &file).unwrap();
    assert_eq!(back, st);
    assert_eq!(net2, net);
    assert_eq!(opt2.lr, 0.1);
}

/// Every way of breaking a file gives an error and changes nothing: every
/// truncation, every single-byte change (with the checksum left as it is,
/// and recomputed so the structure itself is tested), and random
/// mutations and random bytes; 100,000 cases and more in all.
#[test]
fn hostile_files_are_errors_not_panics() {
    let mut net = Cnn::<f32>::new(7);
    net.bn.running_var = [1.5, 0.5, 2.0];
    let opt = Adam::<Cnn<f32>>::new(0.01);
    let trainer = Trainer::<f32, Cnn<f32>, 4>::new(1);
    let good_w = weights::to_bytes(&net).unwrap();
    let good_c = weights::checkpoint_to_bytes(&net, &opt, &trainer).unwrap();
    let cases = std::cell::Cell::new(0usize);
    let check = |bytes: &[u8]| {
        cases.set(cases.get() + 1);
        let _ = WeightFile::parse(bytes);
        let mut n = net.clone();
        if weights::read(&mut n, bytes).is_err() {
            assert_eq!(n, net);
        }
        let (mut o, mut t) = (opt.clone(), Trainer::<f32, Cnn<f32>, 4>::new(1));
        let mut n = net.clone();
        if weights::read_checkpoint(&mut n, &mut o, &mut t, bytes).is_err() {
            assert_eq!(n, net);
        }
    };
    let fix_crc = |b: &mut Vec<u8>| {
        if b.len() >= 24 {
            let end = b.len() - 4;
            let crc = crc32(&b[..end]);
            b[end..].copy_from_slice(&crc.to_le_bytes());
        }
    };
    for good in [&good_w, &good_c] {
        for len in 0..good.len() {
            check(&good[..len]);
            let mut t = good[..len].to_vec();
            fix_crc(&mut t);
            check(&t);
        }
        for i in 0..good.len() {
            for v in [0u8, 0xff, good[i] ^ 1, good[i] ^ 0x80] {
                let mut m = good.clone();
                m[i] = v;
                check(&m);
                fix_crc(&mut m);
                check(&m);
            }
        }
    }
    let mut rng = Rng::seed(11);
    while cases.get() < 100_000 {
        let base = if rng.below(2) == 0 { &good_w } else { &good_c };
        let mut m = base.clone();
        for _ in 0..1 + rng.below(8) {
            match rng.below(4) {
                0 if !m.is_empty() => {
                    let i = rng.below(m.len());
                    m[i] = rng.next_u64() as u8;
                }
                1 => m.truncate(rng.below(m.len() + 1)),
                2 => {
                    let i = rng.below(m.len() + 1);
                    m.insert(i, rng.next_u64() as u8);
                }
                0 => {}
                _ => {
                    // A huge dimension or name length in the first entry.
                    if m.len() > 28 {
                        let at = 20 + rng.below(8);
                        m[at] = 0xff;
                    }
                }
            }
        }
        if rng.below(4) != 0 {
            fix_crc(&mut m);
        }
        check(&m);
        if rng.below(16) == 0 {
            let n = rng.below(64);
            let mut r: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            if n >= 4 && rng.below(2) == 0 {
                r[..4].copy_from_slice(b"NNWT");
            }
            check(&r);
        }
    }
    assert!(cases.get() >= 100_000);
}

#[test]
fn specific_hostile_headers_say_what_is_wrong() {
    let good = weights::to_bytes(&Mlp::<f32>::new(1)).unwrap();
    let e = |b: &[u8]| {
        weights::read(&mut Mlp::<f32>::zeroed(), b)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        e(b"PK\x03\x04rest"),
        "not an nn weight file: it starts with [50, 4b, 03, 04], not `NNWT`"
    );
    assert_eq!(
        e(&good[..10]),
        "the weight data is truncated: 24 bytes are needed, 10 are there"
    );
    let mut v = good.clone();
    v[4] = 9;
    assert_eq!(
        e(&v),
        "weight file format version 9; this build reads version 1"
    );
    let mut c = good.clone();
    c[40] ^= 1;
    assert!(e(&c).starts_with("the weight file is damaged: its checksum is"));
    // A dimension of 2^32 - 1 in the first entry: the size overflows no
    // counter and is refused as truncated.
    let mut h = good.clone();
    let dims_at = 20 + 2 + "hidden.weight".len() + 2;
    h[dims_at..dims_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let end = h.len() - 4;
    let crc = crc32(&h[..end]);
    h[end..].copy_from_slice(&crc.to_le_bytes());
    assert!(
        e(&h).starts_with("the weight data is truncated"),
        "{}",
        e(&h)
    );
    // An entry written twice.
    struct Twice;
    impl weights::Stateful for Twice {
        fn save_state(&self, w: &mut weights::StateWriter<'_>) {
            w.u64s(&["trainer", "epoch"], &[1]);
            w.u64s(&["trainer", "epoch"], &[2]);
        }
        fn load_state(&mut self, _: &mut weights::StateReader<'_>) -> Result<(), WeightsError> {
            Ok(())
        }
    }
    let net = Mlp::<f32>::new(1);
    let sgd = nn::optim::Sgd::new(0.1);
    let twice = weights::checkpoint_to_bytes(&net, &sgd, &Twice).unwrap();
    let mut trainer = Trainer::<f32, Mlp<f32>, 4>::new(0);
    let (mut n, mut o) = (net.clone(), sgd);
    let err = weights::read_checkpoint(&mut n, &mut o, &mut trainer, &twice).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file holds the tensor `trainer.epoch` twice"
    );
    assert_eq!(trainer.epochs_done(), 0);
}

/// zlib's CRC-32, bitwise (the reference for the table-driven one).
fn crc32(b: &[u8]) -> u32 {
    let mut c = !0u32;
    for &x in b {
        c ^= x as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

mod flash_files {
    //! The weight files tests/flash.rs makes `TRAINED` of: written from
    //! seeded networks and committed; this test says when they are stale
    //! (`NN_BLESS=1 cargo test --test weights flash` rewrites them).
    include!("common/flash_nets.rs");
    flash_image_net!(ImageNet);
    flash_sequence_net!(SequenceNet);

    fn current<N: nn::Params<f32>>(file: &str, seed: u64) {
        let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
        let bytes = nn::weights::to_bytes(&filled::<N>(seed)).unwrap();
        if std::env::var_os("NN_BLESS").is_some() {
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(committed == bytes, "{path} is stale: rerun with NN_BLESS=1");
    }

    #[test]
    fn flash_fixtures_are_current() {
        current::<ImageNet<f32>>("flash_image.nnw", 21);
        current::<SequenceNet<f32>>("flash_sequence.nnw", 22);
    }
}

#[test]
fn a_non_finite_hyper_parameter_is_neither_saved_nor_loaded() {
    let net = Mlp::<f32>::new(1);
    let mut adam = Adam::<Mlp<f32>>::new(0.01);
    adam.lr = f64::NAN;
    let err = weights::checkpoint_to_bytes(&net, &adam, &()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `optimizer.lr` has a value that is not finite at index 0"
    );
    // A file with one (made by hand) is refused, and the optimizer keeps its rate.
    adam.lr = 0.01;
    let mut bytes = weights::checkpoint_to_bytes(&net, &adam, &()).unwrap();
    let at = WeightFile::parse(&bytes)
        .unwrap()
        .entries()
        .find(|e| e.name == "optimizer.lr")
        .unwrap()
        .data_offset as usize;
    bytes[at..at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    let end = bytes.len() - 4;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    let (mut n, mut a) = (net.clone(), Adam::<Mlp<f32>>::new(0.5));
    let err = weights::read_checkpoint(&mut n, &mut a, &mut (), &bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tensor `optimizer.lr` has a value that is not finite at index 0"
    );
    assert_eq!(a.lr, 0.5);
}
