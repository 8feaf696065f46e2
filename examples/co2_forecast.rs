//! Next-week CO2 at Mauna Loa from the previous 52 weeks
//! (`data/co2.csv`, weekly 1958-2001), with an LSTM.
//!
//! Missing weeks: the file has weeks with an empty value. The loader
//! reports them. Each 52-week input window is completed as it would be at
//! prediction time: a gap is interpolated linearly between the measured
//! weeks around it when both come before the predicted week, and a gap
//! that reaches the predicted week holds the last measured value, so no
//! input depends on the target or a later week. Only measured weeks are
//! ever *predicted and scored*: a missing week is never a target, in
//! training or in the test.
//!
//! The split is chronological: the last 20% of the target weeks are the
//! test set. Inputs are offsets from the newest week of the window and the
//! target is the change to the next week (scaled by training-set spreads),
//! so the network forecasts a level it never saw in training.
//!
//! Printed: the test RMSE (ppm) beside two baselines, the last value and
//! the value 52 weeks earlier plus the mean yearly rise of the training
//! period; the network must beat both, or the program exits non-zero.
//!
//! Run: `cargo run --release --example co2_forecast`.

use nn::prelude::*;
use nn::train::{rmse, Dataset, Fit, Table};

#[path = "networks/co2.rs"]
mod networks;
use networks::{Co2Forecaster, WINDOW};

const EPOCHS: usize = 40;
const BATCH: usize = 32;
const LR: f64 = 3e-3;

/// The weekly series: measured values (`None` where missing) and dates.
struct Series {
    weeks: Vec<String>,
    values: Vec<Option<f64>>,
}

fn load() -> Result<Series, Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/co2.csv");
    let table = Table::read_csv(path, &["week"])?;
    let col = table
        .column("co2_ppm")
        .ok_or("co2.csv: no column `co2_ppm`")?;
    let week = table.column("week").ok_or("co2.csv: no column `week`")?;
    let values = table.column_values(col);
    let weeks = (0..table.len())
        .map(|r| table.text(r, week).unwrap_or_default().to_string())
        .collect();
    if values.iter().filter(|v| v.is_some()).count() < 2 * WINDOW {
        return Err("co2.csv: too few measured weeks for 52-week windows".into());
    }
    Ok(Series { weeks, values })
}

/// Reports the missing weeks: how many, in how many gaps, the longest.
fn report_missing(s: &Series) {
    let missing: Vec<usize> = (0..s.values.len())
        .filter(|&i| s.values[i].is_none())
        .collect();
    let mut gaps: Vec<(usize, usize)> = Vec::new(); // (start, length)
    for &i in &missing {
        match gaps.last_mut() {
            Some((start, len)) if *start + *len == i => *len += 1,
            _ => gaps.push((i, 1)),
        }
    }
    let longest = gaps.iter().max_by_key(|g| g.1).copied();
    println!(
        "{} weeks, {} missing in {} gaps{}",
        s.values.len(),
        missing.len(),
        gaps.len(),
        longest.map_or(String::new(), |(start, len)| format!(
            " (longest: {len} weeks from {})",
            s.weeks[start]
        ))
    );
    let shown: Vec<&str> = missing
        .iter()
        .take(6)
        .map(|&i| s.weeks[i].as_str())
        .collect();
    println!(
        "  first missing weeks: {}{}",
        shown.join(", "),
        if missing.len() > shown.len() {
            ", ..."
        } else {
            ""
        }
    );
    println!("  handling: in each input window a gap is interpolated between the measured weeks around it, or, if it reaches the predicted week, holds the last measured value (inputs never see the target or later weeks); only measured weeks are predicted and scored");
}

/// The `WINDOW` weeks before week `t`, as known at `t`: a missing week is
/// interpolated linearly between the measured weeks around it when both
/// lie before `t`, and otherwise (a gap reaching up to `t`) carries the last
/// measured value forward, so no input ever depends on week `t` or later.
/// `known` lists the measured weeks in order.
fn history(values: &[Option<f64>], known: &[usize], t: usize) -> [f64; WINDOW] {
    let at = |i: usize| values[i].unwrap_or(0.0);
    core::array::from_fn(|j| {
        let k = t - WINDOW + j;
        if let Some(v) = values[k] {
            return v;
        }
        let next = known.partition_point(|&m| m < k);
        let before = next.checked_sub(1).map(|p| known[p]);
        let after = known.get(next).copied().filter(|&q| q < t);
        match (before, after) {
            (Some(a), Some(b)) => at(a) + (at(b) - at(a)) * (k - a) as f64 / (b - a) as f64,
            (Some(a), None) => at(a),
            (None, Some(b)) => at(b),
            (None, None) => 0.0,
        }
    })
}

