//! Train, save, load in a fresh value: the digits MLP (`data/digits.csv`)
//! is trained for 30 epochs, checkpointed (weights, Adam's moments and
//! step count, the trainer's epoch and generator), resumed from the
//! checkpoint in fresh values for 30 more epochs, and saved as a weight
//! file; the file is loaded into a new network whose predictions on the
//! held-out digits must equal the trained one's bit for bit, and the run
//! resumed from the checkpoint must equal 60 epochs straight through.
//!
//! Run: `cargo run --release --example save_load`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits.rs"]
mod networks;
#[path = "common/splits.rs"]
mod splits;
use networks::Digits;

use nn::prelude::*;
use nn::train::Trainer;
use nn::weights;

const BATCH: usize = 32;
const HALF: usize = 30;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let data = common::load_digits()?;
    let (train, test) = data.stratified_split(0.2, 100, |c| *c)?;
    let dir = std::env::temp_dir().join(format!("nn-save-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    // Straight through, for comparison.
    let mut straight = Digits::<f32>::new_boxed(0);
    let mut opt = Adam::<Digits<f32>>::boxed(1e-3);
    let mut trainer = Trainer::<f32, Digits<f32>, BATCH>::new(0);
    for _ in 0..2 * HALF {
        trainer.epoch(&mut straight, &mut *opt, &SoftmaxCrossEntropy, &train)?;
    }

    // Half, a checkpoint, and the rest in fresh values.
    let mut net = Digits::<f32>::new_boxed(0);
    let mut opt = Adam::<Digits<f32>>::boxed(1e-3);
    let mut trainer = Trainer::<f32, Digits<f32>, BATCH>::new(0);
    for _ in 0..HALF {
        trainer.epoch(&mut net, &mut *opt, &SoftmaxCrossEntropy, &train)?;
    }
    let checkpoint = dir.join("digits.ckpt");
    weights::save_checkpoint(&*net, &*opt, &trainer, &checkpoint)?;
    let mut net = Digits::<f32>::zeroed_boxed();
    let mut opt = Adam::<Digits<f32>>::boxed(1e-3);
    let mut trainer = Trainer::<f32, Digits<f32>, BATCH>::new(12345);
    weights::load_checkpoint(&mut *net, &mut *opt, &mut trainer, &checkpoint)?;
    println!(
        "resumed at epoch {} from {} ({} bytes)",
        trainer.epochs_done(),
        checkpoint.display(),
        std::fs::metadata(&checkpoint)?.len()
    );
    for _ in HALF..2 * HALF {
        trainer.epoch(&mut net, &mut *opt, &SoftmaxCrossEntropy, &train)?;
    }
    let resumed_equal = (0..Digits::<f32>::TENSORS).all(|i| {
        net.tensor(i)
            .iter()
            .zip(straight.tensor(i))
            .all(|(a, b)| a.to_bits() == b.to_bits())
    });

    // The trained weights in a file, loaded into a new network.
    let path = dir.join("digits.nnw");
    weights::save(&*net, &path)?;
    let size = std::fs::metadata(&path)?.len();
    let mut loaded = Digits::<f32>::zeroed_boxed();
    weights::load(&mut *loaded, &path)?;
    let same = test.x().iter().all(|x| {
        let (a, b) = (net.forward(x), loaded.forward(x));
        a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits())
    });
    let acc = splits::class_accuracy(&*loaded, &test);
    println!(
        "weight file {}: {size} bytes for {} parameters ({} bytes of f32, {} bytes of names, shapes and checksum)",
        path.display(),
        Digits::<f32>::PARAMS,
        Digits::<f32>::PARAM_BYTES,
        size - Digits::<f32>::PARAM_BYTES as u64
    );
    println!(
        "loaded network: test accuracy {:.2}% on {} held-out digits; predictions identical: {same}",
        acc * 100.0,
        test.len()
    );
    println!("resumed training identical to training straight through: {resumed_equal}");
    std::fs::remove_dir_all(&dir)?;
    if !same || !resumed_equal || acc < 0.95 {
        return Err(
            "FAILED: a saved and loaded network must predict exactly as the trained one".into(),
        );
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
