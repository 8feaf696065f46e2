//! `nn::train::Fit`, Keras's `model.fit`: the same training as the
//! `Trainer`, validation metrics in the history, and each callback doing
//! what Keras's does, checked on values.

use nn::optim::{Adam, Sgd};
use nn::prelude::*;
use nn::train::{
    Accuracy, BatchControl, Callback, CsvLogger, Dataset, EarlyStopping, Every, Fit, FitState,
    Metric, ModelCheckpoint, Monitor, ReduceLrOnPlateau, TrainError, Trainer,
};

nn::network! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Net { input: [6], hidden: Dense(16), act: Relu, drop: Dropout(0.1), out: Dense(3) }
}

/// Class = which third of the line the sum of the features is in.
fn data(n: usize, seed: u64) -> Dataset<[f32; 6], usize> {
    let mut rng = Rng::seed(seed);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let v: [f32; 6] = core::array::from_fn(|_| rng.uniform_in(-1.0, 1.0) as f32);
        let s: f32 = v.iter().sum();
        y.push(if s < -0.8 {
            0
        } else if s < 0.8 {
            1
        } else {
            2
        });
        x.push(v);
    }
    Dataset::new(x, y).unwrap()
}

fn bits(net: &Net<f32>) -> Vec<u32> {
    (0..Net::<f32>::TENSORS)
        .flat_map(|i| net.tensor(i).iter().map(|v| v.to_bits()))
        .collect()
}

#[test]
fn fit_is_the_trainers_training_with_validation_metrics() {
    let (train, val) = (data(200, 1), data(60, 2));
    let mut a = Net::<f32>::new_boxed(3);
    let mut opt = Adam::boxed(0.01);
    let history = Fit::<f32, Net<f32>, usize, 16>::new(8)
        .seed(5)
        .validation(&val)
        .metric(Accuracy)
        .quiet()
        .run(&mut a, &mut *opt, &SoftmaxCrossEntropy, &train)
        .unwrap();
    let mut b = Net::<f32>::new_boxed(3);
    let mut opt = Adam::boxed(0.01);
    let mut trainer = Trainer::<f32, Net<f32>, 16>::new(5);
    let mut losses = Vec::new();
    for _ in 0..8 {
        losses.push(
            trainer
                .epoch(&mut b, &mut *opt, &SoftmaxCrossEntropy, &train)
                .unwrap()
                .mean_loss,
        );
    }
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(history.loss(), losses);
    // Validation loss and accuracy, computed by hand on the final weights.
    let last = history.epochs.last().unwrap();
    let outs: Vec<[f32; 3]> = val.x().iter().map(|x| b.forward(x)).collect();
    let hand: f64 = outs
        .iter()
        .zip(val.y())
        .map(|(o, y)| SoftmaxCrossEntropy.loss(o, y) as f64)
        .sum::<f64>()
        / 60.0;
    assert!((last.val_loss.unwrap() - hand).abs() < 1e-12);
    let right = outs
        .iter()
        .zip(val.y())
        .filter(|(o, y)| nn::train::argmax(&o[..]) == **y)
        .count();
    assert_eq!(
        history.val_metric("accuracy").last().copied(),
        Some(right as f64 / 60.0)
    );
    assert!(
        history.val_metric("accuracy")[7] > 0.6,
        "{:?}",
        history.val_metric("accuracy")
    );
}

#[test]
fn early_stopping_restores_the_best_epoch() {
    // A tiny training set and a large rate: validation loss gets worse.
    let (train, val) = (data(32, 3), data(200, 4));
    let mut net = Net::<f32>::new_boxed(1);
    let mut opt = Adam::boxed(0.05);
    let history = Fit::<f32, Net<f32>, usize, 8>::new(200)
        .validation(&val)
        .callback(
            EarlyStopping::new(Monitor::ValLoss)
                .patience(3)
                .restore_best_weights(),
        )
        .quiet()
        .run(&mut net, &mut *opt, &SoftmaxCrossEntropy, &train)
        .unwrap();
    let n = history.epochs.len();
    assert!(n < 200, "it stopped");
    assert!(history
        .stopped_by
        .as_deref()
        .unwrap()
        .starts_with("early stopping"));
    let best = history.best(&Monitor::ValLoss, false).unwrap().epoch;
    assert_eq!(
        n,
        best + 1 + 4,
        "patience 3: the fourth epoch without improvement stops"
    );
    // The network holds the best epoch's weights: train that many epochs again.
    let mut again = Net::<f32>::new_boxed(1);
    let mut opt = Adam::boxed(0.05);
    Fit::<f32, Net<f32>, usize, 8>::new(best + 1)
        .quiet()
        .run(&mut again, &mut *opt, &SoftmaxCrossEntropy, &train)
        .unwrap();
    assert_eq!(bits(&net), bits(&again));
}

