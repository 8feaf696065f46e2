//! Pictures as SVG files (plotters): training curves from a [`History`],
//! a [`ConfusionMatrix`], and a learning-rate range test. Each is written
//! atomically (a temporary file renamed over the target). SVG only: its
//! text needs no font library, where PNG would need one on the machine.

use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use plotters::prelude::*;

use super::{ConfusionMatrix, History, LrRangeTest};

/// Why a picture could not be made.
#[derive(Debug)]
pub struct PlotError(pub String);

impl core::fmt::Display for PlotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot draw the picture: {}", self.0)
    }
}

impl std::error::Error for PlotError {}

fn err<E: core::fmt::Debug>(e: E) -> PlotError {
    PlotError(std::format!("{e:?}"))
}

fn save(path: &Path, svg: &str) -> Result<(), PlotError> {
    crate::weights::write_file_atomically(path, svg.as_bytes())
        .map_err(|e| PlotError(e.to_string()))
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo - pad, hi + pad)
}

/// Training and validation loss per epoch (left) and the validation
/// metrics (right), to `path`.
pub fn training_curves(history: &History, path: impl AsRef<Path>) -> Result<(), PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (left, right) = root.split_horizontally(480);
        let n = history.epochs.len().max(1) as f64;
        let losses = history
            .epochs
            .iter()
            .flat_map(|e| [Some(e.loss), e.val_loss])
            .flatten();
        let (lo, hi) = range(losses);
        let mut chart = ChartBuilder::on(&left)
            .caption("loss", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .y_desc("loss")
            .draw()
            .map_err(err)?;
        let train: Vec<(f64, f64)> = history
            .epochs
            .iter()
            .map(|e| (e.epoch as f64 + 1.0, e.loss))
            .collect();
        chart
            .draw_series(LineSeries::new(train, &BLUE))
            .map_err(err)?
            .label("training")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLUE));
        let val: Vec<(f64, f64)> = history
            .epochs
            .iter()
            .filter_map(|e| e.val_loss.map(|v| (e.epoch as f64 + 1.0, v)))
            .collect();
        if !val.is_empty() {
            chart
                .draw_series(LineSeries::new(val, &RED))
                .map_err(err)?
                .label("validation")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .draw()
            .map_err(err)?;

        let names: Vec<&str> = history.epochs.first().map_or(Vec::new(), |e| {
            e.val_metrics.iter().map(|(n, _)| *n).collect()
        });
        let (lo, hi) = range(
            history
                .epochs
                .iter()
                .flat_map(|e| e.val_metrics.iter().map(|(_, v)| *v)),
        );
        let mut chart = ChartBuilder::on(&right)
            .caption("validation metrics", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n, lo..hi)
            .map_err(err)?;
        chart.configure_mesh().x_desc("epoch").draw().map_err(err)?;
        for (k, name) in names.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let points: Vec<(f64, f64)> = history
                .epochs
                .iter()
                .filter_map(|e| {
                    e.val_metrics
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| (e.epoch as f64 + 1.0, *v))
                })
                .collect();
            chart
                .draw_series(LineSeries::new(points, color))
                .map_err(err)?
                .label(*name)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
        }
        if !names.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE)
                .border_style(BLACK)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    save(path.as_ref(), &svg)
}

/// The confusion matrix as a grid of counts (rows: actual, columns:
/// predicted), darker for more, to `path`.
pub fn confusion_matrix(m: &ConfusionMatrix, path: impl AsRef<Path>) -> Result<(), PlotError> {
    let k = m.classes().max(1);
    let cell = 40i32;
    let size = (cell as u32 * k as u32 + 120, cell as u32 * k as u32 + 120);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let max = m.counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
        let (x0, y0) = (80i32, 60i32);
        let style = ("sans-serif", 14).into_font();
        root.draw(&Text::new(
            "predicted",
            (x0 + cell * k as i32 / 2 - 30, 20),
            style.clone(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            "actual",
            (4, y0 + cell * k as i32 / 2),
            style.clone(),
        ))
        .map_err(err)?;
        for a in 0..k {
            root.draw(&Text::new(
                a.to_string(),
                (x0 - 20, y0 + a as i32 * cell + 12),
                style.clone(),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                a.to_string(),
                (x0 + a as i32 * cell + 14, y0 - 20),
                style.clone(),
            ))
            .map_err(err)?;
            for p in 0..k {
                let c = m.counts[a][p] as f64 / max;
                let shade = (255.0 * (1.0 - 0.85 * c)) as u8;
                let (x, y) = (x0 + p as i32 * cell, y0 + a as i32 * cell);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    RGBColor(shade, shade, 255).filled(),
                ))
                .map_err(err)?;
                let ink = if c > 0.5 { &WHITE } else { &BLACK };
                root.draw(&Text::new(
                    m.counts[a][p].to_string(),
                    (x + 8, y + 12),
                    style.clone().color(ink),
                ))
                .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    save(path.as_ref(), &svg)
}

/// A learning-rate range test: the smoothed loss against the rate (log
/// scale), with the steepest-descent suggestion marked, to `path`.
pub fn lr_range(test: &LrRangeTest, path: impl AsRef<Path>) -> Result<(), PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let lo = test.rates.first().copied().unwrap_or(1e-7).max(1e-300);
        let hi = test.rates.last().copied().unwrap_or(1.0).max(lo * 10.0);
        let finite = test.smoothed.iter().copied().filter(|v| v.is_finite());
        let (ylo, yhi) = range(finite);
        let mut chart = ChartBuilder::on(&root)
            .caption("learning-rate range test", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d((lo..hi).log_scale(), ylo..yhi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("learning rate")
            .y_desc("smoothed loss")
            .draw()
            .map_err(err)?;
        let points: Vec<(f64, f64)> = test
            .rates
            .iter()
            .zip(&test.smoothed)
            .filter(|(_, l)| l.is_finite())
            .map(|(r, l)| (*r, *l))
            .collect();
        chart
            .draw_series(LineSeries::new(points, &BLUE))
            .map_err(err)?;
        if let Some(s) = test.steepest() {
            chart
                .draw_series(LineSeries::new([(s, ylo), (s, yhi)], &RED))
                .map_err(err)?
                .label(std::format!("steepest descent {s:.1e}"))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
            chart
                .configure_series_labels()
                .background_style(WHITE)
                .border_style(BLACK)
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    save(path.as_ref(), &svg)
}
