//! A convolutional GAN on the 8x8 digits (`data/digits.csv`), the
//! generator "deconvolutional": noise as a one-pixel image of 16 channels,
//! `ConvTranspose2d` up to 2x2, 4x4 and 8x8, a sigmoid for pixels in 0..1;
//! the discriminator two strided `Conv2d` and a logit, judging 2 images
//! at once (PacGAN packing, the pair as 2 channels). Trained by
//! `nn::adversarial::gan_step` (two Adam optimizers, betas 0.5 and 0.999,
//! both rates falling linearly from 2e-3 to 0 over 20,000 steps; 32
//! packed real and 32 packed fake inputs per step).
//!
//! Scored by the digits CNN (`examples/networks/digits_cnn.rs`, trained
//! here on every digit for 20 epochs): of 1,000 generated digits, how many
//! of the 10 classes appear among those it classifies with confidence
//! above 0.9, and the share it classifies with confidence above 0.9 (real
//! held-out digits score as a reference). Asserts at least 9 classes and a
//! confident share of at least 60%, and writes a grid of samples as a
//! picture (`target/plots/gan-digits.svg` and `.png`).
//!
//! Run: `cargo run --release --example gan_digits`.

#[path = "common/digits.rs"]
mod common;
#[path = "networks/digits_cnn.rs"]
mod networks;

use std::time::Instant;

use networks::DigitsCnn;
use nn::adversarial::{gan_step, GanBuffers};
use nn::prelude::*;
use nn::train::{Dataset, Fit};

const STEPS: usize = 20_000;
const BD: usize = 32;
const PACK: usize = 2;
const BG: usize = BD * PACK;
const SAMPLES: usize = 1_000;
const CONFIDENT: f32 = 0.9;

type Image = [[[f32; 8]; 8]; 1];

nn::network! {
    /// Noise to an 8x8 digit.
    struct Generator {
        input: [16, 1, 1],
        up1: ConvTranspose2d(32, kernel = 2),
        a1: Relu,
        up2: ConvTranspose2d(16, kernel = 4, stride = 2, padding = 1),
        a2: Relu,
        up3: ConvTranspose2d(1, kernel = 4, stride = 2, padding = 1),
        pixels: Sigmoid,
    }
}

nn::network! {
    /// Two digits side by side (as channels) to one logit.
    struct Discriminator {
        input: [2, 8, 8],
        c1: Conv2d(16, kernel = 3, stride = 2, padding = 1),
        a1: LeakyRelu(0.2),
        c2: Conv2d(32, kernel = 3, stride = 2, padding = 1),
        a2: LeakyRelu(0.2),
        flat: Flatten,
        out: Dense(1),
    }
}

fn noise(rng: &mut Rng) -> [[[f32; 1]; 1]; 16] {
    core::array::from_fn(|_| [[rng.normal() as f32]])
}

fn as_image(p: &[f32; 64]) -> Image {
    [core::array::from_fn(|r| {
        core::array::from_fn(|c| p[r * 8 + c])
    })]
}

fn train_gan(real: &[Image], seed: u64) -> Result<Box<Generator<f32>>, nn::step::StepError> {
    let mut g = Generator::<f32>::new_boxed(seed);
    let mut d = Discriminator::<f32>::new_boxed(seed + 100);
    let (mut gg, mut dg) = (
        Generator::<f32>::zeroed_boxed(),
        Discriminator::<f32>::zeroed_boxed(),
    );
    let mut g_trace = Generator::<f32>::new_trace::<BG>();
    let mut d_trace = Discriminator::<f32>::new_trace::<BD>();
    let mut packed = nn::boxed_zeroed::<[[[[f32; 8]; 8]; 2]; BD]>();
    let mut z = nn::boxed_zeroed::<[[[[f32; 1]; 1]; 16]; BG]>();
    let mut batch = nn::boxed_zeroed::<[[[[f32; 8]; 8]; 2]; BD]>();
    let (mut g_adam, mut d_adam) = (
        Adam::<Generator<f32>>::boxed(2e-3),
        Adam::<Discriminator<f32>>::boxed(2e-3),
    );
    g_adam.beta1 = 0.5;
    d_adam.beta1 = 0.5;
    let mut rng = Rng::seed(seed + 1_000);
    let mut ctx = TrainCtx::seed(seed);
    for step in 0..STEPS {
        let lr = 2e-3 * (1.0 - step as f64 / STEPS as f64);
        g_adam.lr = lr;
        d_adam.lr = lr;
        for v in z.iter_mut() {
            *v = noise(&mut rng);
        }
        for b in batch.iter_mut() {
            for slot in b.iter_mut() {
                *slot = real[rng.below(real.len())][0];
            }
        }
        gan_step(
            &mut *g,
            &mut *d,
            GanBuffers {
                g_grads: &mut gg,
                d_grads: &mut dg,
                g_trace: &mut g_trace,
                d_trace: &mut d_trace,
                packed: &mut packed,
            },
            &mut *g_adam,
            &mut *d_adam,
            &z,
            &batch,
            &mut ctx,
        )?;
    }
    Ok(g)
}

