//! An MLP classifies 8x8 handwritten digits (UCI, as shipped by
//! scikit-learn; `data/digits.csv`).
//!
//! Five seeded, stratified 80/20 splits; for each: train with Adam
//! (PyTorch's defaults, learning rate 1e-3) in mini-batches of 32, print
//! the loss per epoch (first split) and the test accuracy; the mean test
//! accuracy over the splits must reach the target (PyTorch and
//! scikit-learn average 97.0-97.4% on such splits), or the program exits
//! non-zero.
//!
//! Run: `cargo run --release --example digits`. With `-- --save DIR` it
//! also writes split 0's network to `DIR/digits.nnw` and its held-out
//! digits with the host's predictions to `DIR/digits_test.bin` (64 pixels
//! `0..=16`, the label and the predicted class per digit, one byte each,
//! after a little-endian `u16` count): the data of the digits firmware
//! (`embedded/src/bin/digits.rs`, files in `embedded/data/`).

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits.rs"]
mod networks;
#[path = "common/splits.rs"]
mod splits;
use networks::*;

const SPLITS: u64 = 5;
const EPOCHS: usize = 60;
const BATCH: usize = 32;
/// Mean test accuracy the example must reach.
const TARGET: f64 = 0.970;

fn main() {
    let data = match common::load_digits() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    print!("{}", Digits::<f32>::SUMMARY);
    println!(
        "{} samples, {} splits, {EPOCHS} epochs, batch {BATCH}",
        data.len(),
        SPLITS
    );

    let mut first = None;
    let accuracies: Vec<f64> = (0..SPLITS)
        .map(|split| {
            let (net, test, acc, history) =
                splits::train_split::<Digits<f32>, BATCH>(&data, split, EPOCHS, 1e-3);
            if split == 0 {
                first = Some((net, test, history));
            }
            acc
        })
        .collect();
    // The learning-rate range test on the whole set, from a fresh network.
    let sweep = nn::train::lr_range_test::<f32, Digits<f32>, _, _, BATCH>(
        &Digits::<f32>::new(0),
        &mut *nn::optim::Adam::<Digits<f32>>::boxed(1.0),
        &nn::loss::SoftmaxCrossEntropy,
        &data,
        (1e-7, 1e-1),
        300,
        0,
    );
    if let (Some(s), Some(m)) = (sweep.steepest(), sweep.min_over_10()) {
        println!(
            "learning-rate range test (Adam, 1e-7 to 1e-1 over {} batches): steepest descent at {s:.1e}, minimum / 10 at {m:.1e} (this example uses 1e-3)",
            sweep.rates.len()
        );
    }
    if let Some((net, test, history)) = &first {
        if let Err(e) = pictures(net, test, history, &sweep) {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
    let args: Vec<String> = std::env::args().collect();
    if let (Some(dir), Some((net, test, _))) = (
        args.iter()
            .position(|a| a == "--save")
            .and_then(|i| args.get(i + 1)),
        first,
    ) {
        if let Err(e) = save(std::path::Path::new(dir), &net, &test) {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
    splits::require_mean_accuracy(&accuracies, TARGET);
}

/// Split 0's training curves (its held-out digits as the validation
/// columns), its confusion matrix on them, and the range test, as SVG and
/// PNG in `target/plots/`.
fn pictures(
    net: &Digits<f32>,
    test: &nn::train::Dataset<[f32; 64], usize>,
    history: &nn::train::History,
    sweep: &nn::train::LrRangeTest,
) -> Result<(), Box<dyn std::error::Error>> {
    use nn::train::{plot, ConfusionMatrix, Model};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plots");
    std::fs::create_dir_all(&dir)?;
    let predicted: Vec<usize> = net
        .predict(test.x())
        .iter()
        .map(|o| nn::train::argmax(o))
        .collect();
    let m = ConfusionMatrix::new(&predicted, test.y(), 10)?;
    for ext in ["svg", "png"] {
        let paths = [
            dir.join(format!("digits-training.{ext}")),
            dir.join(format!("digits-confusion.{ext}")),
            dir.join(format!("digits-lr-range.{ext}")),
        ];
        plot::training_curves(history, &paths[0])?;
        plot::confusion_matrix(&m, &paths[1])?;
        plot::lr_range(sweep, &paths[2])?;
        for p in &paths {
            println!("wrote {}", p.display());
        }
    }
    Ok(())
}

/// Writes the firmware's data: the weights and the held-out digits with
/// the host's predictions.
fn save(
    dir: &std::path::Path,
    net: &Digits<f32>,
    test: &nn::train::Dataset<[f32; 64], usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    nn::weights::save(net, dir.join("digits.nnw"))?;
    let mut bytes = (test.len() as u16).to_le_bytes().to_vec();
    for (x, y) in test.x().iter().zip(test.y()) {
        bytes.extend(x.iter().map(|p| (p * 16.0).round() as u8));
        bytes.push(*y as u8);
        bytes.push(nn::train::argmax(&net.forward(x)) as u8);
    }
    std::fs::write(dir.join("digits_test.bin"), bytes)?;
    println!(
        "saved split 0's network and {} test digits in {}",
        test.len(),
        dir.display()
    );
    Ok(())
}
