//! Pictures (plotters): training curves from a [`History`], a
//! [`ConfusionMatrix`], and a learning-rate range test, as SVG or PNG by
//! the file's extension (`curves.svg`, `curves.png`). Each file is written
//! atomically (a temporary file renamed over the target). PNG text is
//! drawn with DejaVu Sans, bundled (`assets/`, its licence beside it), so
//! no font library or system font is needed.

use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
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

fn save(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    crate::weights::write_file_atomically(path, bytes).map_err(|e| PlotError(e.to_string()))
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

type Area<DB> = DrawingArea<DB, Shift>;
type Chart<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>;

/// A picture, drawn the same way on either backend.
trait Picture {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws on a white `root`.
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError>;
}

/// The bundled font, registered with plotters once, before any text
/// (its text layout needs a font for SVG too).
fn fonts() -> Result<(), PlotError> {
    static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(PlotError("the bundled font did not load".into()))
    }
}

/// Renders `picture` to `path` as SVG or PNG, by its extension.
fn render(picture: &impl Picture, path: &Path) -> Result<(), PlotError> {
    fonts()?;
    let size = picture.size();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
                root.fill(&WHITE).map_err(err)?;
                picture.draw(&root)?;
                root.present().map_err(err)?;
            }
            save(path, text.as_bytes())
        }
        Some("png") => {
            let mut rgb = std::vec![0u8; size.0 as usize * size.1 as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
                root.fill(&WHITE).map_err(err)?;
                picture.draw(&root)?;
                root.present().map_err(err)?;
            }
            let mut file = Vec::new();
            {
                let mut encoder = png::Encoder::new(&mut file, size.0, size.1);
                encoder.set_color(png::ColorType::Rgb);
                encoder.set_depth(png::BitDepth::Eight);
                let mut writer = encoder.write_header().map_err(err)?;
                writer.write_image_data(&rgb).map_err(err)?;
            }
            save(path, &file)
        }
        _ => Err(PlotError(std::format!(
            "{}: the picture's file name must end in .svg or .png",
            path.display()
        ))),
    }
}

/// A chart with a caption, axes described, over `x` and `y`.
fn chart<'a, DB: DrawingBackend, X: AsRangedCoord>(
    area: &'a Area<DB>,
    caption: &str,
    x: X,
    y: (f64, f64),
    (x_desc, y_desc): (&str, &str),
) -> Result<Chart<'a, DB, X::CoordDescType>, PlotError>
where
    X::CoordDescType: ValueFormatter<X::Value>,
{
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y.0..y.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// A labelled line, with its mark in the legend.
fn line<DB: DrawingBackend, X: Ranged<ValueType = f64>>(
    chart: &mut Chart<'_, DB, X>,
    points: Vec<(f64, f64)>,
    color: RGBAColor,
    label: &str,
) -> Result<(), PlotError> {
    chart
        .draw_series(LineSeries::new(points, color))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
    Ok(())
}

/// The legend of the lines drawn so far.
fn legend<'a, DB: DrawingBackend + 'a, X: Ranged<ValueType = f64>>(
    chart: &mut Chart<'a, DB, X>,
) -> Result<(), PlotError> {
    chart
        .configure_series_labels()
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// Training and validation loss per epoch (left) and the validation
/// metrics (right), to `path` (`.svg` or `.png`).
pub fn training_curves(history: &History, path: impl AsRef<Path>) -> Result<(), PlotError> {
    render(&Curves(history), path.as_ref())
}

struct Curves<'a>(&'a History);

impl Picture for Curves<'_> {
    fn size(&self) -> (u32, u32) {
        (960, 400)
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let history = self.0;
        let epoch = |e: &super::EpochLog| e.epoch as f64 + 1.0;
        let n = history.epochs.len().max(1) as f64;
        let (left, right) = root.split_horizontally(480);
        let losses = history
            .epochs
            .iter()
            .flat_map(|e| [Some(e.loss), e.val_loss])
            .flatten();
        let mut c = chart(&left, "loss", 0f64..n, range(losses), ("epoch", "loss"))?;
        let train = history.epochs.iter().map(|e| (epoch(e), e.loss)).collect();
        line(&mut c, train, BLUE.to_rgba(), "training")?;
        let val: Vec<(f64, f64)> = history
            .epochs
            .iter()
            .filter_map(|e| e.val_loss.map(|v| (epoch(e), v)))
            .collect();
        if !val.is_empty() {
            line(&mut c, val, RED.to_rgba(), "validation")?;
        }
        legend(&mut c)?;

        let names: Vec<&str> = history.epochs.first().map_or(Vec::new(), |e| {
            e.val_metrics.iter().map(|(n, _)| *n).collect()
        });
        let values = history
            .epochs
            .iter()
            .flat_map(|e| e.val_metrics.iter().map(|(_, v)| *v));
        let mut c = chart(
            &right,
            "validation metrics",
            0f64..n,
            range(values),
            ("epoch", ""),
        )?;
        for (k, name) in names.iter().enumerate() {
            let points = history
                .epochs
                .iter()
                .filter_map(|e| {
                    e.val_metrics
                        .iter()
                        .find(|(m, _)| m == name)
                        .map(|(_, v)| (epoch(e), *v))
                })
                .collect();
            line(&mut c, points, Palette99::pick(k).to_rgba(), name)?;
        }
        if !names.is_empty() {
            legend(&mut c)?;
        }
        Ok(())
    }
}