/// Classes seen among the confident predictions, and the confident share.
fn judge(cnn: &DigitsCnn<f32>, images: &[Image]) -> (usize, f64, [usize; 10]) {
    let mut counts = [0usize; 10];
    let mut confident = 0;
    for x in images {
        let logits = cnn.forward(x);
        let mut p = [0.0f32; 10];
        nn::layers::softmax(&logits, &mut p);
        let (c, best) = p
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(c, v)| (c, *v))
            .expect("ten classes");
        if best > CONFIDENT {
            confident += 1;
            counts[c] += 1;
        }
    }
    let classes = counts.iter().filter(|&&n| n > 0).count();
    (classes, confident as f64 / images.len() as f64, counts)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let flat = common::load_digits()?;
    let (train, test) = flat.stratified_split(0.2, 5, |c| *c)?;
    let images =
        |d: &Dataset<[f32; 64], usize>| -> Vec<Image> { d.x().iter().map(as_image).collect() };
    let (train_x, test_x) = (images(&train), images(&test));

    // The judge: the digits CNN, trained on the training digits.
    let mut cnn = DigitsCnn::<f32>::new_boxed(1);
    let data = Dataset::new(train_x.clone(), train.y().to_vec())?;
    Fit::<f32, DigitsCnn<f32>, usize, 32>::new(20).quiet().run(
        &mut cnn,
        &mut Adam::new(1e-3),
        &SoftmaxCrossEntropy,
        &data,
    )?;
    let (real_classes, real_share, _) = judge(&cnn, &test_x);
    println!(
        "the digits CNN on {} held-out real digits: {real_classes} classes, {:.1}% classified with confidence above {CONFIDENT}",
        test_x.len(),
        100.0 * real_share
    );

    let t = Instant::now();
    let g = train_gan(&train_x, 0)?;
    let mut rng = Rng::seed(77);
    let fakes: Vec<Image> = (0..SAMPLES).map(|_| g.forward(&noise(&mut rng))).collect();
    let (classes, share, counts) = judge(&cnn, &fakes);
    println!(
        "{SAMPLES} generated digits ({STEPS} steps, {:.1} s): {classes} of 10 classes appear, {:.1}% classified with confidence above {CONFIDENT}; per class {counts:?}",
        t.elapsed().as_secs_f64(),
        100.0 * share
    );

    // A grid of 10 x 10 samples: each digit's pixels as grey squares.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plots");
    std::fs::create_dir_all(&dir)?;
    let grid: Vec<[[f32; 8]; 8]> = fakes.iter().take(100).map(|x| x[0]).collect();
    for ext in ["svg", "png"] {
        let path = dir.join(format!("gan-digits.{ext}"));
        nn::train::plot::image_grid(&grid, 10, &path)?;
        println!("wrote {}", path.display());
    }
    println!("total time {:.1} s", start.elapsed().as_secs_f64());
    if classes < 9 || share < 0.6 {
        return Err(format!(
            "FAILED: {classes} classes and {:.1}% confident (need 9 and 60%)",
            100.0 * share
        )
        .into());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