/// A metric that never improves, for plateau callbacks.
struct Constant;
impl Metric<f32, [f32; 3], usize> for Constant {
    fn name(&self) -> &'static str {
        "constant"
    }
    fn higher_is_better(&self) -> bool {
        true
    }
    fn score(&self, _: &[[f32; 3]], _: &[usize]) -> f64 {
        1.0
    }
}

#[test]
fn reduce_on_plateau_and_schedules_set_the_rate() {
    let (train, val) = (data(64, 5), data(16, 6));
    let mut net = Net::<f32>::new_boxed(1);
    let mut sgd = Sgd::new(0.1);
    let history = Fit::<f32, Net<f32>, usize, 16>::new(7)
        .validation(&val)
        .metric(Constant)
        .callback(
            ReduceLrOnPlateau::new(Monitor::ValMetric("constant"))
                .patience(2)
                .factor(0.5),
        )
        .quiet()
        .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
        .unwrap();
    // Epoch 0 sets the best; epochs 1, 2 wait, then halve; 3, 4 wait, halve; ...
    let lrs: Vec<f64> = history.epochs.iter().map(|e| e.lr).collect();
    assert_eq!(lrs, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025], "{lrs:?}");

    // A per-batch cosine schedule: 4 batches per epoch.
    let cosine = nn::schedule::Cosine::new(0.1, 12, 0.0);
    let mut sgd = Sgd::new(1.0);
    let h = Fit::<f32, Net<f32>, usize, 16>::new(3)
        .callback(nn::train::LrScheduler::new(cosine, Every::Batch))
        .quiet()
        .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
        .unwrap();
    use nn::schedule::Schedule;
    let want: Vec<f64> = (1..=3).map(|e| cosine.lr(4 * e)).collect();
    assert_eq!(h.epochs.iter().map(|e| e.lr).collect::<Vec<_>>(), want);
    // Per epoch.
    let mut sgd = Sgd::new(1.0);
    let h = Fit::<f32, Net<f32>, usize, 16>::new(3)
        .callback(nn::train::LrScheduler::new(cosine, Every::Epoch))
        .quiet()
        .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
        .unwrap();
    let want: Vec<f64> = (0..3).map(|e| cosine.lr(e)).collect();
    assert_eq!(h.epochs.iter().map(|e| e.lr).collect::<Vec<_>>(), want);
}