/// The confusion matrix as a grid of counts (rows: actual, columns:
/// predicted), darker for more, to `path` (`.svg` or `.png`).
pub fn confusion_matrix(m: &ConfusionMatrix, path: impl AsRef<Path>) -> Result<(), PlotError> {
    render(&Confusion(m), path.as_ref())
}

struct Confusion<'a>(&'a ConfusionMatrix);

/// The side of one cell, in pixels.
const CELL: i32 = 40;

impl Picture for Confusion<'_> {
    fn size(&self) -> (u32, u32) {
        let side = (CELL * self.0.classes().max(1) as i32) as u32 + 120;
        (side, side)
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let m = self.0;
        let (k, cell) = (m.classes().max(1) as i32, CELL);
        let max = m.counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
        let (x0, y0) = (80i32, 60i32);
        let font = ("sans-serif", 14).into_font();
        let text = |s: String, at: (i32, i32), ink: &RGBColor| {
            root.draw(&Text::new(s, at, font.clone().color(ink)))
                .map_err(err)
        };
        text("predicted".into(), (x0 + cell * k / 2 - 30, 20), &BLACK)?;
        text("actual".into(), (4, y0 + cell * k / 2), &BLACK)?;
        for a in 0..k {
            text(a.to_string(), (x0 - 20, y0 + a * cell + 12), &BLACK)?;
            text(a.to_string(), (x0 + a * cell + 14, y0 - 20), &BLACK)?;
            for p in 0..k {
                let count = m.counts[a as usize][p as usize];
                let c = count as f64 / max;
                let shade = (255.0 * (1.0 - 0.85 * c)) as u8;
                let (x, y) = (x0 + p * cell, y0 + a * cell);
                let fill = RGBColor(shade, shade, 255).filled();
                root.draw(&Rectangle::new([(x, y), (x + cell, y + cell)], fill))
                    .map_err(err)?;
                text(
                    count.to_string(),
                    (x + 8, y + 12),
                    if c > 0.5 { &WHITE } else { &BLACK },
                )?;
            }
        }
        Ok(())
    }
}

/// A learning-rate range test: the smoothed loss against the rate (log
/// scale), with the steepest-descent suggestion marked, to `path` (`.svg`
/// or `.png`).
pub fn lr_range(test: &LrRangeTest, path: impl AsRef<Path>) -> Result<(), PlotError> {
    render(&Range(test), path.as_ref())
}

struct Range<'a>(&'a LrRangeTest);