/// Population standard deviation.
fn spread(xs: &[f64]) -> f64 {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

fn main() {
    let series = match load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    report_missing(&series);
    let values = &series.values;
    let known: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();

    // Every measured week with 52 weeks before it is a target.
    let targets: Vec<usize> = (WINDOW..values.len())
        .filter(|&t| values[t].is_some())
        .collect();
    let n_test = targets.len() / 5;
    let (train_t, test_t) = targets.split_at(targets.len() - n_test);
    println!(
        "{} windows: {} for training (to {}), {} for test (from {})",
        targets.len(),
        train_t.len(),
        series.weeks[train_t[train_t.len() - 1]],
        test_t.len(),
        series.weeks[test_t[0]]
    );
    // (history, measured target) of each target week.
    let windows = |ts: &[usize]| -> Vec<([f64; WINDOW], f64)> {
        ts.iter()
            .map(|&t| (history(values, &known, t), values[t].unwrap_or(0.0)))
            .collect()
    };
    let (train_w, test_w) = (windows(train_t), windows(test_t));

    // Inputs are offsets from the newest week of the window, the target is
    // the change from it; both scaled by training-window spreads.
    let newest = |h: &[f64; WINDOW]| h[WINDOW - 1];
    let offsets: Vec<f64> = train_w
        .iter()
        .flat_map(|(h, _)| h.iter().map(move |v| v - newest(h)))
        .collect();
    let changes: Vec<f64> = train_w.iter().map(|(h, y)| y - newest(h)).collect();
    let (x_scale, y_scale) = (spread(&offsets), spread(&changes));
    let to_data = |ws: &[([f64; WINDOW], f64)]| {
        let x = ws
            .iter()
            .map(|(h, _)| core::array::from_fn(|k| [((h[k] - newest(h)) / x_scale) as f32]))
            .collect();
        let y = ws
            .iter()
            .map(|(h, y)| [((y - newest(h)) / y_scale) as f32])
            .collect();
        Dataset::<[[f32; 1]; WINDOW], [f32; 1]>::new(x, y)
    };
    // Each window has its target, so the counts always pair up.
    let (train, test) = match (to_data(&train_w), to_data(&test_w)) {
        (Ok(train), Ok(test)) => (train, test),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };

    print!("{}", Co2Forecaster::<f32>::SUMMARY);
    let mut net = Co2Forecaster::<f32>::new_boxed(1);
    let mut opt = Adam::boxed(LR);
    let run = Fit::<f32, Co2Forecaster<f32>, [f32; 1], BATCH>::new(EPOCHS)
        .seed(1)
        .quiet()
        .run(&mut net, &mut *opt, &Mse, &train);
    let history = match run {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for (epoch, loss) in history.loss().iter().enumerate() {
        if epoch % 5 == 0 || epoch + 1 == EPOCHS {
            println!("  epoch {epoch:3}  loss {loss:.4}");
        }
    }

    let actual: Vec<f64> = test_w.iter().map(|(_, y)| *y).collect();
    let predicted: Vec<f64> = test_w
        .iter()
        .zip(test.x())
        .map(|((h, _), x)| newest(h) + net.forward(x)[0] as f64 * y_scale)
        .collect();
    let last_value: Vec<f64> = test_w.iter().map(|(h, _)| newest(h)).collect();
    // Mean rise over 52 weeks in the training period, between measured weeks.
    let rises: Vec<f64> = train_t
        .iter()
        .filter_map(|&t| Some(values[t]? - values[t - WINDOW]?))
        .collect();
    let rise = rises.iter().sum::<f64>() / rises.len().max(1) as f64;
    let seasonal: Vec<f64> = test_w.iter().map(|(h, _)| h[0] + rise).collect();

    let net_rmse = rmse(&predicted, &actual);
    let last_rmse = rmse(&last_value, &actual);
    let seasonal_rmse = rmse(&seasonal, &actual);
    println!("test RMSE (ppm), {} weeks:", actual.len());
    let seasonal_name = format!("52 weeks earlier + mean yearly rise ({rise:.2} ppm)");
    for (name, v) in [
        ("network (LSTM)", net_rmse),
        ("last value", last_rmse),
        (seasonal_name.as_str(), seasonal_rmse),
    ] {
        println!("  {name:<48} {v:.3}");
    }
    if !(net_rmse < last_rmse && net_rmse < seasonal_rmse) {
        eprintln!("FAILED: the network does not beat both baselines");
        std::process::exit(1);
    }
}
