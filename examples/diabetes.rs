//! Regression of diabetes progression one year after baseline (Efron et
//! al. 2004, `data/diabetes.csv`): 10 standardised features, MSE, Adam.
//!
//! Five seeded 80/20 splits. Features and target are standardised with
//! statistics of each training part only (R^2 does not change under that
//! affine map). For each split the test R^2 of the network is printed
//! beside that of a plain linear model fitted by the same library (a
//! network with no hidden layer) on the same split. Exits non-zero if the
//! network's mean R^2 is below the target.
//!
//! Run: `cargo run --release --example diabetes`.

use nn::prelude::*;
use nn::train::{mean_std, r2_score, standardize, Dataset, Fit, Standardizer, Table};

#[path = "networks/diabetes.rs"]
mod networks;
use networks::*;

const SPLITS: u64 = 5;
const BATCH: usize = 16;
/// Mean test R^2 the network must reach.
const TARGET: f64 = 0.40;

type Data = Dataset<[f32; 10], [f32; 1]>;

fn to_dataset(x: &[Vec<f64>], y: &[f64]) -> Data {
    let x = x
        .iter()
        .map(|r| core::array::from_fn(|i| r[i] as f32))
        .collect();
    Dataset::new(x, y.iter().map(|v| [*v as f32]).collect()).expect("one target per row")
}

/// Trains `net` for `epochs` and returns its test R^2.
fn fit<N>(net: &mut N, epochs: usize, lr: f64, wd: f64, seed: u64, train: &Data, test: &Data) -> f64
where
    N: Network<f32, Input = [f32; 10], Output = [f32; 1]>,
{
    let mut adam = Adam::new(lr).with_weight_decay(wd);
    let run = Fit::<f32, N, [f32; 1], BATCH>::new(epochs)
        .seed(seed)
        .quiet()
        .run(net, &mut adam, &Mse, train);
    if let Err(e) = run {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let predicted: Vec<f64> = test.x().iter().map(|x| net.forward(x)[0] as f64).collect();
    let actual: Vec<f64> = test.y().iter().map(|y| y[0] as f64).collect();
    r2_score(&predicted, &actual)
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/diabetes.csv");
    let rows = match Table::read_csv(path, &[]).and_then(|t| t.dense("diabetes.csv")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    print!("{}", Progression::<f32>::SUMMARY);
    let features: Vec<Vec<f64>> = rows.iter().map(|r| r[..10].to_vec()).collect();
    let all =
        Dataset::new(features, rows.iter().map(|r| r[10]).collect()).expect("one target per row");

    let (mut net_r2, mut lin_r2) = (Vec::new(), Vec::new());
    for split in 0..SPLITS {
        let (train, test) = all.split(0.2, 300 + split).expect("0.2 is a fraction");
        let (mut train_x, mut test_x) = (train.x().to_vec(), test.x().to_vec());
        standardize(&mut train_x, &mut [&mut test_x]);
        let ys = Standardizer::fit(train.y().iter().map(std::slice::from_ref), 1);
        let scale = |ys_: &[f64]| -> Vec<f64> {
            ys_.iter().map(|v| (v - ys.mean[0]) / ys.std[0]).collect()
        };
        let (train, test) = (
            to_dataset(&train_x, &scale(train.y())),
            to_dataset(&test_x, &scale(test.y())),
        );

        let r_net = fit(
            &mut Progression::<f32>::new(split),
            100,
            3e-3,
            1e-2,
            split,
            &train,
            &test,
        );
        let r_lin = fit(
            &mut Linear::<f32>::new(split),
            200,
            1e-2,
            0.0,
            split,
            &train,
            &test,
        );
        println!("split {split}: test R^2 network {r_net:.3}, linear model {r_lin:.3}");
        net_r2.push(r_net);
        lin_r2.push(r_lin);
    }
    let (m, s) = mean_std(&net_r2);
    let (ml, sl) = mean_std(&lin_r2);
    println!("mean test R^2 over {SPLITS} splits: network {m:.3} (std {s:.3}), linear model {ml:.3} (std {sl:.3}); target {TARGET}");
    if m < TARGET {
        eprintln!("FAILED: mean R^2 below the target");
        std::process::exit(1);
    }
}