#[test]
fn checkpoints_and_csv_logs_are_written() {
    let dir = std::env::temp_dir().join(format!("nn-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (train, val) = (data(64, 7), data(32, 8));
    let mut net = Net::<f32>::new_boxed(2);
    let mut opt = Adam::boxed(0.01);
    let history = Fit::<f32, Net<f32>, usize, 16>::new(5)
        .validation(&val)
        .metric(Accuracy)
        .callback(ModelCheckpoint::new(dir.join("best.nnw")).best_only(Monitor::ValLoss))
        .callback(CsvLogger::new(dir.join("log.csv")))
        .quiet()
        .run(&mut net, &mut *opt, &SoftmaxCrossEntropy, &train)
        .unwrap();
    let csv = std::fs::read_to_string(dir.join("log.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "epoch,loss,val_loss,val_accuracy,lr");
    assert_eq!(lines.len(), 6);
    let e4 = &history.epochs[4];
    assert_eq!(
        lines[5],
        format!(
            "4,{},{},{},{}",
            e4.loss,
            e4.val_loss.unwrap(),
            e4.val_metrics[0].1,
            e4.lr
        )
    );
    // The checkpoint holds the best epoch's weights.
    let best = history.best(&Monitor::ValLoss, false).unwrap().epoch;
    let mut saved = Net::<f32>::zeroed();
    nn::weights::load(&mut saved, dir.join("best.nnw")).unwrap();
    let mut again = Net::<f32>::new_boxed(2);
    let mut opt = Adam::boxed(0.01);
    Fit::<f32, Net<f32>, usize, 16>::new(best + 1)
        .quiet()
        .run(&mut again, &mut *opt, &SoftmaxCrossEntropy, &train)
        .unwrap();
    assert_eq!(saved, *again);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Stops after the third batch of the second epoch.
struct StopAt;
impl Callback<f32, Net<f32>> for StopAt {
    fn on_batch_end(&mut self, epoch: usize, batch: usize, _loss: f64, ctl: &mut BatchControl) {
        if (epoch, batch) == (1, 2) {
            ctl.stop = Some("asked".into());
        }
    }
    fn on_epoch_end(&mut self, _log: &nn::train::EpochLog, st: &mut FitState<'_, f32, Net<f32>>) {
        // Epoch hooks see the network.
        assert!(st.net.all_finite());
    }
}

#[test]
fn a_callback_stops_training_and_divergence_keeps_the_optimizer_state() {
    let train = data(64, 9);
    let mut net = Net::<f32>::new_boxed(2);
    let mut sgd = Sgd::new(0.01);
    let h = Fit::<f32, Net<f32>, usize, 16>::new(10)
        .callback(StopAt)
        .quiet()
        .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
        .unwrap();
    assert_eq!(
        (h.epochs.len(), h.stopped_by.as_deref()),
        (2, Some("asked"))
    );

    // Adam at a rate that diverges in the third epoch: the error names the
    // epoch and batch; weights and Adam's state are those of epoch 2's end.
    let mut net = Net::<f32>::new_boxed(2);
    let mut adam = Adam::boxed(0.01);
    struct Explode;
    impl Callback<f32, Net<f32>> for Explode {
        fn on_epoch_begin(&mut self, epoch: usize, st: &mut FitState<'_, f32, Net<f32>>) {
            if epoch == 2 {
                st.lr = f64::INFINITY;
            }
        }
    }
    let err = Fit::<f32, Net<f32>, usize, 16>::new(10)
        .callback(Explode)
        .quiet()
        .run(&mut net, &mut *adam, &SoftmaxCrossEntropy, &train)
        .unwrap_err();
    assert!(
        matches!(
            err.cause,
            TrainError::Diverged {
                epoch: 2,
                batch: 0,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.history.epochs.len(), 2);
    let mut reference = Net::<f32>::new_boxed(2);
    let mut ref_adam = Adam::boxed(0.01);
    Fit::<f32, Net<f32>, usize, 16>::new(2)
        .quiet()
        .run(&mut reference, &mut *ref_adam, &SoftmaxCrossEntropy, &train)
        .unwrap();
    assert_eq!(bits(&net), bits(&reference));
    let state = |a: &Adam<Net<f32>>| nn::weights::checkpoint_to_bytes(&*reference, a, &()).unwrap();
    assert_eq!(
        state(&adam),
        state(&ref_adam),
        "Adam's moments, step count and rate are restored"
    );
    assert!(
        err.to_string()
            .starts_with("training stopped at epoch 2, batch 0"),
        "{err}"
    );
}

#[test]
fn a_bad_validation_split_is_an_error() {
    let train = data(40, 1);
    let mut net = Net::<f32>::new_boxed(2);
    let mut sgd = Sgd::new(0.01);
    for bad in [0.0, 1.0, 1.5, -0.2, f64::NAN] {
        let err = Fit::<f32, Net<f32>, usize, 8>::new(1)
            .validation_split(bad)
            .quiet()
            .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
            .unwrap_err();
        assert!(err.to_string().starts_with("`validation_split`:"), "{err}");
    }
    let h = Fit::<f32, Net<f32>, usize, 8>::new(2)
        .validation_split(0.25)
        .metric(Accuracy)
        .quiet()
        .run(&mut net, &mut sgd, &SoftmaxCrossEntropy, &train)
        .unwrap();
    assert!(h.epochs.iter().all(|e| e.val_loss.is_some()));
}

#[test]
fn a_trainer_reused_for_another_network_restores_that_ones_weights() {
    let train = data(64, 3);
    let mut first = Net::<f32>::new_boxed(1);
    let mut trainer = Trainer::<f32, Net<f32>, 16>::new(0);
    trainer
        .epoch(
            &mut first,
            &mut Sgd::new(0.01),
            &SoftmaxCrossEntropy,
            &train,
        )
        .unwrap();
    let mut second = Net::<f32>::new_boxed(2);
    let before = second.clone();
    let err = trainer.epoch(
        &mut second,
        &mut Sgd::new(f64::INFINITY),
        &SoftmaxCrossEntropy,
        &train,
    );
    assert!(matches!(err, Err(TrainError::Diverged { .. })));
    assert_eq!(
        second, before,
        "the second network's own weights, not the first one's"
    );
}

#[test]
fn bad_rows_are_errors_that_name_the_row() {
    let mut train = data(40, 1);
    let mut net = Net::<f32>::new_boxed(2);
    let before = net.clone();
    let run = |net: &mut Net<f32>, d: &Dataset<[f32; 6], usize>| {
        Fit::<f32, Net<f32>, usize, 8>::new(2)
            .quiet()
            .run(net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, d)
            .unwrap_err()
            .to_string()
    };
    train.y_mut()[17] = 3;
    assert_eq!(
        run(&mut net, &train),
        "row 17 of the data set: class 3 is out of range: the network has 3 classes (0 to 2)"
    );
    train.y_mut()[17] = usize::MAX;
    assert!(run(&mut net, &train).starts_with("row 17 of the data set: class 18446744073709551615"));
    train.y_mut()[17] = 1;
    train.x_mut()[5][2] = f32::NAN;
    assert_eq!(
        run(&mut net, &train),
        "row 5 of the data set has an input value that is not finite at index 2"
    );
    train.x_mut()[5][2] = 0.0;
    // Inputs and targets cannot get out of step: the fields are private.
    let (x, mut y, _) = train.clone().into_parts();
    y.pop();
    assert_eq!(
        Dataset::new(x, y).unwrap_err().to_string(),
        "targets: expected 40 values, found 39"
    );
    assert_eq!(net, before, "nothing was trained");
    // A regression target with a NaN.
    let reg = Dataset::new(vec![[0.0f32; 6]; 8], vec![[0.0f32, f32::NAN, 0.0]; 8]).unwrap();
    let err = Fit::<f32, Net<f32>, [f32; 3], 8>::new(1)
        .quiet()
        .run(&mut net, &mut Sgd::new(0.1), &Mse, &reg)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 0 of the data set: the target has a value that is not finite at index 1"
    );
}

#[test]
fn softmax_cross_entropy_of_huge_equal_logits_is_ln_3() {
    let l: f32 = SoftmaxCrossEntropy.loss(&[1e8f32, 1e8, 1e8], &1);
    assert!((l - 3f32.ln()).abs() < 1e-6, "{l}");
}

nn::network! {
    /// One dense layer whose bias is the logits (the weight is zero).
    pub struct Lin { input: [1], out: Dense(3) }
}

#[test]
fn soft_and_hard_voting_differ_as_they_should() {
    let member = |logits: [f32; 3]| {
        let mut n = Lin::<f32>::zeroed_boxed();
        n.out.bias = logits;
        n
    };
    // One confident vote for 0, two slight votes for 1.
    let e = nn::train::Ensemble::new(vec![
        member([2.0, 0.0, 0.0]),
        member([0.0, 0.1, 0.0]),
        member([0.0, 0.1, 0.0]),
    ]);
    assert_eq!(e.classify(&[0.0], nn::train::Voting::Hard), 1);
    assert_eq!(e.classify(&[0.0], nn::train::Voting::Soft), 0);
    let mean = e.mean_output(&[0.0]);
    assert!((mean[0] - 2.0 / 3.0).abs() < 1e-6 && (mean[1] - 0.2 / 3.0).abs() < 1e-6);
}

#[test]
fn the_range_test_sweeps_rates_and_suggests_one() {
    let train = data(400, 11);
    let net = Net::<f32>::new_boxed(4);
    let before = net.clone();
    let mut adam = Adam::boxed(1.0);
    let r = nn::train::lr_range_test::<f32, Net<f32>, _, _, 32>(
        &*net,
        &mut *adam,
        &SoftmaxCrossEntropy,
        &train,
        (1e-7, 1e-1),
        300,
        0,
    );
    assert_eq!(*net, *before, "the network itself is not trained");
    assert_eq!(r.rates.len(), r.losses.len());
    assert!((r.rates[0] - 1e-7).abs() < 1e-20);
    // Geometric: every step multiplies the rate by (1e6)^(1/299).
    let ratio = 1e6f64.powf(1.0 / 299.0);
    assert!(r
        .rates
        .windows(2)
        .all(|w| (w[1] / w[0] - ratio).abs() < 1e-9));
    // The loss hardly moves at the smallest rates and falls somewhere
    // later; the suggestion lies where it falls.
    assert!(
        (r.smoothed[30] - r.smoothed[0]).abs() < 0.05,
        "{:?}",
        &r.smoothed[..31]
    );
    let best = r.smoothed.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(best < r.smoothed[0] - 0.2, "{best} vs {}", r.smoothed[0]);
    let s = r.steepest().unwrap();
    assert!((1e-5..1e-1).contains(&s), "{s}");
    assert!(r.min_over_10().unwrap() < 1e-1);
}

#[test]
fn the_bias_variance_reading() {
    use nn::train::{EpochLog, History, Reading};
    let run = |train: f64, val: f64| {
        History {
            epochs: vec![EpochLog {
                epoch: 0,
                loss: 0.0,
                val_loss: None,
                val_metrics: vec![("accuracy", val)],
                lr: 0.1,
            }],
            stopped_by: None,
        }
        .bias_variance(
            |e| (1.0 - train, e.val_metrics.first().map(|(_, a)| 1.0 - a)),
            0.01,
            0.02,
        )
        .unwrap()
    };
    // Andrew Ng's examples: 15% train / 16% val error against 1% human: bias.
    let r = run(0.85, 0.84);
    assert_eq!(r.reading, Reading::Underfit);
    assert!((r.avoidable_bias - 0.14).abs() < 1e-12 && (r.variance - 0.01).abs() < 1e-12);
    // 1% / 11%: variance.
    assert_eq!(run(0.99, 0.89).reading, Reading::Overfit);
    // 2% / 2.5%: fine.
    assert_eq!(run(0.98, 0.975).reading, Reading::Fine);
    assert!(run(0.99, 0.89)
        .to_string()
        .contains("overfit (high variance)"));
}

#[test]
fn pictures_are_written_as_svg_and_png() {
    use nn::train::{plot, ConfusionMatrix};
    let dir = std::env::temp_dir().join(format!("nn-plots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (train, val) = (data(64, 1), data(32, 2));
    let mut net = Net::<f32>::new_boxed(1);
    let h = Fit::<f32, Net<f32>, usize, 16>::new(3)
        .validation(&val)
        .metric(Accuracy)
        .quiet()
        .run(&mut net, &mut Sgd::new(0.1), &SoftmaxCrossEntropy, &train)
        .unwrap();
    plot::training_curves(&h, dir.join("curves.svg")).unwrap();
    let m = ConfusionMatrix::new(&[0, 1, 2, 2], &[0, 1, 1, 2], 3).unwrap();
    plot::confusion_matrix(&m, dir.join("confusion.svg")).unwrap();
    let curves = std::fs::read_to_string(dir.join("curves.svg")).unwrap();
    assert!(curves.starts_with("<svg") && curves.trim_end().ends_with("</svg>"));
    // The training loss in blue, the validation loss in red, the legend.
    assert!(curves.contains("stroke=\"#0000FF\"") && curves.contains("stroke=\"#FF0000\""));
    assert!(curves.contains("validation") && curves.contains("accuracy"));
    let confusion = std::fs::read_to_string(dir.join("confusion.svg")).unwrap();
    assert_eq!(
        confusion.matches("<rect").count(),
        1 + 9,
        "the background and 3 x 3 cells"
    );
    // The same pictures as PNG, by the extension: the same size, the lines
    // in their colours, and text drawn with the bundled font (grey
    // anti-aliased pixels, which neither the lines nor the fills have).
    plot::training_curves(&h, dir.join("curves.png")).unwrap();
    plot::confusion_matrix(&m, dir.join("confusion.PNG")).unwrap();
    let decode = |name: &str| {
        let file = std::fs::File::open(dir.join(name)).unwrap();
        let mut reader = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .unwrap();
        let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgb).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        rgb.truncate(info.buffer_size());
        ((info.width, info.height), rgb)
    };
    let ((w, h_px), rgb) = decode("curves.png");
    assert_eq!((w, h_px), (960, 400));
    let pixels: Vec<&[u8]> = rgb.chunks(3).collect();
    assert!(pixels.iter().any(|p| *p == [0, 0, 255]), "the blue line");
    assert!(pixels.iter().any(|p| *p == [255, 0, 0]), "the red line");
    let grey = |p: &&&[u8]| p[0] == p[1] && p[1] == p[2] && p[0] > 40 && p[0] < 200;
    assert!(
        pixels.iter().filter(grey).count() > 500,
        "anti-aliased text"
    );
    let ((w, h_px), _) = decode("confusion.PNG");
    assert_eq!((w, h_px), (3 * 40 + 120, 3 * 40 + 120));
    let e = plot::confusion_matrix(&m, dir.join("confusion.jpg")).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("confusion.jpg: the picture's file name must end in .svg or .png"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
