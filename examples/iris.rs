//! Iris (`data/iris.csv`) the Keras way: the table becomes a
//! classification data set through a label encoder, a stratified 80/20
//! split, standardisation fitted on the training part, then `Fit` with a
//! validation split, accuracy, early stopping that restores the best
//! weights, the bias/variance reading of the run, and a classification
//! report on the held-out flowers. The
//! test accuracy must reach 90%.
//!
//! Run: `cargo run --release --example iris`.

use nn::prelude::*;
use nn::train::{
    Accuracy, ConfusionMatrix, EarlyStopping, Fit, Model, Monitor, Standardizer, Table,
};

nn::network! {
    /// Four measurements, one hidden layer, three species.
    pub struct Iris {
        input: [4],
        hidden: Dense(16),
        act: Relu,
        logits: Dense(3),
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/iris.csv");
    let (data, encoder) = Table::read_csv(path, &[])?.classification::<4>("species")?;
    let (mut train, mut test) = data.stratified_split(0.2, 7, |c| *c)?;
    // Standardise with the training part's statistics only.
    let rows: Vec<Vec<f64>> = train
        .x()
        .iter()
        .map(|x| x.iter().map(|v| *v as f64).collect())
        .collect();
    let st = Standardizer::fit(rows.iter().map(Vec::as_slice), 4);
    for x in train.x_mut().iter_mut().chain(test.x_mut().iter_mut()) {
        let mut r: Vec<f64> = x.iter().map(|v| *v as f64).collect();
        st.apply(&mut r);
        for (d, s) in x.iter_mut().zip(&r) {
            *d = *s as f32;
        }
    }

    let mut net = Iris::<f32>::new(1);
    let mut adam = Adam::new(0.01);
    let history = Fit::<f32, Iris<f32>, usize, 8>::new(200)
        .seed(1)
        .validation_split(0.2)
        .metric(Accuracy)
        .callback(
            EarlyStopping::new(Monitor::ValLoss)
                .patience(15)
                .restore_best_weights(),
        )
        .run(&mut net, &mut adam, &SoftmaxCrossEntropy, &train)?;
    let best = history
        .best(&Monitor::ValLoss, false)
        .map_or(0, |e| e.epoch);
    println!(
        "{} epochs ({}), best validation loss at epoch {best}",
        history.epochs.len(),
        history.stopped_by.as_deref().unwrap_or("all of them")
    );

    if let Some(bv) = history.bias_variance(|e| (e.loss, e.val_loss), 0.0, 0.1) {
        println!("bias/variance (cross-entropy, baseline 0, tolerance 0.1): {bv}");
    }
    let predicted: Vec<usize> = net
        .predict(test.x())
        .iter()
        .map(|o| nn::train::argmax(o))
        .collect();
    let m = ConfusionMatrix::new(&predicted, test.y(), 3)?;
    println!("classes: {}", encoder.classes.join(", "));
    print!("{}", m.report());
    let acc = net.score(&Accuracy, &test);
    println!(
        "test accuracy {:.2}% on {} flowers",
        acc * 100.0,
        test.len()
    );
    if acc < 0.9 {
        return Err("FAILED: test accuracy below 90%".into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
