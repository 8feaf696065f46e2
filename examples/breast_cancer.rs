//! Binary classification of breast tumours (UCI Breast Cancer Wisconsin,
//! `data/breast_cancer.csv`): 30 standardised features, one logit,
//! binary cross-entropy on logits, Adam.
//!
//! Five seeded, stratified 80/20 splits; the features are standardised
//! with statistics of each training part only. Prints each split's test
//! accuracy and the mean, and exits non-zero below the target.
//!
//! Run: `cargo run --release --example breast_cancer`.

use nn::prelude::*;
use nn::train::{accuracy, standardize, Dataset, Fit, Table};

#[path = "networks/breast_cancer.rs"]
mod networks;
#[path = "common/splits.rs"]
mod splits;
use networks::*;

const SPLITS: u64 = 5;
const EPOCHS: usize = 60;
const BATCH: usize = 16;
/// Mean test accuracy the example must reach.
const TARGET: f64 = 0.96;

fn rows() -> Result<Vec<Vec<f64>>, nn::train::DataError> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/breast_cancer.csv");
    Table::read_csv(path, &[])?.dense("breast_cancer.csv")
}

fn to_dataset(features: &[Vec<f64>], labels: &[usize]) -> Dataset<[f32; 30], [f32; 1]> {
    let x = features
        .iter()
        .map(|r| core::array::from_fn(|i| r[i] as f32))
        .collect();
    let y = labels.iter().map(|l| [*l as f32]).collect();
    Dataset::new(x, y).expect("one label per row")
}

fn main() {
    let rows = match rows() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if let Some((i, r)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r[30] != 0.0 && r[30] != 1.0)
    {
        eprintln!("error: row {i}: label {} is not 0 or 1", r[30]);
        std::process::exit(2);
    }
    print!("{}", Tumour::<f32>::SUMMARY);
    let features: Vec<Vec<f64>> = rows.iter().map(|r| r[..30].to_vec()).collect();
    let labels: Vec<usize> = rows.iter().map(|r| r[30] as usize).collect();
    let all = Dataset::new(features, labels).expect("one label per row");

    let mut accuracies = Vec::new();
    for split in 0..SPLITS {
        let (train, test) = all
            .stratified_split(0.2, 200 + split, |c| *c)
            .expect("0.2 is a fraction and both classes have many samples");
        let ((mut train_x, train_y, _), (mut test_x, test_y, _)) =
            (train.into_parts(), test.into_parts());
        standardize(&mut train_x, &mut [&mut test_x]);
        let (train, test) = (to_dataset(&train_x, &train_y), to_dataset(&test_x, &test_y));

        let mut net = Tumour::<f32>::new(split);
        let mut adam = Adam::new(1e-3);
        let run = Fit::<f32, Tumour<f32>, [f32; 1], BATCH>::new(EPOCHS)
            .seed(split)
            .quiet()
            .run(&mut net, &mut adam, &BceWithLogits, &train);
        if let Err(e) = run {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        let predicted: Vec<usize> = test
            .x()
            .iter()
            .map(|x| usize::from(net.forward(x)[0] > 0.0))
            .collect();
        let actual: Vec<usize> = test.y().iter().map(|y| y[0] as usize).collect();
        let acc = accuracy(&predicted, &actual);
        splits::print_split(split, acc, test.len());
        accuracies.push(acc);
    }
    splits::require_mean_accuracy(&accuracies, TARGET);
}