impl Picture for Range<'_> {
    fn size(&self) -> (u32, u32) {
        (640, 400)
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let test = self.0;
        let lo = test.rates.first().copied().unwrap_or(1e-7).max(1e-300);
        let hi = test.rates.last().copied().unwrap_or(1.0).max(lo * 10.0);
        let (ylo, yhi) = range(test.smoothed.iter().copied().filter(|v| v.is_finite()));
        let axes = ("learning rate", "smoothed loss");
        let mut c = chart(
            root,
            "learning-rate range test",
            (lo..hi).log_scale(),
            (ylo, yhi),
            axes,
        )?;
        let points: Vec<(f64, f64)> = test
            .rates
            .iter()
            .zip(&test.smoothed)
            .filter(|(_, l)| l.is_finite())
            .map(|(r, l)| (*r, *l))
            .collect();
        c.draw_series(LineSeries::new(points, &BLUE)).map_err(err)?;
        if let Some(s) = test.steepest() {
            let label = std::format!("steepest descent {s:.1e}");
            line(&mut c, std::vec![(s, ylo), (s, yhi)], RED.to_rgba(), &label)?;
            legend(&mut c)?;
        }
        Ok(())
    }
}

/// Points of several series as dots, each series in its colour with its
/// name in the legend (real against generated samples), to `path`
/// (`.svg` or `.png`).
pub fn scatter(series: &[(&str, &[(f64, f64)])], path: impl AsRef<Path>) -> Result<(), PlotError> {
    render(&Scatter(series), path.as_ref())
}

struct Scatter<'a>(&'a [(&'a str, &'a [(f64, f64)])]);

impl Picture for Scatter<'_> {
    fn size(&self) -> (u32, u32) {
        (560, 560)
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let all = || self.0.iter().flat_map(|(_, p)| p.iter());
        let (xlo, xhi) = range(all().map(|p| p.0));
        let (ylo, yhi) = range(all().map(|p| p.1));
        let mut c = chart(root, "samples", xlo..xhi, (ylo, yhi), ("x", "y"))?;
        for (k, (name, points)) in self.0.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            c.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(*p, 2, color.mix(0.5).filled())),
            )
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| Circle::new((x + 8, y), 3, color.filled()));
        }
        legend(&mut c)
    }
}

/// Grey images (values 0 to 1, 1 is ink) in a grid of `columns` columns,
/// as for generated digits, to `path` (`.svg` or `.png`).
pub fn image_grid<const H: usize, const W: usize>(
    images: &[[[f32; W]; H]],
    columns: usize,
    path: impl AsRef<Path>,
) -> Result<(), PlotError> {
    render(
        &Grid {
            images,
            columns: columns.max(1),
        },
        path.as_ref(),
    )
}

struct Grid<'a, const H: usize, const W: usize> {
    images: &'a [[[f32; W]; H]],
    columns: usize,
}

/// Pixels per image pixel, and the gap between images.
const PIXEL: i32 = 6;
const GAP: i32 = 4;

impl<const H: usize, const W: usize> Picture for Grid<'_, H, W> {
    fn size(&self) -> (u32, u32) {
        let rows = self.images.len().div_ceil(self.columns).max(1) as i32;
        let cell = |n: usize| n as i32 * PIXEL + GAP;
        (
            (cell(W) * self.columns as i32 + GAP) as u32,
            (cell(H) * rows + GAP) as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        for (k, image) in self.images.iter().enumerate() {
            let (r, c) = ((k / self.columns) as i32, (k % self.columns) as i32);
            let (x0, y0) = (
                GAP + c * (W as i32 * PIXEL + GAP),
                GAP + r * (H as i32 * PIXEL + GAP),
            );
            for (i, row) in image.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    let shade = (255.0 * (1.0 - v.clamp(0.0, 1.0))) as u8;
                    let (x, y) = (x0 + j as i32 * PIXEL, y0 + i as i32 * PIXEL);
                    root.draw(&Rectangle::new(
                        [(x, y), (x + PIXEL, y + PIXEL)],
                        RGBColor(shade, shade, shade).filled(),
                    ))
                    .map_err(err)?;
                }
            }
        }
        Ok(())
    }
}
